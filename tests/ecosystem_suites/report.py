"""pytest plugin: each test's outcome to the JSON file ECOSYSTEM_SUITE_REPORT names.

Trio variants are deselected in both runs (ours speaks asyncio, as the Starlette suite's runs),
so the two runs compare the same tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

_outcomes: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    trio = [item for item in items if "trio" in item.nodeid.rstrip("]").split("[", 1)[-1]]
    if trio:
        config.hook.pytest_deselected(items=trio)
        items[:] = [item for item in items if item not in trio]


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _outcomes[report.nodeid] = "broken"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed:
        _outcomes[report.nodeid] = "failed"
    elif report.skipped and report.when in ("setup", "call"):
        _outcomes.setdefault(report.nodeid, "skipped")
    elif report.when == "call" and report.passed:
        _outcomes.setdefault(report.nodeid, "passed")


def pytest_sessionfinish(session: pytest.Session) -> None:
    Path(os.environ["ECOSYSTEM_SUITE_REPORT"]).write_text(json.dumps(_outcomes, indent=1))
