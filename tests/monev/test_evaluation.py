"""Evaluation records (ADR 0017): reproducible follow-up samples, rubric scores and their
aggregates, preventive actions and action plans; who may do what (a refusal writes nothing);
validation messages; and what the review page shows (access policy, redaction)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.test import Client

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role
from lapor.audit.models import AuditEntry
from lapor.core.errors import InvalidInput, NotAllowed
from lapor.monev import evaluation
from lapor.monev.models import ActionPlanItem, FollowUpScore, PreventiveAction

from ..conftest import sign_in
from . import evaluation_world
from .evaluation_world import ANON_PHONE, SECRET_WORD, counts

WEEK = {"first": "2026-11-23", "last": "2026-11-29"}


@pytest.fixture
def ew(world):
    return evaluation_world.build(world)


def A(user) -> Actor:
    return Actor.for_user(user)


def draw(ew, user=None, size=3, seed=12345, agency="kota-35-78", **period):
    return evaluation.review_draw(
        actor=A(user or ew.w.city_admin), agency_code=agency, sample_size=size, seed=seed, **{**WEEK, **period}
    )


def item_of(review, event_id):
    return review.items.get(event_id=event_id)


# --- sampling ---------------------------------------------------------------------------------
def test_the_population_is_the_agencys_follow_ups_in_the_period(ew):
    from lapor.monev.scopes import Period

    population = evaluation.follow_up_population(ew.w.city, Period.days("2026-11-23", "2026-11-29"))
    assert population == ew.city_follow_ups  # its units' follow-ups, not the ministry's, not next week's
    assert len(population) == 7


def test_a_sample_is_reproducible_from_its_seed(ew):
    review = draw(ew, size=4, seed=2026)
    drawn = list(review.items.values_list("event_id", flat=True))
    assert len(drawn) == 4 and len(set(drawn)) == 4 and set(drawn) <= set(ew.city_follow_ups)
    assert list(review.items.values_list("position", flat=True)) == [1, 2, 3, 4]
    # The stored seed and the rule (ids ascending, random.Random(seed).sample) give it again.
    assert review.seed == 2026 and review.population == 7 and review.sample_size == 4
    assert drawn == random.Random(2026).sample(ew.city_follow_ups, 4)
    assert drawn == evaluation.draw_sample(ew.city_follow_ups, review.sample_size, review.seed)
    again = draw(ew, size=4, seed=2026)
    assert list(again.items.values_list("event_id", flat=True)) == drawn
    # Another seed, another sample (for these seeds).
    assert list(draw(ew, size=4, seed=7).items.values_list("event_id", flat=True)) != drawn


def test_without_a_seed_one_is_chosen_and_stored(ew):
    review = evaluation.review_draw(actor=A(ew.w.city_admin), agency_code="kota-35-78", sample_size="2", **WEEK)
    assert review.seed >= 0
    assert list(review.items.values_list("event_id", flat=True)) == evaluation.draw_sample(ew.city_follow_ups, 2, review.seed)


def test_a_sample_larger_than_the_population_takes_every_follow_up(ew):
    review = draw(ew, size=50)
    assert sorted(review.items.values_list("event_id", flat=True)) == ew.city_follow_ups


def test_drawing_is_audited(ew):
    review = draw(ew, size=3, seed=99)
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.REVIEW_DRAWN)
    assert entry.agency == ew.w.city and entry.actor == ew.w.city_admin
    assert entry.data["seed"] == 99 and entry.data["events"] == list(review.items.values_list("event_id", flat=True))
    assert entry.data["period"] == "2026-11-23..2026-11-29"


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        ({"size": 0}, "size", "The sample size must be between 1 and 200."),
        ({"size": 201}, "size", "The sample size must be between 1 and 200."),
        ({"size": "ten"}, "size", "The sample size must be a whole number."),
        ({"first": "2026-11-30", "last": "2026-11-23"}, "last", "The period ends before it starts."),
        ({"first": "23/11/2026"}, "first", "The first day is not a date (YYYY-MM-DD)."),
        ({"first": "2026-12-02", "last": "2026-12-31"}, "first", "The period has not started yet."),
        ({"agency": "nope"}, "agency", "There is no agency with the code nope."),
        ({"agency": "kota-35-78-disdik"}, "agency", "Dinas Pendidikan Kota Surabaya is not an agency that handles reports."),
        (
            {"first": "2026-11-01", "last": "2026-11-22"}, "first",
            "Pemerintah Kota Surabaya gave no follow-up from 2026-11-01 to 2026-11-22: there is nothing to review.",
        ),
    ],
)
def test_draw_validation(ew, kwargs, field, message):
    before = counts()
    with pytest.raises(InvalidInput) as error:
        draw(ew, **kwargs)
    assert (error.value.field, error.value.message) == (field, message)
    assert counts() == before


# --- who may draw, read and score -------------------------------------------------------------
@pytest.mark.parametrize("who", ["national_admin", "city_admin", "auditor", "coordinator"])
def test_evaluators_of_the_city_draw_and_read_its_reviews(ew, who):
    user = getattr(ew, who, None) or getattr(ew.w, who)
    review = draw(ew, user=user)
    assert evaluation.review_for(A(user), review.pk) == review


@pytest.mark.parametrize("who", ["ministry_admin", "education_officer", "idle_coordinator", "citizen", "papua_admin"])
def test_others_may_not_draw_the_citys_review_and_nothing_is_written(ew, who):
    user = getattr(ew, who, None) or getattr(ew.w, who)
    before = counts()
    with pytest.raises(NotAllowed) as error:
        draw(ew, user=user)
    assert error.value.message == "You do not evaluate Pemerintah Kota Surabaya."
    assert counts() == before


@pytest.mark.parametrize("who", ["ministry_admin", "education_officer", "idle_coordinator", "citizen"])
def test_others_neither_read_nor_score_a_review(ew, who):
    user = getattr(ew, who, None) or getattr(ew.w, who)
    review = draw(ew)
    assert evaluation.review_for(A(user), review.pk) is None
    before = counts()
    with pytest.raises(NotAllowed):
        evaluation.review_score(
            actor=A(user), review_id=review.pk, item_id=review.items.first().pk,
            scores={"relevant": 4, "concrete": 4, "timely": 4, "polite": 4},
        )
    assert counts() == before


def test_the_ministry_admin_reviews_only_the_ministry(ew):
    review = draw(ew, user=ew.w.ministry_admin, agency="kemenkes", size=5)
    assert list(review.items.values_list("event_id", flat=True)) == [ew.ministry_follow_up]


# --- scoring and aggregates -------------------------------------------------------------------
def score(ew, review, user, event_id, comment="", **values):
    return evaluation.review_score(
        actor=A(user), review_id=review.pk, item_id=item_of(review, event_id).pk, scores=values, comment=comment
    )


def test_scores_and_aggregates(ew):
    review = draw(ew, size=7)
    one, two, three = ew.city_follow_ups[:3]
    score(ew, review, ew.w.city_admin, one, relevant=4, concrete=3, timely=4, polite=4, comment="Bagus.")
    score(ew, review, ew.w.city_admin, two, relevant=2, concrete=2, timely=3, polite=4)
    score(ew, review, ew.auditor, one, relevant=3, concrete=3, timely=3, polite=3)
    summary = evaluation.review_summary(review)
    assert summary.scores == 3 and summary.scored_items == 2
    assert summary.averages == {
        "relevant": Decimal("3.00"), "concrete": Decimal("2.67"), "timely": Decimal("3.33"), "polite": Decimal("3.67")
    }
    assert (summary.meeting_bar, summary.meeting_bar_pct) == (2, Decimal("66.7"))
    # Scoring again replaces the reviewer's own scores.
    score(ew, review, ew.w.city_admin, two, relevant=3, concrete=3, timely=3, polite=3)
    summary = evaluation.review_summary(review)
    assert summary.scores == 3 and (summary.meeting_bar, summary.meeting_bar_pct) == (3, Decimal("100.0"))
    assert FollowUpScore.objects.get(item__event_id=one, reviewer=ew.w.city_admin).comment == "Bagus."
    assert not FollowUpScore.objects.filter(item__event_id=three).exists()
    scored = AuditEntry.objects.filter(kind=AuditEntry.Kind.REVIEW_SCORED).order_by("pk")
    assert [e.data["change"] for e in scored] == ["created", "created", "created", "updated"]


def test_an_empty_review_has_no_averages(ew):
    summary = evaluation.review_summary(draw(ew))
    assert summary.scores == 0 and summary.meeting_bar_pct is None
    assert set(summary.averages.values()) == {None}


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"relevant": 5, "concrete": 3, "timely": 3, "polite": 3}, "relevant", "Score “relevant to the substance” from 1 to 4."),
        ({"relevant": 3, "concrete": 0, "timely": 3, "polite": 3}, "concrete", "Score “concrete” from 1 to 4."),
        ({"relevant": 3, "concrete": 3, "polite": 3}, "timely", "Score “timely” from 1 to 4."),
        ({"relevant": 3, "concrete": 3, "timely": 3, "polite": "x"}, "polite", "Score “polite” from 1 to 4."),
    ],
)
def test_score_validation(ew, values, field, message):
    review = draw(ew, size=7)
    before = counts()
    with pytest.raises(InvalidInput) as error:
        score(ew, review, ew.w.city_admin, ew.city_follow_ups[0], **values)
    assert (error.value.field, error.value.message) == (field, message)
    assert counts() == before


def test_an_event_outside_the_sample_cannot_be_scored(ew):
    review = draw(ew, size=7)
    other = draw(ew, user=ew.w.ministry_admin, agency="kemenkes")
    before = counts()
    with pytest.raises(InvalidInput) as error:
        evaluation.review_score(
            actor=A(ew.w.city_admin), review_id=review.pk, item_id=other.items.get().pk, scores={"timely": 3}
        )
    assert error.value.message == "This follow-up is not in the review's sample."
    assert counts() == before


def test_who_may_not_read_a_confidential_report_scores_its_timeliness_only(ew):
    review = draw(ew, size=7)
    event = ew.confidential.events.get(action="follow_up").pk
    # The APIP auditor may view the report but not read its confidential content.
    before = counts()
    with pytest.raises(InvalidInput) as error:
        score(ew, review, ew.auditor, event, relevant=3, concrete=3, timely=2, polite=3)
    assert error.value.message == "You may not read this report's content: score its timeliness only."
    assert counts() == before
    saved = score(ew, review, ew.auditor, event, timely=2)
    assert (saved.relevant, saved.concrete, saved.timely, saved.polite) == (None, None, 2, None)
    # The agency admin may read it and scores every criterion.
    score(ew, review, ew.w.city_admin, event, relevant=4, concrete=4, timely=4, polite=4)
    summary = evaluation.review_summary(review)
    assert summary.averages["relevant"] == Decimal("4.00") and summary.averages["timely"] == Decimal("3.00")
    assert (summary.meeting_bar, summary.scores) == (1, 2)


def test_what_each_reviewer_sees_of_the_sample(ew):
    review = draw(ew, size=7)
    confidential = item_of(review, ew.confidential.events.get(action="follow_up").pk)
    anonymous = item_of(review, ew.anonymous.events.get(action="follow_up").pk)
    admin, auditor = A(ew.w.city_admin), A(ew.auditor)

    seen = evaluation.item_view(admin, confidential)
    assert seen.readable and SECRET_WORD in seen.note and SECRET_WORD in seen.title
    seen = evaluation.item_view(auditor, confidential)
    assert seen.visible and not seen.readable and seen.note == "" and seen.title == ""
    # Nobody sees an anonymous reporter's identity: personal data in the text is redacted.
    for actor in (admin, auditor, A(ew.w.national_admin)):
        seen = evaluation.item_view(actor, anonymous)
        assert seen.readable and ANON_PHONE not in seen.note and "Kami sudah menghubungi pelapor" in seen.note


# --- the pages --------------------------------------------------------------------------------
def page_client(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    sign_in(client, user)
    return client


def test_the_review_page_through_the_access_policy(ew):
    review = draw(ew, size=7)
    url = f"/monev/evaluasi/tinjauan/{review.pk}/"

    html = page_client(ew.w.city_admin).get(url).content.decode()
    assert SECRET_WORD in html and ANON_PHONE not in html and "Warga" not in html and "warga" not in html
    assert "<caption" in html and 'for="f-timely-' in html

    html = page_client(ew.auditor).get(url).content.decode()
    assert SECRET_WORD not in html and ANON_PHONE not in html and "Warga" not in html
    assert "This report is confidential and you may not read its content: score its timeliness only." in html
    assert "Tindak lanjut nomor" in html

    html = page_client(ew.coordinator).get(url).content.decode()
    assert SECRET_WORD not in html and ANON_PHONE not in html and "Tindak lanjut nomor" in html

    assert page_client(ew.w.ministry_admin).get(url).status_code == 404
    assert page_client(ew.w.education_officer).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_drawing_and_scoring_through_the_pages(ew):
    client = page_client(ew.w.city_admin)
    page = client.post("/monev/evaluasi/tinjauan/", {"agency": "kota-35-78", "size": "3", **WEEK}, follow=True)
    assert page.status_code == 200 and "3 follow-ups of Pemerintah Kota Surabaya drawn for review." in page.content.decode()
    review = evaluation.reviews_visible_to(A(ew.w.city_admin)).get()
    item = review.items.first()
    page = client.post(
        f"/monev/evaluasi/tinjauan/{review.pk}/",
        {"item": item.pk, "relevant": "4", "concrete": "4", "timely": "3", "polite": "4", "comment": ""}, follow=True,
    )
    assert "Your scores are saved." in page.content.decode()
    assert FollowUpScore.objects.get().timely == 3
    before = counts()
    page = client.post(f"/monev/evaluasi/tinjauan/{review.pk}/", {"item": item.pk, "relevant": "9", "timely": "3"})
    assert page.status_code == 422 and "Score “relevant to the substance” from 1 to 4." in page.content.decode()
    page = client.post("/monev/evaluasi/tinjauan/", {"agency": "kota-35-78", "size": "0", **WEEK})
    assert page.status_code == 422 and "The sample size must be between 1 and 200." in page.content.decode()
    assert counts() == before


# --- preventive actions -----------------------------------------------------------------------
def record_preventive(user, **overrides):
    values = {
        "agency_code": "kota-35-78", "category_codes": ["pendidikan-ppdb"], "region_code": "35",
        "title": "Sosialisasi PPDB", "description": "Sosialisasi aturan PPDB ke semua sekolah.",
        "owner": "Kepala Dinas Pendidikan", "start": "2026-12-01", "end": "2027-01-31", "status": "planned",
    }
    return evaluation.preventive_action_record(actor=A(user), **{**values, **overrides})


def test_a_preventive_action_is_recorded_and_audited(ew):
    action = record_preventive(ew.w.city_admin)
    assert [c.code for c in action.categories.all()] == ["pendidikan-ppdb"] and action.region.code == "35"
    assert AuditEntry.objects.get(kind=AuditEntry.Kind.PREVENTIVE_ACTION_SAVED).agency == ew.w.city
    evaluation.preventive_action_set_status(actor=A(ew.auditor), action_id=action.pk, status="in_progress")
    assert PreventiveAction.objects.get().status == "in_progress"
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.PREVENTIVE_ACTION_SAVED).latest("pk").data["status"] == ["planned", "in_progress"]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"title": "  "}, "title", "The title is required."),
        ({"category_codes": []}, "categories", "Choose at least one category."),
        ({"category_codes": ["nope"]}, "categories", "Unknown category: nope."),
        ({"region_code": "99"}, "region", "There is no region with the code 99."),
        ({"end": "2026-11-01"}, "end", "The end date is before the start date."),
        ({"status": "finished"}, "status", "Choose a status from the list."),
        ({"owner": "x" * 151}, "owner", "The owner is too long: at most 150 characters."),
    ],
)
def test_preventive_action_validation(ew, overrides, field, message):
    before = counts()
    with pytest.raises(InvalidInput) as error:
        record_preventive(ew.w.city_admin, **overrides)
    assert (error.value.field, error.value.message) == (field, message)
    assert counts() == before


@pytest.mark.parametrize("who", ["ministry_admin", "education_officer", "idle_coordinator"])
def test_others_may_not_record_or_change_the_citys_preventive_actions(ew, who):
    user = getattr(ew, who, None) or getattr(ew.w, who)
    action = record_preventive(ew.w.city_admin)
    before = counts()
    with pytest.raises(NotAllowed):
        record_preventive(user)
    with pytest.raises(NotAllowed):
        evaluation.preventive_action_set_status(actor=A(user), action_id=action.pk, status="done")
    assert counts() == before
    assert not evaluation.preventive_actions_visible_to(A(user)).exists()


# --- action plans -----------------------------------------------------------------------------
def plan_with_item(ew, user=None):
    user = user or ew.w.city_admin
    plan = evaluation.action_plan_create(actor=A(user), agency_code="kota-35-78", title="Rencana Aksi 2027", first="2027-01-01", last="2027-12-31")
    owner = Position.objects.get(holder=ew.w.education_officer)
    item = evaluation.action_plan_add_item(
        actor=A(user), plan_id=plan.pk, action="Pelatihan pejabat penghubung", target="Semua unit terlatih",
        owner_position_id=str(owner.pk), due="2027-03-31",
    )
    return plan, item


def test_an_action_plan_its_items_and_progress(ew):
    plan, item = plan_with_item(ew)
    evaluation.action_plan_update_item(actor=A(ew.auditor), item_id=item.pk, progress="40", notes="Dua unit selesai.", status="in_progress")
    item.refresh_from_db()
    assert (item.progress, item.progress_notes, item.status) == (40, "Dua unit selesai.", "in_progress")
    changes = [e.data["change"] for e in AuditEntry.objects.filter(kind=AuditEntry.Kind.ACTION_PLAN_SAVED).order_by("pk")]
    assert changes == ["created", "item added", "progress"]


def test_liaison_officers_read_their_agencys_plans_but_do_not_write(ew):
    plan, item = plan_with_item(ew)
    officer = A(ew.w.education_officer)
    assert evaluation.plan_for(officer, plan.pk) == plan and not evaluation.may_write_plan(officer, plan)
    assert evaluation.plan_for(A(ew.w.ministry_officer), plan.pk) is None
    before = counts()
    with pytest.raises(NotAllowed):
        evaluation.action_plan_update_item(actor=officer, item_id=item.pk, progress="90", notes="", status="in_progress")
    with pytest.raises(NotAllowed):
        evaluation.action_plan_add_item(actor=officer, plan_id=plan.pk, action="x", target="y", owner_position_id="1", due="2027-01-01")
    with pytest.raises(NotAllowed):
        evaluation.action_plan_create(actor=officer, agency_code="kota-35-78", title="x", first="2027-01-01", last="2027-01-31")
    assert counts() == before


@pytest.mark.parametrize(
    "call, field, message",
    [
        ({"progress": "101"}, "progress", "Progress is a whole percentage from 0 to 100."),
        ({"progress": "-1"}, "progress", "Progress is a whole percentage from 0 to 100."),
        ({"progress": "50", "status": "done"}, "progress", "An item is done only at 100 % progress."),
        ({"progress": "50", "status": "nope"}, "status", "Choose a status from the list."),
    ],
)
def test_progress_validation(ew, call, field, message):
    _plan, item = plan_with_item(ew)
    before = counts()
    with pytest.raises(InvalidInput) as error:
        evaluation.action_plan_update_item(actor=A(ew.w.city_admin), item_id=item.pk, notes="", **{"status": "in_progress", **call})
    assert (error.value.field, error.value.message) == (field, message)
    assert counts() == before


def test_an_item_owner_is_an_active_position_of_the_agency(ew):
    plan, _item = plan_with_item(ew)
    before = counts()
    for owner in (Position.objects.get(holder=ew.w.ministry_officer).pk, "", "abc"):
        with pytest.raises(InvalidInput) as error:
            evaluation.action_plan_add_item(
                actor=A(ew.w.city_admin), plan_id=plan.pk, action="a", target="t", owner_position_id=str(owner), due="2027-01-01"
            )
        assert error.value.message == "Choose the owner from the agency's active positions."
    assert counts() == before


def test_plan_pages(ew):
    plan, item = plan_with_item(ew)
    html = page_client(ew.w.education_officer).get(f"/monev/evaluasi/rencana-aksi/{plan.pk}/").content.decode()
    assert "Pelatihan pejabat penghubung" in html and "Save the progress" not in html
    assert page_client(ew.w.ministry_officer).get(f"/monev/evaluasi/rencana-aksi/{plan.pk}/").status_code == 404
    assert page_client(ew.w.citizen).get("/monev/evaluasi/rencana-aksi/").status_code == 403
    client = page_client(ew.w.city_admin)
    page = client.post(f"/monev/evaluasi/rencana-aksi/butir/{item.pk}/", {"plan": plan.pk, "progress": "100", "notes": "Selesai.", "status": "done"}, follow=True)
    assert "Progress of “Pelatihan pejabat penghubung” saved." in page.content.decode()
    assert ActionPlanItem.objects.get().status == "done"
    before = counts()
    page = page_client(ew.w.education_officer).post(
        f"/monev/evaluasi/rencana-aksi/butir/{item.pk}/", {"plan": plan.pk, "progress": "10", "notes": "", "status": "in_progress"}, follow=True
    )
    assert "You do not evaluate Pemerintah Kota Surabaya." in page.content.decode()
    assert counts() == before


def test_preventive_page(ew):
    client = page_client(ew.auditor)
    page = client.post(
        "/monev/evaluasi/preventif/",
        {"agency": "kota-35-78", "categories": ["pendidikan-ppdb"], "region": "", "title": "Kotak saran", "description": "Di setiap sekolah.",
         "owner": "Sekretaris Dinas", "start": "2026-12-01", "end": "", "status": "planned"},
        follow=True,
    )
    assert "Preventive action “Kotak saran” recorded." in page.content.decode()
    assert page_client(ew.w.education_officer).get("/monev/evaluasi/preventif/").status_code == 403
    assert "Kotak saran" not in page_client(ew.w.ministry_admin).get("/monev/evaluasi/preventif/").content.decode()


def test_the_menu_offers_the_evaluation_pages(ew):
    html = page_client(ew.auditor).get("/monev/evaluasi/rencana-aksi/").content.decode()
    assert 'href="/monev/evaluasi/tinjauan/"' in html
    html = page_client(ew.w.education_officer).get("/monev/evaluasi/rencana-aksi/").content.decode()
    assert 'href="/monev/evaluasi/tinjauan/"' not in html and 'href="/monev/evaluasi/rencana-aksi/"' in html
    html = page_client(ew.w.citizen).get("/").content.decode()
    assert "/monev/evaluasi/" not in html


def test_changes_in_the_django_admin_are_audited(ew):
    action = record_preventive(ew.w.city_admin)
    operator = evaluation_world.official("operator", Role.OPERATOR, ew.w.desk, "Operator")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client = page_client(operator)
    url = f"/admin/monev/preventiveaction/{action.pk}/change/"
    assert client.get(url).status_code == 200
    page = client.post(url, {
        "agency": action.agency_id, "categories": [c.pk for c in action.categories.all()], "region": action.region_id,
        "title": "Sosialisasi PPDB 2027", "description": action.description, "owner": action.owner,
        "start_date": "2026-12-01", "end_date": "2027-01-31", "status": "planned",
    })
    assert page.status_code == 302, page.content.decode()[:2000]
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.ADMIN_CHANGE).latest("pk")
    assert entry.agency == ew.w.city and "Sosialisasi PPDB 2027" in str(entry.data)
