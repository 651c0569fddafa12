"""A recipe: which front-matter makes a page one (`keys`), the front-matter read with its
lines (`frontmatter`), and the typed, validated `Recipe` (`model`).

May use: `charts` (version constraints), `pages`, `report`, `base`.
"""
