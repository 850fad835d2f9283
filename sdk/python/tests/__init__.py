"""The SDK's tests. They import widget_edge from the source tree (src/), so they run without an install."""

import sys
from pathlib import Path

_SOURCE = str(Path(__file__).resolve().parents[1] / "src")
if _SOURCE not in sys.path:
    sys.path.insert(0, _SOURCE)
