# The hot spots' cells (ADR 0031: reports by submission day, top-level category and area) in a
# table of their own, filled for the reports already stored, and the two positions of their
# monitoring facts those cells are a function of (17: the top-level category, 18: the area;
# lapor/rollups/facts.py). Each report is read and written once, in chunks; its cells are added
# with UPSERT increments as transitions add them. Reversed: the facts are cut back to their 17
# positions and the table goes.

import json
from datetime import date, timedelta

from django.db import connection, migrations, models

from lapor.agencies.selectors import tops
from lapor.rollups import areas

CHUNK = 5000
EPOCH = date(1970, 1, 1)
UPSERT = (
    "INSERT INTO rollups_hotspot (grain, day, category_id, area, n) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (grain, day, category_id, area) DO UPDATE SET n = rollups_hotspot.n + excluded.n"
)


def _chunks(cursor):
    last = 0
    while True:
        cursor.execute(
            "SELECT id, monitoring_facts, category_id, region_id FROM reports_report "
            "WHERE id > %s AND monitoring_facts <> '' ORDER BY id LIMIT %s",
            [last, CHUNK],
        )
        rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _packed(row: list) -> str:
    while row and row[-1] is None:
        row.pop()
    return json.dumps(row, separators=(",", ":"))


def forwards(apps, schema_editor):
    Category = apps.get_model("agencies", "Category")
    top = tops(dict(Category.objects.values_list("pk", "parent_id")))
    with connection.cursor() as cursor:
        for rows in _chunks(cursor):
            updates, cells = [], {}
            for pk, text, category_id, region_id in rows:
                facts = json.loads(text)
                facts += [None] * (19 - len(facts))
                category = top.get(category_id, category_id) if category_id is not None else 0
                area = areas.number(region_id)
                facts[17], facts[18] = category or None, area or None
                updates.append([_packed(facts), pk])
                if category and area:
                    day = EPOCH + timedelta(days=facts[0])
                    for grain, first in (("D", day), ("M", day.replace(day=1))):
                        key = (grain, first, category, area)
                        cells[key] = cells.get(key, 0) + 1
            cursor.executemany("UPDATE reports_report SET monitoring_facts = %s WHERE id = %s", updates)
            cursor.executemany(UPSERT, [[*key, n] for key, n in cells.items()])


def backwards(apps, schema_editor):
    with connection.cursor() as cursor:
        for rows in _chunks(cursor):
            cursor.executemany(
                "UPDATE reports_report SET monitoring_facts = %s WHERE id = %s",
                [[_packed(json.loads(text)[:17]), pk] for pk, text, _c, _r in rows],
            )


class Migration(migrations.Migration):

    dependencies = [
        ("rollups", "0001_moved_from_monev"),
        ("reports", "0015_ombudsman_outcome"),
        ("agencies", "0002_agency_decree"),
    ]

    operations = [
        migrations.CreateModel(
            name='HotSpotCell',
            fields=[
                ('pk', models.CompositePrimaryKey('grain', 'day', 'category_id', 'area', blank=True, editable=False, primary_key=True, serialize=False)),
                ('grain', models.CharField(max_length=1)),
                ('day', models.DateField()),
                ('category_id', models.IntegerField()),
                ('area', models.IntegerField()),
                ('n', models.IntegerField(default=0)),
            ],
            options={'db_table': 'rollups_hotspot'},
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
