# The rollup tables and the refresh queue moved here from `monev` (ADR 0029), in the migration
# state only: the tables keep their names (db_table) and rows; monev 0007 then takes them out of
# its own state.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agencies', '0002_agency_decree'),
        ('monev', '0006_rollup_natural_keys'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RollupDays',
                    fields=[
                        ('basis', models.CharField(max_length=1)),
                        ('grain', models.CharField(max_length=1)),
                        ('day', models.DateField()),
                        ('agency_id', models.IntegerField()),
                        ('unit_id', models.IntegerField()),
                        ('priority', models.BooleanField()),
                        ('ombudsman', models.BooleanField()),
                        ('metric', models.CharField(max_length=1)),
                        ('days', models.IntegerField()),
                        ('n', models.IntegerField(default=0)),
                        ('pk', models.CompositePrimaryKey('basis', 'grain', 'agency_id', 'day', 'unit_id', 'priority', 'ombudsman', 'metric', 'days', blank=True, editable=False, primary_key=True, serialize=False)),
                    ],
                    options={
                        'db_table': 'monev_rollupdays',
                    },
                ),
                migrations.CreateModel(
                    name='PendingRefresh',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('category', 'category priority'), ('holiday', 'holiday')], max_length=16)),
                        ('day', models.DateField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.category')),
                    ],
                    options={
                        'verbose_name': 'pending monitoring refresh',
                        'verbose_name_plural': 'pending monitoring refreshes',
                        'db_table': 'monev_pendingrefresh',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Rollup',
                    fields=[
                        ('basis', models.CharField(max_length=1)),
                        ('grain', models.CharField(max_length=1)),
                        ('day', models.DateField()),
                        ('agency_id', models.IntegerField()),
                        ('unit_id', models.IntegerField()),
                        ('priority', models.BooleanField()),
                        ('ombudsman', models.BooleanField()),
                        ('received', models.IntegerField(db_default=0, default=0)),
                        ('completed', models.IntegerField(db_default=0, default=0)),
                        ('in_process', models.IntegerField(db_default=0, default=0)),
                        ('followed_up', models.IntegerField(db_default=0, default=0)),
                        ('fu_measured', models.IntegerField(db_default=0, default=0)),
                        ('fu_on_time', models.IntegerField(db_default=0, default=0)),
                        ('reopened', models.IntegerField(db_default=0, default=0)),
                        ('rated', models.IntegerField(db_default=0, default=0)),
                        ('appealed', models.IntegerField(db_default=0, default=0)),
                        ('rating_1', models.IntegerField(db_default=0, default=0)),
                        ('rating_2', models.IntegerField(db_default=0, default=0)),
                        ('rating_3', models.IntegerField(db_default=0, default=0)),
                        ('rating_4', models.IntegerField(db_default=0, default=0)),
                        ('rating_5', models.IntegerField(db_default=0, default=0)),
                        ('omb_transferred', models.IntegerField(db_default=0, default=0)),
                        ('omb_offered', models.IntegerField(db_default=0, default=0)),
                        ('verified_decided', models.IntegerField(db_default=0, default=0)),
                        ('verified_on_time', models.IntegerField(db_default=0, default=0)),
                        ('re_dispositions', models.IntegerField(db_default=0, default=0)),
                        ('overdue', models.IntegerField(db_default=0, default=0)),
                        ('acted', models.IntegerField(db_default=0, default=0)),
                        ('pk', models.CompositePrimaryKey('basis', 'grain', 'agency_id', 'day', 'unit_id', 'priority', 'ombudsman', blank=True, editable=False, primary_key=True, serialize=False)),
                    ],
                    options={
                        'db_table': 'monev_rollup',
                        'indexes': [models.Index(fields=['basis', 'grain', 'day'], name='monev_rollup_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
