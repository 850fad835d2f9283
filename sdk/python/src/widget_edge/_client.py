"""The client object."""

from __future__ import annotations

from typing import Optional

from ._audit_events import AuditEvents
from ._transport import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, Transport
from ._widget_keys import WidgetKeys


class WidgetEdge:
    """A client of the widget-edge admin API.

    >>> client = WidgetEdge("http://127.0.0.1:8081", token)      # doctest: +SKIP
    >>> keys = client.widget_keys.list()                         # doctest: +SKIP

    :param base_url: the server's root, e.g. ``http://127.0.0.1:8081``, without ``/api/v1``
    :param token: an admin API token; never shown in errors, logs or ``repr``
    :param account_id: the account calls act for (``X-Account-ID``); needed when the token may act
        for several accounts
    :param timeout: seconds to connect and for each read of a response (default 10)
    :param max_retries: how many times a failed GET, PATCH or DELETE is retried after the first
        attempt (default 2), on network errors, timeouts, 5xx and 429; a POST never is
    :raises ValueError: when an argument is malformed (the message never shows the token)

    Safe to share between threads.
    """

    __slots__ = ("_http", "widget_keys", "audit_events")

    def __init__(self, base_url: str, token: str, account_id: Optional[str] = None,
                 timeout: float = DEFAULT_TIMEOUT, max_retries: int = DEFAULT_MAX_RETRIES) -> None:
        self._http = Transport(base_url, token, account_id, timeout, max_retries)
        self.widget_keys = WidgetKeys(self._http)
        """The widget-keys calls: ``list``, ``create``, ``update``, ``delete``, ``rotate``, ``origins``, ``usage``."""
        self.audit_events = AuditEvents(self._http)
        """The audit log: ``list``."""

    def __repr__(self) -> str:
        account = "" if self._http.account_id is None else f", account_id={self._http.account_id!r}"
        return f"WidgetEdge(base_url={self._http.base_url!r}{account})"
