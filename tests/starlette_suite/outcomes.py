"""What both differential runners record (this suite's plugin, tests/ecosystem_suites' report):
trio variants left out, and each test's outcome as one word."""

from __future__ import annotations

import pytest


def deselect_trio(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Our modules run on asyncio: trio variants are deselected, not failed."""
    trio = [
        item for item in items if "trio" in item.nodeid.rstrip("]").split("[", 1)[-1].split("-")
    ]
    if trio:
        config.hook.pytest_deselected(items=trio)
        items[:] = [item for item in items if item not in trio]


def record(outcomes: dict[str, str], report: pytest.TestReport) -> None:
    """A test's outcome: failed in any phase, else skipped, else passed."""
    if report.failed:
        outcomes[report.nodeid] = "failed"
    elif report.skipped and report.when in ("setup", "call"):
        outcomes.setdefault(report.nodeid, "skipped")
    elif report.when == "call" and report.passed:
        outcomes.setdefault(report.nodeid, "passed")
