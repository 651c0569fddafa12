"""The picture of ARCHITECTURE.md, made from the code: which layer imports which.

The layers are the import contract's in pyproject.toml (`[tool.importlinter]`), highest
first; the arrows are the imports grimp (import-linter's graph) finds between them,
function-level and type-checking ones included. ARCHITECTURE.md holds the output between
two marker lines; tests/test_layers.py fails when it is not the current one.

    .venv/bin/python scripts/architecture_picture.py            # print the picture
    .venv/bin/python scripts/architecture_picture.py --write    # update ARCHITECTURE.md
"""

from __future__ import annotations

import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "ARCHITECTURE.md"
BEGIN = "<!-- picture: made by scripts/architecture_picture.py; do not edit -->"
END = "<!-- end of picture -->"


def layers() -> list[list[str]]:
    """The contract's layers, highest first, each a list of its siblings."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = settings["tool"]["importlinter"]["contracts"]
    return [
        [part.strip() for part in layer.replace("|", ":").split(":")]
        for layer in contract["layers"]
    ]


def picture() -> str:
    """A Mermaid flowchart: a box per folder or front-end module, and an arrow from each
    to what it imports. Arrows implied by others are left out (the transitive
    reduction): `a --> b --> c` drawn, `a --> c` is there or not, `a` depends on `c`."""
    import grimp

    package = "mkdocs_recipes"
    graph = grimp.build_graph(package, cache_dir=None)
    units = [unit for layer in layers() for unit in layer]

    def unit_of(module: str) -> str | None:
        tail = module.removeprefix(package + ".").split(".")[0]
        return tail if tail in units else None

    arrows: set[tuple[str, str]] = set()
    for module in graph.modules:
        importer = unit_of(module)
        if importer is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = unit_of(imported)
            if target is not None and target != importer:
                arrows.add((importer, target))
    arrows = _reduced(arrows)
    rank = {unit: number for number, layer in enumerate(layers()) for unit in layer}
    lines = ["```mermaid", "flowchart TD"]
    for number, layer in enumerate(layers()):
        if len(layer) > 1:
            lines.append(f"    subgraph L{number} [front ends]")
            lines += [f"        {unit}" for unit in layer]
            lines.append("    end")
        else:
            lines.append(f"    {layer[0]}")
    for importer, target in sorted(arrows, key=lambda a: (rank[a[0]], rank[a[1]], a)):
        lines.append(f"    {importer} --> {target}")
    lines.append("```")
    return "\n".join(lines) + "\n"


def _reduced(arrows: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The arrows no longer path between the same two boxes implies (the imports are
    acyclic between layers; the contract keeps them so)."""
    after: dict[str, set[str]] = {}
    for importer, target in arrows:
        after.setdefault(importer, set()).add(target)

    def reached(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [t for t in after.get(start, ())]
        while todo:
            unit = todo.pop()
            if unit not in seen:
                seen.add(unit)
                todo += after.get(unit, ())
        return seen

    return {
        (importer, target)
        for importer, target in arrows
        if not any(target in reached(middle) for middle in after[importer] - {target})
    }


def current(document: str) -> str:
    """`document` with the picture between its markers made anew."""
    start = document.index(BEGIN) + len(BEGIN)
    end = document.index(END)
    return document[:start] + "\n" + picture() + document[end:]


def main() -> int:
    if sys.argv[1:] == ["--write"]:
        DOCUMENT.write_text(current(DOCUMENT.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    sys.stdout.write(picture())
    return 0


if __name__ == "__main__":
    sys.exit(main())
