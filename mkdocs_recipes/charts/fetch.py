"""Downloads over HTTP(S) (and `file://` for mirrors on disk), with the failure modes named.

Timeouts on connect and read, bounded retries with backoff on 5xx and broken downloads,
a size limit on every body, and conditional requests. Every failure becomes a
`FetchError` that names the URL and what happened, never a raw exception.

No network is a normal case (CI runners, laptops on planes): a host whose name does not
resolve, or that refuses or times out the connection, is asked once and not retried, and
every later request to it in the same build fails at once with the same reason.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from .._version import __version__
from . import set_wait_notice, wait_notice

USER_AGENT = f"mkdocs-recipes/{__version__}"
MiB = 1024 * 1024


class NetworkPolicy(NamedTuple):
    """Limits for every request. The defaults suit public chart repositories."""

    connect_timeout: float = 10.0
    #: The first-byte budget: seconds a host may stay silent (for its headers, or between
    #: two parts of a body) before it is given up for the build. A docs build must not
    #: sit for half a minute behind a host that accepted the connection and went quiet.
    read_timeout: float = 10.0
    #: Seconds of silence after which the terminal is told which host is being waited for.
    notice_after: float = 2.0
    retries: int = 3
    backoff: float = 0.5
    #: The largest public indexes are tens of MiB; parsing one costs ~25x its size in memory.
    max_index_bytes: int = 64 * MiB
    max_chart_bytes: int = 50 * MiB
    #: Seconds a whole download may take, headers, retries and waits included: the read
    #: timeout restarts with every byte, so a server that drips one byte at a time (of
    #: its headers or its body) is only stopped by this.
    deadline: float = 120.0
    #: A server's `Retry-After` is honoured up to this many seconds (and never past the
    #: deadline); urllib3 would wait hours.
    max_retry_after: float = 5.0


class FetchError(Exception):
    """A download that failed; `reason` says how in words an author can act on."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    #: Header names in lower case.
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def redact(url: str) -> str:
    """`url` without any user:password part, for messages."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return parts._replace(netloc=netloc).geturl()
    return url


@functools.cache
def _urllib3() -> Any:
    """urllib3, imported on the first real request: an offline build never pays for it."""
    import urllib3
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, ReadTimeoutError
    from urllib3.util import Retry

    class FailFastRetry(Retry):
        """Retries that give up at once when the host cannot be reached at all: a name
        that does not resolve, a refused connection or a connect timeout will not be
        different half a second later. (In urllib3 2, name resolution and refused
        connections are kinds of `ConnectTimeoutError`.) No retry, and no wait, goes
        past the download's deadline; `Retry-After` is honoured up to a few seconds."""

        max_retry_after = 5.0

        def increment(self, method=None, url=None, response=None, error=None, _pool=None, **kw):
            # A server that accepts and stays silent is not retried either.
            if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
                raise MaxRetryError(_pool, url or "", error) from error
            if _remaining() <= 0:
                raise DeadlineExceeded()
            return super().increment(method, url, response, error, _pool, **kw)

        def get_retry_after(self, response):
            wait = super().get_retry_after(response)
            return None if wait is None else min(wait, self.max_retry_after)

        def sleep(self, response=None):
            wait = self.get_retry_after(response) if response is not None else None
            if wait is None:
                wait = self.get_backoff_time()
            if wait >= _remaining():
                raise DeadlineExceeded()
            if wait > 0:
                time.sleep(wait)

    def watched(base: type) -> type:
        class Watched(base):
            """A connection whose wait for the response's headers ends at the download's
            deadline: the socket is shut when it passes."""

            def getresponse(self, *args, **kwargs):
                remaining = _remaining()
                timer = None
                if remaining != float("inf"):
                    timer = threading.Timer(max(0.0, remaining), self._expire)
                    timer.daemon = True
                    timer.start()
                self._expired = False
                try:
                    response = super().getresponse(*args, **kwargs)
                except Exception:
                    if self._expired:
                        raise DeadlineExceeded() from None
                    raise
                finally:
                    if timer is not None:
                        timer.cancel()
                if self._expired:  # what arrived before the socket was shut is not it
                    raise DeadlineExceeded()
                return response

            def _expire(self) -> None:
                self._expired = True
                sock = getattr(self, "sock", None)
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

        return Watched

    class WatchedPool(HTTPConnectionPool):
        ConnectionCls = watched(HTTPConnection)

    class WatchedTlsPool(HTTPSConnectionPool):
        ConnectionCls = watched(HTTPSConnection)

    urllib3.FailFastRetry = FailFastRetry  # type: ignore[attr-defined]
    urllib3.WATCHED_POOLS = {"http": WatchedPool, "https": WatchedTlsPool}  # type: ignore[attr-defined]
    return urllib3


