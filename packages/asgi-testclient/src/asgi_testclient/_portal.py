"""One event loop on a background thread, shared by a client's requests, websockets and lifespan.

The test thread never runs the loop itself: it submits a coroutine and blocks on a
`concurrent.futures.Future`. That is why the client also works from inside a running loop
(an `async def` test): the blocking happens on the caller's thread, the app runs on ours.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class Portal:
    """Starts its loop thread lazily, on the first call, and joins it in `stop()`."""

    def __init__(
        self,
        loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
        *,
        debug: bool = False,
    ) -> None:
        self._loop_factory = loop_factory or asyncio.new_event_loop
        self._debug = debug
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = self._loop_factory()
                loop.set_debug(self._debug)
                ready = threading.Event()
                thread = threading.Thread(
                    target=self._run, args=(loop, ready), name="asgi-testclient-portal", daemon=True
                )
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
            return self._loop

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        loop.run_forever()
        # Whatever the tests left running (an unclosed websocket, say) is cancelled, so that
        # the loop closes cleanly and nothing outlives the client.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule `coro` on the loop thread; the caller decides when to block on it."""
        return asyncio.run_coroutine_threadsafe(coro, self._ensure_loop())

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the loop thread and wait for its result (or exception)."""
        if self._thread is threading.current_thread():
            coro.close()
            # Blocking here would wait on ourselves forever: say so instead of hanging.
            raise RuntimeError("the test client was called from inside the app it drives")
        return self.submit(coro).result()

    def stop(self) -> None:
        """Stop the loop and join its thread; calling it again, or before any start, is a no-op."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        if thread is not threading.current_thread():  # a GC finaliser may run on the loop thread
            thread.join()
