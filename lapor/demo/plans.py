"""How each simulated report is meant to go: a plan drawn at random with realistic odds, or one
of the showcase plans that make sure the demo has a report in every status (and overdue,
escalated and transfer-capped ones) whatever the number of reports.

A plan only states intentions (the desk will ask for more information, the agency will bounce
it twice, the reporter will rate it 1 and appeal...). steps.py turns them into legal actions one
status at a time; the SLA sweep may overtake them (an unanswered follow-up closes by itself).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from lapor.reports.states import Status as S

STAGES = ("desk", "agency", "unit", "reporter")


@dataclass(frozen=True)
class Plan:
    target: bool = False  # the reporter names the agency: the report skips the desk
    desk: str = "dispose"  # dispose | request_info | reject | archive
    reject_reason: str = "spam"  # RejectReason with texts in phrases.JUNK
    archive_reason: str = "duplicate"  # ArchiveReason (duplicate falls back when there is no original)
    supplement: bool = True  # after a request for information; else the desk rejects it as incomplete
    bounces: int = 0  # "not our authority" before an agency accepts it (3 is the cap)
    agency: str = "forward"  # forward | archive
    interim: int = 0  # interim replies with a new due date (at most 2)
    respond_first: bool = True  # an initial response before the follow-up
    slow: frozenset = field(default_factory=frozenset)  # stages whose actor misses the deadline
    after_follow_up: str = "rate"  # rate | reply | silent (the report then closes by itself)
    rating: int = 5
    appeal: bool = False  # after a rating of 1 or 2
    appeal_outcome: str = "forward"  # forward (to the unit again) | dismiss
    late_rate: bool = False  # rates after the automatic closure
    stall: str | None = None  # the handler never acts at this status...
    resume: bool = False  # ...until the report is escalated
    ombudsman: str = "ignore"  # the reporter's answer to the 60-day offer: consent | decline | ignore
    fast: bool = False  # showcase: act within hours, so the status is reached before the end


def _pick(rng: random.Random, weighted: dict):
    return rng.choices(list(weighted), list(weighted.values()))[0]


def random_plan(rng: random.Random) -> Plan:
    stall = None
    if rng.random() < 0.08:
        stall = rng.choice((S.SUBMITTED, S.AT_AGENCY, S.AT_AGENCY, S.FORWARDED, S.IN_PROCESS, S.IN_PROCESS,
                            S.RETURNED, S.APPEALED))
    return Plan(
        target=rng.random() < 0.10,
        desk=_pick(rng, {"dispose": 83, "request_info": 8, "reject": 5, "archive": 4}),
        reject_reason=_pick(rng, {"spam": 4, "not_public_service": 3, "in_court": 2, "abusive": 1}),
        archive_reason=_pick(rng, {"duplicate": 5, "not_actionable": 3, "resolved_elsewhere": 2}),
        supplement=rng.random() < 0.7,
        bounces=_pick(rng, {0: 86, 1: 9, 2: 3, 3: 2}),
        agency="archive" if rng.random() < 0.04 else "forward",
        interim=_pick(rng, {0: 80, 1: 15, 2: 5}),
        respond_first=rng.random() < 0.6,
        slow=frozenset(stage for stage in STAGES if rng.random() < 0.08),
        after_follow_up=_pick(rng, {"rate": 50, "reply": 15, "silent": 35}),
        rating=_pick(rng, {5: 35, 4: 30, 3: 15, 2: 10, 1: 10}),
        appeal=rng.random() < 0.5,
        appeal_outcome="forward" if rng.random() < 0.6 else "dismiss",
        late_rate=rng.random() < 0.3,
        stall=stall,
        resume=rng.random() < 0.5,
        ombudsman=_pick(rng, {"consent": 45, "decline": 30, "ignore": 25}),
    )


FAST = Plan(fast=True)
# (what it shows, days before the end of the period it is submitted, the plan)
SHOWCASE: tuple[tuple[str, float, Plan], ...] = (
    ("submitted", 1.5, replace(FAST, stall=S.SUBMITTED)),
    ("needs_info", 4, replace(FAST, desk="request_info", supplement=False, stall=S.NEEDS_INFO)),
    ("returned", 6, replace(FAST, bounces=1, stall=S.RETURNED)),
    ("at_agency", 2, replace(FAST, target=True, stall=S.AT_AGENCY)),
    ("forwarded", 6, replace(FAST, stall=S.FORWARDED)),
    ("in_process", 7, replace(FAST, respond_first=True, stall=S.IN_PROCESS)),
    ("followed_up", 8, replace(FAST, after_follow_up="silent")),
    ("appealed", 14, replace(FAST, rating=1, appeal=True, stall=S.APPEALED)),
    ("closed", 45, replace(FAST, rating=5)),
    ("rejected", 30, replace(FAST, desk="reject", reject_reason="spam")),
    ("archived", 30, replace(FAST, agency="archive", archive_reason="not_actionable")),
    ("ombudsman", 95, replace(FAST, target=True, stall=S.AT_AGENCY, ombudsman="consent")),
    ("overdue and escalated", 25, replace(FAST, target=True, stall=S.AT_AGENCY)),
    ("transfer cap", 40, replace(FAST, bounces=3, rating=4)),
)
