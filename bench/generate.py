#!/usr/bin/env python
"""Load N realistic reports with their full event history, fast.

    .venv/bin/python bench/generate.py --reports 100000 [--database-url postgres://postgres@127.0.0.1:5432/lapor_bench]

Each report is submitted at a random moment of the last 365 days (weekday/office-hour weighted)
and then lives its life through the app's own transition table (lapor/reports/workflow.TABLE)
and effect functions (lapor/reports/effects.EFFECTS, with deadlines from lapor/reports/deadlines):
the desk disposes, asks for information or rejects, agencies forward or say "not our authority",
units respond, post interim replies and follow-ups, reporters reply, rate and appeal; and the SLA
sweep's moves (mark_overdue, escalate, offer_ombudsman, auto_close) happen when their due time
passes, up to now. So statuses, due times, counters and milestones are what the app would have
written, and every event sequence is legal (seq 1..version).

PostgreSQL: rows are written with COPY (psycopg 3 `cursor.copy`, rows formatted here in COPY's text
format), ids reserved from the tables' sequences, in batches (one transaction each,
synchronous_commit off), by --jobs processes. A big load (--bulk; by default when --reports >= 50,000
and >= the reports already there) first drops everything on the two loaded tables but their columns
(primary keys, foreign keys, other tables' foreign keys to them, unique constraints, secondary
indexes, the full-text GIN index) and turns their autovacuum off; afterwards bench/bulkload.py
builds them again in two lanes beside the rollup write, timed as part of the wall time; then
ANALYZE. The DDL waits in the table bench_generate_pending_ddl until it has run, so an interrupted
load's indexes are restored by the next run. SQLite (no DATABASE_URL):
bulk_create. Reference data: `manage.py load_reference` when the project has it, else a minimal
slice created here. Officials' positions (and their users, with unusable passwords) and a pool of
citizen accounts are created for the agencies used.

Texts come from templates in bench/benchlib.py. With --corpus PATH (e.g.
/work/shared/data/complaints/surabaya_2022.csv) descriptions are read from that file at run time
(its rows are never copied into the repository).

Prints reports/s and events/s, table sizes (pg_total_relation_size), the machine; saves
bench/results/generate-<date>.json and .md.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

benchlib.use_venv()

import bulkload  # noqa: E402  (after the venv is on the path)
import earlier_years as copies  # noqa: E402

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
        from lapor.reports import deadlines, effects, workflow
        from lapor.reports.models import Report, ReportEvent
        from lapor.reports.states import ACTIVE
        from lapor.reports.sweep import OVERDUE_STATUSES

        self.w, self.rng, self.now, self.corpus = world, rng, now, corpus
        self.deadlines, self.effects, self.workflow = deadlines, effects, workflow
        self.Report, self.ReportEvent = SimReport, SimEvent
        if not _REPORT_DEFAULTS:
            _REPORT_DEFAULTS.update(_defaults(Report))
            _EVENT_DEFAULTS.update(_defaults(ReportEvent))
        self.OVERDUE, self.ACTIVE = set(OVERDUE_STATUSES), set(ACTIVE)
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
        if target is not None:
            r.status = "at_agency"
            r.agency = target
            r.received_at = t0
            self.deadlines.start_stage(r, "agency_verification", t0)
        else:
            r.status = "submitted"
            self.deadlines.start_stage(r, "desk_verification", t0)
        self.deadlines.start_ombudsman_clock(r, t0)
        r._intended = intended
        ev = self.ReportEvent(
            report=r,
            seq=1,
            action="submit",
            from_status="",
            to_status=r.status,
            actor=reporter,
            actor_role="reporter",
            note_public=True,
            data={"channel": r.channel, "target_agency": target.code if target else None},
            created_at=t0,
        )
        return r, [ev]

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
        """services.apply_action without the database: rule, effect, status, version, event."""
        from lapor.reports.effects import Context

        rule = self.workflow.rule_for(r.status, action)
        if role not in rule.roles:
            raise RuntimeError(f"{role} may not {action} from {r.status}")
        from_status = r.status
        before_stage, before_due = r.stage, r.stage_due_at
        effect = self.effects.EFFECTS[action](r, Context(now=now, role=role, payload=payload))
        ended = self.deadlines.stage_end(before_stage, before_due, r, now)
        if ended:
            effect.data = {**effect.data, **ended}
        r.status = rule.target or r.status
        r.version += 1
        r.updated_at = now
        user, pos = self.actor_for(r, role)
        events.append(
            self.ReportEvent(
                report=r,
                seq=r.version,
                action=action,
                from_status=from_status,
                to_status=r.status,
                actor=user,
                actor_role=role,
                actor_position=pos,
                actor_agency=pos.agency if pos is not None else None,
                note=effect.note,
                note_public=rule.note_public,
                data=effect.data,
                created_at=now,
            )
        )
        self.counts[action] = self.counts.get(action, 0) + 1

    def sweep_due(self, r):
        """The earliest SLA-sweep move due for this report, in the sweep's step order."""
        cands = []
        if r.status == "followed_up" and r.stage_due_at:
            cands.append((r.stage_due_at, 0, "auto_close"))
        if r.status in self.OVERDUE and r.stage_due_at and not r.is_overdue:
            cands.append((r.stage_due_at, 1, "mark_overdue"))
        if r.status in self.OVERDUE and r.escalation_level == 1 and r.escalate_at:
            cands.append((r.escalate_at, 2, "escalate"))
        if r.status in self.ACTIVE and r.ombudsman_due_at and r.ombudsman_offered_at is None:
            cands.append((r.ombudsman_due_at, 3, "offer_ombudsman"))
        return min(cands) if cands else None

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
                    self.apply(r, events, due[2], "system", {}, sweep_at)
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


