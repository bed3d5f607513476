from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0011_speakers_into_the_pool"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="held_in_batch",
            field=models.BooleanField(default=False, verbose_name="held in its batch"),
        ),
    ]
