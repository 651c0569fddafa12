"""The checks across pages of one site, in a process of their own: what the language
server runs on save, so that the pages being typed never wait for the whole site.

`python -m mkdocs_recipes.lsp.whole_site CONFIG [--offline]` runs `check`'s own code on
the site (with its cache) and prints one JSON object: every finding of the site
(`findings`), and the indexes of those the checks across pages made (`across`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ..report.findings import Finding, Severity


def finding_of(data: dict) -> Finding:
    """A finding read back from `Finding.as_dict` (and `baselined`)."""
    return Finding(
        path=str(data["path"]),
        line=int(data["line"]),
        code=str(data["code"]),
        message=str(data["message"]),
        hint=data.get("hint"),
        column=data.get("column"),
        severity=Severity(data["severity"]),
        baselined=bool(data.get("baselined")),
    )


def main(arguments: list[str]) -> int:
    from ..site.checked import SiteCheckError
    from ..site.engines import use_engine_of
    from ..site_build import check_site

    config = Path(arguments[0]).resolve()
    os.chdir(config.parent)
    use_engine_of(config)
    out = sys.stdout
    sys.stdout = sys.stderr  # what a site's plugins print is not the answer
    try:
        report = check_site(config, offline="--offline" in arguments, cache=True)
    except SiteCheckError as error:
        json.dump({"problem": str(error)}, out)
        return 0
    across = {id(finding) for finding in report.across}
    json.dump(
        {
            "findings": [
                {**finding.as_dict(), "baselined": finding.baselined} for finding in report.findings
            ],
            "across": [n for n, finding in enumerate(report.findings) if id(finding) in across],
        },
        out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