# --- writing ----------------------------------------------------------------------------------


def report_columns():
    from lapor.reports.models import Report, ReportEvent

    return (
        [(f.column, f.attname) for f in Report._meta.concrete_fields],
        [(f.column, f.attname) for f in ReportEvent._meta.concrete_fields],
    )


def set_search_text(reports, events) -> None:
    """Each report's `search_text` as the app leaves it (public.index_for_search): NULL unless it
    is not confidential and was public at some moment of its life (a report the desk rejected
    straight away never was); then its redacted title and description, or "" when redacting
    changed nothing."""
    from lapor.core.redact import redact
    from lapor.reports.public import PUBLIC_STATUSES

    public = {e.report.id for e in events if e.to_status in PUBLIC_STATUSES}
    for r in reports:
        if r.is_confidential or r.id not in public:
            r.search_text = None
            continue
        original = f"{r.title}\n{r.description}"
        redacted = redact(original)
        r.search_text = "" if redacted == original else redacted


def _copy_text(v: str) -> str:
    """A text value in COPY's text format (backslash, tab, newline and carriage return escaped)."""
    if "\\" in v:
        v = v.replace("\\", "\\\\")
    if "\t" in v:
        v = v.replace("\t", "\\t")
    if "\n" in v:
        v = v.replace("\n", "\\n")
    if "\r" in v:
        v = v.replace("\r", "\\r")
    return v


def _copy_field_formatter():
    """One function turning a Python value into COPY text format (what psycopg's write_row would
    send for it, without its per-value dumper look-up): None -> \\N, bool -> t/f, datetimes and
    dates in ISO 8601 (with their offset), Decimal and int as written, str escaped, dict as JSON."""
    import json
    from datetime import date

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    table = {
        str: _copy_text,
        int: str,
        bool: lambda v: "t" if v else "f",
        datetime: datetime.isoformat,
        date: date.isoformat,
        Decimal: str,
        dict: lambda v: _copy_text(dumps(v)),
        list: lambda v: _copy_text(dumps(v)),
    }

    def fmt(v):
        if v is None:
            return "\\N"
        f = table.get(type(v))
        if f is None:  # a subclass (TextChoices members are str, IntegerChoices int)
            f = next(f for t, f in table.items() if isinstance(v, t) and t is not bool)
            table[type(v)] = f
        return f(v)

    return fmt


_FMT = None
_REPORT_LINE = None
_ACTION_CODE = _STATUS_CODE = _ROLE_CODE = None  # word -> code text, set with _FMT
_PACK_DATA = None  # an event's data -> its compact text, set with _FMT


def _report_line_function(fields):
    """A function formatting one report's row: one expression per column, chosen by the model
    field's type (None -> \\N; values of an unexpected type go through the generic formatter)."""
    from django.db import models

    from lapor.monev.facts import FactsField

    fmt = _FMT
    parts = []
    for f in fields:
        a = f.attname
        get = f"d[{a!r}]"
        if isinstance(f, FactsField):
            conv = f"_copy_text(pack(v{len(parts)}))"
        elif isinstance(f, models.ForeignKey) or isinstance(f, (models.IntegerField, models.AutoField)):
            conv = f"str(v{len(parts)})"
        elif isinstance(f, (models.CharField, models.TextField)):
            conv = f"_copy_text(v{len(parts)})"
        else:
            conv = f"fmt(v{len(parts)})"
        parts.append((get, conv))
    lines = ["def report_line(d):"]
    for i, (get, _) in enumerate(parts):
        lines.append(f"    v{i} = {get}")
    body = ", ".join(f'("\\\\N" if v{i} is None else {conv})' for i, (_, conv) in enumerate(parts))
    lines.append(f'    return "\\t".join(({body},))')
    scope = {"fmt": fmt, "_copy_text": _copy_text, "str": str, "pack": FactsField().get_prep_value}
    exec("\n".join(lines), scope)
    return scope["report_line"]


def _codes(codes: tuple[str, ...]) -> dict[str, str]:
    """A CodeField's words and the codes COPY writes for them (lapor.core.codes, ADR 0021)."""
    return {word: str(i) for i, word in enumerate(codes)}


def event_line(e) -> str:
    action, status, role, pack_data = _ACTION_CODE, _STATUS_CODE, _ROLE_CODE, _PACK_DATA
    actor, pos, agency = e.actor, e.actor_position, e.actor_agency
    return "\t".join(
        (
            str(e.id),
            str(e.report.id),
            str(e.seq),
            action[e.action],
            status[e.from_status],
            status[e.to_status],
            str(actor.pk) if actor is not None else "\\N",
            role[e.actor_role],
            str(pos.pk) if pos is not None else "\\N",
            str(agency.pk) if agency is not None else "\\N",
            _copy_text(e.note),
            "t" if e.note_public else "f",
            _copy_text(pack_data(e.data)),
            e.created_at.isoformat(),
        )
    )


EVENT_COLUMNS = (
    "id",
    "report_id",
    "seq",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_role",
    "actor_position_id",
    "actor_agency_id",
    "note",
    "note_public",
    "data",
    "created_at",
)


