"""How a report's monitoring facts (lapor/monev/rollups.py) are stored on its row.

In memory the facts are a small dict, `{"ev": {...}, "st": {...}}`, easy to read and compare.
Stored, they are one compact JSON array in a text column: at ten million reports the dict
as JSONB cost about 380 bytes a report (key names, ISO dates, per-entry headers), this about
60 (ADR 0019, "Storage").

Positions (trailing nulls dropped):

    0 sd   submitted day, as days since 1970-01-01 (WIB)
    1 sh   national shard          2 s   status           3 a   agency id   4 u   unit id
    5 rd   received day, days after sd (null: not received)
    6 bits pr=1 om=2 oo=4 ov=8 ro=16 ap=32 (the state's flags)
    7 fn   8 fa   9 cn   10 ca    working days (null: not yet)
    11 dd  first desk decision on time: 1 / 0 (null: none yet)
    12 ff  first follow-up: [microseconds after sd's WIB midnight, on time: true/false/null]
    13 rt  latest rating
    14 rc  receptions decided: [[day after sd, agency id, on time 1/0], ...]
    15 nr  "not our authority" answers: [[day after sd, agency id], ...]
    16 pend the pending reception: [day after sd, agency id]

Every date is relative to the submitted day, which comes first: moving a report in time (a
data set copied into earlier years by bench/generate.py) rewrites one number."""

from __future__ import annotations

import json
from datetime import date, timedelta

from lapor.core.codes import PackedDictField

_EPOCH = date(1970, 1, 1)
_DAY_US = 86_400_000_000
_WIB_OFFSET_US = 7 * 3_600_000_000  # WIB is UTC+7 all year (no daylight saving)
FLAGS = ("pr", "om", "oo", "ov", "ro", "ap")
DURATIONS = ("fn", "fa", "cn", "ca")


def _day_number(day: str) -> int:
    return (date.fromisoformat(day) - _EPOCH).days


def _day(number: int) -> str:
    return (_EPOCH + timedelta(days=number)).isoformat()


def pack(facts: dict) -> str:
    if not facts:
        return ""
    ev, st = facts["ev"], facts["st"]
    sd = _day_number(st["sd"])
    midnight_us = sd * _DAY_US - _WIB_OFFSET_US

    def rel(day: str) -> int:
        return _day_number(day) - sd

    row = [
        sd, st["sh"], st["s"], st["a"], st["u"],
        None if st["rd"] is None else rel(st["rd"]),
        sum(1 << i for i, name in enumerate(FLAGS) if st[name]),
        *(st.get(name) for name in DURATIONS),
        int(ev["dd"]) if "dd" in ev else None,
        [ev["ff"][0] - midnight_us, ev["ff"][1]] if "ff" in ev else None,
        ev.get("rt"),
        [[rel(day), agency, int(on_time)] for day, agency, on_time in ev["rc"]] if "rc" in ev else None,
        [[rel(day), agency] for day, agency in ev["nr"]] if "nr" in ev else None,
        [rel(ev["pend"][0]), ev["pend"][1]] if "pend" in ev else None,
    ]
    while row[-1] is None:
        row.pop()
    return json.dumps(row, separators=(",", ":"))


def unpack(text: str) -> dict:
    if not text:
        return {}
    row = json.loads(text)
    row += [None] * (17 - len(row))
    sd, sh, status, agency, unit, rd, bits, fn, fa, cn, ca, dd, ff, rt, rc, nr, pend = row
    midnight_us = sd * _DAY_US - _WIB_OFFSET_US
    st = {
        "s": status, "sd": _day(sd), "sh": sh, "a": agency, "u": unit,
        "rd": None if rd is None else _day(sd + rd),
        **{name: bool(bits >> i & 1) for i, name in enumerate(FLAGS)},
    }
    for name, value in zip(DURATIONS, (fn, fa, cn, ca)):
        if value is not None:
            st[name] = value
    ev: dict = {}
    if dd is not None:
        ev["dd"] = bool(dd)
    if ff is not None:
        ev["ff"] = [ff[0] + midnight_us, ff[1]]
    if rt is not None:
        ev["rt"] = rt
    if rc is not None:
        ev["rc"] = [[_day(sd + day), agency_id, bool(on_time)] for day, agency_id, on_time in rc]
    if nr is not None:
        ev["nr"] = [[_day(sd + day), agency_id] for day, agency_id in nr]
    if pend is not None:
        ev["pend"] = [_day(sd + pend[0]), pend[1]]
    return {"ev": ev, "st": st}


class FactsField(PackedDictField):
    """`Report.monitoring_facts`: a dict in Python, the packed array in the database."""

    pack = staticmethod(pack)
    unpack = staticmethod(unpack)
