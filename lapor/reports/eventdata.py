"""`ReportEvent.data` in the database: compact JSON text (ADR 0021).

An event's data is the stage outcome and the action's own facts, e.g.
`{"on_time": true, "stage_ended": "follow_up", "stage_due_at": "2026-10-12T16:59:59+00:00"}`.
As PostgreSQL's jsonb that took 93 bytes; with its keys written as one letter and its moments in
UTC as seconds since the epoch, `{"o":true,"s":"follow_up","d":1791824399}` takes 42. Over 67
million events (ten million reports) that is about 3 GB.

Python always sees the dict as the app wrote it: `pack` and `unpack` are exact inverses for every
dict the app writes (tests/reports/test_event_data.py). A moment that would not come back
identical (another offset, fractions of a second) is kept as its text. Keys the table does not
know are kept as they are, so older rows (the plain JSON objects written before this format)
read back unchanged; a one-letter key of the app's own would be ambiguous and is refused.

Only Python reads the data: nothing filters on it in SQL (monitoring's reference engine
filters events by action and period and reads their data in Python)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from lapor.core.codes import PackedDictField

# Append-only, like the codes (lapor.core.codes): rows written with a letter keep it.
KEYS = {
    "on_time": "o",
    "stage_ended": "s",
    "stage_due_at": "d",
    "agency": "a",
    "unit": "u",
    "rating": "r",
    "reason": "w",
    "transfers": "t",
    "from_agency": "f",
    "suggested_agency": "g",
    "due": "e",
    "stage": "S",
    "due_date": "D",
    "days_left": "l",
    "description_changed": "c",
    "channel": "h",
    "target_agency": "T",
    "duplicate_of": "p",
    "outcome": "O",
}
NAMES = {letter: key for key, letter in KEYS.items()}
MOMENTS = frozenset({"stage_due_at", "due"})  # aware datetimes in UTC, written by isoformat()

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_DECODE = json.JSONDecoder().decode


def _seconds(text: str) -> int | str:
    """A UTC moment as seconds since the epoch when that gives the same text back, else the text."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return text
    seconds = int(moment.timestamp())
    return seconds if datetime.fromtimestamp(seconds, UTC).isoformat() == text else text


def pack(data: dict) -> str:
    out = {}
    for key, value in data.items():
        if len(key) == 1:
            raise ValueError(f"event data key {key!r}: one-letter keys are reserved for the compact form")
        if key in MOMENTS and isinstance(value, str):
            value = _seconds(value)
        out[KEYS.get(key, key)] = value
    return _ENCODE(out)


def unpack(text: str) -> dict:
    data = {}
    for key, value in _DECODE(text).items():
        key = NAMES.get(key, key)
        if key in MOMENTS and isinstance(value, int) and not isinstance(value, bool):
            value = datetime.fromtimestamp(value, UTC).isoformat()
        data[key] = value
    return data


class EventDataField(PackedDictField):
    """`ReportEvent.data`: a dict in Python, the compact text in the database."""

    pack = staticmethod(pack)
    unpack = staticmethod(unpack)
