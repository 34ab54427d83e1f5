from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("participation", "0011_translated_fields_german")]

    operations = [
        migrations.AlterField(
            model_name="fieldofaction",
            name="name_en",
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name="name"),
        ),
    ]
