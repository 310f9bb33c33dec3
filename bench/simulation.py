"""The simulation behind bench/generate.py: reports living their lives in memory, through the app.

`World` is what the reports run in (agencies and their units, regions, categories, positions with
their holders, citizens), loaded once before the jobs fork. `Simulator.live()` makes one report
and its events up to "now": it is submitted as services._create builds a report, then each move
is the app's own transition (lapor/reports/transition.py: workflow.TABLE, effects.EFFECTS,
deadlines.stage_end) and the SLA sweep's moves happen when lapor/reports/sweep.py's step table
says they are due (`sweep.next_due`). What the simulation chooses is who does what and when (the
plans below); what a move does is never decided here.

`SimReport` and `SimEvent` stand in for Report and ReportEvent (a model instance is too slow to
build millions of); `use_memory_lookups` answers the few database look-ups of that code from the
world in memory. bench/copyrows.py turns the results into rows.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from decimal import Decimal

import benchlib  # bench/ is on the path: generate.py imports this module

# --- the world the simulation runs in (loaded once, before any fork) -----------------------------

OFFICIAL_KINDS_EXCLUDED = {"unit", "national_desk", "ombudsman", "ksp", "coordinating_ministry"}


class World:
    def __init__(self, rng: random.Random, max_agencies: int):

        from lapor.agencies.models import Agency, Category, Region

        agencies = list(Agency.objects.filter(is_active=True))
        self.by_id = {a.pk: a for a in agencies}
        self.by_code = {a.code: a for a in agencies}
        for a in agencies:  # link parents in memory: top_agency and is_within walk them without queries
            a.parent = self.by_id.get(a.parent_id) if a.parent_id else None
        desk = [a for a in agencies if a.kind == "national_desk"]
        if not desk:
            desk = [Agency.objects.create(code="national-desk", name="Admin Nasional SP4N-LAPOR!", kind="national_desk")]
            self.by_id[desk[0].pk] = desk[0]
            self.by_code[desk[0].code] = desk[0]
        self.desk = desk[0]
        units_by_top: dict[int, list] = {}
        for a in agencies:
            if a.kind == "unit" and a.parent_id:
                units_by_top.setdefault(a.top_agency.pk, []).append(a)
        tops = [a for a in agencies if a.kind not in OFFICIAL_KINDS_EXCLUDED]
        with_units = [a for a in tops if a.pk in units_by_top]
        without = [a for a in tops if a.pk not in units_by_top]
        rng.shuffle(with_units)
        rng.shuffle(without)
        self.tops = (with_units + without)[:max_agencies]
        if not self.tops:
            raise SystemExit("no agencies to send reports to: load reference data first")
        self.units_by_top = {a.pk: units_by_top.get(a.pk) or [a] for a in self.tops}
        # How slowly each agency works: most within the deadlines, some late, a few "connected on paper only".
        self.slowness = {a.pk: (rng.uniform(8, 25) if rng.random() < 0.12 else math.exp(rng.gauss(0, 0.6))) for a in self.tops}
        self.local = [a for a in self.tops if a.region_id]
        self.national = [a for a in self.tops if not a.region_id]

        # Regions: prefer villages, then districts, regencies; indexed by code prefix for local agencies.
        rows = list(Region.objects.values_list("code", "level"))
        levels = {"village": [], "district": [], "regency": [], "province": []}
        for code, level in rows:
            levels.setdefault(level, []).append(code)
        self.region_codes = levels["village"] or levels["district"] or levels["regency"] or levels["province"]
        self.region_codes_all = sorted(code for code, _ in rows)
        self._under_cache: dict[str, list[str]] = {}

        today = benchlib.today_jakarta()
        cats = [c for c in Category.objects.all() if c.is_active_on(today)]
        parents = {c.parent_id for c in cats if c.parent_id}
        self.categories = [c for c in cats if c.pk not in parents] or cats

    def regions_under(self, code: str) -> list[str]:
        if code not in self._under_cache:
            import bisect

            lo = bisect.bisect_left(self.region_codes_all, code)
            hits = []
            for c in self.region_codes_all[lo:]:
                if not c.startswith(code):
                    break
                hits.append(c)
            deepest = max((c.count(".") for c in hits), default=0)
            self._under_cache[code] = [c for c in hits if c.count(".") == deepest] or [code]
        return self._under_cache[code]

    def ensure_people(self, citizens: int) -> None:
        """An active position with a holder for the desk, each agency's admin and each unit's
        liaison officer; and a pool of citizen accounts. Reuses what exists."""
        from lapor.accounts.models import Position, Role, User

        wanted = [(self.desk, Role.NATIONAL_ADMIN)]
        for top in self.tops:
            wanted.append((top, Role.AGENCY_ADMIN))
            for unit in self.units_by_top[top.pk]:  # the agency itself when it has no units
                wanted.append((unit, Role.LIAISON_OFFICER))
        existing = {}
        for p in Position.objects.filter(is_active=True, holder__isnull=False).select_related("holder"):
            existing.setdefault((p.agency_id, p.role), p)
        missing = [(a, role) for a, role in wanted if (a.pk, role) not in existing]
        if missing:
            names = [f"bench-{role}-{a.pk}"[:150] for a, role in missing]
            have = {u.username: u for u in User.objects.filter(username__in=names)}
            User.objects.bulk_create([User(username=n, password="!bench", full_name=n) for n in names if n not in have])
            have = {u.username: u for u in User.objects.filter(username__in=names)}
            Position.objects.bulk_create(
                [
                    Position(role=role, agency=a, title=f"{role.label} {a}"[:150], holder=have[n])
                    for (a, role), n in zip(missing, names)
                ]
            )
            for p in Position.objects.filter(is_active=True, holder__isnull=False).select_related("holder"):
                existing.setdefault((p.agency_id, p.role), p)
        self.positions = {}
        for (agency_id, role), p in existing.items():
            p.agency = self.by_id.get(agency_id, p.agency)
            self.positions[(agency_id, role)] = p
        names = [f"bench-warga-{i}" for i in range(citizens)]
        have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        User.objects.bulk_create([User(username=n, password="!bench", full_name=n) for n in names if n not in have])
        self.citizens = list(User.objects.filter(username__in=names))


# --- one report's life ------------------------------------------------------------------------
# Plain objects stand in for Report and ReportEvent during the simulation (a Django model
# instance costs ~20 us to build, and a report has ~6.5 events): they carry the same attribute
# names (field attnames, plus the foreign-key objects the effects read and set), start from the
# model fields' defaults, and become COPY rows (or model instances for bulk_create on SQLite).

_REPORT_DEFAULTS: dict = {}
_EVENT_DEFAULTS: dict = {}


def _defaults(model) -> dict:
    out = {}
    for f in model._meta.concrete_fields:
        out[f.attname] = f.get_default() if not f.primary_key else None
    return out


def _fk_property(name: str):
    attname = name + "_id"
    private = "_" + name

    def get(self):
        return self.__dict__.get(private)

    def set_(self, obj):
        self.__dict__[private] = obj
        self.__dict__[attname] = obj.pk if obj is not None else None

    return property(get, set_)


class SimReport:
    """What the effects and deadlines read and write on a Report, without the ORM."""

    agency = _fk_property("agency")
    unit = _fk_property("unit")
    suggested_agency = _fk_property("suggested_agency")
    duplicate_of = _fk_property("duplicate_of")
    target_agency = _fk_property("target_agency")
    category = _fk_property("category")
    reporter = _fk_property("reporter")

    def __init__(self, **kwargs):
        self.__dict__.update(_REPORT_DEFAULTS)
        for k, v in kwargs.items():
            setattr(self, k, v)

    @property
    def pk(self):
        return self.id


class SimEvent:
    __slots__ = (
        "action",
        "actor",
        "actor_agency",
        "actor_position",
        "actor_role",
        "created_at",
        "data",
        "from_status",
        "id",
        "note",
        "note_public",
        "report",
        "seq",
        "to_status",
    )

    def __init__(
        self,
        report,
        seq,
        action,
        from_status,
        to_status,
        actor,
        actor_role,
        note_public,
        data,
        created_at,
        actor_position=None,
        actor_agency=None,
        note="",
    ):
        self.id = None
        self.report, self.seq, self.action, self.from_status, self.to_status = report, seq, action, from_status, to_status
        self.actor, self.actor_role, self.actor_position, self.actor_agency = actor, actor_role, actor_position, actor_agency
        self.note, self.note_public, self.data, self.created_at = note, note_public, data, created_at

    def values(self) -> dict:
        return {
            "id": self.id,
            "report_id": self.report.id,
            "seq": self.seq,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "actor_id": self.actor.pk if self.actor is not None else None,
            "actor_role": self.actor_role,
            "actor_position_id": self.actor_position.pk if self.actor_position is not None else None,
            "actor_agency_id": self.actor_agency.pk if self.actor_agency is not None else None,
            "note": self.note,
            "note_public": self.note_public,
            "data": self.data,
            "created_at": self.created_at,
        }


RATINGS = [5] * 35 + [4] * 25 + [3] * 15 + [2] * 12 + [1] * 13
CHANNELS = (
    ["web"] * 45 + ["mobile"] * 25 + ["sms"] * 8 + ["whatsapp"] * 10 + ["email"] * 3 + ["integration"] * 5 + ["counter"] * 4
)
TYPES = ["complaint"] * 80 + ["aspiration"] * 12 + ["information"] * 8
NOTES = {
    "request_info": [
        "Mohon lengkapi lokasi kejadian (nama jalan/kelurahan) dan waktu kejadian.",
        "Mohon lampirkan foto atau bukti pendukung.",
    ],
    "supplement": ["Lokasi tepatnya di depan nomor 12, kejadian pukul 08.00 pagi.", "Sudah saya lampirkan foto kondisi terbaru."],
    "not_our_authority": [
        "Objek laporan merupakan kewenangan instansi lain.",
        "Jalan tersebut berstatus jalan nasional, bukan kewenangan kami.",
    ],
    "respond": [
        "Laporan sudah kami terima dan sedang kami koordinasikan dengan petugas lapangan.",
        "Terima kasih, tim kami akan melakukan pengecekan.",
    ],
    "follow_up": [
        "Petugas telah melakukan perbaikan pada tanggal yang dijadwalkan. Mohon konfirmasi.",
        "Sudah dilakukan pembinaan kepada petugas yang bersangkutan dan pungutan telah dihentikan.",
        "Nama pelapor telah didaftarkan ulang dan bantuan akan disalurkan pada tahap berikutnya.",
    ],
    "interim_reply": [
        "Penanganan memerlukan anggaran perubahan; perbaikan dijadwalkan ulang.",
        "Masih menunggu hasil pemeriksaan lapangan.",
    ],
    "reply": ["Sampai hari ini kondisinya belum berubah.", "Perbaikan hanya sebagian, lubang di sisi lain belum ditutup."],
    "appeal": ["Tindak lanjut tidak sesuai dengan kondisi di lapangan.", "Masalah yang sama terulang lagi minggu ini."],
    "dismiss_appeal": ["Hasil pemeriksaan ulang menunjukkan penanganan sudah sesuai standar."],
    "rate": ["Terima kasih, sudah ditangani dengan baik.", "Cukup lama prosesnya.", ""],
}
START_STATUSES = {"submitted", "at_agency"}


def hours(rng, median, sigma=0.9):
    return timedelta(hours=median * math.exp(sigma * rng.gauss(0, 1)))


def office_time(t: datetime, rng) -> datetime:
    """Move a moment to the next weekday office hour in WIB (officials act 08:00-16:00)."""
    local = t + timedelta(hours=7)
    for _ in range(10):
        if local.weekday() < 5 and 8 <= local.hour < 16:
            break
        if local.weekday() >= 5 or local.hour >= 16:
            local = (local + timedelta(days=1)).replace(hour=8, minute=0, second=0)
        else:
            local = local.replace(hour=8, minute=0, second=0)
        local += timedelta(minutes=rng.randint(0, 300))
    return local - timedelta(hours=7)


def submit_time(rng, now: datetime) -> datetime:
    while True:
        t = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
        local = t + timedelta(hours=7)
        weight = (0.55 if local.weekday() >= 5 else 1.0) * (0.15 if local.hour < 6 else 1.0) * (0.5 if local.hour >= 22 else 1.0)
        if rng.random() < weight:
            return t


class Simulator:
    def __init__(self, world: World, rng: random.Random, now: datetime, corpus=None):
        from lapor.reports.models import Report, ReportEvent
        from lapor.reports.states import ACTIVE
        from lapor.reports.sweep import next_due
        from lapor.reports.transition import submission, transition

        self.w, self.rng, self.now, self.corpus = world, rng, now, corpus
        self.submission, self.transition, self.next_due = submission, transition, next_due
        self.Report, self.ReportEvent = SimReport, SimEvent
        if not _REPORT_DEFAULTS:
            _REPORT_DEFAULTS.update(_defaults(Report))
            _EVENT_DEFAULTS.update(_defaults(ReportEvent))
        self.ACTIVE = set(ACTIVE)
        self.numbers: set[str] = set()
        self.counts: dict[str, int] = {}

    # the report as services._create builds it
    def new_report(self):
        from lapor.reports.tokens import new_tracking_number

        rng, w = self.rng, self.w
        t0 = submit_time(rng, self.now)
        key, title, description, event_day = benchlib.report_text(rng, t0)
        if self.corpus:
            title, description = rng.choice(self.corpus)
        intended = rng.choice(w.local) if (w.local and (not w.national or rng.random() < 0.7)) else rng.choice(w.national)
        region = rng.choice(w.regions_under(intended.region_id)) if intended.region_id else rng.choice(w.region_codes)
        category = benchlib.match_category(w.categories, key, rng)
        target = intended if rng.random() < 0.25 else None
        reporter = rng.choice(w.citizens) if w.citizens and rng.random() < 0.35 else None
        with_coords = rng.random() < 0.3
        person = benchlib.contact(rng) if reporter is None else {"contact_name": "", "contact_email": "", "contact_phone": ""}
        number = new_tracking_number()
        while number in self.numbers:
            number = new_tracking_number()
        self.numbers.add(number)
        r = self.Report(
            tracking_number=number,
            reporter=reporter,
            type=rng.choice(TYPES),
            title=title,
            description=description,
            event_date=event_day if rng.random() < 0.8 else None,
            region_id=region,
            address=f"Jl. {rng.choice(['Merdeka', 'Sudirman', 'Diponegoro', 'Ahmad Yani', 'Gajah Mada', 'Pahlawan'])} No. {rng.randint(1, 200)}"
            if rng.random() < 0.6
            else "",
            latitude=Decimal(f"{rng.uniform(-8.8, 3.6):.6f}") if with_coords else None,
            longitude=Decimal(f"{rng.uniform(95.3, 140.7):.6f}") if with_coords else None,
            category=category,
            target_agency=target,
            is_anonymous=rng.random() < 0.15,
            is_confidential=rng.random() < 0.1,
            channel=rng.choice(CHANNELS),
            submitted_at=t0,
            updated_at=t0,
            version=1,
            **person,
        )
        r._intended = intended
        return r, [self.submission(r, target, reporter, t0, event_class=self.ReportEvent)]

    def actor_for(self, r, role):
        """(user, position) acting in this role on the report."""
        if role == "reporter":
            return r.reporter, None
        if role == "system":
            return None, None
        holder = {"national_admin": self.w.desk, "agency_admin": r.agency, "liaison_officer": r.unit}[role]
        pos = self.w.positions.get((holder.pk, role)) if holder is not None else None
        return (pos.holder if pos else None), pos

    def apply(self, r, events, action, role, payload, now):
        """One move, as services.apply_action makes it once its database checks have passed: the
        app's own transition (lapor/reports/transition.py: table, effect, stage end, status,
        version, event), by the position that holds the role now, before the move (as
        actors.roles_on finds it)."""
        from lapor.core.errors import NotAllowed

        user, pos = self.actor_for(r, role)
        try:
            event = self.transition(r, action, role, pos, user, payload, now, event_class=self.ReportEvent)
        except NotAllowed as e:  # a plan naming a role the table does not give: a bug here, not a refusal
            raise RuntimeError(f"{role} may not {action} from {r.status}") from e
        events.append(event)
        self.counts[action] = self.counts.get(action, 0) + 1

    def sweep_due(self, r):
        """The earliest SLA-sweep move due for this report, in the sweep's step order:
        (when, action) from lapor/reports/sweep.py's step table, or None."""
        return self.next_due(r)

    def plan(self, r, t):
        """The next human move: list of (weight, action, role, payload) and when it happens."""
        rng, w, s = self.rng, self.w, r.status
        note = lambda a: rng.choice(NOTES[a])
        opts = []
        if (
            r.ombudsman_offered_at
            and r.ombudsman_declined_at is None
            and s in self.ACTIVE
            and not getattr(r, "_omb_asked", False)
        ):
            r._omb_asked = True
            choice = rng.random()
            if choice < 0.35:
                return [(1, "ombudsman_consent", "reporter", {"note": "Saya setuju dialihkan ke Ombudsman."})], t + hours(rng, 48)
            if choice < 0.65:
                return [(1, "ombudsman_decline", "reporter", {})], t + hours(rng, 48)
        if s in ("submitted", "returned"):
            target = r.suggested_agency or (r._intended if rng.random() < 0.85 else rng.choice(w.tops))
            opts = [
                (80, "dispose", "national_admin", {"agency": target.code}),
                (7, "reject", "national_admin", {"reason": rng.choice(["not_public_service", "spam", "abusive", "in_court"])}),
                (5, "archive", "national_admin", {"reason": rng.choice(["not_actionable", "resolved_elsewhere"])}),
            ]
            if s == "submitted" and r.paused_days_left is None and not getattr(r, "_asked", False):
                opts.append((8, "request_info", "national_admin", {"note": note("request_info")}))
            when = office_time(t + hours(rng, 20), rng)
        elif s == "needs_info":
            r._asked = True
            if rng.random() < 0.75:
                desc = r.description + " " + rng.choice(NOTES["supplement"]) if rng.random() < 0.5 else ""
                opts = [(1, "supplement", "reporter", {"note": note("supplement"), "description": desc})]
                when = t + hours(rng, 40)
            else:
                opts = [
                    (
                        1,
                        "reject",
                        "national_admin",
                        {"reason": "incomplete", "note": "Tidak ada tambahan informasi dari pelapor."},
                    )
                ]
                when = office_time(t + timedelta(days=rng.uniform(10, 20)), rng)
        elif s == "at_agency":
            wrong = r.agency.pk != r._intended.pk
            suggested = r._intended if wrong else rng.choice(w.tops)
            units = w.units_by_top[r.agency.pk]
            opts = [
                (80 if not wrong else 10, "forward", "agency_admin", {"unit": rng.choice(units).code}),
                (
                    8 if not wrong else 85,
                    "not_our_authority",
                    "agency_admin",
                    {"suggested_agency": suggested.code, "note": note("not_our_authority")},
                ),
                (5, "archive", "agency_admin", {"reason": rng.choice(["not_actionable", "resolved_elsewhere"])}),
            ]
            when = office_time(t + hours(rng, 24 * w.slowness[r.agency.pk]), rng)
        elif s == "forwarded":
            opts = [
                (50, "respond", "liaison_officer", {"note": note("respond")}),
                (38, "follow_up", "liaison_officer", {"note": note("follow_up")}),
                (12, "interim_reply", "liaison_officer", self._interim(r, t)),
            ]
            when = office_time(t + hours(rng, 30 * w.slowness[r.agency.pk]), rng)
        elif s == "in_process":
            opts = [
                (82, "follow_up", "liaison_officer", {"note": note("follow_up")}),
                (18, "interim_reply", "liaison_officer", self._interim(r, t)),
            ]
            when = office_time(t + hours(rng, 60 * w.slowness[r.agency.pk]), rng)
        elif s == "followed_up":
            opts = [
                (55, "rate", "reporter", {"rating": rng.choice(RATINGS), "comment": note("rate")}),
                (15, "reply", "reporter", {"note": note("reply")}),
                (30, None, None, None),
            ]
            when = t + hours(rng, 30)
        elif s == "closed":
            if r.rating is None and rng.random() < 0.1:
                opts = [(1, "rate", "reporter", {"rating": rng.choice(RATINGS), "comment": note("rate")})]
            elif r.rating is not None and r.rating <= 2 and r.appeal_count == 0 and rng.random() < 0.4:
                opts = [(1, "appeal", "reporter", {"note": note("appeal")})]
            when = t + hours(rng, 30)
        elif s == "appealed":
            units = w.units_by_top[r.agency.pk]
            opts = [
                (50, "forward", "agency_admin", {"unit": rng.choice(units).code}),
                (50, "dismiss_appeal", "agency_admin", {"note": note("dismiss_appeal")}),
            ]
            when = office_time(t + hours(rng, 30 * w.slowness[r.agency.pk]), rng)
        else:
            return [], None
        return opts, when

    def _interim(self, r, t):
        from zoneinfo import ZoneInfo

        from lapor.core import workdays

        holder = r.unit or r.agency
        tz = holder.timezone if holder else workdays.DEFAULT_TZ
        today = t.astimezone(ZoneInfo(tz)).date()
        return {
            "note": self.rng.choice(NOTES["interim_reply"]),
            "due_date": workdays.calendar().add_working_days(today, self.rng.choice([9, 14, 20, 30])),
        }

    def live(self):
        """One report and its events, up to now."""
        from lapor.core.errors import DomainError

        rng = self.rng
        r, events = self.new_report()
        t = r.submitted_at
        plan = None
        for _ in range(60):
            if plan is None:
                opts, when = self.plan(r, t)
                plan = (opts, when, r.status)
            opts, when, planned_status = plan
            due = self.sweep_due(r)
            human_at = when if (opts and when is not None) else None
            if due is not None:
                sweep_at = max(due[0], t) + timedelta(seconds=rng.uniform(1, 60))
                if sweep_at < self.now and (human_at is None or sweep_at < human_at):
                    self.apply(r, events, due[1], "system", {}, sweep_at)
                    t = sweep_at
                    if r.status != planned_status:
                        plan = None
                    continue
            if human_at is None or human_at >= self.now:
                break
            # Pick a move by weight; one whose guard refuses (cap reached...) is dropped, try another.
            opts = list(opts)
            done = False
            while opts:
                pick = rng.uniform(0, sum(o[0] for o in opts))
                for i, (weight, action, role, payload) in enumerate(opts):
                    pick -= weight
                    if pick <= 0:
                        break
                weight, action, role, payload = opts.pop(i)
                if action is None:  # the reporter stays silent: only the sweep moves it now
                    done = None
                    break
                try:
                    self.apply(r, events, action, role, dict(payload), human_at)
                    done = True
                    break
                except DomainError:
                    continue
            if done is None:
                plan = ([], None, r.status)
                continue
            t = human_at
            plan = None
            if not done or r.status in ("rejected", "archived", "ombudsman"):
                if r.status in ("rejected", "archived", "ombudsman"):
                    break
                if not done and self.sweep_due(r) is None:
                    break
        return r, events


