"""The admin API's resources, with the wire's snake_case field names.

Timestamps are RFC 3339 strings in UTC with millisecond precision (``2026-11-24T05:51:00.123Z``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Type, TypeVar

_T = TypeVar("_T", bound="WidgetKey")


@dataclass(frozen=True)
class RateLimits:
    """A key's rate limits, in requests per minute across all gateways together.

    Each is an integer 1-1,000,000, or None for the gateway's default (``--client-rate-limit``,
    ``--key-rate-limit``). Over a limit the gateway answers ``429 rate_limited``.
    """

    per_client_per_minute: Optional[int] = None
    """Requests per minute from one client address with this key."""
    per_key_per_minute: Optional[int] = None
    """Requests per minute with this key from all clients together."""

    def to_json(self) -> Dict[str, Optional[int]]:
        return {"per_client_per_minute": self.per_client_per_minute, "per_key_per_minute": self.per_key_per_minute}


@dataclass(frozen=True)
class WidgetKey:
    """A widget key's metadata, as ``widget_keys.list()`` returns it. Never holds the plaintext key."""

    id: str
    """Widget key id (a UUID)."""
    account_id: str
    """The account that owns the key."""
    name: str
    """Display name, 1-200 characters."""
    agent_id: Optional[str]
    """The agent the key is pinned to, or None when it is not pinned."""
    domain_allowlist: List[str]
    """The origins the widget may be served to, normalized; an empty list allows no origin."""
    key_last8: str
    """The last 8 characters of the key."""
    created_at: str
    updated_at: str
    disabled_at: Optional[str]
    """When the key was disabled (revoked), or None while it is enabled."""
    last_used_at: Optional[str]
    """When the key last served an allowed request, or None if it never has."""
    expires_at: Optional[str]
    """From when every gateway refuses the key (403 key_expired), or None: never."""
    mode: str
    """``enforce`` the allowlist, or only ``report`` what it would refuse."""
    rate_limits: RateLimits
    """The key's own rate limits; a None limit is the gateway's default."""
    rotated_from: Optional[str]
    """The key this one replaced in a rotation, or None."""
    replaced_by: Optional[str]
    """The key that replaced this one in its latest rotation, or None."""

    @classmethod
    def from_json(cls: Type[_T], data: Mapping[str, Any]) -> _T:
        """Reads one JSON object; fields this version does not know are ignored.

        :raises KeyError: naming a field the object lacks
        """
        fields = {field.name: data[field.name] for field in dataclasses.fields(cls)}
        limits = data["rate_limits"]
        fields["rate_limits"] = RateLimits(limits["per_client_per_minute"], limits["per_key_per_minute"])
        return cls(**fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CreatedWidgetKey(WidgetKey):
    """What ``widget_keys.create()`` returns: the key's metadata plus the plaintext key, shown only this once."""

    key: str
    """The plaintext ``pk_live_…`` key, for the page's ``<script data-client-key="…">``."""


_R = TypeVar("_R")


def _from_json(cls: Type[_R], data: Mapping[str, Any]) -> _R:
    return cls(**{field.name: data[field.name] for field in dataclasses.fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class OriginReportRow:
    """One origin and outcome of a key's origin report, summed over the hours asked for."""

    origin: str
    """The normalized origin, or ``(missing)``, ``(invalid)``, ``null`` or ``(other)``."""
    outcome: str
    """``allowed``, ``reported``, ``origin_not_allowed``, ``origin_missing``, ``rate_limited``, ``key_disabled`` or ``key_expired``."""
    requests: int
    first_seen: str
    last_seen: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "OriginReportRow":
        return _from_json(cls, data)


@dataclass(frozen=True)
class UsageDay:
    """One UTC day of a key's traffic."""

    date: str
    """``YYYY-MM-DD``."""
    allowed: int
    """Requests served, ``reported`` ones included."""
    denied: int
    rate_limited: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "UsageDay":
        return _from_json(cls, data)


@dataclass(frozen=True)
class Actor:
    """The admin token that made a change: its id (as ``widget-edge tokens list`` shows it) and name."""

    token_id: str
    token_name: str


@dataclass(frozen=True)
class AuditEvent:
    """One change to a key in the account's audit log. Never holds a plaintext key or token."""

    id: str
    """``<epoch ms>-<sequence>``: pass it as ``before`` for the next page."""
    at: str
    account_id: str
    actor: Actor
    action: str
    """``key.created``, ``key.updated``, ``key.disabled``, ``key.enabled``, ``key.deleted`` or ``key.rotated``."""
    key_id: str
    key_last8: str
    changes: Dict[str, Dict[str, Any]]
    """Each field that changed: ``{"from": ..., "to": ...}`` as WidgetKey shows it; empty when nothing but the action applies."""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "AuditEvent":
        fields = {field.name: data[field.name] for field in dataclasses.fields(cls)}
        fields["actor"] = Actor(data["actor"]["token_id"], data["actor"]["token_name"])
        return cls(**fields)
