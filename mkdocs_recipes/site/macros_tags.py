"""mkdocs-macros' rendering of a page, done tag by tag when the page allows it."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from .engine import macros_render

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page
    from mkdocs_macros.plugin import MacrosPlugin


_OPENING = re.compile(r"\{[{%#]")
_CLOSING = {"{": "}}", "%": "%}", "#": "#}"}


def jinja_tags(markdown: str) -> list[tuple[int, int]] | None:
    """(start, end) of each Jinja tag in `markdown`, in one pass; None when a tag opens
    inside another or never closes (mkdocs-macros then judges the page itself)."""
    tags: list[tuple[int, int]] = []
    position = 0
    while (opening := _OPENING.search(markdown, position)) is not None:
        start = opening.start()
        end = markdown.find(_CLOSING[markdown[start + 1]], start + 2)
        if end == -1:
            return None
        end += 2
        inner = _OPENING.search(markdown, start + 2, end - 2)
        if inner is not None:
            return None
        tags.append((start, end))
        position = end
    return tags


class TagRenderer:
    """mkdocs-macros' rendering of a page, done tag by tag.

    mkdocs-macros compiles each page as one Jinja template, which costs more than all the
    checks together. Most pages only hold `{% include %}` and `{{ expression }}` tags: each
    distinct tag is compiled once for the whole site, in the same environment and with the
    same variables, and rendered in place; the text around it is kept as it is. A macros
    module's `on_pre_page_macros` and `on_post_page_macros` run around that, as
    mkdocs-macros runs them. Any other statement (`{% if %}`, `{% set %}`, `{% raw %}`,
    ...), whitespace control, comments or custom delimiters: None, and the caller lets
    mkdocs-macros render the page itself."""

    def __init__(self, macros: MacrosPlugin) -> None:
        env = macros.env
        self.macros = macros
        self.enabled = (
            (env.variable_start_string, env.block_start_string, env.comment_start_string)
            == ("{{", "{%", "{#")
            and (env.variable_end_string, env.block_end_string, env.comment_end_string)
            == ("}}", "%}", "#}")
            and not env.trim_blocks
            and not env.lstrip_blocks
            and env.line_statement_prefix is None
            and env.line_comment_prefix is None
            and env.newline_sequence == "\n"
        )
        # Our own pluglet hook only adds the packaged includes, as the plugin did.
        self.before = [
            f
            for f in getattr(macros, "pre_macro_functions", None) or ()
            if f.__module__ not in ("mkdocs_recipes", "mkdocs_recipes.pluglet")
        ]
        self.after = list(getattr(macros, "post_macro_functions", None) or ())
        self.templates: dict[str, Any] = {}
        # The site's variables, copied once (mkdocs-macros copies them for every page).
        self.variables = dict(macros.variables)
        # No include changes while a check runs: each is read once, not stat-ed again
        # by every page that includes it.
        env.auto_reload = False

    def renders(self, page: Page) -> bool:
        """Whether mkdocs-macros renders the page at all."""
        meta = getattr(page, "meta", None) or {}
        by_default = self.macros.config.get("render_by_default", True)
        return bool(self.macros.force_page_rendering(page.file.src_path)) or macros_render(
            by_default, meta
        )

    def render(self, markdown: str, page: Page, rendered: bool) -> str | None:
        """`rendered`: what `renders(page)` said."""
        if not self.enabled:
            return None
        if not self.before and not self.after:
            return self._tags(markdown, page, rendered, self.variables)
        macros = self.macros
        try:
            # What mkdocs-macros' on_page_markdown sets before its hooks run (its own
            # attributes: should a later version name them otherwise, the hooks fail here
            # and mkdocs-macros renders the page itself).
            macros._page = page
            macros.variables["page"] = copy.copy(page)
            macros._markdown = markdown
            for hook in self.before:
                hook(macros)
            done = self._tags(macros.markdown, page, rendered, dict(macros.variables))
            if done is None:
                return None
            macros.markdown = done
            for hook in self.after:
                hook(macros)
            return str(macros.markdown)
        except Exception:
            return None  # let mkdocs-macros render it, and report what fails

    def _tags(
        self, markdown: str, page: Page, rendered: bool, site_variables: dict[str, Any]
    ) -> str | None:
        if not rendered:
            return markdown  # mkdocs-macros leaves such a page as written
        meta = getattr(page, "meta", None) or {}
        spans = jinja_tags(markdown)
        if spans is None:
            return None
        if not spans:
            return markdown
        for start, end in spans:
            text = markdown[start:end]
            if text.startswith("{#") or text[2] in "-+" or text[-3] in "-+":
                return None
            if text.startswith("{%") and text[2:].split(None, 1)[:1] != ["include"]:
                return None
        variables = {**site_variables, **meta, "page": page}
        parts = []
        position = 0
        concat = self.macros.env.concat
        context = None
        try:
            for start, end in spans:
                text = markdown[start:end]
                template = self.templates.get(text)
                if template is None:
                    template = self.templates[text] = self.macros.env.from_string(text)
                if context is None:
                    # One context for the page's tags, as the page template has: such tags
                    # only read it (what an include sets stays in the include's own).
                    context = template.new_context(variables)
                parts.append(markdown[position:start])
                parts.append(concat(template.root_render_func(context)))
                position = end
        except Exception:
            return None  # let mkdocs-macros render it, and report what fails
        parts.append(markdown[position:])
        return "".join(parts)
