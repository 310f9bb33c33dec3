"""The one clock. Everything that needs 'now' asks here, so tests can move time."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

# Western Indonesia Time: the national desk's day, in which dates of events and deadlines are read.
WIB = ZoneInfo("Asia/Jakarta")

_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return _frozen if _frozen is not None else datetime.now(timezone.utc)


def today_wib() -> date:
    """Today's date in WIB."""
    return now().astimezone(WIB).date()


def freeze(at: datetime | None) -> None:
    """Pin the clock (tests, the demo data generator); None releases it."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at
