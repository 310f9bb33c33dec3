"""A value loaded by a function and kept for a number of seconds in this process.

For reference data read on every request and changed rarely (the SLA policies, the working-day
calendar, the intake's region and category tables): each process loads it once and again after
`seconds`, or at once after `forget()` (the process that changes the data, and tests).

    _policies = TtlCache(load_policies, seconds=60)
    _policies.get()      # loaded on the first call, then kept 60 s
    _policies.forget()   # the next get() loads again

No lock is held while loading: two threads that find the value stale may both load it (the
loads read the database; a thread waiting on another's load while it holds a transaction that
load needs would wait for the database's lock timeout — seen with SQLite's writer lock). A
`forget()` during a load is not undone by that load: the value it brings is returned to its
caller but not kept. Nothing is shared between processes: each keeps its own copy for at most
`seconds`."""

from __future__ import annotations

import time
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class TtlCache(Generic[T]):
    def __init__(self, load: Callable[[], T], seconds: float):
        self.load = load
        self.seconds = seconds
        self._entry: tuple[float, T] | None = None  # (loaded at, value), replaced whole
        self._generation = 0  # counts forget(): a load that started before one is not kept

    def get(self) -> T:
        entry = self._entry
        if entry is not None and time.monotonic() - entry[0] < self.seconds:
            return entry[1]
        generation = self._generation
        value = self.load()
        if generation == self._generation:
            self._entry = (time.monotonic(), value)
        return value

    def forget(self) -> None:
        """Load again at the next get()."""
        self._generation += 1
        self._entry = None
