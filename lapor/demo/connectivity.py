"""The demo agencies' decrees (SK) and response templates, through the real services.

An agency is connected to SP4N-LAPOR! when it has recorded the decree naming its complaint
handlers and has an admin and a liaison officer in position (docs/indicators.md,
[connectivity]). The demo gives every agency it routes reports to its officers
(accounts.py); here most of them also record their decree — a small PDF made on the spot, sent
through `agencies.services.decree_record` as the agency's admin would — and some have not done
so yet, as in real life (one in five, by position: `UNCONNECTED_EVERY`). The featured agencies
(the demo city and ministry) are always connected.

The national and provincial figures count every agency of the registry (some 650 with the full
reference data), not only the two dozen the demo's reports go to: the others get an admin and a
liaison officer (accounts without reports, with the demo password and a demo authenticator) and
record their decree too, by the same rule, so the dashboards show a realistic share everywhere.

Every demo agency also keeps a few response templates (ADR 0014), written through
`reports.responses.template_save` by its admin.

Idempotent: an agency with a decree in force, or a template of the same title, is skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User
from lapor.agencies.models import Agency, AgencyDecree
from lapor.agencies.services import decree_record
from lapor.core import clock
from lapor.monev.scopes import handler_agencies
from lapor.reports.models import ResponseTemplate
from lapor.reports.responses import template_save

from .accounts import DEMO_PASSWORD, DemoAccounts
from .catalog import Catalog
from .totp import ensure_demo_devices

# One in UNCONNECTED_EVERY of the agencies that are not featured (the third, the eighth, ...: a
# small registry has one too) has not recorded its decree yet.
UNCONNECTED_EVERY = 5
DECREE_TITLE = "Tim Pengelola Pengaduan Pelayanan Publik dan Pejabat Penghubung SP4N-LAPOR! di Lingkungan {agency}"
TEMPLATES = (
    ("Permintaan data tambahan",
     "Terima kasih atas laporan Anda. Agar dapat kami tindak lanjuti, mohon lengkapi lokasi persis kejadian, "
     "tanggal dan jam kejadian, serta foto atau dokumen pendukung bila ada."),
    ("Laporan sedang ditindaklanjuti",
     "Terima kasih atas laporan Anda. Laporan telah kami terima dan sedang ditindaklanjuti oleh unit terkait. "
     "Perkembangannya akan kami sampaikan melalui kanal ini."),
    ("Tindak lanjut selesai",
     "Terima kasih atas laporan Anda. Permasalahan yang Anda sampaikan telah ditindaklanjuti dengan [uraikan tindakan dan "
     "tanggalnya]. Bila masih ada kendala, silakan sampaikan tanggapan Anda melalui kanal ini."),
)


@dataclass
class DemoConnectivity:
    decrees: int = 0  # recorded by this run
    templates: int = 0  # written by this run
    connected: list[str] = field(default_factory=list)  # names of the demo agencies with a decree in force
    unconnected: list[str] = field(default_factory=list)  # and of those without
    elsewhere_connected: int = 0  # the registry's other agencies with a decree in force
    elsewhere_unconnected: int = 0


def decree_pdf(agency_name: str, number: str, day) -> bytes:
    """A one-page decree: a small but complete PDF (the service checks the content), written
    directly — some 500 of them are made per load."""
    lines = ["KEPUTUSAN", agency_name.upper(), f"NOMOR {number}", "TENTANG",
             "TIM PENGELOLA PENGADUAN PELAYANAN PUBLIK DAN PEJABAT PENGHUBUNG SP4N-LAPOR!",
             f"Ditetapkan pada tanggal {day:%d-%m-%Y}.", "Dokumen contoh untuk data demo Lapor."]
    shown = " ".join("(%s) '" % line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines)
    content = f"BT /F1 11 Tf 16 TL 72 800 Td {shown} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _waiting(agencies: list) -> set[int]:
    """The ones that have not recorded their decree yet: one in UNCONNECTED_EVERY, by position."""
    return {a.pk for i, a in enumerate(agencies) if i % UNCONNECTED_EVERY == 2}


def _record(admin: Actor, agency: Agency, slug: str, i: int, today) -> None:
    day = today - timedelta(days=200 + 37 * (i % 20))  # decreed well before the first report
    number = f"188.4/{101 + i}/SK-PPP/{day.year}"
    pdf = decree_pdf(agency.name, number, day)
    upload = SimpleUploadedFile(f"sk-pengelola-pengaduan-{slug}.pdf", pdf, content_type="application/pdf")
    decree_record(actor=admin, agency_code=agency.code, number=number, decree_date=day.isoformat(),
                  title=DECREE_TITLE.format(agency=agency.name)[:300], upload=upload)


def ensure_connectivity(catalog: Catalog, accounts: DemoAccounts) -> DemoConnectivity:
    """Decrees for most agencies (the demo's and the rest of the registry's) and templates for
    the demo's, recorded at the clock's now (the caller sets it: before the first simulated report)."""
    result = DemoConnectivity()
    featured = {catalog.demo_city.agency.pk} | ({catalog.demo_ministry.agency.pk} if catalog.demo_ministry else set())
    offices = {office.agency.pk for office in catalog.offices}
    elsewhere = [a for a in handler_agencies().filter(is_active=True).order_by("code") if a.pk not in offices]
    waiting = _waiting([office.agency for office in catalog.offices if office.agency.pk not in featured] + elsewhere)
    in_force = set(AgencyDecree.objects.filter(revoked_at__isnull=True).values_list("agency_id", flat=True))
    titles = set(ResponseTemplate.objects.values_list("agency_id", "title"))
    today = timezone.localtime(clock.now()).date()
    for i, office in enumerate(catalog.offices):
        agency, admin = office.agency, accounts.admins[office.agency.pk]
        if agency.pk in waiting and agency.pk not in in_force:
            result.unconnected.append(agency.name)
        else:
            if agency.pk not in in_force:
                _record(admin, agency, office.slug, i, today)
                result.decrees += 1
            result.connected.append(agency.name)
        for title, body in TEMPLATES:
            if (agency.pk, title) not in titles:
                template_save(actor=admin, agency_id=agency.pk, title=title, body=body)
                result.templates += 1
    _connect_elsewhere(len(catalog.offices), elsewhere, waiting, result, in_force, today)
    return result


def _connect_elsewhere(start: int, agencies: list, waiting: set[int], result: DemoConnectivity, in_force: set[int],
                       today) -> None:
    """The registry's agencies the demo sends no report to: most get an admin and a liaison
    officer (at their first unit, else at the agency) who record the decree; the rest nothing.
    Some 500 agencies: their accounts and positions are written in bulk, the decrees one by one
    through the service."""
    todo = []
    for i, agency in enumerate(agencies, start=start):
        if agency.pk in in_force:
            result.elsewhere_connected += 1
        elif agency.pk in waiting:
            result.elsewhere_unconnected += 1
        else:
            todo.append((i, agency))
    if not todo:
        return
    first_unit = {}
    for unit in Agency.objects.filter(parent_id__in=[a.pk for _, a in todo], is_active=True).order_by("code"):
        first_unit.setdefault(unit.parent_id, unit)
    # (username, full name, role, agency the position is at, title) per official
    wanted = []
    for _, agency in todo:
        unit = first_unit.get(agency.pk, agency)
        wanted.append((f"admin.{agency.code}", f"Admin {agency}", Role.AGENCY_ADMIN, agency, f"Admin Instansi {agency}"))
        wanted.append((f"penghubung.{agency.code}", f"Penghubung {unit}", Role.LIAISON_OFFICER, unit,
                       f"Pejabat Penghubung {unit}"))
    names = [w[0] for w in wanted]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    hashed = make_password(DEMO_PASSWORD)  # once for all, as accounts.py does (Argon2 is slow on purpose)
    User.objects.bulk_create([User(username=name, full_name=full, password=hashed, email=f"{name}@demo.lapor.invalid")
                              for name, full, *_ in wanted if name not in have], batch_size=500)
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    held = set(Position.objects.filter(agency_id__in=[w[3].pk for w in wanted]).values_list("role", "agency_id", "title"))
    Position.objects.bulk_create([Position(role=role, agency=at, title=title, holder=users[name])
                                  for name, _, role, at, title in wanted if (role, at.pk, title) not in held], batch_size=500)
    admins = {p.agency_id: p for p in Position.objects.filter(role=Role.AGENCY_ADMIN, agency_id__in=[a.pk for _, a in todo],
                                                                 holder__username__startswith="admin.").select_related("agency")}
    for i, agency in todo:
        position = admins[agency.pk]
        _record(Actor(user=users[f"admin.{agency.code}"], positions=(position,)), agency, agency.code, i, today)
        result.decrees += 1
        result.elsewhere_connected += 1
    ensure_demo_devices(list(users.values()))  # officials sign in with a second factor: the published demo key
