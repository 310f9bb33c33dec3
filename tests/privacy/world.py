"""The privacy world: every relationship the access policy distinguishes, and reports of every
kind in every place, each carrying markers that are unique to it.

Agencies
- the national desk, the Ombudsman, KSP (the Presidential Staff Office);
- Kota Surabaya (city) with two units, Disdik and Dinkes; coordinated by the Province of East Java;
- Kemenkes (ministry) with a unit, Yankes; coordinated by Kemenko PMK;
- Kota Jayapura (another city, coordinated by nobody) with a unit.

Reports: every PLACE x every KIND, walked through the real services (submission, disposition,
forwarding, responses, the Ombudsman offer and consent, rating), each with the reporter's two
attachments (a PDF and a photo); the unit's response or follow-up carries an official's photo.
Every report has its own reporter identity (name, e-mail, phone, NIK) and its own content
markers, so that a page showing report A's data can never be mistaken for one leaking B's.
The NIK, phone and e-mail are also typed into the free text — the description, the title (the
phone), and on some reports the reporter's note and rating comment — to check redaction.

Places where the reporter is a signed-in citizen alternate with places where it is a guest
holding the secret code."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User
from lapor.agencies import lookups, sla
from lapor.agencies.models import Agency, Category, Region
from lapor.core import clock, workdays
from lapor.reports import privacy
from lapor.reports.models import Report
from lapor.reports.services import apply_action, get_report_for_update, report_act, report_submit
from lapor.reports.tokens import reporter_secret_for

from ..conftest import MONDAY_9AM

def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 8), (40, 90, 160)).save(out, format="PNG")
    return out.getvalue()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# Where a report stands (its agency, unit, category, age, the Ombudsman) -> how it gets there.
PLACES = [
    "desk",  # submitted, at the national desk (after a request for information and the reporter's supplement)
    "city",  # at Kota Surabaya (own agency of the city's admin and APIP; coordinated by the province)
    "city_unit",  # forwarded to Disdik Surabaya (a child unit), responded
    "ministry",  # at Kemenkes (coordinated by Kemenko PMK)
    "ministry_unit",  # forwarded to Yankes (a unit of the coordinated ministry), responded
    "other",  # at Kota Jayapura: nobody's but its own and the desk's
    "priority",  # at Kota Jayapura, in a national-priority-programme category (KSP)
    "omb_offered",  # at Kota Jayapura, offered to the Ombudsman
    "omb_transferred",  # transferred to the Ombudsman with the reporter's consent
    "old_open",  # submitted 61 days ago, still open, at Kota Jayapura
    "old_closed",  # submitted 61 days ago, followed up, rated and closed
]
KINDS = ["public", "confidential", "anonymous"]
# Places where the reporter is a signed-in citizen (elsewhere: a guest holding the code).
CITIZEN_PLACES = {"city", "ministry", "priority", "omb_transferred", "old_closed", "city_unit"}

CITY, CITY_UNIT, CITY_SIBLING = "kota-35-78", "kota-35-78-disdik", "kota-35-78-dinkes"
MINISTRY, MINISTRY_UNIT = "kemenkes", "kemenkes-yankes"
OTHER, OTHER_UNIT = "kota-91-71", "kota-91-71-disdik"


@dataclass
class Markers:
    """Strings unique to one report. Content and notes carry a hyphenated token (never inside
    a random CSRF token or tracking number); identities are a name, e-mail, phone and NIK."""

    idx: int
    name: str = ""
    email: str = ""
    phone: str = ""
    nik: str = ""
    title: str = ""
    description: str = ""
    address: str = ""
    attachment: str = ""  # the reporter's PDF
    photo: str = ""  # the reporter's photo
    official_photo: str = ""  # the photo an official attached to the unit's response or follow-up
    public_note: str = ""  # a note the reporter and the public may read (if the content is public)
    reporter_note: str = ""  # the reporter's own note (supplement), with their phone typed in
    rating_comment: str = ""  # with the reporter's e-mail typed in
    internal_notes: tuple = ()  # officials' notes for each other (disposition, forward)

    def __post_init__(self):
        i = self.idx
        self.name = f"Kirana Ma'ruf Zq{i:02d}"
        self.email = f"kirana.zq{i:02d}@contoh.id"
        self.phone = f"0813{i:04d}5521"
        self.nik = f"357801{i:04d}770021"
        self.title = f"Pungutan liar Rhs-{i:02d}-T di sekolah, hubungi {self.phone}"
        self.description = f"Kronologi Rhs-{i:02d}-D: panitia meminta uang. NIK saya {self.nik}, telepon {self.phone}, surel {self.email}."
        self.address = f"Jalan Rhs-{i:02d}-A No. 5"
        self.attachment = f"bukti-rhs-{i:02d}-f.pdf"
        self.photo = f"foto-rhs-{i:02d}-h.png"


@dataclass
class WorldReport:
    idx: int
    place: str
    kind: str
    owner: str  # "citizen" or "guest"
    tracking_number: str
    secret: str  # the reporter's code (also for citizens: unused by them)
    user: User | None  # the citizen account, if any
    m: Markers
    pk: int = 0
    attachment_id: int = 0  # the reporter's PDF
    photo_id: int = 0  # the reporter's photo
    official_photo_id: int = 0  # an official's photo (0: the report has none)

    @property
    def confidential(self) -> bool:
        return self.kind == "confidential"

    @property
    def anonymous(self) -> bool:
        return self.kind == "anonymous"

    def __str__(self):
        return f"{self.place}/{self.kind}#{self.idx:02d}"


@dataclass
class World:
    agencies: dict = field(default_factory=dict)  # code -> Agency
    users: dict = field(default_factory=dict)  # role key -> User
    reports: list = field(default_factory=list)  # [WorldReport]
    categories: dict = field(default_factory=dict)

    def report(self, place: str, kind: str) -> WorldReport:
        return next(r for r in self.reports if r.place == place and r.kind == kind)


def _user(username: str, **extra) -> User:
    return User.objects.create_user(username=username, password="pass-" + username, **extra)


# role key -> (Role, agency code) of the position its user holds. Keys are the roles of the matrix.
OFFICIALS = {
    "national_admin": (Role.NATIONAL_ADMIN, "national-desk"),
    "agency_admin": (Role.AGENCY_ADMIN, CITY),
    "liaison": (Role.LIAISON_OFFICER, CITY_UNIT),
    "liaison_sibling": (Role.LIAISON_OFFICER, CITY_SIBLING),
    "other_agency_admin": (Role.AGENCY_ADMIN, MINISTRY),
    "auditor": (Role.AUDITOR, CITY),
    "coordinator_province": (Role.COORDINATOR, "prov-35"),
    "coordinator_kemenko": (Role.COORDINATOR, "kemenko-pmk"),
    "ksp": (Role.KSP, "ksp"),
    "ombudsman": (Role.OMBUDSMAN, "ombudsman"),
    "operator": (Role.OPERATOR, "national-desk"),
}
# Officials who keep the world's workflow moving but are not rows of the matrix.
HELPERS = {
    "ministry_liaison": (Role.LIAISON_OFFICER, MINISTRY_UNIT),
    "other_admin": (Role.AGENCY_ADMIN, OTHER),
    "other_liaison": (Role.LIAISON_OFFICER, OTHER_UNIT),
}


def build_world() -> World:
    clock.freeze(MONDAY_9AM)
    sla.reset_policies()
    workdays.reset_calendar()
    lookups.reset()
    w = World()
    east_java = Region.objects.create(code="35", name="Jawa Timur", level="province")
    surabaya = Region.objects.create(code="35.78", name="Kota Surabaya", level="regency", parent=east_java, kind="kota")
    district = Region.objects.create(code="35.78.01", name="Karang Pilang", level="district", parent=surabaya)
    Region.objects.create(code="35.78.01.1001", name="Karang Pilang", level="village", parent=district, kind="kelurahan")
    papua = Region.objects.create(code="91", name="Papua", level="province")
    jayapura = Region.objects.create(code="91.71", name="Kota Jayapura", level="regency", parent=papua, kind="kota")

    def agency(code, name, kind, **extra):
        w.agencies[code] = Agency.objects.create(code=code, name=name, kind=kind, **extra)
        return w.agencies[code]

    agency("national-desk", "Admin Nasional SP4N-LAPOR!", "national_desk")
    agency("ombudsman", "Ombudsman Republik Indonesia", "ombudsman")
    agency("ksp", "Kantor Staf Presiden", "ksp")
    kemenko = agency("kemenko-pmk", "Kemenko PMK", "coordinating_ministry")
    province = agency("prov-35", "Pemerintah Provinsi Jawa Timur", "province", region=east_java)
    city = agency(CITY, "Pemerintah Kota Surabaya", "city", region=surabaya, coordinator=province)
    agency(CITY_UNIT, "Dinas Pendidikan Kota Surabaya", "unit", parent=city)
    agency(CITY_SIBLING, "Dinas Kesehatan Kota Surabaya", "unit", parent=city)
    ministry = agency(MINISTRY, "Kementerian Kesehatan", "ministry", short_name="Kemenkes", coordinator=kemenko)
    agency(MINISTRY_UNIT, "Ditjen Pelayanan Kesehatan", "unit", parent=ministry)
    other = agency(OTHER, "Pemerintah Kota Jayapura", "city", region=jayapura, timezone="Asia/Jayapura")
    agency(OTHER_UNIT, "Dinas Pendidikan Kota Jayapura", "unit", parent=other, timezone="Asia/Jayapura")

    top = Category.objects.create(code="pendidikan", name="PENDIDIKAN DAN KEBUDAYAAN")
    w.categories["plain"] = Category.objects.create(code="pendidikan-ppdb", name="PPDB", parent=top)
    # Priority is flagged on each category (the reference data flags a programme's children too).
    mbg = Category.objects.create(code="mbg", name="PROGRAM MAKAN BERGIZI GRATIS (MBG)", is_priority=True)
    w.categories["priority"] = Category.objects.create(code="mbg-sekolah", name="MBG DI SEKOLAH", parent=mbg, is_priority=True)

    for key, (role, code) in {**OFFICIALS, **HELPERS}.items():
        user = _user(f"p-{key}", full_name=f"Petugas {key}", email=f"{key}@lapor.example")
        Position.objects.create(role=role, agency=w.agencies[code], title=f"{role} {code}", holder=user)
        w.users[key] = user
    # The operator works in the Django admin: staff, with rights on reference data only.
    operator = w.users["operator"]
    operator.is_staff = True
    operator.save()
    from django.contrib.auth.models import Permission

    operator.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["agencies", "core"]))
    w.users["outsider"] = _user("p-outsider", full_name="Warga Lain", email="lain@contoh.id")

    idx = 0
    for place in PLACES:
        for kind in KINDS:
            idx += 1
            w.reports.append(_place_report(w, idx, place, kind))
    clock.freeze(MONDAY_9AM)
    for r in w.reports:
        report = Report.objects.get(tracking_number=r.tracking_number)
        r.pk = report.pk
        files = {a.original_name: a.pk for a in report.attachments.all()}
        r.attachment_id, r.photo_id = files[r.m.attachment], files[r.m.photo]
        r.official_photo_id = files.get(r.m.official_photo, 0)
    # The audit trail has something to show: a reveal by the desk, confidential reads by the city.
    privacy.report_reveal_identity(tracking_number=w.report("city", "anonymous").tracking_number, actor=_as(w, "national_admin"),
                                   reason="Verifikasi: laporan diduga palsu, perlu konfirmasi.", channel="web")
    for place in ("city", "city_unit"):
        report = Report.objects.get(tracking_number=w.report(place, "confidential").tracking_number)
        privacy.note_content_read(_as(w, "agency_admin"), report, channel="web")
    return w


def _as(w: World, key: str) -> Actor:
    return Actor.for_user(w.users[key])


def _system(tracking_number: str, action: str) -> None:
    with transaction.atomic():
        report = get_report_for_update(tracking_number)
        apply_action(report, action, Actor.system_actor(), {}, clock.now())


def _place_report(w: World, idx: int, place: str, kind: str) -> WorldReport:
    m = Markers(idx)
    owner = "citizen" if place in CITIZEN_PLACES else "guest"
    user = None
    data = {
        "type": "complaint",
        "title": m.title,
        "description": m.description,
        "event_date": "2026-11-10",
        "region_code": "35.78.01.1001" if place.startswith(("city", "desk")) else "91.71",
        "category_code": w.categories["priority" if place == "priority" else "plain"].code,
        "address": m.address,
        "is_confidential": kind == "confidential",
        "is_anonymous": kind == "anonymous",
    }
    if owner == "citizen":
        user = _user(f"warga{idx:02d}", full_name=m.name, email=m.email, phone=m.phone)
        reporter = Actor.for_user(user)
    else:
        data.update(contact_name=m.name, contact_email=m.email, contact_phone=m.phone)
    if place.startswith("old"):
        clock.freeze(MONDAY_9AM - timedelta(days=61))
        data["event_date"] = ""
    files = [SimpleUploadedFile(m.attachment, MINIMAL_PDF, "application/pdf"),
             SimpleUploadedFile(m.photo, png_bytes(), "image/png")]
    submitted = report_submit(data=data, actor=Actor.for_user(user), files=files)
    tn = submitted.report.tracking_number
    secret = reporter_secret_for(tn)
    if owner == "guest":
        reporter = Actor(reporter_secret=secret)

    def act(actor, action, files=(), **payload):
        report_act(tracking_number=tn, action=action, actor=actor, payload=payload, files=files)

    internal = []
    if place == "desk":
        m.public_note = f"Catatan publik Rhs-{idx:02d}-P"
        act(_as(w, "national_admin"), "request_info", note=m.public_note)
        m.reporter_note = f"Tambahan pelapor Rhs-{idx:02d}-S, hubungi {m.phone}"
        act(reporter, "supplement", note=m.reporter_note)
    else:
        target = {"city": CITY, "city_unit": CITY, "ministry": MINISTRY, "ministry_unit": MINISTRY}.get(place, OTHER)
        internal.append(f"Catatan internal Rhs-{idx:02d}-I")
        act(_as(w, "national_admin"), "dispose", agency=target, note=internal[-1])
        unit = {"city_unit": (CITY_UNIT, "agency_admin", "liaison"), "ministry_unit": (MINISTRY_UNIT, "other_agency_admin", "ministry_liaison"),
                "old_closed": (OTHER_UNIT, "other_admin", "other_liaison")}.get(place)
        if unit:
            internal.append(f"Catatan internal Rhs-{idx:02d}-J")
            act(_as(w, unit[1]), "forward", unit=unit[0], note=internal[-1])
            m.public_note = f"Catatan publik Rhs-{idx:02d}-P"
            m.official_photo = f"tindak-rhs-{idx:02d}-g.png"
            official_files = [SimpleUploadedFile(m.official_photo, png_bytes(), "image/png")]
            if place == "old_closed":
                act(_as(w, unit[2]), "follow_up", files=official_files, note=m.public_note)
                m.rating_comment = f"Komentar Rhs-{idx:02d}-K, surel saya {m.email}"
                act(reporter, "rate", rating=4, comment=m.rating_comment)
            else:
                act(_as(w, unit[2]), "respond", files=official_files, note=m.public_note)
        if place in ("omb_offered", "omb_transferred"):
            _system(tn, "offer_ombudsman")
        if place == "omb_transferred":
            act(reporter, "ombudsman_consent")
            # The Ombudsman's outcome (ADR 0023): a note for the reporter, with their phone typed in
            # (redacted for whoever may not see the reporter). Accepted: the case stays in its queue.
            m.public_note = f"Catatan publik Rhs-{idx:02d}-P, hubungi {m.phone}"
            act(_as(w, "ombudsman"), "ombudsman_outcome", outcome="accepted", note=m.public_note)
    m.internal_notes = tuple(internal)
    clock.freeze(MONDAY_9AM)
    return WorldReport(idx=idx, place=place, kind=kind, owner=owner, tracking_number=tn, secret=secret, user=user, m=m)
