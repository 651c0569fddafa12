"""Findings and what becomes of them: their codes and severities (`findings`), the levels a
site, a page or a block sets (`severities`), the baseline of accepted ones (`baseline`),
the repairs they carry applied to files (`fixes`), and `check`'s output formats
(`formats`).

May use: `base`.
"""
