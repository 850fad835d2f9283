"""Python client of the widget-edge admin API: pk_live_ widget keys, their origin report, usage and audit log.

Standard library only; Python 3.9 or newer.
"""

from ._audit_events import AuditEvents
from ._client import WidgetEdge
from ._errors import WidgetEdgeError
from ._models import Actor, AuditEvent, CreatedWidgetKey, OriginReportRow, RateLimits, UsageDay, WidgetKey
from ._widget_keys import UNSET, WidgetKeys

__all__ = ["UNSET", "Actor", "AuditEvent", "AuditEvents", "CreatedWidgetKey", "OriginReportRow", "RateLimits",
           "UsageDay",
           "WidgetEdge", "WidgetEdgeError", "WidgetKey", "WidgetKeys"]
__version__ = "0.1.0"
