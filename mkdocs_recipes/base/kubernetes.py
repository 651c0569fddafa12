"""Kubernetes naming rules, as the API server applies them."""

from __future__ import annotations

import re

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

#: Helm refuses release names longer than this (`helm install` and helm-controller alike).
HELM_RELEASE_NAME_MAX = 53


def label_problem(value: str, max_length: int = 63) -> str | None:
    """Why `value` is not a DNS-1123 label (namespaces), or None when it is one."""
    if len(value) > max_length:
        return f"is {len(value)} characters long; the limit is {max_length}"
    if not _LABEL.match(value):
        return (
            "must consist of lower-case letters, digits and '-', "
            "and start and end with a letter or digit"
        )
    return None


def subdomain_problem(value: str, max_length: int = 253) -> str | None:
    """Why `value` is not a DNS-1123 subdomain (most object names), or None."""
    if len(value) > max_length:
        return f"is {len(value)} characters long; the limit is {max_length}"
    if not _SUBDOMAIN.match(value):
        return (
            "must consist of lower-case letters, digits, '-' and '.', "
            "and start and end with a letter or digit"
        )
    return None


def suggest_name(value: str, max_length: int = 63) -> str:
    """A valid name close to `value`: `Kube_Dashboard` -> `kube-dashboard`."""
    name = re.sub(r"[^a-z0-9-]+", "-", value.lower())
    name = re.sub(r"-{2,}", "-", name).strip("-")[:max_length].strip("-")
    return name or "my-app"
