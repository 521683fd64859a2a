"""pytest plugin: every `starlette` import answered from our modules (the Starlette suite's map)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "starlette_suite"))
from import_map import install

install()
