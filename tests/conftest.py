"""Shared fixtures: a small but real slice of the registry, officials in their positions,
and a clock pinned to a working Monday morning in Jakarta."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User
from lapor.accounts.twofactor import needs_second_factor
from lapor.agencies import lookups, sla
from lapor.agencies.models import Agency, Category, Region
from lapor.core import clock, workdays
from lapor.rollups.lookups import forget_lookups
from lapor.reports import topics
from lapor.reports.services import report_submit

# Monday 23 November 2026, 09:00 WIB.
MONDAY_9AM = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with the clock pinned, no cached policy or calendar, and English active
    for code outside a request (the tests' messages are English; a request picks its own
    language, and a test about Indonesian activates it): not whatever an earlier test left."""
    translation.activate("en")
    clock.freeze(MONDAY_9AM)
    sla.reset_policies()
    workdays.reset_calendar()
    lookups.reset()
    forget_lookups()
    topics.reset()
    yield
    translation.deactivate()
    clock.freeze(None)
    sla.reset_policies()
    workdays.reset_calendar()
    lookups.reset()


@dataclass
class World:
    province: Region
    regency: Region
    village: Region
    papua_city: Region
    desk: Agency
    city: Agency  # Pemerintah Kota Surabaya
    city_education: Agency  # its unit
    city_health: Agency
    ministry: Agency  # Kemenkes
    ministry_unit: Agency
    papua: Agency  # Pemerintah Kota Jayapura (WIT)
    papua_unit: Agency
    category: Category
    national_admin: User
    city_admin: User
    education_officer: User
    health_officer: User
    ministry_admin: User
    ministry_officer: User
    papua_admin: User
    papua_officer: User
    citizen: User
    outsider: User  # signed in, no position, not the reporter

    def actor(self, user) -> Actor:
        return Actor.for_user(user)


def sign_in(client, user) -> None:
    """Sign `user` in on a Django test client, past every sign-in step (password and, for
    officials, the second factor). Tests that are not about signing in use this."""
    client.force_login(user)
    if needs_second_factor(user):
        # What django_otp.login does after a code is accepted: the session names its device.
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator-app device, created (with a random key) if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """What the person's phone would show and the server accepts next: the current time step's
    code, or, when that one was used already (a code works once), the next step's, which the
    server accepts as one step of clock difference. Real time, as django-otp uses it."""
    device.refresh_from_db()
    now_t = (int(time.time()) - device.t0) // device.step + device.drift
    return f"{hotp(device.bin_key, max(now_t, device.last_t + 1), device.digits):0{device.digits}d}"


def _user(username: str, **extra) -> User:
    return User.objects.create_user(username=username, password="pass-" + username, full_name=username.title(), **extra)


