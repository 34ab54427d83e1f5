"""Phases say which roles may do what while they run."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('participation', '0006_configuration_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalphase',
            name='permissions',
            field=models.JSONField(blank=True, default=dict, help_text='Which roles may do what while this phase runs.', verbose_name='permissions'),
        ),
        migrations.AddField(
            model_name='phase',
            name='permissions',
            field=models.JSONField(blank=True, default=dict, help_text='Which roles may do what while this phase runs.', verbose_name='permissions'),
        ),
    ]
