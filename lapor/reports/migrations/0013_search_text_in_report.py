# The public feed's search text moves from its own table into the report row (ADR 0013, ADR 0021):
# Report.search_text is NULL (not public), "" (the title and description as they are: redacting
# changed nothing) or the redacted text. The document table held a second copy of nearly every
# public report's text (3.4 GB at ten million reports).

from django.db import migrations, models

# The indexed text; lapor.reports.public.SEARCHED_TEXT repeats it in the query.
TEXT = "(CASE WHEN search_text = '' THEN title || E'\\n' || description ELSE search_text END)"
SQLITE_TEXT = "CASE WHEN new.search_text = '' THEN new.title || char(10) || new.description ELSE new.search_text END"

POSTGRES_UP = [
    "UPDATE reports_report r SET search_text = CASE WHEN d.text = r.title || E'\\n' || r.description THEN '' ELSE d.text END "
    "FROM reports_reportsearchdocument d WHERE d.report_id = r.id",
    # Fire the deferred constraint triggers the UPDATE queued, so that the tables may be altered.
    "SET CONSTRAINTS ALL IMMEDIATE",
    "DROP INDEX IF EXISTS report_search_fts",
    f"CREATE INDEX report_search_fts ON reports_report USING GIN (to_tsvector('indonesian', {TEXT})) "
    "WHERE search_text IS NOT NULL",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS report_search_fts",
    f"INSERT INTO reports_reportsearchdocument (report_id, text) SELECT id, {TEXT} FROM reports_report "
    "WHERE search_text IS NOT NULL",
    "SET CONSTRAINTS ALL IMMEDIATE",
    "CREATE INDEX report_search_fts ON reports_reportsearchdocument USING GIN (to_tsvector('indonesian', text))",
]
SQLITE_UP = [
    "UPDATE reports_report SET search_text = (SELECT CASE WHEN d.text = reports_report.title || char(10) || "
    "reports_report.description THEN '' ELSE d.text END FROM reports_reportsearchdocument d WHERE d.report_id = reports_report.id)",
    "DROP TRIGGER IF EXISTS report_search_au",
    "DROP TRIGGER IF EXISTS report_search_ad",
    "DROP TRIGGER IF EXISTS report_search_ai",
    "DROP TABLE IF EXISTS report_search_fts",
    # An FTS5 table with its own copy of the text (SQLite is for laptops: size does not matter
    # there), rowid = report id, kept by triggers on the report row.
    "CREATE VIRTUAL TABLE report_search_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO report_search_fts (rowid, text) SELECT id, CASE WHEN search_text = '' THEN title || char(10) || description "
    "ELSE search_text END FROM reports_report WHERE search_text IS NOT NULL",
    "CREATE TRIGGER report_search_ai AFTER INSERT ON reports_report WHEN new.search_text IS NOT NULL BEGIN "
    f"INSERT INTO report_search_fts (rowid, text) VALUES (new.id, {SQLITE_TEXT}); END",
    "CREATE TRIGGER report_search_au AFTER UPDATE OF search_text, title, description ON reports_report BEGIN "
    "DELETE FROM report_search_fts WHERE rowid = old.id; "
    f"INSERT INTO report_search_fts (rowid, text) SELECT new.id, {SQLITE_TEXT} WHERE new.search_text IS NOT NULL; END",
    "CREATE TRIGGER report_search_ad AFTER DELETE ON reports_report BEGIN DELETE FROM report_search_fts WHERE rowid = old.id; END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS report_search_au",
    "DROP TRIGGER IF EXISTS report_search_ad",
    "DROP TRIGGER IF EXISTS report_search_ai",
    "DROP TABLE IF EXISTS report_search_fts",
    "INSERT INTO reports_reportsearchdocument (report_id, text) SELECT id, CASE WHEN search_text = '' THEN title || char(10) "
    "|| description ELSE search_text END FROM reports_report WHERE search_text IS NOT NULL",
    # As migration 0002 made them.
    "CREATE VIRTUAL TABLE report_search_fts USING fts5(text, content='reports_reportsearchdocument', "
    "content_rowid='report_id', tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO report_search_fts (report_search_fts) VALUES ('rebuild')",
    "CREATE TRIGGER report_search_ai AFTER INSERT ON reports_reportsearchdocument BEGIN "
    "INSERT INTO report_search_fts(rowid, text) VALUES (new.report_id, new.text); END",
    "CREATE TRIGGER report_search_ad AFTER DELETE ON reports_reportsearchdocument BEGIN "
    "INSERT INTO report_search_fts(report_search_fts, rowid, text) VALUES ('delete', old.report_id, old.text); END",
    "CREATE TRIGGER report_search_au AFTER UPDATE ON reports_reportsearchdocument BEGIN "
    "INSERT INTO report_search_fts(report_search_fts, rowid, text) VALUES ('delete', old.report_id, old.text); "
    "INSERT INTO report_search_fts(rowid, text) VALUES (new.report_id, new.text); END",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0012_one_region_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="search_text",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
        migrations.DeleteModel(
            name="ReportSearchDocument",
        ),
    ]
