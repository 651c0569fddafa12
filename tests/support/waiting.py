"""Servers a test starts and waits for: a free port, a condition polled until it holds."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def bounded(function, seconds: float = 60.0):
    """Run `function` in a thread; fail if it does not end in `seconds`."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = function()
        except BaseException as error:  # re-raised in the test's own thread
            result["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in result:
        raise result["error"]
    return result["value"]
