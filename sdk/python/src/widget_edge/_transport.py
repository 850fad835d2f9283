"""Sends admin API calls: headers, timeouts, retries, and the mapping of failures to WidgetEdgeError."""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import random
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Mapping, Optional, Union

from ._errors import WidgetEdgeError

DEFAULT_TIMEOUT = 10.0
"""Seconds to connect and for each read of a response (the default of ``timeout``)."""
DEFAULT_MAX_RETRIES = 2
"""Retries after the first attempt (the default of ``max_retries``)."""

_BACKOFF_BASE = 0.2
"""Full-jitter exponential backoff: the n-th retry waits a random time in [0, min(cap, base * 2**n))."""
_BACKOFF_CAP = 5.0
_MAX_RETRY_AFTER = 60.0
"""A Retry-After longer than this is not waited for: the error is raised instead."""
_RETRIED_METHODS = frozenset({"GET", "PATCH", "DELETE"})
"""The methods whose calls are safe to repeat. POST (create) is not: a retry could mint a second key."""
_MAX_ERROR_TEXT = 500
_USER_AGENT = "widget-edge-python/0.1.0"
_TOKEN_SYNTAX = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
"""RFC 6750 b64token: what a bearer token may be made of."""
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")
_API_SUFFIX = re.compile(r"/api/v1/*$")

_log = logging.getLogger("widget_edge")

Query = Mapping[str, Union[str, int, bool, None]]


class _Secret:
    """Holds the token so that ``repr``, ``str`` and ``vars()`` of anything holding it show no secret."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("the admin token is not picklable")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """The admin API never redirects; following one would send the token elsewhere."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None


class Transport:
    """One client's connection settings. Safe to share between threads: it holds no per-call state."""

    __slots__ = ("_base", "_token", "_account_id", "_timeout", "_max_retries", "_opener")

    def __init__(self, base_url: str, token: str, account_id: Optional[str], timeout: float, max_retries: int) -> None:
        self._base = _base_of(base_url)
        if not isinstance(token, str) or not _TOKEN_SYNTAX.fullmatch(token):
            # The value is never echoed: a mistyped token is still mostly a secret.
            raise ValueError("token must be an admin API token (letters, digits and - . _ ~ + /)")
        self._token = _Secret(token)
        if account_id is not None and (not isinstance(account_id, str) or not _VISIBLE_ASCII.fullmatch(account_id)):
            raise ValueError("account_id must be a non-empty string without spaces or control characters")
        self._account_id = account_id
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < float("inf"):
            raise ValueError("timeout must be a number of seconds greater than 0")
        self._timeout = float(timeout)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be a whole number, 0 or more")
        self._max_retries = max_retries
        self._opener = urllib.request.build_opener(_NoRedirects)

    @property
    def base_url(self) -> str:
        return self._base

    @property
    def account_id(self) -> Optional[str]:
        return self._account_id

    def request(self, method: str, path: str, body: Any = None, query: Optional[Query] = None) -> Any:
        """Makes one call and returns its parsed JSON body (None for an empty one, as a 204 has).

        GET, PATCH and DELETE are retried on network errors, timeouts, 5xx and 429; POST never is.

        :param body: sent as JSON unless None
        :raises WidgetEdgeError: when the call fails for good
        """
        url = self._base + path + _query_string(query)
        retries = self._max_retries if method in _RETRIED_METHODS else 0
        retry = 0
        while True:
            try:
                return self._attempt(method, url, path, body)
            except _Retryable as failure:
                wait = max(_backoff(retry), failure.retry_after or 0.0)
                if retry >= retries or wait > _MAX_RETRY_AFTER:
                    raise failure.error from failure.error.__cause__
                _log.debug("%s %s: %s; retry %d of %d in %.2f s", method, path, failure.error.sentence,
                           retry + 1, retries, wait)
                time.sleep(wait)
                retry += 1

    def _attempt(self, method: str, url: str, path: str, body: Any) -> Any:
        headers: Dict[str, str] = {
            "Accept": "application/json, text/plain",
            "Authorization": "Bearer " + self._token.reveal(),
            "User-Agent": _USER_AGENT,
        }
        if self._account_id is not None:
            headers["X-Account-ID"] = self._account_id
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                status = response.status
                text = response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as error:
            with error:
                self._raise_for(error, method, path)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            raise _Retryable(self._no_response(error, method, path), None) from None
        if text == "":
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise WidgetEdgeError(status, "Response is not JSON", method, path) from None

    def _raise_for(self, error: urllib.error.HTTPError, method: str, path: str) -> None:
        try:
            text = error.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException):
            text = ""
        failure = WidgetEdgeError(error.code, self._redact(_error_text(error, text)), method, path)
        if error.code >= 500 or error.code == 429:
            raise _Retryable(failure, _retry_after(error.headers.get("Retry-After"))) from None
        raise failure from None

    def _no_response(self, error: BaseException, method: str, path: str) -> WidgetEdgeError:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(reason, socket.timeout) or "timed out" in str(reason):
            text = f"Timed out after {self._timeout:g} s"
        else:
            text = f"Network error: {_describe(reason)}"
        failure = WidgetEdgeError(0, self._redact(text), method, path)
        failure.__cause__ = error
        return failure

    def _redact(self, text: str) -> str:
        """Belt and braces: whatever text a message is built from, the token is cut out of it."""
        return text.replace(self._token.reveal(), "[redacted]")


class _Retryable(Exception):
    """An attempt's failure that a retry may cure, with the server's Retry-After in seconds if it sent one."""

    def __init__(self, error: WidgetEdgeError, retry_after: Optional[float]) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _base_of(base_url: str) -> str:
    if not isinstance(base_url, str):
        raise ValueError("base_url must be a string such as http://127.0.0.1:8081")
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http:// or https:// URL, not {base_url!r}")
    if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
        raise ValueError("base_url must be scheme://host[:port][/prefix], without credentials, query or fragment")
    try:
        parts.port
    except ValueError:
        raise ValueError(f"base_url has an invalid port: {base_url!r}") from None
    if _API_SUFFIX.search(parts.path):
        raise ValueError(f"base_url is the server's root, without /api/v1 (got {base_url!r})")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _query_string(query: Optional[Query]) -> str:
    if not query:
        return ""
    pairs = [(name, str(value).lower() if isinstance(value, bool) else str(value))
             for name, value in query.items() if value is not None]
    return "?" + urllib.parse.urlencode(pairs) if pairs else ""


def _error_text(error: urllib.error.HTTPError, text: str) -> str:
    """The server's text (sentence and detail), or the status line when the body is empty."""
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    if first == "":
        return error.reason if isinstance(error.reason, str) and error.reason else f"HTTP {error.code}"
    return first if len(first) <= _MAX_ERROR_TEXT else first[:_MAX_ERROR_TEXT] + "…"


def _retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After in seconds: delay-seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _backoff(retry: int) -> float:
    return random.uniform(0, min(_BACKOFF_CAP, _BACKOFF_BASE * 2 ** retry))


def _describe(reason: Any) -> str:
    """A network failure in a few words: ``[Errno 111] Connection refused``."""
    if isinstance(reason, OSError) and reason.strerror:
        return f"[Errno {reason.errno}] {reason.strerror}"
    text = str(reason)
    return text if text else type(reason).__name__
