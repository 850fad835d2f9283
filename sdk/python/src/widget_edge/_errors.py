"""The one error type of the client."""

from __future__ import annotations

from typing import Any, Optional, Tuple


class WidgetEdgeError(Exception):
    """A failed admin API call.

    For an HTTP error, ``status`` is the response's status and the message starts with the
    server's text: a fixed sentence, and after ``": "`` a detail naming the problem
    (``Invalid body: domain_allowlist[1] has a path``). Match on ``status`` and ``sentence``,
    not on the detail. For a network error or a timeout, ``status`` is ``0`` and the original
    exception is the ``__cause__``.

    The message says which call failed (``PATCH /api/v1/widget-keys/…``) but never carries the
    token.
    """

    status: int
    """The HTTP status, or 0 when no response arrived (network error, timeout)."""
    sentence: str
    """The server's sentence (``Widget key not found``), or ``Network error`` / ``Timed out after 10 s``."""
    detail: Optional[str]
    """What follows the sentence after ``": "`` (``domain_allowlist[1] has a path``), or None."""
    method: str
    """The HTTP method of the call."""
    path: str
    """The path of the call, without the base URL (``/api/v1/widget-keys``)."""

    def __init__(self, status: int, text: str, method: str, path: str) -> None:
        outcome = "no response" if status == 0 else f"HTTP {status}"
        super().__init__(f"{text} ({outcome} to {method} {path})")
        self.status = status
        sentence, separator, detail = text.partition(": ")
        self.sentence = sentence
        self.detail = detail if separator else None
        self.method = method
        self.path = path
        self._text = text

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.status, self._text, self.method, self.path))