def _copy_chunks(cp, lines, size=2000):
    for i in range(0, len(lines), size):
        cp.write("\n".join(lines[i : i + size]) + "\n")


def write_batch_pg(reports, events) -> None:
    """COPY the batch in PostgreSQL's text format, rows formatted here (one string per row)."""
    set_search_text(reports, events)
    global _FMT, _REPORT_LINE, _ACTION_CODE, _STATUS_CODE, _ROLE_CODE, _PACK_DATA
    from django.db import connection, transaction

    from lapor.reports.models import Report, ReportEvent

    if _FMT is None:
        _FMT = _copy_field_formatter()
        _REPORT_LINE = _report_line_function(Report._meta.concrete_fields)
        field = ReportEvent._meta.get_field
        _ACTION_CODE, _STATUS_CODE, _ROLE_CODE = (_codes(field(n).codes) for n in ("action", "to_status", "actor_role"))
        _PACK_DATA = field("data").get_prep_value  # the compact text (lapor.reports.eventdata)
    rcols, ecols = report_columns()
    if sorted(a for _, a in ecols) != sorted(EVENT_COLUMNS) or any(c != a for c, a in ecols):
        raise RuntimeError(f"ReportEvent's columns changed ({ecols}): update EVENT_COLUMNS and event_line")
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute(
                "SELECT nextval(pg_get_serial_sequence('reports_report', 'id')) FROM generate_series(1, %s)", [len(reports)]
            )
            for r, (pk,) in zip(reports, c.fetchall()):
                r.id = pk
            c.execute(
                "SELECT nextval(pg_get_serial_sequence('reports_reportevent', 'id')) FROM generate_series(1, %s)", [len(events)]
            )
            for e, (pk,) in zip(events, c.fetchall()):
                e.id = pk
        raw = connection.connection  # the psycopg 3 connection, inside Django's transaction
        with raw.cursor() as cur:
            with cur.copy(f"COPY reports_report ({', '.join(col for col, _ in rcols)}) FROM STDIN") as cp:
                line = _REPORT_LINE
                _copy_chunks(cp, [line(r.__dict__) for r in reports])
            with cur.copy(f"COPY reports_reportevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as cp:
                _copy_chunks(cp, [event_line(e) for e in events])


def write_batch_orm(reports, events) -> None:
    from django.db import transaction
    from django.db.models import Max

    from lapor.reports.models import Report, ReportEvent

    set_search_text(reports, events)
    rcols, _ = report_columns()
    attrs = [a for _, a in rcols]
    with transaction.atomic():
        start = (Report.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        for i, r in enumerate(reports):
            r.id = start + i
        Report.objects.bulk_create([Report(**{a: r.__dict__[a] for a in attrs}) for r in reports], batch_size=500)
        start = (ReportEvent.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        for i, e in enumerate(events):
            e.id = start + i
        ReportEvent.objects.bulk_create([ReportEvent(**e.values()) for e in events], batch_size=1000)


class _Exists:
    def __init__(self, found: bool):
        self.found = found

    def exists(self) -> bool:
        return self.found


_EXISTS, _NOT_EXISTS = _Exists(True), _Exists(False)


class _PositionsInMemory:
    """Stands in for Position in lapor.reports.effects during the simulation: filter(agency=...,
    role=..., ...).exists() is answered from World.positions; anything else goes to the database."""

    def __init__(self, world, model):
        self.world, self.model = world, model
        self.objects = self

    def __getattr__(self, name):
        return getattr(self.model, name)

    def filter(self, **kwargs):
        agency, role = kwargs.get("agency"), kwargs.get("role")
        if agency is not None and role is not None and set(kwargs) <= {"agency", "role", "is_active", "holder__isnull"}:
            return _EXISTS if (agency.pk, str(role)) in self.world.positions else _NOT_EXISTS
        return self.model.objects.filter(**kwargs)


class _MemoCalendar:
    """The working-day calendar in force, memoised: WorkCalendar is immutable once built and its
    answers depend only on the arguments, so the same dates come out, each computed once per
    process instead of walking the holiday table day by day for every deadline."""

    def __init__(self, cal):
        from lapor.core import workdays

        self._cal, self._workdays = cal, workdays
        self._working: dict = {}
        self._add: dict = {}
        self._between: dict = {}
        self._due: dict = {}
        self._zones: dict = {}

    def __getattr__(self, name):
        return getattr(self._cal, name)

    def _zone(self, tz):
        z = self._zones.get(tz)
        if z is None:
            from zoneinfo import ZoneInfo

            z = self._zones[tz] = ZoneInfo(tz or self._workdays.DEFAULT_TZ)
        return z

    def is_working_day(self, day):
        v = self._working.get(day)
        if v is None:
            v = self._working[day] = self._cal.is_working_day(day)
        return v

    def holiday_name(self, day):
        return self._cal.holiday_name(day)

    def add_working_days(self, day, n):
        key = (day, n)
        v = self._add.get(key)
        if v is None:
            v = self._add[key] = self._cal.add_working_days(day, n)
        return v

    def working_days_between(self, start, end):
        key = (start, end)
        v = self._between.get(key)
        if v is None:
            v = self._between[key] = self._cal.working_days_between(start, end)
        return v

    def due_at(self, start, n, tz=None):
        tz = tz or self._workdays.DEFAULT_TZ
        key = (start.astimezone(self._zone(tz)).date(), n, tz)
        v = self._due.get(key)
        if v is None:
            v = self._due[key] = self._workdays.end_of_day(self.add_working_days(key[0], n), tz)
        return v

    def working_days_left(self, at, due, tz=None):
        zone = self._zone(tz or self._workdays.DEFAULT_TZ)
        return self.working_days_between(at.astimezone(zone).date(), due.astimezone(zone).date())


def _proc_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) of a process of this machine (a PostgreSQL backend), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


_CTX: dict = {}  # set before forking: the world and settings shared by the jobs


def monitoring_cells():
    from lapor.monev.rollups import Accumulator

    return Accumulator()


def _copied(r) -> bool:
    return copies.copied(r)


def _rollup_event(e):
    """A simulated event as the rollups' fold reads it (ids of the acting position and agency)."""
    from lapor.monev.rollups import EventView

    pos, agency = e.actor_position, e.actor_agency
    return EventView(e.action, e.data, e.created_at, pos.pk if pos is not None else None, agency.pk if agency is not None else None)


def run_chunk(args) -> dict:
    """Simulate and write `count` reports in batches; returns counts and timings."""
    count, seed = args
    world, batch, now, corpus, is_pg = (_CTX[k] for k in ("world", "batch", "now", "corpus", "is_pg"))
    from django.db import IntegrityError, connections

    connections.close_all()
    if is_pg:
        from django.db import connection

        with connection.cursor() as c:  # the load is durable once the run ends (every commit flushed then)
            c.execute("SET synchronous_commit = off")
    rng = random.Random(seed)
    sim = Simulator(world, rng, now, corpus)
    n_reports = n_events = 0
    t_sim = t_write = cpu_sim = cpu_write = cpu_rollups = 0.0
    statuses: dict[str, int] = {}
    done = 0
    totals = monitoring_cells() if _CTX.get("rollups") else None
    # the cells of the reports that bench/generate.py copies into earlier years (--earlier-years)
    copied = monitoring_cells() if _CTX.get("rollups") and _CTX.get("earlier_years") else None
    while done < count:
        size = min(batch, count - done)
        c0 = time.process_time()
        t0 = time.perf_counter()
        reports, events, lives = [], [], []
        for _ in range(size):
            r, evs = sim.live()
            reports.append(r)
            events.extend(evs)
            lives.append((r, evs))
            statuses[r.status] = statuses.get(r.status, 0) + 1
        t1 = time.perf_counter()
        c1 = time.process_time()
        for attempt in range(3):
            cells = None
            if totals is not None:  # each report's monitoring facts, and its rollup cells
                r0 = time.process_time()
                cells = monitoring_cells()
                copied_cells = monitoring_cells()
                for r, evs in lives:
                    also = copied_cells if copied is not None and _copied(r) else None
                    r.monitoring_facts = cells.add(r, [_rollup_event(e) for e in evs], also=also)
                cpu_rollups += time.process_time() - r0
            try:
                (write_batch_pg if is_pg else write_batch_orm)(reports, events)
                break
            except IntegrityError:  # a tracking number already in the table (50 random bits: rare)
                from lapor.reports.tokens import new_tracking_number

                if attempt == 2:
                    raise
                for r in reports:
                    r.tracking_number = new_tracking_number()
        if cells is not None:
            totals.merge(cells.plain())
            if copied is not None:
                copied.merge(copied_cells.plain())
        t_write += time.perf_counter() - t1
        t_sim += t1 - t0
        cpu_sim += c1 - c0
        cpu_write += time.process_time() - c1
        n_reports += len(reports)
        n_events += len(events)
        done += size
    server_cpu = None
    if is_pg:
        from django.db import connection

        with connection.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            server_cpu = _proc_cpu_s(c.fetchone()[0])
    connections.close_all()
    return {
        "reports": n_reports,
        "events": n_events,
        "simulate_s": t_sim,
        "write_s": t_write,
        "simulate_cpu_s": cpu_sim,
        "write_client_cpu_s": cpu_write - cpu_rollups,
        "rollups_cpu_s": cpu_rollups,
        "rollups": totals.plain() if totals is not None else None,
        "copied_rollups": copied.plain() if copied is not None else None,
        "server_cpu_s": server_cpu,
        "statuses": statuses,
        "actions": sim.counts,
    }


def write_rollups(parts, earlier_years: int, timings: dict, *, beside: bool = False) -> None:
    """The loaded reports' monitoring rollups (lapor/monev/rollups.py): the jobs' sums. Into empty
    tables at once (bulkload.write_rollups); else added to what the tables hold. `beside`: on a
    thread of its own beside the index rebuild, at a lower CPU priority (its own connection,
    closed at the end)."""
    from django.db import connection

    from lapor.monev import rollups as monev_rollups

    t0 = time.perf_counter()
    try:
        if beside:
            bulkload.lower_priority()
            with connection.cursor() as c:
                c.execute("SELECT pg_backend_pid()")
                bulkload.lower_priority(c.fetchone()[0])
        total, copied = monev_rollups.Accumulator(), monev_rollups.Accumulator()
        for p in parts:
            total.merge(p["rollups"])
            if earlier_years:
                copied.merge(p["copied_rollups"])
        written = None
        if connection.vendor == "postgresql":
            timings["rollup_write_steps_s"] = steps = {}
            written = bulkload.write_rollups(total, copied, earlier_years, copies.SHIFT_DAYS, steps)
        if written is None:
            total.write()
            if earlier_years:
                written = copies.copy_cells(copied, earlier_years)
        timings["rollup_rows"] = written
        timings["rollups_write_s"] = round(time.perf_counter() - t0, 2)
        timings["rollup_cells"] = len(total.cells) + len(total.days)
    finally:
        if beside:
            connection.close()


def generate(
    database_url: str | None,
    n: int,
    *,
    jobs: int = 2,
    batch: int = 5000,
    seed: int = 1,
    max_agencies: int = 200,
    citizens: int = 500,
    corpus_path: str | None = None,
    quiet: bool = False,
    bulk: bool | None = None,
    now: datetime | None = None,
    index_workers: int = 2,
    rollups: bool = True,
    earlier_years: int = 0,
) -> dict:
    """Load n reports into an already migrated database (Django must be set up for it), with
    their monitoring facts and rollup cells unless `rollups` is false (then run
    `manage.py monev_verify --rebuild` before reading the dashboards). With `earlier_years`
    (PostgreSQL), the finished ones are then copied into that many earlier years (earlier_years.py)."""
    from django.db import connection

    from lapor.agencies import sla
    from lapor.core import workdays
    from lapor.reports import effects

    is_pg = connection.vendor == "postgresql"
    reference = benchlib.ensure_reference()
    rng = random.Random(seed)
    world = World(rng, max_agencies)
    world.ensure_people(citizens)
    # dispose / forward / not-our-authority name agencies by code, and forward checks that the unit
    # has a liaison officer: answer both from memory (every used agency and unit has its positions,
    # see World.ensure_people), not with a query per event.
    effects._agency = lambda code, *, field_name, label: world.by_code[str(code)]
    if hasattr(effects, "Position"):
        effects.Position = _PositionsInMemory(world, effects.Position)
    # The effects translate their error messages eagerly (labels passed to the validators) on every
    # call; those texts are only ever raised (never stored in a row), and the simulation drops the
    # refused moves: skip the translation look-ups (about a tenth of the simulation's time).
    if getattr(effects, "_", None) is not None:
        effects._ = str
    sla.reset_policies()
    workdays.reset_calendar()
    sla.sla_for("desk_verification")  # warm both caches before forking
    # Both are read-only during the load: keep them (no reload each minute) and memoise the calendar.
    policies = sla._policies()
    sla._policies = lambda: policies
    memo = _MemoCalendar(workdays.calendar())
    workdays.calendar = lambda: memo
    corpus = benchlib.corpus_texts(corpus_path) if corpus_path else None
    now = now or datetime.now(UTC)
    jobs = max(1, min(jobs, n // max(batch, 1) or 1)) if is_pg else 1
    timings: dict = {}
    dropped = []
    started = time.perf_counter()
    if is_pg:
        with connection.cursor() as c:  # indexes an interrupted bulk load left dropped
            restored = bulkload.restore_secondary(c, workers=index_workers)
        if restored and not quiet:
            print(f"restored {restored} indexes/constraints that an interrupted bulk load had dropped")
        started = time.perf_counter()
    if is_pg and n:
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM reports_report")
            existing = c.fetchone()[0]
        if bulk is None:  # rebuilding the indexes costs about as much as loading what is already there
            bulk = (n >= 50_000 and n >= existing) or bool(earlier_years)
        if bulk:
            t0 = time.perf_counter()
            with connection.cursor() as c:
                dropped = bulkload.drop_secondary(c)
            timings["drop_s"] = round(time.perf_counter() - t0, 2)
    from django.db import connections

    connections.close_all()
    earlier_years = earlier_years if is_pg and n else 0
    _CTX.update(world=world, batch=batch, now=now, corpus=corpus, is_pg=is_pg, rollups=rollups, earlier_years=earlier_years)
    shares = [n // jobs + (1 if i < n % jobs else 0) for i in range(jobs)]
    load_started = time.perf_counter()
    if n == 0:
        parts = []
    elif jobs == 1:
        parts = [run_chunk((n, seed))]
    else:
        import multiprocessing as mp

        from django.db import connections

        connections.close_all()
        with mp.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(run_chunk, [(share, seed * 1000 + i) for i, share in enumerate(shares)])
    load_wall = time.perf_counter() - load_started
    copied = None
    if earlier_years:
        t0 = time.perf_counter()
        timings["holiday_overrides"] = copies.move_holidays(*copies.simulated_span(now), earlier_years)
        copied = copies.copy_reports(earlier_years, workers=index_workers, seed=seed)
        timings["earlier_years_s"] = round(time.perf_counter() - t0, 2)
    statements: dict = {}
    write = rollups and n
    if dropped:
        # The indexes and the rollups do not depend on each other: the rollups are written beside
        # the index rebuild's second lane (bulkload.py), at its lower CPU priority.
        from concurrent.futures import ThreadPoolExecutor

        t0 = time.perf_counter()
        with ThreadPoolExecutor(1) as side:
            beside = side.submit(write_rollups, parts, earlier_years, timings, beside=True) if write else None
            with connection.cursor() as c:
                bulkload.restore_secondary(c, workers=index_workers, timings=statements)
            timings["index_build_s"] = round(time.perf_counter() - t0, 2)
            if beside is not None:
                beside.result()
        timings["index_build_and_rollups_s"] = round(time.perf_counter() - t0, 2)
        timings["tracking_numbers_renumbered"] = statements.pop("deduplicated tracking numbers", 0)
    elif write:
        write_rollups(parts, earlier_years, timings)
    if write and bulkload.RENUMBERED:  # reports renumbered by the rebuild move their cells
        from lapor.monev import rollups as monev_rollups

        monev_rollups.refresh_reports(bulkload.RENUMBERED)
    for p in parts:
        p.pop("rollups", None)
        p.pop("copied_rollups", None)
    if is_pg and n:
        t0 = time.perf_counter()
        with connection.cursor() as c:
            for table in (*bulkload.LOAD_TABLES, "monev_rollup", "monev_rollupdays"):
                c.execute(f"ANALYZE {table}")
        timings["analyze_s"] = round(time.perf_counter() - t0, 2)
    wall = time.perf_counter() - started
    result = {
        "reports": sum(p["reports"] for p in parts) + (copied["reports"] if copied else 0),
        "events": sum(p["events"] for p in parts) + (copied["events"] if copied else 0),
        "simulated_reports": sum(p["reports"] for p in parts),
        "earlier_years": copied,
        "wall_s": round(wall, 2),
        "jobs": jobs,
        "batch": batch,
        "backend": connection.vendor,
        "reference": reference,
        "bulk_mode": bool(dropped),
        "load_wall_s": round(load_wall, 2),
        **timings,
        "ddl_s": statements,
        "simulate_s": round(sum(p["simulate_s"] for p in parts), 2),
        "write_s": round(sum(p["write_s"] for p in parts), 2),
        "simulate_cpu_s": round(sum(p["simulate_cpu_s"] for p in parts), 2),
        "write_client_cpu_s": round(sum(p["write_client_cpu_s"] for p in parts), 2),
        "rollups_cpu_s": round(sum(p["rollups_cpu_s"] for p in parts), 2),
        "server_cpu_s": round(sum(p["server_cpu_s"] or 0 for p in parts), 2) if is_pg else None,
        "statuses": {},
        "actions": {},
    }
    for p in parts:
        for k, v in p["statuses"].items():
            result["statuses"][k] = result["statuses"].get(k, 0) + v
        for k, v in p["actions"].items():
            result["actions"][k] = result["actions"].get(k, 0) + v
    result["reports_per_s"] = round(result["reports"] / wall, 1) if wall and n else None
    result["events_per_s"] = round(result["events"] / wall, 1) if wall and n else None
    result["rows_per_s"] = round((result["reports"] + result["events"]) / wall, 1) if wall and n else None
    if is_pg and n:
        with connection.cursor() as c:
            result["size_bytes"], result["table_bytes"], result["table_rows"] = {}, {}, {}
            for table in (*bulkload.LOAD_TABLES, "monev_rollup", "monev_rollupdays"):
                c.execute(
                    f"SELECT pg_total_relation_size('{table}'), pg_table_size('{table}'), pg_indexes_size('{table}'), "
                    f"(SELECT count(*) FROM {table})"
                )
                total, heap, idx, rows = c.fetchone()
                result["size_bytes"][table] = total
                result["table_bytes"][table] = {"table_toast": heap, "indexes": idx}
                result["table_rows"][table] = rows
            c.execute("SELECT pg_database_size(current_database())")
            result["database_bytes"] = c.fetchone()[0]
    return result


def verify_histories() -> dict:
    """Replay every report's events against workflow.TABLE (PostgreSQL): seq 1..version without
    gaps, submission first, each move legal from the previous status, last status = report.status."""
    from django.db import connection, transaction

    from lapor.reports.states import ACTION_CODES, STATUS_CODES
    from lapor.reports.workflow import SUBMIT_TARGETS, TABLE

    checked = bad = 0
    examples = []
    with transaction.atomic():
        with connection.connection.cursor(name="bench_verify") as cur:
            cur.itersize = 20000
            cur.execute(
                "SELECT e.report_id, e.seq, e.action, e.from_status, e.to_status, r.status, r.version "
                "FROM reports_reportevent e JOIN reports_report r ON r.id = e.report_id ORDER BY e.report_id, e.seq"
            )
            current, state, ok, expect, final = None, None, True, 1, None

            def close():
                nonlocal checked, bad
                if current is None:
                    return
                checked += 1
                good = ok and state == final[0] and expect - 1 == final[1]
                if not good:
                    bad += 1
                    if len(examples) < 5:
                        examples.append(current)

            for report_id, seq, action, frm, to, status, version in cur:
                action, frm, to = ACTION_CODES[action], STATUS_CODES[frm], STATUS_CODES[to]  # codes (ADR 0021)
                if report_id != current:
                    close()
                    current, ok, expect, final = report_id, True, 1, (status, version)
                    state = None
                if seq != expect:
                    ok = False
                expect += 1
                if seq == 1:
                    ok = ok and action == "submit" and frm == "" and to in SUBMIT_TARGETS
                else:
                    rule = TABLE.get((frm, action))
                    ok = ok and frm == state and rule is not None and to == (rule.target or frm)
                state = to
            close()
        with connection.cursor() as c:
            c.execute(
                "SELECT count(*) FROM reports_report r WHERE NOT EXISTS (SELECT 1 FROM reports_reportevent e WHERE e.report_id = r.id)"
            )
            without = c.fetchone()[0]
    return {"reports_checked": checked, "illegal_histories": bad, "reports_without_events": without, "examples": examples}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reports", type=int, required=True, help="how many reports to add")
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://... (default: $DATABASE_URL; empty means the SQLite file of the settings)",
    )
    p.add_argument(
        "--create-db", action="store_true", help="create the PostgreSQL database of --database-url and migrate it first"
    )
    p.add_argument("--migrate", action="store_true", help="run migrations first")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (PostgreSQL only)")
    p.add_argument("--batch", type=int, default=5000, help="reports per transaction")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-agencies", type=int, default=200, help="agencies (with their units) that receive reports")
    p.add_argument(
        "--corpus",
        help="read descriptions at run time from this complaints CSV (e.g. /work/shared/data/complaints/surabaya_2022.csv)",
    )
    p.add_argument(
        "--verify", action="store_true", help="afterwards, replay every report's events against the transition table (PostgreSQL)"
    )
    p.add_argument(
        "--bulk",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="PostgreSQL: drop the loaded tables' foreign keys, unique constraints and secondary indexes (the "
        "full-text GIN index too) and turn their autovacuum off before the load, re-create and validate them "
        "after it (timed, part of the wall time). Default: when --reports >= 50,000 and >= the reports already there",
    )
    p.add_argument("--index-workers", type=int, default=2, help="connections re-creating indexes at once (--bulk)")
    p.add_argument("--now", help="the simulation's 'now' (ISO 8601, UTC); default: the current time")
    p.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    p.add_argument(
        "--earlier-years", type=int, default=0,
        help="PostgreSQL: then copy the finished reports into this many earlier years (earlier_years.py), "
        "e.g. --reports 1000000 --earlier-years 10 for ten million",
    )
    p.add_argument(
        "--no-rollups", action="store_true", help="skip the monitoring facts and rollups (monev_verify --rebuild adds them later)"
    )
    args = p.parse_args()

    url = args.database_url or None
    if url and args.create_db:
        from urllib.parse import urlsplit

        import psycopg

        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(benchlib.psycopg_conninfo(benchlib.with_dbname(url, "postgres")), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    benchlib.setup_django(url)
    if args.migrate or args.create_db:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    from django.db import connection

    machine = benchlib.machine_info(url if url else None)
    print(f"machine: {benchlib.machine_line(machine)}")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    result = generate(
        url,
        args.reports,
        jobs=args.jobs,
        batch=args.batch,
        seed=args.seed,
        max_agencies=args.max_agencies,
        corpus_path=args.corpus,
        bulk=args.bulk,
        now=datetime.fromisoformat(args.now).replace(tzinfo=UTC) if args.now else None,
        index_workers=args.index_workers,
        rollups=not args.no_rollups,
        earlier_years=args.earlier_years,
    )
    print(f"reference: {result['reference']}")
    print(
        f"loaded {result['reports']:,} reports and {result['events']:,} events in {result['wall_s']:.1f} s "
        f"({result['jobs']} jobs, batches of {result['batch']}): {result['reports_per_s'] or 0:,.0f} reports/s, "
        f"{result['events_per_s'] or 0:,.0f} events/s, {result['rows_per_s'] or 0:,.0f} rows/s"
    )
    print(
        f"  time in simulation {result['simulate_s']} s ({result['simulate_cpu_s']} s CPU), in writing "
        f"({'COPY' if result['backend'] == 'postgresql' else 'bulk_create'}) {result['write_s']} s (of which formatting rows, "
        f"client CPU: {result['write_client_cpu_s']} s) (summed over jobs)"
        + (f"; the loading PostgreSQL backends used {result['server_cpu_s']} CPU-s" if result.get("server_cpu_s") else "")
    )
    if result["reports"]:
        print(f"  events per report: {result['events'] / result['reports']:.2f}")
        print(
            "  statuses: "
            + ", ".join(f"{k} {v / result['reports']:.1%}" for k, v in sorted(result["statuses"].items(), key=lambda kv: -kv[1]))
        )
    if result["backend"] == "postgresql" and result["reports"]:
        print(
            f"  wall split: load (simulate + COPY, {result['jobs']} jobs) {result['load_wall_s']} s"
            + (f", drop indexes {result['drop_s']} s, re-create indexes/constraints {result['index_build_s']} s" if result["bulk_mode"] else "")
            + (f", monitoring rollups: facts and cells {result['rollups_cpu_s']} CPU-s in the jobs, {result.get('rollup_cells', 0):,} cells "
               f"({result.get('rollup_rows') or 0:,} rows with the copies') written in {result.get('rollups_write_s', 0)} s"
               + (" beside the indexes" if result["bulk_mode"] else "") if result.get("rollup_cells") else ", no monitoring rollups (--no-rollups)")
            + (f", indexes and rollups together {result['index_build_and_rollups_s']} s" if result.get("index_build_and_rollups_s") else "")
            + f", ANALYZE {result['analyze_s']} s"
        )
        if result.get("earlier_years"):
            e = result["earlier_years"]
            print(
                f"  earlier years: {result['simulated_reports']:,} reports simulated, {e['copied_per_year']:,} finished ones "
                f"copied into each of {e['years']} earlier years ({e['reports']:,} reports, {e['events']:,} events) in "
                f"{result['earlier_years_s']} s wall ({e['tracking_numbers_s']} s drawing tracking numbers), "
                f"{result['holiday_overrides']} holiday overrides"
            )
        for ddl, secs in sorted(result["ddl_s"].items(), key=lambda kv: -kv[1] if isinstance(kv[1], float) else 0)[:30]:
            print(f"    {secs:>8} s  {ddl[:140]}")
    if "size_bytes" in result:
        for table, total in result["size_bytes"].items():
            tb = result["table_bytes"][table]
            print(
                f"  {table}: {total / 1048576:,.1f} MiB (table+toast {tb['table_toast'] / 1048576:,.1f}, indexes "
                f"{tb['indexes'] / 1048576:,.1f}), {result['table_rows'][table]:,} rows"
            )
        print(f"  database size (pg_database_size): {result['database_bytes'] / 1048576:,.1f} MiB")
    if args.verify and connection.vendor == "postgresql":
        t0 = time.perf_counter()
        result["verify"] = verify_histories()
        v = result["verify"]
        print(
            f"  verify: {v['reports_checked']:,} histories replayed against workflow.TABLE in {time.perf_counter() - t0:.1f} s: "
            f"{v['illegal_histories']} illegal, {v['reports_without_events']} reports without events"
        )
    if not args.no_save and args.reports:
        data = {
            "benchmark": "generate",
            "when": benchlib.now_utc().isoformat(),
            "machine": machine,
            "args": {k: v for k, v in vars(args).items() if k != "database_url"},
            "result": result,
        }
        md = [
            f"# generate: {result['reports']:,} reports",
            "",
            f"Machine: {benchlib.machine_line(machine)}",
            "",
            f"Command: `.venv/bin/python bench/generate.py --reports {args.reports}"
            + (f" --earlier-years {args.earlier_years}" if args.earlier_years else "")
            + (" --no-rollups" if args.no_rollups else "")
            + f" --jobs {args.jobs}` ({result['backend']}, {result['jobs']} jobs)",
            "",
            "| figure | value |",
            "|---|---|",
            f"| wall time | {result['wall_s']} s |",
            f"| reports/s | {result['reports_per_s']:,} |",
            f"| events/s | {result['events_per_s']:,} |",
            f"| rows/s | {result['rows_per_s']:,} |",
            f"| events per report | {result['events'] / result['reports']:.2f} |",
        ]
        if result["backend"] == "postgresql":
            md += [
                f"| bulk mode (indexes/constraints dropped and re-created) | {'yes' if result['bulk_mode'] else 'no'} |",
                f"| load (simulate + COPY, {result['jobs']} jobs), wall | {result['load_wall_s']} s |",
            ]
            if result["bulk_mode"]:
                md += [
                    f"| drop indexes/constraints, wall | {result['drop_s']} s |",
                    f"| re-create indexes/constraints, wall (bulkload.py: two lanes) | {result['index_build_s']} s |",
                    f"| indexes/constraints and the rollup write beside them, wall | {result.get('index_build_and_rollups_s', 0)} s |",
                ]
            if result.get("earlier_years"):
                e = result["earlier_years"]
                md += [
                    f"| reports simulated (the last 365 days) | {result['simulated_reports']:,} |",
                    f"| finished reports copied into each of {e['years']} earlier years (earlier_years.py) | "
                    f"{e['copied_per_year']:,} ({e['reports']:,} reports, {e['events']:,} events in all) |",
                    f"| copying, wall (2 connections; {e['tracking_numbers_s']} s drawing tracking numbers) | "
                    f"{result['earlier_years_s']} s |",
                ]
            md += [
                f"| monitoring facts and rollup cells, summed over jobs | {result['rollups_cpu_s']} s CPU |",
                f"| rollup cells written ({result.get('rollup_cells', 0):,}; {result.get('rollup_rows') or 0:,} rows with the copies'), wall | "
                f"{result.get('rollups_write_s', 0)} s |",
                f"| ANALYZE, wall | {result['analyze_s']} s |",
                f"| simulation, summed over jobs | {result['simulate_s']} s wall, {result['simulate_cpu_s']} s CPU |",
                f"| writing (COPY), summed over jobs | {result['write_s']} s wall, {result['write_client_cpu_s']} s client CPU |",
                f"| loading PostgreSQL backends | {result['server_cpu_s']} s CPU |",
            ]
        if "size_bytes" in result:
            for table, total in result["size_bytes"].items():
                tb = result["table_bytes"][table]
                md.append(
                    f"| {table} size | {total / 1048576:,.1f} MiB (table+toast {tb['table_toast'] / 1048576:,.1f}, "
                    f"indexes {tb['indexes'] / 1048576:,.1f}), {result['table_rows'][table]:,} rows |"
                )
            md.append(f"| database size (pg_database_size) | {result['database_bytes'] / 1048576:,.1f} MiB |")
        if result.get("ddl_s"):
            md += ["", "Re-created (wall s each; two lanes, bulkload.py):", ""]
            md += [f"- {secs} s `{ddl}`" for ddl, secs in sorted(result["ddl_s"].items(), key=lambda kv: -kv[1])]
        md += [
            "",
            "Statuses: "
            + ", ".join(f"{k} {v / result['reports']:.1%}" for k, v in sorted(result["statuses"].items(), key=lambda kv: -kv[1])),
            "",
        ]
        paths = benchlib.save_results("generate", data, "\n".join(md))
        print(f"saved {paths[0].relative_to(benchlib.ROOT)} and {paths[1].name}")


if __name__ == "__main__":
    main()
