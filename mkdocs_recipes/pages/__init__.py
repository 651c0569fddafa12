"""A page's Markdown as the checks read it: its fenced blocks (`blocks`), their YAML with a
line for every key (`fragments`), documentation's elisions and placeholders
(`placeholders`), blocks that show another file (`included_files`), the Markdown we write
(`markup`) and the findings shown in the page (`page_findings`), and a page converted by
the site's own Python-Markdown (`rendering`).

May use: `report`, `base`.
"""
