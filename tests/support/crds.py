"""The real Flux CRDs in ../shared/flux-crds as a strict validator (the test oracle).

`openAPIV3Schema` becomes a JSON Schema in which every object with declared properties
rejects unknown fields, as `kubectl apply` with strict field validation does. The CEL
rules that matter for generated objects are checked by hand.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .paths import SHARED

CRD_DIR = SHARED / "flux-crds"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _strict(schema: Any) -> Any:
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if (
            "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


@cache
def served_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> strict JSON Schema, for every served version of every CRD."""
    schemas = {}
    for path in sorted(Path(CRD_DIR).glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                schemas[(f"{group}/{version['name']}", kind)] = _strict(schema)
    return schemas


def validate(obj: dict[str, Any]) -> list[str]:
    """Every reason the API server (CRD schema + CEL + name rules) would reject `obj`."""
    errors: list[str] = []
    api, kind = obj.get("apiVersion"), obj.get("kind")
    metadata = obj.get("metadata") or {}
    name = metadata.get("name", "")
    if not isinstance(name, str) or not _DNS_SUBDOMAIN.match(name) or len(name) > 253:
        errors.append(f"metadata.name {name!r} is not a DNS-1123 subdomain")
    if api == "v1" and kind == "Namespace":
        if set(obj) - {"apiVersion", "kind", "metadata"} or set(metadata) - {"name", "labels"}:
            errors.append("unknown fields in Namespace")
        if not _DNS_LABEL.match(name) or len(name) > 63:
            errors.append(f"namespace name {name!r} is not a DNS-1123 label")
        return errors
    schema = served_schemas().get((api, kind))
    if schema is None:
        return [*errors, f"{api} {kind} is not served by the Flux CRDs"]
    namespace = metadata.get("namespace")
    if not namespace or not _DNS_LABEL.match(namespace):
        errors.append(f"metadata.namespace {namespace!r} missing or invalid")
    validator = jsonschema.Draft7Validator(schema)
    errors += [
        f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(obj)
    ]
    spec = obj.get("spec") or {}
    if kind == "HelmRelease" and ("chart" in spec) == ("chartRef" in spec):
        errors.append("HelmRelease: either chart or chartRef must be set")
    return errors
