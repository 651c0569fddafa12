"""Objects checked against the CustomResourceDefinitions a cluster serves.

The package ships no CRDs (they belong to the Flux release a reader runs). `export` reads
them from where a GitOps repository already keeps them: the `gotk-components.yaml` that
`flux bootstrap` commits (CRDs and controllers in one multi-document file), or any CRD
manifests given with `--crds` (`flux install --export`, `kubectl get crd -o yaml`).

Each served version's `openAPIV3Schema` becomes a JSON Schema in which an object with
declared properties takes no others (as the API server's strict field validation), with
`nullable` and `x-kubernetes-int-or-string` read as Kubernetes reads them. CEL rules
(`x-kubernetes-validations`) are not evaluated.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..base.regular_files import read_text
from ..base.schema_guard import GuardedSchema
from ..base.yaml_limits import YamlTooLarge, documents_bounded
from ..report.findings import Finding, display_path

#: What `flux bootstrap` names the file holding the CRDs in the repository.
BOOTSTRAP_FILE = "gotk-components.yaml"
#: A CRD file larger than this is not read (Flux's whole install is under 5 MB).
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Values one document may stand for once its aliases are expanded (Flux's largest CRD,
#: HelmRelease, has a few thousand).
_MAX_NODES = 500_000
#: Values all the documents read may stand for together (a whole Flux install: ~100,000):
#: each is converted into a schema tree of that size.
MAX_TOTAL_NODES = 2_000_000
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class CrdSchemas:
    """Served (apiVersion, kind) -> JSON Schema, and where they were read from."""

    schemas: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: kind -> the API versions the CRDs serve for it.
    served: dict[str, list[str]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    #: Files that could not be read, with the reason.
    problems: list[str] = field(default_factory=list)
    #: What a schema could not apply (a reference elsewhere, a pattern RE2 cannot run),
    #: at the CRD it comes from: info findings, each said once.
    unchecked: list[Finding] = field(default_factory=list)
    #: (apiVersion, kind) -> (the CRD file, the line of its document).
    origins: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    _guarded: dict[tuple[str, str], GuardedSchema] = field(default_factory=dict)
    _budget: list[int] = field(default_factory=lambda: [MAX_TOTAL_NODES])

    @classmethod
    def load(cls, paths: Iterable[Path]) -> CrdSchemas:
        """The CRDs in `paths` (files, or folders searched for *.yaml / *.yml)."""
        found = cls()
        for file in _files(paths):
            found.read(file)
        return found

    def read(self, file: Path) -> None:
        try:
            text = read_text(file, MAX_FILE_BYTES)
        except (OSError, UnicodeDecodeError) as error:
            self.problems.append(f"{file}: cannot be read ({error})")
            return
        if "CustomResourceDefinition" not in text:
            return
        added = False
        try:
            for node, document in documents_bounded(text, _Loader, _MAX_NODES, self._budget):
                added |= self._add(document, (str(file), node.start_mark.line + 1))
        except (yaml.YAMLError, YamlTooLarge) as error:
            self.problems.append(f"{file}: not YAML ({str(error).splitlines()[0][:120]})")
        if added:
            self.sources.append(str(file))

    def _add(self, crd: Any, origin: tuple[str, int]) -> bool:
        if not isinstance(crd, dict) or crd.get("kind") != "CustomResourceDefinition":
            return False
        spec = crd.get("spec") or {}
        group = spec.get("group")
        kind = (spec.get("names") or {}).get("kind")
        if not isinstance(group, str) or not isinstance(kind, str):
            return False
        added = False
        for version in spec.get("versions") or ():
            if not isinstance(version, dict) or not version.get("served"):
                continue
            schema = ((version.get("schema") or {}).get("openAPIV3Schema")) or {}
            api = f"{group}/{version.get('name')}"
            self.schemas[(api, kind)] = _as_json_schema(schema)
            self.origins[(api, kind)] = origin
            self._guarded.pop((api, kind), None)
            self.served.setdefault(kind, []).append(api)
            added = True
        return added

    def covers(self, kind: str) -> bool:
        return kind in self.served

    def problems_of(self, body: dict[str, Any], *, partial: bool = False) -> list[str]:
        """Why the API server would reject `body` (empty: it accepts it). Only for kinds
        these CRDs define (`covers`). `partial`: the object is a documentation example,
        which may leave fields out; a missing required field is not a problem then."""
        import jsonschema

        api, kind = body.get("apiVersion"), body.get("kind")
        key = (str(api), str(kind))
        schema = self.schemas.get(key)
        if schema is None:
            served = ", ".join(self.served.get(str(kind), [])) or "none"
            return [f"{api} is not served for {kind} by these CRDs (they serve: {served})"]
        guarded = self._guarded.get(key)
        if guarded is None:
            guarded = self._guarded[key] = GuardedSchema(schema, jsonschema.Draft7Validator)
        outcome = guarded.validate(body)
        if outcome.unchecked:
            self._note(key, outcome.unchecked)
        return sorted(
            f"{'.'.join(str(p) for p in error.absolute_path) or '(the object)'}: "
            f"{error.message[:200]}"
            for error in outcome.errors
            if not (partial and error.validator == "required")
        )

    def _note(self, key: tuple[str, str], unchecked: list[str]) -> None:
        file, line = self.origins[key]
        file = display_path(file)
        finding = Finding.of(
            "crd-schema-unchecked",
            file,
            line,
            f"parts of the {key[1]} {key[0]} schema were not applied: " + "; ".join(unchecked[:3]),
            "nothing, unless the CRD file is not the one the cluster serves",
        )
        if finding not in self.unchecked:
            self.unchecked.append(finding)


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from yaml_files(path)
        elif path.is_file():
            yield path


def yaml_files(folder: Path) -> Iterator[Path]:
    """The *.yaml / *.yml files under `folder`, in path order, hidden folders (`.git`)
    left out."""
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                yield Path(root) / name


def bootstrap_files(folder: Path) -> list[Path]:
    """The `gotk-components.yaml` files `flux bootstrap` wrote under `folder`."""
    return [file for file in yaml_files(folder) if file.name == BOOTSTRAP_FILE]


def _as_json_schema(schema: Any) -> Any:
    """A CRD's structural schema as a JSON Schema (Draft 7) the API server agrees with."""
    if isinstance(schema, list):
        return [_as_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {
        key: (
            {name: _as_json_schema(sub) for name, sub in value.items()}
            if key == "properties" and isinstance(value, dict)
            else _as_json_schema(value)
        )
        for key, value in schema.items()
        if not key.startswith("x-kubernetes-") and key != "nullable"
    }
    if schema.get("x-kubernetes-int-or-string"):
        converted.pop("type", None)
        converted["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if schema.get("nullable") and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    if (
        "properties" in converted
        and "additionalProperties" not in converted
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        converted["additionalProperties"] = False
    return converted
