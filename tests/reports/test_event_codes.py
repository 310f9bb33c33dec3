"""The event log's action, statuses and role: words in Python, 2-byte codes in the database
(lapor.core.codes, ADR 0021). The codes are pinned here: rows written with them stay, so a code
is never changed or reused; new words are appended."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lapor.core.codes import CodeField
from lapor.reports.models import ReportEvent
from lapor.reports.states import ACTION_CODES, ACTOR_ROLE_CODES, STATUS_CODES, Action, ActorRole, Status

PINNED_STATUS = (
    "", "submitted", "needs_info", "returned", "at_agency", "forwarded", "in_process", "followed_up",
    "appealed", "closed", "rejected", "archived", "ombudsman",
)  # fmt: skip
PINNED_ACTION = (
    "", "submit", "dispose", "request_info", "supplement", "reject", "forward", "not_our_authority",
    "archive", "respond", "follow_up", "interim_reply", "reply", "rate", "appeal", "dismiss_appeal",
    "auto_close", "mark_overdue", "escalate", "offer_ombudsman", "ombudsman_consent", "ombudsman_decline",
)  # fmt: skip
PINNED_ROLE = ("", "reporter", "national_admin", "agency_admin", "liaison_officer", "system")


@pytest.mark.parametrize(
    ("codes", "pinned", "choices"),
    [(STATUS_CODES, PINNED_STATUS, Status), (ACTION_CODES, PINNED_ACTION, Action), (ACTOR_ROLE_CODES, PINNED_ROLE, ActorRole)],
)
def test_codes_are_append_only_and_cover_every_word(codes, pinned, choices):
    assert codes[: len(pinned)] == pinned, "a code was changed or reused: only append new words"
    assert set(choices.values) <= set(codes), "a word has no code: append it"


def raw_row(event_id: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT action, from_status, to_status, actor_role FROM reports_reportevent WHERE id = %s", [event_id])
        return cursor.fetchone()


def test_words_in_python_codes_in_the_database(world, submit):
    report, _ = submit()
    event = ReportEvent.objects.get(report=report, seq=1)
    assert (event.action, event.from_status, event.to_status, event.actor_role) == ("submit", "", report.status, "reporter")
    assert raw_row(event.pk) == (1, 0, STATUS_CODES.index(report.status), 1)
    assert ReportEvent.objects.filter(action=Action.SUBMIT, from_status="").count() == 1
    assert ReportEvent.objects.filter(action__in=[Action.RATE, Action.SUBMIT]).values_list("action", flat=True)[0] == "submit"
    assert ReportEvent.objects.filter(action=Action.RATE).count() == 0
    assert event.get_action_display() == str(Action.SUBMIT.label)


def test_a_word_without_a_code_is_refused_before_the_database():
    field = ReportEvent._meta.get_field("action")
    with pytest.raises(ValueError, match="no code for 'sumbit'"):
        field.get_prep_value("sumbit")
    with pytest.raises(TypeError):
        field.get_prep_value(3)
    with pytest.raises(ValidationError):
        field.to_python(999)
    with pytest.raises(ValueError, match="appears twice"):
        CodeField(codes=("a", "b", "a"))


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_words_into_codes_and_back(world, submit):
    report, _ = submit()
    event = ReportEvent.objects.get(report=report, seq=1)
    before, latest = [("reports", "0009_repack_monitoring_facts")], [("reports", "0010_event_codes")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        assert raw_row(event.pk) == ("submit", "", report.status, "reporter")
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        assert raw_row(event.pk) == (1, 0, STATUS_CODES.index(report.status), 1)
        assert ReportEvent.objects.get(pk=event.pk).action == "submit"
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
