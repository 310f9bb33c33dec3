# The rollup tables keyed by their cells' keys (ADR 0019): no surrogate id, no second unique index.
#
# Django does not migrate a table to a composite primary key in place, and PostgreSQL would keep
# a dropped column's bytes in every row until a rewrite; so each table is rebuilt: the old one is
# renamed (its indexes dropped, its key renamed, so their names are free), the new one created
# from the migration state, the rows copied, the old one dropped. Backwards does the same the
# other way (ids are given afresh).

from django.db import migrations, models
from django.db.migrations.operations.base import Operation


def _free_names(schema_editor, table: str) -> None:
    """Drop the table's secondary indexes and unique constraints and rename its primary key, so
    that a new table may take their names."""
    connection = schema_editor.connection
    q = schema_editor.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table])
            for (name,) in cursor.fetchall():
                schema_editor.execute(f"DROP INDEX {q(name)}")
            return
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, info in constraints.items():
        if info["primary_key"]:
            schema_editor.execute(f"ALTER TABLE {q(table)} RENAME CONSTRAINT {q(name)} TO {q(name + '_old')}")
        elif info["unique"]:
            schema_editor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT IF EXISTS {q(name)}")
            schema_editor.execute(f"DROP INDEX IF EXISTS {q(name)}")
        elif info["index"]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {q(name)}")


def _rebuild(schema_editor, source, target) -> None:
    q = schema_editor.quote_name
    table = source._meta.db_table
    old = f"{table}_old"
    _free_names(schema_editor, table)
    schema_editor.execute(f"ALTER TABLE {q(table)} RENAME TO {q(old)}")
    schema_editor.create_model(target)
    kept = {f.column for f in source._meta.local_concrete_fields}
    columns = ", ".join(q(f.column) for f in target._meta.local_concrete_fields if f.column in kept)  # not the id
    schema_editor.execute(f"INSERT INTO {q(table)} ({columns}) SELECT {columns} FROM {q(old)}")
    schema_editor.execute(f"DROP TABLE {q(old)}")


class RebuildTable(Operation):
    """Apply `state_operations` to the state; in the database, rebuild the model's table as the
    new state has it, keeping its rows."""

    reversible = True

    def __init__(self, model_name: str, state_operations: list):
        self.model_name = model_name
        self.state_operations = state_operations

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "state_operations": self.state_operations}

    def state_forwards(self, app_label, state):
        for operation in self.state_operations:
            operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        _rebuild(schema_editor, from_state.apps.get_model(app_label, self.model_name), to_state.apps.get_model(app_label, self.model_name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        _rebuild(schema_editor, from_state.apps.get_model(app_label, self.model_name), to_state.apps.get_model(app_label, self.model_name))

    def describe(self):
        return f"Rebuild the table of {self.model_name} as the state has it"


class Migration(migrations.Migration):
    dependencies = [
        ("monev", "0005_pending_refresh"),
    ]

    operations = [
        RebuildTable(
            "rollup",
            [
                migrations.RemoveConstraint(model_name="rollup", name="monev_rollup_key"),
                migrations.RemoveField(model_name="rollup", name="id"),
                migrations.AddField(
                    model_name="rollup",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "basis", "grain", "agency_id", "day", "unit_id", "priority", "ombudsman",
                        blank=True, editable=False, primary_key=True, serialize=False,
                    ),
                ),
            ],
        ),
        RebuildTable(
            "rollupdays",
            [
                migrations.RemoveConstraint(model_name="rollupdays", name="monev_rollupdays_key"),
                migrations.RemoveField(model_name="rollupdays", name="id"),
                migrations.AddField(
                    model_name="rollupdays",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "basis", "grain", "agency_id", "day", "unit_id", "priority", "ombudsman", "metric", "days",
                        blank=True, editable=False, primary_key=True, serialize=False,
                    ),
                ),
            ],
        ),
    ]
