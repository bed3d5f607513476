from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0008_post_event_wishes"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="batch_waiting",
            field=models.BooleanField(default=False, verbose_name="waiting in its batch"),
        ),
    ]
