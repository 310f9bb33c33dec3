"""The event feed's periodic work, in order: publish the committed events, then let each
subscriber read what is new (ADR 0032: the reporters' messages; ADR 0035: the officials'); and
the officials' morning digests. Run by the worker loop (`run_worker`) and Celery beat
every LAPOR_FEED_INTERVAL_SECONDS."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from lapor.reports import feed

from . import officers, reporters


@dataclass
class FeedRun:
    published: int = 0
    reporter_events: int = 0
    officer_events: int = 0

    @property
    def total(self) -> int:
        return self.published + self.reporter_events + self.officer_events

    def as_dict(self) -> dict:
        return asdict(self)


def run_feed() -> FeedRun:
    run = FeedRun()
    while True:  # a burst is worked off in one run, a batch per transaction
        published = feed.publish()
        run.published += published
        if published < feed.PUBLISH_BATCH:
            break
    for subscriber, counter in ((reporters, "reporter_events"), (officers, "officer_events")):
        while True:
            handled = subscriber.notify()
            setattr(run, counter, getattr(run, counter) + handled)
            if handled < subscriber.BATCH:
                break
    return run


def send_digests() -> int:
    """The officials' morning digests, once their hour has come (lapor.notices.officers)."""
    return officers.send_digests()
