"""pytest plugin for the Starlette suite: our modules answer starlette imports, asyncio only.

Loaded with `-p plugin` before the suite's conftest, so the conftest's own
`from starlette.testclient import TestClient` already reaches ours. Each test's outcome goes to
the JSON file named by STARLETTE_SUITE_REPORT, which run.py reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from import_map import install
from outcomes import deselect_trio, record

install()

_outcomes: dict[str, str] = {}
_broken_files: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    deselect_trio(config, items)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _broken_files[report.nodeid] = str(report.longrepr).strip().splitlines()[-1]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    record(_outcomes, report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get("STARLETTE_SUITE_REPORT")
    if target:
        Path(target).write_text(
            json.dumps({"tests": _outcomes, "broken_files": _broken_files}, indent=1)
        )
