"""An official sets what they are e-mailed about the queues of the positions they hold
(`/petugas/pemberitahuan/`): a message when a report enters a queue, is overdue or is escalated
to it, and a morning digest. Only the holder of an active position sets its flags; a form naming
anyone else's position is refused whole and saves nothing."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User
from lapor.accounts.services import position_hand_over, set_position_notices
from lapor.core.errors import NotFound
from tests.conftest import sign_in

PAGE = "/petugas/pemberitahuan/"


def client_for(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    sign_in(client, user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def post_of(user) -> Position:
    return Position.objects.get(holder=user)


def flags() -> dict:
    return {pk: (q, d) for pk, q, d in Position.objects.values_list("pk", "queue_messages", "daily_digest")}


def checked(page: str, name: str) -> bool:
    found = re.search(rf'<input type="checkbox" id="f-{name}" name="{name}"( checked)?>', page)
    assert found, f"no checkbox {name}"
    return bool(found.group(1))


@pytest.fixture
def two_posts(world):
    """The city admin also holds the auditor's post of their city (two fieldsets)."""
    audit = Position.objects.create(role=Role.AUDITOR, agency=world.city, title="Inspektorat Kota Surabaya",
                                    holder=world.city_admin, daily_digest=False)
    return post_of_role(world.city_admin, Role.AGENCY_ADMIN), audit


def post_of_role(user, role) -> Position:
    return Position.objects.get(holder=user, role=role)


# --- the page -------------------------------------------------------------------------------------
def test_the_holder_sees_each_position_with_its_flags_as_stored(world, two_posts):
    admin, audit = two_posts
    Position.objects.filter(pk=admin.pk).update(queue_messages=False)
    page = text(client_for(world.city_admin).get(PAGE))
    assert "<legend>Admin Instansi Kota Surabaya — Pemerintah Kota Surabaya</legend>" in page
    assert "<legend>Inspektorat Kota Surabaya — Pemerintah Kota Surabaya</legend>" in page
    assert not checked(page, f"queue_messages-{admin.pk}") and checked(page, f"daily_digest-{admin.pk}")
    assert checked(page, f"queue_messages-{audit.pk}") and not checked(page, f"daily_digest-{audit.pk}")
    assert page.count("E-mail me when a report enters this queue, is overdue or is escalated to it") == 2
    assert page.count("E-mail me a digest of this queue every morning") == 2
    assert page.count('<button type="submit">Save</button>') == 1


def test_the_page_shows_the_address_or_says_there_is_none(world):
    page = text(client_for(world.city_admin).get(PAGE))
    assert "Your account has no e-mail address, so nothing can be sent to you" in page
    world.city_admin.email = "admin@surabaya.go.id"
    world.city_admin.save()
    page = text(client_for(world.city_admin).get(PAGE))
    assert "The messages go to the e-mail address of your account: admin@surabaya.go.id." in page
    assert "has no e-mail address" not in page


def test_the_page_shows_no_position_of_anyone_else(world, two_posts):
    page = text(client_for(world.city_admin).get(PAGE))
    mine = {p.pk for p in two_posts}
    assert {int(v) for v in re.findall(r'name="position" value="(\d+)"', page)} == mine
    for other in Position.objects.exclude(pk__in=mine):
        assert other.title not in page
        assert f'queue_messages-{other.pk}"' not in page and f'daily_digest-{other.pk}"' not in page


def test_an_inactive_position_is_not_listed(world, two_posts):
    admin, audit = two_posts
    Position.objects.filter(pk=audit.pk).update(is_active=False)
    page = text(client_for(world.city_admin).get(PAGE))
    assert "Inspektorat Kota Surabaya" not in page and f"queue_messages-{admin.pk}" in page


def test_officials_have_the_menu_entry_and_citizens_do_not(world):
    assert f'href="{PAGE}"' in text(client_for(world.education_officer).get("/petugas/"))
    assert f'href="{PAGE}"' not in text(client_for(world.citizen).get("/laporan-saya/"))


