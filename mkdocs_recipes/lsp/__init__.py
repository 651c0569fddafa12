"""The editor's front end: `mkdocs-recipes lsp`, a language server over stdio (pygls).

`server` speaks the protocol; `sites` keeps each open site loaded as its build loads it
and reads pages from the editor's buffers (`site_build`); `cursor` says where a position
stands in a page; `chart_docs` what a chart says about a values key; `features` answers
completion, hover, definition and code actions. May use: the other front ends and
everything below them. Imported only by the `lsp` command: pygls is the `lsp` extra,
and importing this package without it is an ImportError that says what to install.
"""

try:
    import lsprotocol  # noqa: F401
    import pygls  # noqa: F401
except ImportError as error:  # pragma: no cover (the fresh-install test runs it)
    raise ImportError(
        "the language server needs pygls: pip install 'mkdocs-recipes[lsp]'"
    ) from error
