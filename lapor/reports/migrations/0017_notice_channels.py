# How a guest's phone gets the messages about a report: SMS or WhatsApp (ADR 0032).

from importlib import import_module

from django.db import migrations, models

# SQLite rebuilds the table to add a NOT NULL column, dropping the search triggers: 0015's step
# makes them again (both ways).
restore_search_triggers = import_module("lapor.reports.migrations.0015_ombudsman_outcome").restore_search_triggers


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0016_event_feed_and_reporter_messages'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_search_triggers),
        migrations.AddField(
            model_name='report',
            name='phone_channel',
            field=models.CharField(choices=[('sms', 'SMS'), ('whatsapp', 'WhatsApp')], default='sms', max_length=8, verbose_name='messages to the phone'),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
    ]
