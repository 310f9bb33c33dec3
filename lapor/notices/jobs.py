"""The event feed's periodic work, in order: publish the committed events, then let each
subscriber read what is new (ADR 0032). Run by the worker loop (`run_worker`) and Celery beat
every LAPOR_FEED_INTERVAL_SECONDS."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from lapor.reports import feed

from . import reporters


@dataclass
class FeedRun:
    published: int = 0
    reporter_events: int = 0

    @property
    def total(self) -> int:
        return self.published + self.reporter_events

    def as_dict(self) -> dict:
        return asdict(self)


def run_feed() -> FeedRun:
    run = FeedRun()
    while True:  # a burst is worked off in one run, a batch per transaction
        published = feed.publish()
        run.published += published
        if published < feed.PUBLISH_BATCH:
            break
    while True:
        handled = reporters.notify()
        run.reporter_events += handled
        if handled < reporters.BATCH:
            break
    return run
