"""The expected access policy, written out by hand from the issue and ADR 0009 — never read
from lapor.reports.policy. Every expectation of the privacy tests is computed from these
tables and from a report's *facts* (where it stands), so the tests say what the rules are,
and the implementation is checked against them.

A scope below is ANY (every report), NONE, or a set of facts; a role holds a permission on a
report when one of the scope's facts is among the report's facts (see `facts`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from .world import CITY, CITY_SIBLING, CITY_UNIT, MINISTRY

ANY = frozenset({"*"})
NONE = frozenset()

# Statuses in which a report is still being handled (the Ombudsman reads those open > 60 days).
OPEN_STATUSES = {"submitted", "needs_info", "returned", "at_agency", "forwarded", "in_process", "followed_up", "appealed"}
OMBUDSMAN_DAYS = 60


@dataclass(frozen=True)
class Row:
    view: frozenset  # know the report exists: status, timeline, non-confidential content
    content: frozenset  # read a confidential report's title, description, address, attachments, notes
    identity: frozenset  # see a named (not anonymous) reporter's name; personal data in free text unredacted
    notes: frozenset  # read officials' internal notes


def _s(*facts: str) -> frozenset:
    return frozenset(facts)


CITY_TREE = _s(f"at:{CITY}")  # the city and any of its units
MINISTRY_TREE = _s(f"at:{MINISTRY}")
OMBUDSMAN_CASES = _s("offered", "transferred", "open_60")

# fmt: off
POLICY_TABLE: dict[str, Row] = {
    #  role                   view                         confidential content     identity (named)          internal notes
    "national_admin":       Row(ANY,                        ANY,                     ANY,                      ANY),
    # the handling chain: the agency admin (its agency and units), the unit's liaison officer
    "agency_admin":         Row(CITY_TREE,                  CITY_TREE,               CITY_TREE,                CITY_TREE),
    "liaison":              Row(_s(f"unit:{CITY_UNIT}"),    _s(f"unit:{CITY_UNIT}"), _s(f"unit:{CITY_UNIT}"),  _s(f"unit:{CITY_UNIT}")),
    "liaison_sibling":      Row(_s(f"unit:{CITY_SIBLING}"), _s(f"unit:{CITY_SIBLING}"), _s(f"unit:{CITY_SIBLING}"), _s(f"unit:{CITY_SIBLING}")),
    "other_agency_admin":   Row(MINISTRY_TREE,              MINISTRY_TREE,           MINISTRY_TREE,            MINISTRY_TREE),
    # supervisors: they monitor, they do not read confidential content or identities
    "auditor":              Row(CITY_TREE,                  NONE,                    NONE,                     CITY_TREE),
    "coordinator_province": Row(CITY_TREE,                  NONE,                    NONE,                     CITY_TREE),  # province -> its cities
    "coordinator_kemenko":  Row(MINISTRY_TREE,              NONE,                    NONE,                     MINISTRY_TREE),  # Kemenko -> its ministries
    "ksp":                  Row(_s("priority"),             NONE,                    NONE,                     _s("priority")),
    "ombudsman":            Row(OMBUDSMAN_CASES,            _s("transferred"),       _s("transferred"),        OMBUDSMAN_CASES),
    # nobody's reports
    "operator":             Row(NONE,                       NONE,                    NONE,                     NONE),
    "outsider":             Row(NONE,                       NONE,                    NONE,                     NONE),
    "public":               Row(NONE,                       NONE,                    NONE,                     NONE),
    # the reporter: their own report in full (their identity too, even when anonymous), no internal notes
    "reporter":             Row(_s("own"),                  _s("own"),               _s("own"),                NONE),
}
# fmt: on
ROLES = list(POLICY_TABLE)
SIGNED_OUT = {"public"}  # no session, no token (the guest reporter is signed out too)

# Who may take which action (from docs/workflow.md and the ADR): the role, and the facts of the
# reports it acts on. A case is "action@status": the action taken from that status.
AGENCY_ACTIONS = _s("forward@at_agency", "not_our_authority@at_agency", "archive@at_agency", "dismiss_appeal@appealed")
UNIT_ACTIONS = _s("respond@forwarded", "follow_up@in_process", "interim_reply@in_process")
REPORTER_ACTIONS = _s(
    "supplement@needs_info", "reply@followed_up", "rate@followed_up", "appeal@closed",
    "ombudsman_consent@at_agency", "ombudsman_decline@at_agency",
)
DESK_ACTIONS = _s("dispose@submitted", "request_info@submitted", "reject@submitted", "archive@submitted")
OMBUDSMAN_ACTIONS = _s("ombudsman_outcome@ombudsman")  # on a transferred report only (ADR 0023)
# fmt: off
ACT_TABLE: dict[str, tuple[frozenset, frozenset]] = {
    "national_admin":     (DESK_ACTIONS,     ANY),
    "agency_admin":       (AGENCY_ACTIONS,   _s(f"agency:{CITY}")),  # the report is at its agency (a unit's report too)
    "other_agency_admin": (AGENCY_ACTIONS,   _s(f"agency:{MINISTRY}")),
    "liaison":            (UNIT_ACTIONS,     _s(f"unit:{CITY_UNIT}")),
    "liaison_sibling":    (UNIT_ACTIONS,     _s(f"unit:{CITY_SIBLING}")),
    "reporter":           (REPORTER_ACTIONS, _s("own")),
    "ombudsman":          (OMBUDSMAN_ACTIONS, _s("transferred")),
}
# fmt: on
# Only the national desk reveals an anonymous reporter's identity (audited).
REVEAL = {"national_admin": ANY}
CASES = sorted(DESK_ACTIONS | AGENCY_ACTIONS | UNIT_ACTIONS | REPORTER_ACTIONS | OMBUDSMAN_ACTIONS)

# The officer queue: what waits for one of the role's positions (places of the world).
QUEUE = {
    "national_admin": {"desk"},  # submitted, returned, needs information
    "agency_admin": {"city"},  # at its agency, waiting for verification
    "liaison": {"city_unit"},  # forwarded to its unit, in process
    "other_agency_admin": {"ministry"},
    "ombudsman": {"omb_transferred"},  # transferred, its outcome awaited (accepted: still examined)
}
# The Ombudsman's list (ADR 0023), for the Ombudsman only: transferred reports; and, to read,
# those offered and awaiting the reporter's consent (still handled, not declined).
OMBUDSMAN_LIST = {"ombudsman": {"": "transferred", "?daftar=offered": "offered"}}
# The public feed: accepted for handling and not confidential (the desk's report is unverified).
FEED_PLACES = {"city", "city_unit", "ministry", "ministry_unit", "other", "priority", "omb_offered", "omb_transferred", "old_open", "old_closed"}


def facts(report, now, *, own: bool) -> frozenset:
    """What the scopes look at, read from the report's row by the test itself."""
    found = {"*"}
    if own:
        found.add("own")
    if report.agency_id:
        found |= {f"at:{report.agency.code}", f"agency:{report.agency.code}"}
    node = report.unit
    if node is not None:
        found.add(f"unit:{node.code}")
        while node is not None:
            found.add(f"at:{node.code}")
            node = node.parent
    if report.category_id and report.category.is_priority:
        found.add("priority")
    if report.ombudsman_offered_at is not None:
        found.add("offered")
    if report.status == "ombudsman":
        found.add("transferred")
    if report.status in OPEN_STATUSES and report.submitted_at < now - timedelta(days=OMBUDSMAN_DAYS):
        found.add("open_60")
    return frozenset(found)


def holds(scope: frozenset, report_facts: frozenset) -> bool:
    return bool(scope & report_facts)


@dataclass(frozen=True)
class Rights:
    view: bool
    content: bool  # the report's content (always, when it is not confidential)
    identity: bool  # the reporter's name
    raw_text: bool  # personal data typed into free text, unredacted
    notes: bool  # internal notes


def rights(role: str, report, report_facts: frozenset) -> Rights:
    row = POLICY_TABLE[role]
    own = "own" in report_facts
    view = holds(row.view, report_facts)
    content = not report.is_confidential or holds(row.content, report_facts)
    identity = own or (not report.is_anonymous and holds(row.identity, report_facts))
    return Rights(view=view, content=content, identity=identity, raw_text=identity, notes=holds(row.notes, report_facts))


def may_act(role: str, case: str, report_facts: frozenset) -> bool:
    cases, scope = ACT_TABLE.get(role, (NONE, NONE))
    return case in cases and holds(scope, report_facts)
