# Replaces 0004_reading_channel_no_db_constraint and 0005_reading_channel_foreign_key, which
# dropped the readings' foreign key and put it back again. What remains of the pair is this: no
# separate index on reading.channel, since the primary key (channel, ts) starts with it. On a
# database that had the pair applied the index is already gone and this changes nothing.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('smartcity', '0003_devicetoken_mqtt_hash'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reading',
            name='channel',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='smartcity.channel'),
        ),
    ]
