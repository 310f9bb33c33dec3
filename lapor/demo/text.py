"""A generator of Indonesian report texts and officers' notes, from our own templates.

Deterministic: every choice goes through one seeded `random.Random`, so the same seed and the
same inputs give the same texts. A report's slots (its school, road, amount...) are kept with
the draft so that the officers' follow-up later names the same places as the complaint.

The texts never name the reporter: contact data lives in the report's own fields, and an
anonymous report must not leak it through free text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import phrases as P
from .themes import Theme

MONTHS = ("", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
# Province codes by time zone (Kemendagri numbering); the rest of the country is WIB.
WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}
VAGUE_TOPICS = {
    "ppdb": "pungutan sekolah", "guru_honorer": "honor guru", "sekolah_rusak": "sekolah rusak", "bpjs": "pelayanan BPJS",
    "puskesmas": "antrean puskesmas", "obat": "obat kosong", "jalan": "jalan rusak", "pju": "lampu jalan mati",
    "banjir": "banjir", "sampah": "sampah menumpuk", "ktp": "KTP belum jadi", "kk": "urus KK lama", "bansos": "bansos tidak tepat",
    "blt": "BLT desa", "perizinan": "izin lama", "listrik": "listrik padam", "transportasi": "parkir liar", "mbg": "makanan MBG",
    "air": "air PDAM mati",
}


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def tanggal(day: date) -> str:
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def _short(name: str) -> str:
    return re.sub(r"^(Kota Administrasi|Kabupaten Administrasi|Kota|Kabupaten)\s+", "", name)


@dataclass(frozen=True)
class Place:
    """Where a report happened, from Region rows: the regency/city, and when loaded, the
    district (kecamatan) and village (desa/kelurahan)."""

    regency: str  # "Kota Surabaya"
    province_code: str
    district: str | None = None
    village: str | None = None
    village_kind: str = ""  # desa / kelurahan

    @classmethod
    def from_regions(cls, regency, district=None, village=None) -> "Place":
        return cls(regency.name, regency.code[:2], district.name if district else None,
                   village.name if village else None, village.kind if village else "")

    @property
    def zone(self) -> str:
        return "WITA" if self.province_code in WITA else "WIT" if self.province_code in WIT else "WIB"


@dataclass
class Draft:
    title: str
    description: str
    slots: dict = field(default_factory=dict)


class TextGenerator:
    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)

    # --- helpers ------------------------------------------------------------------------------
    def pick(self, options):
        return self.rng.choice(options)

    def _fill(self, template: str, slots: dict) -> str:
        text = template.format_map(slots)
        return text[0].upper() + text[1:] if text else text

    def _amount(self, theme: Theme | None) -> int:
        low, high, step = theme.amount if theme else (50_000, 2_000_000, 50_000)
        return low + step * self.rng.randrange((high - low) // step + 1)

    def slots(self, theme: Theme | None, place: Place, event_date: date) -> dict:
        rng = self.rng
        kota = _short(place.regency)
        nama_desa = place.village or kota
        s = {
            "kabkota": place.regency, "kota": kota, "nama_desa": nama_desa,
            "desa": (f"{(place.village_kind or 'kelurahan').capitalize()} {place.village}" if place.village
                     else f"pusat {place.regency}"),
            "kecamatan": f"Kecamatan {place.district}" if place.district else place.regency,
            "rt": f"RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 9):02d}",
            "tanggal": tanggal(event_date), "hari": DAYS[event_date.weekday()],
            "jam": f"{rng.randint(6, 21):02d}.{rng.choice(('00', '15', '30', '45'))}", "zona": place.zone,
            "nominal": rupiah(self._amount(theme)), "jumlah": str(rng.randint(3, 40)), "lama": rng.choice(P.DURATIONS),
            "sekolah": f"SDN {rng.randint(1, 8)} {nama_desa}", "smp": f"SMPN {rng.randint(1, 30)} {kota}",
            "puskesmas": f"Puskesmas {place.district or kota}", "rsud": f"RSUD {kota}", "pasar": f"Pasar {nama_desa}",
        }
        s["jalan"] = "Jalan " + rng.choice(P.STREETS).format_map(s)
        for name, options in (theme.words if theme else {}).items():
            s[name] = rng.choice(options).format_map(s)
        return s

    def _informal(self, text: str) -> str:
        for word, short in P.INFORMAL.items():
            if self.rng.random() < 0.7:
                text = re.sub(rf"\b{re.escape(word)}\b", short, text, flags=re.IGNORECASE)
        return text.lower()

    # --- reports ------------------------------------------------------------------------------
    @staticmethod
    def kinds(theme: Theme) -> list[str]:
        """The report types this theme has texts for (ReportType values)."""
        return ["complaint"] + (["aspiration"] if theme.aspirations else []) + (["information"] if theme.questions else [])

    def report(self, theme: Theme, place: Place, event_date: date, *, kind: str = "complaint",
               channel: str = "web", anonymous: bool = False, vague: bool = False) -> Draft:
        """A report of one theme. `kind` is the ReportType (see `kinds`); `vague` leaves out
        where and when (the desk will ask for more information)."""
        rng = self.rng
        s = self.slots(theme, place, event_date)
        if vague:
            topic = VAGUE_TOPICS.get(theme.key, "pelayanan buruk")
            return Draft(f"Tolong {topic} segera ditangani", self._fill(self.pick(P.VAGUE), {"topik": topic}), s)
        if kind == "information" and theme.questions:
            title, body = self.pick(theme.questions)
            parts = [self.pick(P.GREETINGS) if rng.random() < 0.5 else "", body, self.pick(P.CLOSINGS)]
            return Draft(self._fill(title, s), self._join(parts, s), s)
        if kind == "aspiration" and theme.aspirations:
            title, body = self.pick(theme.aspirations)
            parts = [self.pick(P.GREETINGS) if rng.random() < 0.5 else "", body, "Semoga dapat dipertimbangkan. Terima kasih."]
            return Draft(self._fill(title, s), self._join(parts, s), s)
        event = self.pick(theme.events)
        if isinstance(event, tuple):  # a sentence with its own title, used most of the time
            own_title, event = event
            title = self._fill(own_title if rng.random() < 0.75 else self.pick(theme.titles), s)
        else:
            title = self._fill(self.pick(theme.titles), s)
        if channel in ("sms", "whatsapp"):
            text = self._informal(self._join([event, self.pick(theme.asks), "trims"], s))
            return Draft(title, text, s)
        details = rng.sample(theme.details, k=min(len(theme.details), rng.choice((1, 1, 2))))
        parts = [
            self.pick(P.GREETINGS) if rng.random() < 0.45 else "",
            self.pick(P.INTROS) if rng.random() < 0.4 and not anonymous else "",
            event, *details,
            self.pick(theme.impacts) if theme.impacts and rng.random() < 0.6 else "",
            self.pick(P.PRIOR) if rng.random() < 0.4 else "",
            self.pick(theme.asks), self.pick(P.CLOSINGS) if rng.random() < 0.85 else "",
        ]
        return Draft(title, self._join(parts, s, paragraphs=rng.random() < 0.3), s)

    def junk(self, reason: str, place: Place, event_date: date, theme: Theme | None = None) -> Draft:
        """A report the desk rejects for `reason` (a RejectReason that has texts). The theme's
        slots are kept so that any later note can still be filled."""
        s = self.slots(theme, place, event_date)
        title, body = self.pick(P.JUNK[reason])
        return Draft(self._fill(title, s), self._fill(body, s), s)

    def _join(self, parts, slots: dict, paragraphs: bool = False) -> str:
        sentences = [self._fill(p, slots) for p in parts if p]
        cut = len(sentences) - 2 if paragraphs and len(sentences) > 3 else None
        text = ""
        for i, sentence in enumerate(sentences):
            # A letter's salutation ("Dengan hormat,") stands on its own line.
            sep = "" if i == 0 else "\n\n" if i == cut else "\n" if text.endswith(",") else " "
            text += sep + sentence
        return text

    # --- the national desk --------------------------------------------------------------------
    def dispose_note(self, agency_name: str, *, again: bool = False, final: bool = False) -> str:
        options = P.FINAL_DISPOSE_NOTES if final else P.REDISPOSE_NOTES if again else P.DISPOSE_NOTES
        return self.pick(options).format(instansi=agency_name)

    def request_info(self) -> str:
        return self.pick(P.REQUEST_INFO)

    def reject_note(self, reason: str) -> str:
        return self.pick(P.REJECT_NOTES[reason])

    # --- the reporter -------------------------------------------------------------------------
    def supplement(self, slots: dict) -> str:
        return self._fill(self.pick(P.SUPPLEMENTS), slots)

    def reply(self, theme: Theme, slots: dict) -> str:
        still = self._fill(self.pick(theme.still), slots) if theme.still else "Masalahnya belum selesai."
        # Lower the first letter only when it starts an ordinary word (not "PDF", "KTP").
        lowered = still[0].lower() + still[1:] if still[1:2].islower() else still
        template = self.pick(("Terima kasih tanggapannya, tetapi {s} Mohon dicek kembali.", "{S} Mohon ditindaklanjuti lagi.",
                              "Maaf, {s}"))
        return template.format(s=lowered, S=still)

    def rating_comment(self, rating: int) -> str:
        return self.pick(P.RATING_COMMENTS[rating])

    def appeal(self, theme: Theme, slots: dict) -> str:
        still = self._fill(self.pick(theme.still), slots) if theme.still else ""
        return self.pick(P.APPEALS).format(still=still).strip()

    def ombudsman(self, consent: bool) -> str:
        return self.pick(P.OMBUDSMAN_CONSENT if consent else P.OMBUDSMAN_DECLINE)

    def ombudsman_outcome(self, outcome: str) -> str:
        return self.pick(P.OMBUDSMAN_OUTCOMES[outcome])

    # --- the agency admin ---------------------------------------------------------------------
    def forward_note(self, unit_name: str, *, appeal: bool = False) -> str:
        return self.pick(P.APPEAL_FORWARD_NOTES if appeal else P.FORWARD_NOTES).format(unit=unit_name)

    def not_our_authority(self, agency_name: str, suggested_name: str) -> str:
        return self.pick(P.NOT_OUR_AUTHORITY).format(instansi=agency_name, saran=suggested_name)

    def archive_note(self, reason: str, duplicate_of: str = "") -> str:
        return self.pick(P.ARCHIVE_NOTES[reason]).format(nomor=duplicate_of)

    def dismiss_appeal(self, today: date) -> str:
        return self.pick(P.DISMISS_APPEAL).format(tgl=tanggal(today))

    # --- the liaison officer ------------------------------------------------------------------
    def respond(self, today: date) -> str:
        return self.pick(P.RESPONSES).format(tgl2=tanggal(today + timedelta(days=self.rng.randint(3, 7))))

    def interim(self, due: date) -> str:
        return self.pick(P.INTERIM).format(tgl2=tanggal(due))

    def follow_up(self, theme: Theme, slots: dict, today: date, unit_name: str) -> str:
        """Concrete: what was done, when, and what comes next."""
        s = {**slots, "unit": unit_name, "tgl": tanggal(today - timedelta(days=self.rng.randint(0, 2))),
             "tgl2": tanggal(today + timedelta(days=self.rng.randint(2, 14)))}
        parts = [
            "Terima kasih atas laporan Saudara." if self.rng.random() < 0.5 else "",
            self.pick(theme.actions),
            "Apabila masih ditemukan kendala, silakan sampaikan kembali melalui LAPOR!." if self.rng.random() < 0.4 else "",
        ]
        return self._join(parts, s)
