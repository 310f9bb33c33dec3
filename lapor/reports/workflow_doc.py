"""Render docs/workflow.md from the transition table, so the document cannot drift from the code.

`manage.py workflow_doc` writes it; tests/reports/test_workflow_doc.py fails when it is stale."""

from django.utils import translation

from .states import Action, ActorRole, Status
from .workflow import SUBMIT_TARGETS, TABLE

HEADER = """# The report lifecycle

Generated from `lapor/reports/workflow.py` by `manage.py workflow_doc` — do not edit by hand.
The table is the only place that says which moves are legal; `services.report_act` applies it
under a row lock and appends one immutable event per move. Guards that depend on the report's
data (at most 3 "not our authority" transfers, at most 2 interim replies, an appeal only after a
rating of 1 or 2 and only once, the Ombudsman transfer only after the 60-day offer, the
Ombudsman's outcome only forward — accepted, then resolved or closed, which conclude the case) live
in `lapor/reports/effects.py` and refuse with 409 as well. The Ombudsman's outcome is the one action
from a terminal status: it records and the report stays transferred (ADR 0023).

Deadlines (working days, HK, unless stated; policy data in `SlaPolicy`, overridable per agency and
category): desk verification 3, agency verification 3, follow-up 5 (an interim reply sets a new
date, at most 60 HK away), reporter's reply 10 then automatic closure, escalation to the national
desk 3 HK after a stage is overdue, Ombudsman offer 60 calendar days after submission.
"""


def render() -> str:
    with translation.override("en"):
        lines = [HEADER, "## Statuses", "", "| status | meaning |", "|---|---|"]
        for status in Status:
            lines.append(f"| `{status.value}` | {status.label} |")
        lines += ["", "## Transitions", "", "| from | action | to | who |", "|---|---|---|---|"]
        lines.append(f"| (new) | `submit` | {' or '.join(f'`{s}`' for s in SUBMIT_TARGETS)} | reporter |")
        for (source, action), rule in sorted(TABLE.items(), key=lambda item: (list(Status.values).index(item[0][0]), item[0][1])):
            target = rule.target or source
            who = ", ".join(str(ActorRole(r).label) for r in sorted(rule.roles))
            same = " (stays)" if rule.target is None else ""
            lines.append(f"| `{source}` | `{action}` — {Action(action).label} | `{target}`{same} | {who} |")
        lines += ["", "## State diagram", "", "Self-loops (events that change data, not the status) are left out.", "", "```mermaid", "stateDiagram-v2"]
        for target in SUBMIT_TARGETS:
            lines.append(f"    [*] --> {target}: submit")
        edges: dict[tuple[str, str], list[str]] = {}
        for (source, action), rule in TABLE.items():
            if rule.target and rule.target != source:
                edges.setdefault((source, rule.target), []).append(action)
        for (source, target), actions in sorted(edges.items()):
            lines.append(f"    {source} --> {target}: {', '.join(sorted(actions))}")
        for status in ("rejected", "archived", "ombudsman"):
            lines.append(f"    {status} --> [*]")
        lines += ["```", ""]
    return "\n".join(lines)