class DeadlineExceeded(Exception):
    """The download's deadline passed (between retries, or while waiting for headers)."""


#: When the current thread's download must end (`time.monotonic()`), while one runs.
_deadline = threading.local()


def _remaining() -> float:
    at = getattr(_deadline, "at", None)
    return float("inf") if at is None else at - time.monotonic()


def host_of(url: str) -> str:
    """`host[:port]` of a URL, lower case, without credentials."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return ""


def _log_wait(text: str) -> None:
    logging.getLogger("mkdocs.plugins.recipes").info(text)


#: Where "waiting for <host>" goes: the build's log (INFO, as MkDocs shows it) unless
#: the command line set its own (`set_wait_notice`, kept in `charts`).
_wait_notice = wait_notice
__all__ = ["set_wait_notice"]


class Http:
    """A small client: one connection pool per build, retries and limits from a policy.

    Thread-safe: distinct hosts may be fetched from concurrently."""

    def __init__(self, policy: NetworkPolicy | None = None) -> None:
        self.policy = policy or NetworkPolicy()
        #: Hosts that could not be reached in this build, and why.
        self.unreachable: dict[str, str] = {}
        #: Requests that went to the network, per host (what "asked once" means).
        self.attempts: dict[str, int] = {}
        #: Hosts the terminal was told it waits for (once each).
        self.noticed: set[str] = set()
        self._lock = threading.Lock()
        self._pool: Any = None

    def _notice(self, host: str) -> None:
        """The terminal is told, once per host, that the build waits for it and how long
        it may."""
        with self._lock:
            if host in self.noticed:
                return
            self.noticed.add(host)
        budget = max(self.policy.connect_timeout, self.policy.read_timeout)
        notice = _wait_notice[0] if _wait_notice else _log_wait
        notice(f"recipes: waiting for {host} to answer (given up after {budget:g} s)")

    def _manager(self) -> Any:
        with self._lock:
            if self._pool is None:
                urllib3 = _urllib3()
                # A class of its own: urllib3 makes a new Retry object at every attempt.
                retry_class = type(
                    "PolicyRetry",
                    (urllib3.FailFastRetry,),
                    {"max_retry_after": self.policy.max_retry_after},
                )
                retry = retry_class(
                    total=self.policy.retries,
                    connect=self.policy.retries,
                    read=self.policy.retries,
                    status=self.policy.retries,
                    status_forcelist=(429, 500, 502, 503, 504),
                    allowed_methods=frozenset({"GET", "HEAD"}),
                    backoff_factor=self.policy.backoff,
                    backoff_max=10,
                    raise_on_status=False,
                    respect_retry_after_header=True,
                    # Credentials never follow a redirect to another host.
                    remove_headers_on_redirect=frozenset({"Authorization", "Cookie"}),
                )
                self._pool = urllib3.PoolManager(
                    retries=retry,
                    timeout=urllib3.Timeout(
                        connect=self.policy.connect_timeout, read=self.policy.read_timeout
                    ),
                    headers={"User-Agent": USER_AGENT},
                )
                self._pool.pool_classes_by_scheme = urllib3.WATCHED_POOLS
            return self._pool

    def get(
        self,
        url: str,
        *,
        max_bytes: int,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept_statuses: tuple[int, ...] = (),
        local_roots: tuple[Path, ...] = (),
    ) -> Response:
        """GET `url`. Raises `FetchError` for anything but 2xx, 304 or `accept_statuses`.

        Only http(s) goes to the network. A `file://` URL is read only inside one of the
        `local_roots` (the folders mirrors in mkdocs.yml name): URLs that come from
        repository data (an index, a lockfile, a registry) never read local files."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return _read_file(url, max_bytes, local_roots)
        if scheme not in ("http", "https"):
            raise FetchError(
                redact(url)[:200],
                f"{scheme or 'a relative'}:// URLs are not fetched (only http and https; "
                "local folders only through a mirror in mkdocs.yml)",
            )
        shown = redact(url)
        host = host_of(url)
        with self._lock:
            known = self.unreachable.get(host)
            if known is None:
                self.attempts[host] = self.attempts.get(host, 0) + 1
        if known is not None:
            raise FetchError(shown, known)
        request_headers = dict(headers or {})
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        pool = self._manager()
        from urllib3.exceptions import (
            ConnectTimeoutError,
            HTTPError,
            MaxRetryError,
            ProtocolError,
            ReadTimeoutError,
        )

        started = time.monotonic()
        too_slow = f"took longer than {self.policy.deadline:g} s to download"
        _deadline.at = started + self.policy.deadline
        notice = threading.Timer(self.policy.notice_after, self._notice, (host,))
        notice.daemon = True
        notice.start()
        try:
            response = pool.request(
                "GET", url, headers=request_headers, preload_content=False, redirect=True
            )
        except DeadlineExceeded:
            raise FetchError(shown, too_slow) from None
        except MaxRetryError as error:
            if time.monotonic() - started >= self.policy.deadline:
                raise FetchError(shown, too_slow) from None
            reason = _describe(error.reason)
            if isinstance(error.reason, (ConnectTimeoutError, ReadTimeoutError)):
                # Name resolution, refusal, connect timeout, silence: the host, not the path.
                with self._lock:
                    self.unreachable[host] = reason + " (not asked again in this build)"
            raise FetchError(shown, reason) from None
        except (HTTPError, OSError) as error:
            if time.monotonic() - started >= self.policy.deadline:
                raise FetchError(shown, too_slow) from None
            raise FetchError(shown, _describe(error)) from None
        finally:
            _deadline.at = None
            notice.cancel()
        try:
            status = response.status
            if status == 304:
                return Response(url, status, b"", _lower(response.headers))
            if not (200 <= status < 300) and status not in accept_statuses:
                raise FetchError(shown, _status_reason(status), status)
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(shown, f"is {int(length)} bytes, over the {max_bytes}-byte limit")
            body = bytearray()
            deadline = started + self.policy.deadline
            while True:
                # read1: what has arrived, so a server that drips bytes meets the deadline.
                chunk = response.read1(64 * 1024)
                if not chunk:
                    break
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(shown, f"is larger than the {max_bytes}-byte limit")
                if time.monotonic() > deadline:
                    raise FetchError(shown, too_slow)
            return Response(url, status, bytes(body), _lower(response.headers))
        except FetchError:
            raise
        except ProtocolError as error:
            raise FetchError(shown, f"the download was cut short ({_describe(error)})") from None
        except (HTTPError, OSError) as error:
            raise FetchError(shown, _describe(error)) from None
        finally:
            response.release_conn()


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _read_file(url: str, max_bytes: int, local_roots: tuple[Path, ...]) -> Response:
    try:
        path = Path(unquote(urlsplit(url).path)).resolve()
    except (OSError, ValueError, RuntimeError):
        raise FetchError(url, "is not a readable path") from None
    if not any(path.is_relative_to(root.resolve()) for root in local_roots):
        raise FetchError(
            url,
            "is outside every mirror folder: local files are read only from the folders "
            "mirrors in mkdocs.yml name",
        )
    try:
        if not path.is_file():
            raise FetchError(url, "no such file in the mirror folder (404)", 404)
        with path.open("rb") as file:
            # Read no more than the limit, whatever the file claims to be (/dev/zero).
            data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise FetchError(url, f"is larger than the {max_bytes}-byte limit")
        return Response(url, 200, data)
    except FetchError:
        raise
    except OSError as error:
        raise FetchError(url, f"cannot be read ({os.strerror(error.errno or 0)})") from None


def _status_reason(status: int) -> str:
    if status == 404:
        return "not found (HTTP 404)"
    if status in (401, 403):
        return f"access denied (HTTP {status}); check the repository URL or credentials"
    if status >= 500:
        return f"server error (HTTP {status}), still failing after retries"
    return f"unexpected HTTP status {status}"


def _describe(error: BaseException | None) -> str:
    from urllib3.exceptions import (
        ConnectTimeoutError,
        NameResolutionError,
        NewConnectionError,
        ProtocolError,
        ReadTimeoutError,
        SSLError,
    )

    if isinstance(error, NameResolutionError):
        return "the host name could not be resolved (DNS)"
    if isinstance(error, NewConnectionError):
        return "the connection was refused or could not be made"
    if isinstance(error, ConnectTimeoutError):
        return "timed out while connecting"
    if isinstance(error, ReadTimeoutError):
        return "timed out waiting for the server to answer"
    if isinstance(error, SSLError):
        return f"TLS error ({error})"
    if isinstance(error, ProtocolError):
        return "the connection broke during the download"
    if error is not None and "too many" in str(error).lower():
        return "server error, still failing after retries"
    return f"network error ({error})"
