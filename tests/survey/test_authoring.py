"""Surveys are written and published in the Django admin by operators (and national admins given
the survey permissions); every survey and question edit is audited; answered surveys are frozen;
no other role reaches the authoring pages."""

from __future__ import annotations

import pytest
from django.test import Client

from lapor.accounts.models import User
from lapor.audit.models import AuditEntry
from lapor.survey.models import Question, Survey
from lapor.survey.services import Respondent, submit_response
from tests.conftest import sign_in
from tests.web.conftest import forms_on

from .conftest import make_survey, q

ADD = "/admin/survey/survey/add/"


def admin_client(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    sign_in(client, user)
    return client


def admin_form(client, url) -> dict:
    page = client.get(url)
    assert page.status_code == 200, url
    [form] = [f for f in forms_on(page.content.decode()) if f["method"] == "post" and f["action"] == ""]
    return {k: v for k, v in form["fields"].items() if v is not None and not k.startswith("_")}


def new_survey_data(client, *questions, **fields) -> dict:
    data = admin_form(client, ADD)
    data.update(
        title="Survei Pengguna Semester II", introduction="Pendapat Anda penting.",
        opens_at_0="2026-11-23", opens_at_1="08:00:00", closes_at_0="2026-12-31", closes_at_1="23:59:00",
    )
    data["questions-TOTAL_FORMS"] = str(len(questions))
    for i, question in enumerate(questions):
        for key, value in question.items():
            data[f"questions-{i}-{key}"] = value
    data.update(fields)
    data["_save"] = "Save"
    return data


SCALE = {"order": "1", "text": "Seberapa puas Anda dengan kecepatan tindak lanjut?", "kind": "scale", "required": "on"}
CHOICE = {"order": "2", "text": "Anda melapor sebagai?", "kind": "choice", "required": "on", "choices": "Warga\nPetugas\n\nWarga"}
TEXT = {"order": "3", "text": "Saran Anda", "kind": "text"}


def admin_entries() -> list[dict]:
    return [e.data for e in AuditEntry.objects.filter(kind="admin_change").order_by("pk")]


def test_an_operator_writes_a_survey_then_publishes_it_and_every_edit_is_audited(world, operator, client):
    ops = admin_client(operator)
    response = ops.post(ADD, new_survey_data(ops, SCALE, CHOICE, TEXT))
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get()
    assert (survey.title, survey.is_published) == ("Survei Pengguna Semester II", False)
    assert [(x.order, x.kind, x.required, x.choice_list()) for x in survey.questions.all()] == [
        (1, "scale", True, []), (2, "choice", True, ["Warga", "Petugas"]), (3, "text", False, []),
    ]
    entries = admin_entries()
    # The questions are saved (and recorded) before the survey's own entry is written.
    assert [(e["model"], e["action"]) for e in entries] == [("survey.Question", "add")] * 3 + [("survey.Survey", "add")]
    assert entries[1]["changes"]["text"] == {"before": None, "after": "Anda melapor sebagai?"}
    assert entries[3]["changes"]["title"] == {"before": None, "after": "Survei Pengguna Semester II"}

    # Not yet published: the public sees nothing of it.
    assert client.get("/survei/").content.decode().count("Semester II") == 0
    assert client.get(f"/survei/{survey.pk}/").status_code == 404
    assert client.get(f"/survei/{survey.pk}/hasil/").status_code == 404

    url = f"/admin/survey/survey/{survey.pk}/change/"
    data = admin_form(ops, url)
    data.update(is_published="on", _save="Save")
    data["questions-0-text"] = "Seberapa puas Anda dengan kecepatan tindak lanjut laporan?"
    assert ops.post(url, data).status_code == 302
    survey.refresh_from_db()
    assert survey.is_published
    changes = [(e["model"], e["action"], e["changes"]) for e in admin_entries()[4:]]
    assert changes == [
        ("survey.Question", "change", {"text": {"before": SCALE["text"], "after": "Seberapa puas Anda dengan kecepatan tindak lanjut laporan?"}}),
        ("survey.Survey", "change", {"is_published": {"before": False, "after": True}}),
    ]
    page = client.get("/survei/").content.decode()
    assert "Survei Pengguna Semester II" in page and f'href="/survei/{survey.pk}/"' in page


@pytest.mark.parametrize(
    ("question", "fields", "message"),
    [
        ({**CHOICE, "choices": "Warga\nWarga"}, {}, "Give at least two different choices, one per line."),
        ({**SCALE, "choices": "a\nb"}, {}, "Only a question with one choice from a list has choices."),
        (SCALE, {"closes_at_0": "2026-11-01"}, "The survey must close after it opens."),
    ],
)
def test_a_badly_written_survey_is_refused_with_the_reason_and_nothing_is_saved(world, operator, question, fields, message):
    ops = admin_client(operator)
    response = ops.post(ADD, new_survey_data(ops, question, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Survey.objects.count(), Question.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_an_answered_survey_keeps_its_questions_and_cannot_be_deleted(world, operator, survey):
    submit_response(survey_id=survey.pk, respondent=Respondent("guest", "session:a"), raw={f"q{q(survey, 1).pk}": "4", f"q{q(survey, 2).pk}": "Web"})
    ops = admin_client(operator)
    url = f"/admin/survey/survey/{survey.pk}/change/"
    data = admin_form(ops, url)
    assert not any(k.endswith("-text") for k in data), "the questions are read-only"
    data["questions-0-text"] = "Diubah"
    data["_save"] = "Save"
    assert ops.post(url, data).status_code == 302
    assert q(survey, 1).text == "Seberapa cepat laporan Anda ditindaklanjuti?"
    assert ops.get(f"/admin/survey/survey/{survey.pk}/delete/").status_code == 403
    assert Survey.objects.filter(pk=survey.pk).exists()


def test_an_unanswered_survey_can_be_deleted_and_that_is_audited(world, operator):
    draft = make_survey(published=False)
    ops = admin_client(operator)
    assert ops.post(f"/admin/survey/survey/{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Survey.objects.exists()
    assert [(e["model"], e["action"]) for e in admin_entries()] == [("survey.Survey", "delete")]


@pytest.mark.parametrize("who", ["citizen", "national_admin", "city_admin", "education_officer"])
def test_other_roles_cannot_reach_the_authoring_pages(world, who):
    user = getattr(world, who)
    client = admin_client(user)
    for url in (ADD, "/admin/survey/survey/", "/admin/survey/question/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), (who, url)
    assert client.post(ADD, {"title": "x"}).status_code == 302
    assert not Survey.objects.exists()


def test_staff_without_the_survey_permissions_is_refused(world):
    staff = User.objects.create_user(username="helpdesk", password="pass-helpdesk", is_staff=True)
    client = admin_client(staff)
    assert client.get(ADD).status_code == 403
    assert client.get("/admin/survey/survey/").status_code == 403
    assert not Survey.objects.exists()


def test_a_national_admin_given_the_survey_permissions_writes_surveys(world):
    from django.contrib.auth.models import Permission

    desk = world.national_admin
    desk.is_staff = True
    desk.save()
    desk.user_permissions.set(Permission.objects.filter(content_type__app_label="survey"))
    client = admin_client(User.objects.get(pk=desk.pk))
    assert client.post(ADD, new_survey_data(client, SCALE)).status_code == 302
    entry = AuditEntry.objects.filter(kind="admin_change").first()
    assert (entry.actor, entry.actor_position.role) == (desk, "national_admin")


def test_deleting_a_question_of_an_unanswered_survey_is_audited(world, operator):
    draft = make_survey(published=False)
    doomed = q(draft, 3)
    ops = admin_client(operator)
    url = f"/admin/survey/survey/{draft.pk}/change/"
    data = admin_form(ops, url)
    [prefix] = [k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == str(doomed.pk)]
    data.update({f"{prefix}-DELETE": "on", "_save": "Save"})
    assert ops.post(url, data).status_code == 302
    assert [x.order for x in draft.questions.all()] == [1, 2, 4]
    [entry] = admin_entries()
    assert (entry["model"], entry["action"], entry["object_pk"]) == ("survey.Question", "delete", doomed.pk)
    assert entry["changes"]["text"] == {"before": "Apa yang perlu diperbaiki?", "after": None}
