"""Other code's logging and printing kept off a command's report for a while.

Plugins and Markdown extensions log and print their own complaints while `check` runs
them (markdown-include prints on stdout, which is `check`'s report). Those are the
build's to show, not findings.
"""

from __future__ import annotations

import contextlib
import io
import logging
from contextlib import contextmanager


@contextmanager
def quieted(level: int, *names: str):
    """The loggers `names` (the root logger for "") set to `level` for a while."""
    loggers = [logging.getLogger(name or None) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, before in zip(loggers, levels, strict=True):
            logger.setLevel(before)


@contextmanager
def captured_output():
    """What a plugin or extension prints (on stdout, which is `check`'s report, or on
    stderr, where CI reads workflow commands) is not shown."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield
