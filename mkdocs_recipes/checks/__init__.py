"""Checks on a page's code blocks: one module per kind of check, each returns findings."""
