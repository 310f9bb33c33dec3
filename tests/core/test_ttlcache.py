"""TtlCache (lapor/core/ttlcache.py): a value loaded by a function, kept N seconds per process."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

from lapor.core import ttlcache
from lapor.core.ttlcache import TtlCache


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


def test_kept_for_its_seconds_then_loaded_again(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ttlcache, "time", SimpleNamespace(monotonic=clock.monotonic))
    loads = []
    cache = TtlCache(lambda: loads.append(1) or len(loads), seconds=60)
    assert [cache.get(), cache.get()] == [1, 1]
    clock.now += 59.9
    assert cache.get() == 1
    clock.now += 0.1
    assert cache.get() == 2 and len(loads) == 2


def test_forget_loads_again_at_the_next_get():
    loads = []
    cache = TtlCache(lambda: loads.append(1) or len(loads), seconds=60)
    assert cache.get() == 1
    cache.forget()
    assert cache.get() == 2 and cache.get() == 2


def test_a_forget_during_a_load_is_not_undone_by_it():
    started, release = threading.Event(), threading.Event()
    values = iter(["old", "new"])

    def load():
        value = next(values)
        if value == "old":
            started.set()
            release.wait(5)
        return value

    cache = TtlCache(load, seconds=60)
    got = []
    loader = threading.Thread(target=lambda: got.append(cache.get()))
    loader.start()
    started.wait(5)
    cache.forget()  # the data changed while "old" was being read
    release.set()
    loader.join(5)
    assert got == ["old"]  # its caller gets what it read...
    assert cache.get() == "new"  # ...but it is not kept


def test_a_load_in_one_thread_never_makes_another_wait():
    """No lock is held while loading: a thread holding a database transaction that another
    thread's load needs must not wait on that load (a lock-order wait, broken only by the
    database's lock timeout)."""
    gate, calls = threading.Event(), []

    def load():
        calls.append(1)
        if len(calls) == 1:
            gate.wait(5)  # the first load is slow
        return len(calls)

    cache = TtlCache(load, seconds=60)
    slow = threading.Thread(target=cache.get)
    slow.start()
    started = time.monotonic()
    assert cache.get() == 2  # loads itself at once instead of waiting for the slow one
    assert time.monotonic() - started < 1
    gate.set()
    slow.join(5)
