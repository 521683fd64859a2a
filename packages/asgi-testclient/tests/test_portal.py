"""The portal: one loop thread, started lazily, joined on stop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from asgi_testclient._portal import Portal


async def which_thread() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


async def fail() -> None:
    raise ArithmeticError("inside the loop")


def running(portal: Portal) -> bool:
    return portal.running


def test_lazy_start_shared_loop_and_stop() -> None:
    portal = Portal()
    assert not running(portal)
    portal.stop()  # stopping before any start is harmless
    assert portal.call(which_thread()) == "asgi-testclient-portal"
    assert running(portal)
    assert portal.submit(which_thread()).result() == "asgi-testclient-portal"
    portal.stop()
    assert not portal.running
    assert "asgi-testclient-portal" not in {t.name for t in threading.enumerate()}
    portal.stop()


def test_exceptions_cross_to_the_caller() -> None:
    portal = Portal()
    try:
        with pytest.raises(ArithmeticError, match="inside the loop"):
            portal.call(fail())
    finally:
        portal.stop()


def test_pending_tasks_are_cancelled_on_stop() -> None:
    portal = Portal()
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def spawn() -> None:
        asyncio.get_running_loop().create_task(forever())
        await asyncio.sleep(0)

    portal.call(spawn())
    portal.stop()
    assert cancelled.is_set()


def test_stop_from_the_loop_thread_does_not_join_itself() -> None:
    portal = Portal()

    async def stop_inside() -> str:
        portal.stop()
        return "stopped"

    thread = portal.submit(which_thread())
    assert thread.result() == "asgi-testclient-portal"
    assert portal.call(stop_inside()) == "stopped"
    assert not running(portal)
    for t in threading.enumerate():
        if t.name == "asgi-testclient-portal":
            t.join(timeout=5)
            assert not t.is_alive()


def test_calling_from_the_loop_thread_is_refused() -> None:
    portal = Portal()

    async def reenter() -> str:
        return portal.call(which_thread())

    try:
        with pytest.raises(RuntimeError, match="from inside the app"):
            portal.call(reenter())
    finally:
        portal.stop()


def test_restarts_after_stop() -> None:
    portal = Portal()
    portal.call(which_thread())
    portal.stop()
    assert portal.call(which_thread()) == "asgi-testclient-portal"
    portal.stop()
