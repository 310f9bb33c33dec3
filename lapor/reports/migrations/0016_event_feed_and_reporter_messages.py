# The event feed (ADR 0032): an entry per event written with it, numbered by the publisher, and
# each subscriber's cursor; the report's language (its messages are written in it) and whether
# its reporter stopped them.

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

# SQLite rebuilds the table to add a NOT NULL column, dropping the search triggers: 0015's step
# makes them again (both ways).
restore_search_triggers = import_module("lapor.reports.migrations.0015_ombudsman_outcome").restore_search_triggers


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0015_ombudsman_outcome'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_search_triggers),
        migrations.AddField(
            model_name='report',
            name='language',
            field=models.CharField(db_default='id', default='id', max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='report',
            name='notices_stopped_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='messages stopped'),
        ),
        migrations.CreateModel(
            name='FeedCursor',
            fields=[
                ('name', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('position', models.BigIntegerField(default=0)),
                ('updated_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='FeedEntry',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('seq', models.PositiveIntegerField()),
                ('position', models.BigIntegerField(blank=True, null=True)),
                ('report', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reports.report')),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('position__isnull', True)), fields=['id'], name='feed_unpublished')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('position__isnull', False)), fields=('position',), name='feed_position')],
            },
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
    ]