# --- saving ---------------------------------------------------------------------------------------
def test_turning_a_flag_off_and_on_again(world):
    client = client_for(world.education_officer)
    post = post_of(world.education_officer)
    response = client.post(PAGE, {"position": [post.pk], f"queue_messages-{post.pk}": "on"}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "Saved: you are e-mailed about your positions" in text(response)
    post.refresh_from_db()
    assert (post.queue_messages, post.daily_digest) == (True, False)
    assert not checked(text(response), f"daily_digest-{post.pk}")

    client.post(PAGE, {"position": [post.pk], f"queue_messages-{post.pk}": "on", f"daily_digest-{post.pk}": "on"})
    post.refresh_from_db()
    assert (post.queue_messages, post.daily_digest) == (True, True)

    client.post(PAGE, {"position": [post.pk]})  # both boxes unticked
    post.refresh_from_db()
    assert (post.queue_messages, post.daily_digest) == (False, False)


def test_every_listed_position_is_set_and_others_are_left_alone(world, two_posts):
    admin, audit = two_posts
    before = flags()
    client_for(world.city_admin).post(PAGE, {
        "position": [admin.pk, audit.pk],
        f"daily_digest-{admin.pk}": "on",
        f"queue_messages-{audit.pk}": "on", f"daily_digest-{audit.pk}": "on",
    })
    after = flags()
    assert after[admin.pk] == (False, True) and after[audit.pk] == (True, True)
    assert {k: v for k, v in after.items() if k not in (admin.pk, audit.pk)} == \
        {k: v for k, v in before.items() if k not in (admin.pk, audit.pk)}


def test_a_form_naming_another_persons_position_is_refused_and_saves_nothing(world):
    mine, theirs = post_of(world.city_admin), post_of(world.education_officer)
    before = flags()
    client = client_for(world.city_admin)
    response = client.post(PAGE, {"position": [mine.pk, theirs.pk]})  # both unticked
    assert response.status_code == 404
    assert flags() == before
    response = client.post(PAGE, {"position": [theirs.pk], f"queue_messages-{theirs.pk}": "on"})
    assert response.status_code == 404
    assert flags() == before
    # a position that does not exist, and something that is not an id, are refused the same way
    for bad in (max(before) + 1, "x"):
        assert client.post(PAGE, {"position": [mine.pk, bad]}).status_code == 404
    assert flags() == before


def test_an_inactive_position_cannot_be_set(world, two_posts):
    admin, audit = two_posts
    Position.objects.filter(pk=audit.pk).update(is_active=False)
    before = flags()
    assert client_for(world.city_admin).post(PAGE, {"position": [admin.pk, audit.pk]}).status_code == 404
    assert flags() == before


def test_a_citizen_cannot_use_the_page(world):
    client = client_for(world.citizen)
    assert client.get(PAGE).status_code == 403
    before = flags()
    target = post_of(world.education_officer)
    assert client.post(PAGE, {"position": [target.pk]}).status_code == 403
    assert flags() == before


def test_a_platform_operator_without_a_position_has_nothing_to_set(world):
    """The menu offers the page to operators (they count as officials there): not a refusal."""
    operator = User.objects.create_user(username="operator", password="pass-operator", is_staff=True)
    response = client_for(operator).get(PAGE)
    assert response.status_code == 200
    assert "You hold no position, so there is no queue to be e-mailed about." in text(response)
    assert 'name="position"' not in text(response)


def test_anonymous_users_are_sent_to_sign_in(world):
    client = Client()
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"] == f"/masuk/?next={PAGE}"
    before = flags()
    response = client.post(PAGE, {"position": [post_of(world.city_admin).pk]})
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert flags() == before


def test_an_official_needs_the_second_step_first(world):
    client = Client()
    client.force_login(world.city_admin)  # the password only
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/masuk/dua-langkah/")


# --- the service ----------------------------------------------------------------------------------
def test_the_service_sets_only_the_actors_own_active_positions(world):
    actor = Actor.for_user(world.city_admin)
    mine = post_of(world.city_admin)
    position = set_position_notices(actor=actor, position_id=mine.pk, queue_messages=False, daily_digest=True)
    assert position.pk == mine.pk and (position.queue_messages, position.daily_digest) == (False, True)
    mine.refresh_from_db()
    assert (mine.queue_messages, mine.daily_digest) == (False, True)
    theirs = post_of(world.education_officer)
    with pytest.raises(NotFound):
        set_position_notices(actor=actor, position_id=theirs.pk, queue_messages=False, daily_digest=False)
    with pytest.raises(NotFound):
        set_position_notices(actor=Actor.for_user(None), position_id=theirs.pk, queue_messages=False, daily_digest=False)
    theirs.refresh_from_db()
    assert (theirs.queue_messages, theirs.daily_digest) == (True, True)


def test_the_flags_stay_with_the_post_and_its_former_holder_cannot_set_them(world):
    officer = Actor.for_user(world.education_officer)  # read before the hand-over
    post = post_of(world.education_officer)
    set_position_notices(actor=officer, position_id=post.pk, queue_messages=False, daily_digest=False)
    position_hand_over(position_id=post.pk, to_username=world.outsider.username, actor=Actor.for_user(world.city_admin))
    with pytest.raises(NotFound):  # the conditional update finds the post no longer theirs
        set_position_notices(actor=officer, position_id=post.pk, queue_messages=True, daily_digest=True)
    post.refresh_from_db()
    assert post.holder_id == world.outsider.pk and (post.queue_messages, post.daily_digest) == (False, False)
