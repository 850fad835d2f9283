"""Python client of the widget-edge admin API: list, create, update and delete pk_live_ widget keys.

Standard library only; Python 3.9 or newer.
"""

from ._client import WidgetEdge
from ._errors import WidgetEdgeError
from ._models import CreatedWidgetKey, WidgetKey
from ._widget_keys import UNSET, WidgetKeys

__all__ = ["UNSET", "CreatedWidgetKey", "WidgetEdge", "WidgetEdgeError", "WidgetKey", "WidgetKeys"]
__version__ = "0.1.0"
