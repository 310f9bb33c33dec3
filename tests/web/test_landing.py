"""After signing in, each person lands where their work is, and the menu offers only what their
role can use."""

from __future__ import annotations

import re

import pytest

from lapor.accounts.models import Position, Role
from lapor.agencies.models import Agency

from ..conftest import _user


def _menu(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main menu">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.fixture
def supervisors(world):
    """A coordinator (the province), KSP, the Ombudsman, an APIP auditor and a platform operator."""
    ombudsman = Agency.objects.get(code="ombudsman")
    ksp = Agency.objects.create(code="ksp", name="Kantor Staf Presiden", kind=Agency.Kind.PRESIDENTIAL_STAFF)
    province = Agency.objects.create(code="pemprov-jatim", name="Pemerintah Provinsi Jawa Timur", kind=Agency.Kind.PROVINCE, region=world.province)
    world.city.coordinator = province
    world.city.save()
    people = {}
    for name, role, agency in [("koordinator", Role.COORDINATOR, province), ("ksp", Role.KSP, ksp),
                               ("ombudsman", Role.OMBUDSMAN, ombudsman), ("apip", Role.AUDITOR, world.city)]:
        people[name] = _user(name)
        Position.objects.create(role=role, agency=agency, title=name, holder=people[name])
    people["operator"] = _user("operator", is_staff=True)
    return people


def test_each_role_lands_on_its_own_page(browser, world, supervisors):
    expected = {
        world.citizen: "/laporan-saya/",
        world.national_admin: "/petugas/",
        world.city_admin: "/petugas/",
        world.education_officer: "/petugas/",
        supervisors["ombudsman"]: "/petugas/ombudsman/",
        supervisors["koordinator"]: "/monev/koordinator/pemprov-jatim/",
        supervisors["ksp"]: "/monev/prioritas-nasional/",
        supervisors["apip"]: f"/monev/instansi/{world.city.code}/",
        supervisors["operator"]: "/admin/",
    }
    for user, path in expected.items():
        browser.http.logout()
        page = browser.login(user)  # Browser.login asserts the landing too (lapor.web.landing)
        assert page.request["PATH_INFO"] == path, user.username


def test_a_citizen_is_not_offered_the_officers_pages(browser, world):
    page = browser.login(world.citizen)
    menu = _menu(page.content.decode())
    assert "/laporan-saya/" in menu and "/lapor/" in menu
    assert not {"/petugas/", "/masuk/dua-langkah/pengaturan/", "/monev/"} & set(menu)
    assert "/masuk/dua-langkah/pengaturan/" in page.content.decode()  # offered on their page, as an option


def test_the_national_desk_menu_fits_one_line(browser, world):
    page = browser.login(world.national_admin)
    menu = _menu(page.content.decode())
    assert menu[0] == "/petugas/" and "/laporan-saya/" not in menu and "/lapor/" not in menu
    assert len(menu) <= 9, menu  # 14 before: the public pages moved to the footer
    footer = page.content.decode().split('<footer class="site">')[1]
    assert "/statistik/" in footer and "/laporan/" in footer


def test_a_liaison_officer_sees_the_queue_and_action_plans_only(browser, world):
    menu = _menu(browser.login(world.education_officer).content.decode())
    assert "/petugas/" in menu and "/petugas/pengguna/" not in menu and "/petugas/audit/" not in menu
