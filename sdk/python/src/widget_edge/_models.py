"""The admin API's resources, with the wire's snake_case field names.

Timestamps are RFC 3339 strings in UTC with millisecond precision (``2026-11-24T05:51:00.123Z``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Type, TypeVar

_T = TypeVar("_T", bound="WidgetKey")


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

    @classmethod
    def from_json(cls: Type[_T], data: Mapping[str, Any]) -> _T:
        """Reads one JSON object; fields this version does not know are ignored.

        :raises KeyError: naming a field the object lacks
        """
        return cls(**{field.name: data[field.name] for field in dataclasses.fields(cls)})


@dataclass(frozen=True)
class CreatedWidgetKey(WidgetKey):
    """What ``widget_keys.create()`` returns: the key's metadata plus the plaintext key, shown only this once."""

    key: str
    """The plaintext ``pk_live_…`` key, for the page's ``<script data-client-key="…">``."""