# --- database look-ups answered from memory ---------------------------------------------------
# The simulation runs the app's own code (transition, effects, deadlines, the SLA policies, the
# calendar). Where that code asks the database for something the world already holds in memory,
# `use_memory_lookups` puts an in-memory stand-in for that look-up in place — the look-up only:
# no rule of the app is replaced or copied here.


class _One:
    def __init__(self, found):
        self.found = found

    def select_related(self, *fields):
        return self

    def first(self):
        return self.found


def _receives_forwards_in_memory(world):
    """Stands in for agencies.selectors.receives_forwards in lapor.reports.effects during the
    simulation: answered from World.positions (the active, held positions) for the active
    agencies the simulation looks up (World.by_code)."""
    from lapor.accounts.models import Role

    def receives_forwards(agency) -> bool:
        return agency.is_active and (agency.pk, str(Role.LIAISON_OFFICER)) in world.positions

    return receives_forwards


class _AgenciesInMemory:
    """Stands in for Agency in lapor.reports.effects during the simulation: filter(code=...,
    is_active=True).select_related(...).first() is answered from World.by_code (the active
    agencies, their parents linked in memory); anything else goes to the database. The effects'
    own checks on the agency found (or not found) run as written."""

    def __init__(self, world, model):
        self.world, self.model = world, model
        self.objects = self

    def __getattr__(self, name):
        return getattr(self.model, name)

    def filter(self, **kwargs):
        if set(kwargs) == {"code", "is_active"} and kwargs["is_active"] is True:
            return _One(self.world.by_code.get(kwargs["code"]))
        return self.model.objects.filter(**kwargs)


