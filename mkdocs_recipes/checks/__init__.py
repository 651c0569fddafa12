"""Checks on a page's code blocks and a site's pages: one module per kind of check, each
returns findings (`links/` reads a site's links and anchors; `across` judges recipes
against each other).

May use: `flux`, `recipe`, `charts`, `pages`, `report`, `base`.
"""
