"""The monitoring facts were a JSON object (first follow-up as an ISO time); 0008 made the column
text. Write them as the packed array of lapor/rollups/facts.py. A migration of its own: PostgreSQL
refuses to ALTER a table in the transaction that updated its rows (pending deferred triggers)."""

import json
from datetime import datetime

from django.db import migrations


def repack_facts(apps, schema_editor):
    """The facts were a JSON object (first follow-up as an ISO time): write them as the packed
    array of lapor/rollups/facts.py (first follow-up as microseconds since 1970)."""
    from lapor.rollups.facts import from_legacy, pack

    epoch = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
    connection = schema_editor.connection
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, monitoring_facts FROM reports_report WHERE id > %s AND monitoring_facts LIKE %s "
                "ORDER BY id LIMIT 2000",
                [last, "{%"],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            updates = []
            for pk, text in rows:
                facts = json.loads(text)
                if "ff" in facts.get("ev", {}):
                    moment = datetime.fromisoformat(facts["ev"]["ff"][0])
                    facts["ev"]["ff"][0] = (moment - epoch) // (datetime.min.resolution)
                updates.append([pack(from_legacy(facts)), pk])
            cursor.executemany("UPDATE reports_report SET monitoring_facts = %s WHERE id = %s", updates)
            last = rows[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0008_compact_facts_fewer_indexes"),
    ]

    operations = [
        migrations.RunPython(repack_facts, migrations.RunPython.noop),
    ]
