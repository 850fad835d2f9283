"""``client.widget_keys``: one method per admin API operation (the OpenAPI document's x-sdk-method)."""

from __future__ import annotations

import urllib.parse
from typing import Any, Dict, List, Optional, Sequence, Union

from ._models import CreatedWidgetKey, OriginReportRow, RateLimits, UsageDay, WidgetKey
from ._transport import Transport

_KEYS = "/api/v1/widget-keys"


class _Unset:
    """The type of :data:`UNSET`."""

    _instance: Optional["_Unset"] = None

    def __new__(cls) -> "_Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = _Unset()
"""Leaves ``agent_id``, ``expires_at`` or ``rate_limits`` as it is in ``update`` (where None means: unpin,
never expire, the gateway's default limits)."""


class WidgetKeys:
    """The widget-keys calls. Each method is one call of the transport, which handles auth,
    timeouts, retries and errors; every failure raises :class:`~widget_edge.WidgetEdgeError`."""

    __slots__ = ("_http",)

    def __init__(self, http: Transport) -> None:
        self._http = http

    def list(self) -> List[WidgetKey]:
        """``GET /api/v1/widget-keys``: every key of the account, newest first; never a plaintext key."""
        return [WidgetKey.from_json(item) for item in self._http.request("GET", _KEYS)]

    def create(self, name: str, domain_allowlist: Optional[Sequence[str]] = None,
               agent_id: Optional[str] = None, expires_at: Optional[str] = None,
               mode: Optional[str] = None, rate_limits: Optional[RateLimits] = None) -> CreatedWidgetKey:
        """``POST /api/v1/widget-keys``: mints a key. The result holds the plaintext ``key``, the only
        time it is shown. Never retried: a repeat could mint a second key.

        :param expires_at: an RFC 3339 time in the future from which the key is refused (default: never)
        :param mode: ``enforce`` (the default) or ``report``
        :param rate_limits: the key's own limits (default: the gateway's)
        """
        body: Dict[str, Any] = {"name": name}
        if domain_allowlist is not None:
            body["domain_allowlist"] = _origins(domain_allowlist)
        if agent_id is not None:
            body["agent_id"] = agent_id
        if expires_at is not None:
            body["expires_at"] = expires_at
        if mode is not None:
            body["mode"] = mode
        if rate_limits is not None:
            body["rate_limits"] = rate_limits.to_json()
        return CreatedWidgetKey.from_json(self._http.request("POST", _KEYS, body=body))

    def update(self, id: str, *, name: Optional[str] = None, domain_allowlist: Optional[Sequence[str]] = None,
               agent_id: Union[str, None, _Unset] = UNSET, disabled: Optional[bool] = None,
               expires_at: Union[str, None, _Unset] = UNSET, mode: Optional[str] = None,
               rate_limits: Union[RateLimits, None, _Unset] = UNSET) -> None:
        """``PATCH /api/v1/widget-keys/{id}``: changes the fields given; the others stay as they are.

        :param domain_allowlist: replaces the whole allowlist
        :param agent_id: repins the key; None unpins it
        :param disabled: True revokes the key (idempotent), False re-enables it
        :param expires_at: a new expiry (an RFC 3339 time in the future); None un-expires the key
        :param mode: ``enforce`` or ``report``
        :param rate_limits: replaces both limits; None returns both to the gateway's defaults
        """
        body: Dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if domain_allowlist is not None:
            body["domain_allowlist"] = _origins(domain_allowlist)
        if not isinstance(agent_id, _Unset):
            body["agent_id"] = agent_id
        if disabled is not None:
            body["disabled"] = disabled
        if not isinstance(expires_at, _Unset):
            body["expires_at"] = expires_at
        if mode is not None:
            body["mode"] = mode
        if not isinstance(rate_limits, _Unset):
            body["rate_limits"] = None if rate_limits is None else rate_limits.to_json()
        self._http.request("PATCH", _key_path(id), body=body)

    def delete(self, id: str) -> None:
        """``DELETE /api/v1/widget-keys/{id}``: removes a never-used key; disables a used one (the row
        stays for the audit trail)."""
        self._http.request("DELETE", _key_path(id))

    def rotate(self, id: str, grace_seconds: Optional[int] = None) -> CreatedWidgetKey:
        """``POST /api/v1/widget-keys/{id}/rotate``: mints a key with the same settings; the old one
        expires after ``grace_seconds`` (0 to 2,592,000; default a day). The result holds the new
        plaintext ``key``, the only time it is shown. Never retried: a repeat would mint a second key."""
        body: Dict[str, Any] = {} if grace_seconds is None else {"grace_seconds": grace_seconds}
        return CreatedWidgetKey.from_json(self._http.request("POST", _key_path(id) + "/rotate", body=body))

    def origins(self, id: str, hours: Optional[int] = None) -> List[OriginReportRow]:
        """``GET /api/v1/widget-keys/{id}/origins``: the origins the gateways saw for the key in the
        current UTC hour and the ``hours - 1`` before it (1 to 168, default 24), and how they
        answered them, most requests first."""
        rows = self._http.request("GET", _key_path(id) + "/origins", query={"hours": hours})
        return [OriginReportRow.from_json(row) for row in rows]

    def usage(self, id: str, days: Optional[int] = None) -> List[UsageDay]:
        """``GET /api/v1/widget-keys/{id}/usage``: the key's requests per UTC day with traffic, today
        and the ``days - 1`` before it (1 to 90, default 30), newest first."""
        days_found = self._http.request("GET", _key_path(id) + "/usage", query={"days": days})
        return [UsageDay.from_json(day) for day in days_found]


def _key_path(id: str) -> str:
    if not isinstance(id, str) or id == "":
        raise ValueError("widget key id must be a non-empty string")
    return _KEYS + "/" + urllib.parse.quote(id, safe="")


def _origins(entries: Sequence[str]) -> List[str]:
    if isinstance(entries, str):
        raise TypeError("domain_allowlist must be a list of origins, not one string")
    return list(entries)
