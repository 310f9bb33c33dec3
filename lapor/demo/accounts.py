"""Demo accounts: one per role with a documented password, plus an admin and liaison officers
for every agency the demo routes reports to, and a few citizens. Idempotent: users are found
by username and positions by (role, agency, title), so a second run creates nothing.

NEVER for production: every account shares the published password below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User
from lapor.agencies.models import Agency

from .catalog import Catalog, Office, unit_slug
from .totp import ensure_demo_devices

DEMO_PASSWORD = "lapor-demo-2026"
DEMO_CITIZEN = "warga"
CITIZEN_NAMES = (
    "Siti Rahmawati", "Budi Santoso", "Dewi Lestari", "Agus Setiawan", "Nur Aini", "Yohanes Wenda", "Made Suarta", "Rina Marlina",
    "Hendra Gunawan", "Fitri Handayani", "Andi Pratama", "Maria Goreti Bere", "Slamet Riyadi", "Intan Permatasari", "Rudi Hartono",
    "Wahyu Hidayat", "Ketut Sudiarta", "Lina Marpaung", "Yusuf Maulana", "Ani Suryani", "Daeng Rahman", "Sri Wahyuni",
    "Teguh Prasetyo", "Novi Anggraini", "Bambang Irawan", "Ratna Sari", "Joko Susilo", "Putri Ayu", "Irfan Hakim", "Lestari Ningsih",
)


@dataclass
class DemoAccounts:
    desk: list[Actor]
    admins: dict[int, Actor]  # agency pk -> its admin
    liaisons: dict[int, Actor]  # unit pk -> its liaison officer
    citizen: User
    citizens: list[User]
    table: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, agency) of the role accounts
    officers: int = 0  # all officer accounts, role accounts included
    warnings: list[str] = field(default_factory=list)
    ombudsman: Actor | None = None  # records its outcomes on the transferred reports


class _Maker:
    def __init__(self):
        # One hash for all: every demo account has the same published password, and hashing
        # it once instead of per user keeps the load fast (Argon2 is slow on purpose).
        self.warnings: list[str] = []
        try:
            self.hashed = make_password(DEMO_PASSWORD)
        except ValueError as exc:  # the preferred hasher's library is not installed
            self.hashed = make_password(DEMO_PASSWORD, hasher="pbkdf2_sha256")
            self.warnings.append(f"demo passwords hashed with PBKDF2 because the preferred hasher failed: {exc}")
        self.users: dict[str, User] = {}

    def user(self, username: str, full_name: str, **extra) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(username=username, full_name=full_name, password=self.hashed,
                                       email=f"{username}@demo.lapor.invalid", **extra)
        self.users[username] = user
        return user

    def position(self, user: User, role: str, agency: Agency, title: str) -> Position:
        position, _ = Position.objects.get_or_create(role=role, agency=agency, title=title, defaults={"holder": user})
        if position.holder_id is None:
            position.holder = user
            position.save(update_fields=["holder"])
        position.agency = agency  # keep the loaded agency (and its parent) for the actor
        return position


def ensure_accounts(catalog: Catalog) -> DemoAccounts:
    make = _Maker()
    table: list[tuple[str, str, str]] = []

    def role_account(username, full_name, role, agency, title, **extra) -> Actor:
        user = make.user(username, full_name, **extra)
        position = make.position(user, role, agency, title)
        table.append((username, Role(role).label, str(agency)))
        return Actor(user=user, positions=(position,))

    desk = [
        role_account("admin.nasional", "Admin Nasional", Role.NATIONAL_ADMIN, catalog.desk, "Admin Nasional SP4N-LAPOR!"),
        role_account("verifikator.nasional", "Verifikator Nasional", Role.NATIONAL_ADMIN, catalog.desk,
                     "Verifikator Admin Nasional"),
    ]
    # The operator runs the platform through Django's admin site.
    role_account("operator", "Operator Platform", Role.OPERATOR, catalog.desk, "Operator Platform",
                 is_staff=True, is_superuser=True)

    admins: dict[int, Actor] = {}
    liaisons: dict[int, Actor] = {}
    featured = {catalog.demo_city.agency.pk} | ({catalog.demo_ministry.agency.pk} if catalog.demo_ministry else set())
    for office in catalog.offices:
        # The featured agencies' officers go in the printed table; the rest are summarised.
        add = role_account if office.agency.pk in featured else _quiet(make)
        admins[office.agency.pk] = add(f"admin.{office.slug}", f"Admin {office.agency}", Role.AGENCY_ADMIN, office.agency,
                                       f"Admin Instansi {office.agency}")
        for unit in office.units:
            slug = unit_slug(unit) if unit.pk != office.agency.pk else "utama"
            liaisons[unit.pk] = add(f"penghubung.{slug}.{office.slug}", f"Penghubung {unit}", Role.LIAISON_OFFICER, unit,
                                    f"Pejabat Penghubung {unit}")

    city = catalog.demo_city.agency
    role_account(f"apip.{catalog.demo_city.slug}", f"APIP {city}", Role.AUDITOR, city, f"Inspektorat (APIP) {city}")
    ombudsman = None
    for agency, role, username in _supervisors(catalog):
        supervisor = role_account(username, f"Pengawas {agency}", role, agency, f"Pengawas {agency}")
        if role == Role.OMBUDSMAN:
            ombudsman = supervisor

    citizen = make.user(DEMO_CITIZEN, "Warga Demo")
    table.append((DEMO_CITIZEN, "reporter (citizen)", "-"))
    citizens = [make.user(f"warga{i:02d}", name) for i, name in enumerate(CITIZEN_NAMES, start=1)]
    officers = len(make.users) - len(citizens) - 1
    # Officials must sign in with a second factor: theirs is a published demo key (lapor/demo/totp.py).
    not_official = {citizen.pk} | {c.pk for c in citizens}
    ensure_demo_devices([u for u in make.users.values() if u.pk not in not_official])
    return DemoAccounts(desk, admins, liaisons, citizen, citizens, table, officers, make.warnings, ombudsman)


def _quiet(make: _Maker):
    def add(username, full_name, role, agency, title) -> Actor:
        user = make.user(username, full_name)
        return Actor(user=user, positions=(make.position(user, role, agency, title),))

    return add


def _supervisors(catalog: Catalog) -> list[tuple[Agency, str, str]]:
    """KSP, the Ombudsman, the demo ministry's coordinating ministry and the demo city's
    province: whichever the registry has."""
    found = []
    ministry = catalog.demo_ministry.agency if catalog.demo_ministry else None
    coordinator = ministry.coordinator if ministry and ministry.coordinator_id else (
        Agency.objects.filter(kind=Agency.Kind.COORDINATING_MINISTRY).order_by("code").first())
    if coordinator:
        found.append((coordinator, Role.COORDINATOR, f"pengawas.{coordinator.code}"))
    province = catalog.demo_city.agency.coordinator
    if province is not None and province.kind == Agency.Kind.PROVINCE:
        slug = f"prov-{slugify(province.region.name)}" if province.region_id else province.code
        found.append((province, Role.COORDINATOR, f"pengawas.{slug}"))
    for kind, role, username in ((Agency.Kind.PRESIDENTIAL_STAFF, Role.KSP, "ksp"),
                                 (Agency.Kind.OMBUDSMAN, Role.OMBUDSMAN, "ombudsman")):
        agency = Agency.objects.filter(kind=kind).order_by("code").first()
        if agency:
            found.append((agency, role, username))
    return found


def office_of(catalog: Catalog, agency_pk: int) -> Office:
    return next(o for o in catalog.offices if o.agency.pk == agency_pk)
