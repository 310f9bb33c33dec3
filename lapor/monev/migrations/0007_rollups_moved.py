# The rollup tables and the refresh queue now belong to the app `rollups` (ADR 0029): taken out of
# this app's migration state only; the tables, their names and rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("monev", "0006_rollup_natural_keys"),
        ("rollups", "0001_moved_from_monev"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Rollup"),
                migrations.DeleteModel(name="RollupDays"),
                migrations.DeleteModel(name="PendingRefresh"),
            ],
            database_operations=[],
        ),
    ]