def _memoised(cal):
    """The calendar in force, its answers memoised: a WorkCalendar is immutable once built and
    its answers depend only on the arguments, so each date is computed once per process instead
    of walking the holiday table day by day for every deadline. Its own methods still compute
    them (due_at and working_days_left call the memoised ones through `self`)."""
    from functools import lru_cache

    for name in ("is_working_day", "add_working_days", "working_days_between"):
        setattr(cal, name, lru_cache(maxsize=None)(getattr(cal, name)))
    return cal


def use_memory_lookups(world: World) -> None:
    """Answer the simulation's database look-ups from memory, in this process (before the jobs
    fork): the agencies and positions the effects look up, the SLA policies and the working-day
    calendar (read once, not again each minute: nothing changes them during a load)."""
    from lapor.agencies import sla
    from lapor.core import workdays
    from lapor.reports import effects

    # dispose / forward / not-our-authority look agencies up by code, and forward checks that the
    # unit has a liaison officer: every agency and unit used has its positions (World.ensure_people).
    effects.Agency = _AgenciesInMemory(world, effects.Agency)
    effects.receives_forwards = _receives_forwards_in_memory(world)
    sla.reset_policies()
    workdays.reset_calendar()
    policies = sla._policies()
    sla._policies = lambda: policies
    calendar = _memoised(workdays.calendar())
    workdays.calendar = lambda: calendar
