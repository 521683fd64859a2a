"""Request deadlines, watched by one timer per event loop instead of one per request.

A timer handle per request (what `asyncio.timeout` makes) costs about 7 µs of a 4 µs plaintext
request (bench/production.py): creating it, pushing it on the loop's heap and cancelling it.
Here a deadline is rounded up to the next SLOT (10 ms) and joins that slot's set, so starting
and ending one is a set insertion and a removal; a Watch (one per TimeoutMiddleware and event
loop) keeps one timer, for its earliest slot, and when it fires it cancels the tasks still in
the slots that are due. A request is thus cancelled at most SLOT after its limit.
"""

from __future__ import annotations

import asyncio
import heapq

SLOT = 0.01  # seconds: how late after its limit a request may be cancelled, at most


class Deadline:
    """One request's limit: its task is cancelled when the time is up, unless it was stopped."""

    __slots__ = ("cancelling", "expired", "limit", "slot", "started", "task", "watch")

    def __init__(self, watch: Watch, task: asyncio.Task[object], limit: float) -> None:
        self.watch = watch
        self.task = task
        self.cancelling = task.cancelling()  # cancellations asked before ours: not ours to undo
        self.limit = limit  # the limit in force (the innermost TimeoutMiddleware's)
        self.started = False  # the answer began: the deadline is stopped for good
        self.expired = False  # the time was up: the task was cancelled
        self.slot = 0
        watch.add(self, watch.loop.time() + limit)

    def running(self) -> bool:
        return not self.started and not self.expired

    def reset(self, limit: float) -> float:
        """`limit` seconds from now, instead; returns the deadline it replaced (loop time)."""
        replaced = self.slot * SLOT
        self.watch.discard(self)
        self.limit = limit
        self.watch.add(self, self.watch.loop.time() + limit)
        return replaced

    def restore(self, when: float, limit: float) -> None:
        self.watch.discard(self)
        self.limit = limit
        self.watch.add(self, when)

    def stop(self) -> None:
        self.watch.discard(self)

    def expire(self) -> None:
        self.expired = True
        self.task.cancel()


class Watch:
    """The deadlines of one event loop, in slots of SLOT seconds, and the timer for the first."""

    __slots__ = ("armed", "due", "loop", "slots", "timer")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.slots: dict[int, set[Deadline]] = {}
        self.due: list[int] = []  # a heap of the slots' numbers
        self.timer: asyncio.TimerHandle | None = None
        self.armed = 0  # the slot the timer is set for

    def add(self, deadline: Deadline, when: float) -> None:
        slot = -int(-when // SLOT)  # rounded up: never before the limit
        members = self.slots.get(slot)
        if members is None:
            members = self.slots[slot] = set()
            heapq.heappush(self.due, slot)
            if self.timer is None or slot < self.armed:
                self._arm(slot)
        members.add(deadline)
        deadline.slot = slot

    def discard(self, deadline: Deadline) -> None:
        members = self.slots.get(deadline.slot)
        if members is not None:
            members.discard(deadline)  # an empty slot stays until its time: the heap has it

    def _arm(self, slot: int) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.armed = slot
        self.timer = self.loop.call_at(slot * SLOT, self._fire)

    def _fire(self) -> None:
        self.timer = None
        now = self.loop.time()
        while self.due and self.due[0] * SLOT <= now:
            for deadline in self.slots.pop(heapq.heappop(self.due)):
                deadline.expire()
        if self.due:
            self._arm(self.due[0])
