"""pytest plugin: each test's outcome to the JSON file ECOSYSTEM_SUITE_REPORT names.

The Starlette suite's rules (tests/starlette_suite/outcomes.py): trio variants are deselected in
both runs (ours speaks asyncio), so the two runs compare the same tests.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "starlette_suite"))
from outcomes import deselect_trio, record

_outcomes: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    deselect_trio(config, items)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _outcomes[report.nodeid] = "broken"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    record(_outcomes, report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    Path(os.environ["ECOSYSTEM_SUITE_REPORT"]).write_text(json.dumps(_outcomes, indent=1))
