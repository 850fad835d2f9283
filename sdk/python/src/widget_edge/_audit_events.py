"""``client.audit_events``: the account's audit log (the OpenAPI document's auditEvents.list)."""

from __future__ import annotations

from typing import List, Optional

from ._models import AuditEvent
from ._transport import Transport

_EVENTS = "/api/v1/audit-events"


class AuditEvents:
    """The audit-log calls; every failure raises :class:`~widget_edge.WidgetEdgeError`."""

    __slots__ = ("_http",)

    def __init__(self, http: Transport) -> None:
        self._http = http

    def list(self, key_id: Optional[str] = None, limit: Optional[int] = None,
             before: Optional[str] = None) -> List[AuditEvent]:
        """``GET /api/v1/audit-events``: the account's changes, newest first.

        :param key_id: only this key's events
        :param limit: at most this many (1 to 500, default 100)
        :param before: only events older than this one (the last ``id`` of the previous page)
        """
        events = self._http.request("GET", _EVENTS, query={"key_id": key_id, "limit": limit, "before": before})
        return [AuditEvent.from_json(event) for event in events]
