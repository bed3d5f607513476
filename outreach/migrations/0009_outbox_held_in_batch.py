from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0008_post_event_wishes"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="held_in_batch",
            field=models.BooleanField(default=False, verbose_name="held in its batch"),
        ),
    ]
