"""How bench/generate.py writes the simulated reports and events: rows in PostgreSQL's COPY text
format (one string per row, formatted here without psycopg's per-value dumpers) or model
instances for bulk_create (SQLite).

`write_batch_pg` reserves the ids from the tables' sequences and COPYs a batch in one
transaction; `write_batch_orm` is the same for SQLite. A report row is formatted by a function
generated from the model's fields (`_report_line_function`), an event row by `event_line` (its
CodeFields as their codes, its data as the compact text of lapor.reports.eventdata). Rows are
checked against the models' columns, so a new field is not silently left out.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal


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

    # By the report object: the rows' ids are not drawn yet (they were all None here until
    # 2026-12, so every report not confidential got a search text, public or not).
    public = {id(e.report) for e in events if e.to_status in PUBLIC_STATUSES}
    for r in reports:
        if r.is_confidential or id(r) not in public:
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

    from lapor.rollups.facts import FactsField

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
