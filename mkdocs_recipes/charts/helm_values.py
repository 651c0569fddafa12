"""Values as a given Helm major version reads them.

Helm 3 and Helm 4 read the same chart differently, and the check follows the one the
site's readers run (`helm_version`, default 4: Flux's helm-controller uses Helm 4 since
Flux 2.8, and Helm 3 is out of support):

* `values.yaml` with several YAML documents: Helm 4 deep-merges them in order (a later
  document's leaves win, mappings merge); Helm 3 reads the first and drops the rest.
* `values.schema.json` without `$schema`: Helm 4 applies JSON Schema draft 2020-12 (its
  validator's latest draft), Helm 3 draft 7. A `$schema` naming a draft is honoured by
  both.
* A subchart's schema applies to the parent's values under the subchart's key, for both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .archive import Chart

HELM_VERSIONS = (3, 4)
DEFAULT_HELM = 4


def merged_documents(documents: Iterable[Any]) -> Any:
    """The documents of one values file as Helm 4 reads them: deep-merged in order.
    Empty documents add nothing; a document that is not a mapping replaces what came
    before (Helm then rejects the file, as the chart's own tests would show)."""
    from ..pages.fragments import merge_values  # (not for what only needs DEFAULT_HELM)

    merged: Any = None
    for document in documents:
        if document is None:
            continue
        if isinstance(document, dict) and isinstance(merged, dict):
            merged = merge_values(merged, document)
        else:
            merged = document
    return {} if merged is None else merged


def default_draft(helm: int) -> Any:
    """The JSON Schema draft a schema without `$schema` is read as."""
    import jsonschema

    return jsonschema.Draft7Validator if helm == 3 else jsonschema.Draft202012Validator


_FOR_HELM: dict[tuple[int, int], tuple[Chart, Chart]] = {}


def for_helm(chart: Chart, helm: int) -> Chart:
    """`chart` as Helm `helm` reads it (the archive reader keeps Helm 4's reading, and
    every document of a multi-document values.yaml for Helm 3's)."""
    if chart.helm == helm:
        return chart
    known = _FOR_HELM.get((id(chart), helm))
    if known is not None and known[0] is chart:
        return known[1]
    documents = chart.values_documents
    values = chart.values
    if helm == 3 and documents:
        first = documents[0]
        values = {} if first is None else first
    read = dataclasses.replace(
        chart,
        values=values,
        helm=helm,
        subcharts={key: for_helm(sub, helm) for key, sub in chart.subcharts.items()},
    )
    if len(_FOR_HELM) > 256:
        _FOR_HELM.clear()
    _FOR_HELM[(id(chart), helm)] = (chart, read)
    return read
