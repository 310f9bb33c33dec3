# Events' data from JSON objects to compact JSON text (lapor.reports.eventdata, ADR 0021).
#
# PostgreSQL: one ALTER TABLE rewrites the table once through a SQL twin of eventdata.pack (the
# AlterField after it then changes nothing: text to text). SQLite: each row is packed in Python,
# then the AlterField remakes the table without JSONField's check. Backwards: every row is
# written again as the plain JSON object (key order aside, what it was).

import json

from django.db import migrations

import lapor.reports.eventdata
from lapor.reports.eventdata import KEYS, MOMENTS, pack, unpack

TABLE = "reports_reportevent"
BATCH = 5000


def _letters() -> str:
    return ", ".join(f"('{key}', '{letter}')" for key, letter in KEYS.items())


def _pack_function() -> str:
    moments = ", ".join(f"'{key}'" for key in sorted(MOMENTS))
    return f"""
CREATE FUNCTION pg_temp.lapor_pack_event_data(d jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce('{{' || string_agg(
    to_json(coalesce(k.letter, e.key))::text || ':' ||
    CASE WHEN e.key IN ({moments}) AND jsonb_typeof(e.value) = 'string'
              AND (e.value #>> '{{}}') ~ '^\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00$'
         THEN extract(epoch FROM (e.value #>> '{{}}')::timestamptz)::bigint::text
         ELSE e.value::text END,
    ',') || '}}', '{{}}')
  FROM jsonb_each(d) e LEFT JOIN (VALUES {_letters()}) k(key, letter) ON k.key = e.key
$$"""


def _rewrite(schema_editor, convert, cast: str = "") -> None:
    """Every row's data through `convert` (text in, text out), in batches by id."""
    connection = schema_editor.connection
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT id, data FROM {TABLE} WHERE id > %s ORDER BY id LIMIT {BATCH}", [last])
            rows = cursor.fetchall()
            if not rows:
                return
            changed = []
            for pk, value in rows:
                text = value if isinstance(value, str) else json.dumps(value)
                new = convert(text)
                if new != text:
                    changed.append((new, pk))
            if changed:
                cursor.executemany(f"UPDATE {TABLE} SET data = %s{cast} WHERE id = %s", changed)
            last = rows[-1][0]


def to_compact(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_pack_function())
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN data TYPE text USING pg_temp.lapor_pack_event_data(data)")
        schema_editor.execute("DROP FUNCTION pg_temp.lapor_pack_event_data(jsonb)")
    else:
        _rewrite(schema_editor, lambda text: pack(unpack(text)))


def to_objects(apps, schema_editor):
    """After the AlterField was reversed (PostgreSQL: jsonb again, with the letters as keys)."""
    cast = "::jsonb" if schema_editor.connection.vendor == "postgresql" else ""
    _rewrite(schema_editor, lambda text: json.dumps(unpack(text)), cast)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_event_codes"),
    ]

    operations = [
        migrations.RunPython(to_compact, to_objects),
        migrations.AlterField(
            model_name="reportevent",
            name="data",
            field=lapor.reports.eventdata.EventDataField(blank=True, default=dict),
        ),
    ]
