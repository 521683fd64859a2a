"""Stopping a long response when the client goes away.

Before ASGI 2.4 a server may keep accepting `send()` calls after the client left (uvicorn
drops them silently), so a response that only sends would read a whole file or run an endless
generator for nobody. There the only signal is `http.disconnect` from `receive()`: the body is
sent in a task while `receive()` is watched, and whichever ends first stops the other.
From 2.4 on a send to a gone client raises OSError, so the body is sent directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from asgi_protocol.exceptions import ClientDisconnect
from asgi_protocol.types import Receive, Scope


def send_fails_on_disconnect(scope: Scope) -> bool:
    """Whether the server's ASGI version (2.4+) raises OSError from send() once the client left."""
    version = (scope.get("asgi") or {}).get("spec_version", "2.0")
    try:
        major, minor, *_ = (int(part) for part in version.split("."))
    except ValueError:  # a server's odd version string: assume the old rules
        return False
    return (major, minor) >= (2, 4)


async def send_or_client_disconnect(sending: Coroutine[Any, Any, None], scope: Scope) -> None:
    """Await `sending`, a response's sends; a client gone under ASGI 2.4 is ClientDisconnect.

    From 2.4 on, the server's send raises OSError once the client left: raised as
    ClientDisconnect, the app's top layer knows it for no server error.
    """
    try:
        await sending
    except OSError as exc:
        if not send_fails_on_disconnect(scope):
            raise
        raise ClientDisconnect() from exc


async def wait_for_disconnect(receive: Receive) -> None:
    """Return once `receive()` gives `http.disconnect` (what else it gives is dropped)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        # A receive() that answers at once, again and again (a test double, a buggy server),
        # would otherwise never let the sender run.
        await asyncio.sleep(0)


async def _until_done(*tasks: asyncio.Future[None]) -> None:
    """Wait for cancelled tasks to finish (closing what they opened), even when cancelled again
    meanwhile (anyio's cancel scopes do that at every await); then pass the cancellation on."""
    cancelled = False
    while not all(task.done() for task in tasks):
        try:
            await asyncio.wait(tasks)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError


async def send_until_disconnect(
    sending: Coroutine[Any, Any, None],
    receive: Receive,
    listen: Callable[[Receive], Awaitable[None]] = wait_for_disconnect,
) -> bool:
    """Run `sending` while `listen(receive)` watches for `http.disconnect`; True when the client
    left first.

    Either way both tasks are finished on return (and on cancellation from outside), so a file
    the sender opened is closed before the caller goes on. An error of the sender propagates.
    """
    sender = asyncio.ensure_future(sending)
    listener = asyncio.ensure_future(listen(receive))
    try:
        await asyncio.wait((sender, listener), return_when=asyncio.FIRST_COMPLETED)
    finally:
        sender.cancel()
        listener.cancel()
        await _until_done(sender, listener)
    if not sender.cancelled():
        sender.result()
        return False
    listener.result()  # an error of receive() itself propagates
    return True