def _position(user, role, agency, title) -> Position:
    return Position.objects.create(role=role, agency=agency, title=title, holder=user)


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    province = Region.objects.create(code="35", name="Jawa Timur", level="province")
    regency = Region.objects.create(code="35.78", name="Kota Surabaya", level="regency", parent=province, kind="kota")
    district = Region.objects.create(code="35.78.01", name="Karang Pilang", level="district", parent=regency)
    village = Region.objects.create(code="35.78.01.1001", name="Karang Pilang", level="village", parent=district, kind="kelurahan")
    papua_prov = Region.objects.create(code="91", name="Papua", level="province")
    papua_city = Region.objects.create(code="91.71", name="Kota Jayapura", level="regency", parent=papua_prov, kind="kota")

    desk = Agency.objects.create(code="national-desk", name="Admin Nasional SP4N-LAPOR!", kind="national_desk")
    Agency.objects.create(code="ombudsman", name="Ombudsman Republik Indonesia", kind="ombudsman")
    city = Agency.objects.create(code="kota-35-78", name="Pemerintah Kota Surabaya", kind="city", region=regency)
    city_education = Agency.objects.create(code="kota-35-78-disdik", name="Dinas Pendidikan Kota Surabaya", kind="unit", parent=city)
    city_health = Agency.objects.create(code="kota-35-78-dinkes", name="Dinas Kesehatan Kota Surabaya", kind="unit", parent=city)
    ministry = Agency.objects.create(code="kemenkes", name="Kementerian Kesehatan", short_name="Kemenkes", kind="ministry")
    ministry_unit = Agency.objects.create(code="kemenkes-yankes", name="Ditjen Pelayanan Kesehatan", kind="unit", parent=ministry)
    papua = Agency.objects.create(code="kota-91-71", name="Pemerintah Kota Jayapura", kind="city", region=papua_city, timezone="Asia/Jayapura")
    papua_unit = Agency.objects.create(code="kota-91-71-disdik", name="Dinas Pendidikan Kota Jayapura", kind="unit", parent=papua, timezone="Asia/Jayapura")
    top = Category.objects.create(code="pendidikan", name="PENDIDIKAN DAN KEBUDAYAAN")
    category = Category.objects.create(code="pendidikan-ppdb", name="PPDB", parent=top)

    w = World(
        province=province, regency=regency, village=village, papua_city=papua_city,
        desk=desk, city=city, city_education=city_education, city_health=city_health,
        ministry=ministry, ministry_unit=ministry_unit, papua=papua, papua_unit=papua_unit, category=category,
        national_admin=_user("desk"), city_admin=_user("cityadmin"), education_officer=_user("disdik"),
        health_officer=_user("dinkes"), ministry_admin=_user("kemenkesadmin"), ministry_officer=_user("yankes"),
        papua_admin=_user("papuaadmin"), papua_officer=_user("papuadisdik"), citizen=_user("warga"), outsider=_user("orang"),
    )
    _position(w.national_admin, Role.NATIONAL_ADMIN, desk, "Admin Nasional")
    _position(w.city_admin, Role.AGENCY_ADMIN, city, "Admin Instansi Kota Surabaya")
    _position(w.education_officer, Role.LIAISON_OFFICER, city_education, "Pejabat Penghubung Disdik")
    _position(w.health_officer, Role.LIAISON_OFFICER, city_health, "Pejabat Penghubung Dinkes")
    _position(w.ministry_admin, Role.AGENCY_ADMIN, ministry, "Admin Instansi Kemenkes")
    _position(w.ministry_officer, Role.LIAISON_OFFICER, ministry_unit, "Pejabat Penghubung Yankes")
    _position(w.papua_admin, Role.AGENCY_ADMIN, papua, "Admin Instansi Kota Jayapura")
    _position(w.papua_officer, Role.LIAISON_OFFICER, papua_unit, "Pejabat Penghubung Disdik Jayapura")
    return w


GOOD_REPORT = {
    "type": "complaint",
    "title": "Pungutan liar saat pendaftaran sekolah",
    "description": "Pada 10 November 2026 di SDN Karang Pilang 1, panitia meminta uang pendaftaran Rp500.000 tanpa kuitansi.",
    "event_date": "2026-11-10",
    "region_code": "35.78.01.1001",
    "category_code": "pendidikan-ppdb",
}


@pytest.fixture
def submit(world):
    """Submit a report as `user` (None = guest) and return (report, reporter_secret)."""

    def _submit(user=None, **overrides):
        data = {**GOOD_REPORT, **overrides}
        result = report_submit(data=data, actor=Actor.for_user(user), files=overrides.pop("files", ()))
        return result.report, result.reporter_secret

    return _submit


def make_ombudsman(username: str = "ombudsman") -> User:
    """An official in a position at the Ombudsman (the world has its agency but nobody there:
    most tests need no one)."""
    user = _user(username)
    _position(user, Role.OMBUDSMAN, Agency.objects.get(code="ombudsman"), "Asisten Ombudsman")
    return user


@pytest.fixture
def ombudsman(world) -> User:
    return make_ombudsman()


def transfer_to_ombudsman(report, secret: str | None = None, *, user=None):
    """The real path to the Ombudsman: the sweep's 60-day offer (applied to this report only),
    then the reporter's consent (a guest with `secret`, or the signed-in `user`)."""
    from django.db import transaction

    from lapor.reports.services import apply_action, get_report_for_update, report_act

    with transaction.atomic():
        apply_action(get_report_for_update(report.tracking_number), "offer_ombudsman", Actor.system_actor(), {}, clock.now())
    reporter = Actor.for_user(user) if user is not None else Actor(reporter_secret=secret)
    return report_act(tracking_number=report.tracking_number, action="ombudsman_consent", actor=reporter, payload={"note": "Saya setuju."})
