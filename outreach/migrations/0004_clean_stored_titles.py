"""Clean session titles stored before CleanCharField: the title is the invitation's subject."""

from django.db import migrations

from crm.fields import clean_text

# Real characters, not escapes: PostgreSQL's ~ reads the pattern as it is written.
CONTROL = "[\x01-\x1f\x7f-\x9f\u2028\u2029]"


def clean_titles(apps, schema_editor):
    event = apps.get_model("outreach", "Event")
    for row in event.objects.filter(title__regex=CONTROL).only("pk", "title").iterator(chunk_size=1000):
        event.objects.filter(pk=row.pk).update(title=clean_text(row.title))


class Migration(migrations.Migration):
    dependencies = [("outreach", "0003_sane_event_dates_and_clean_title")]

    operations = [migrations.RunPython(clean_titles, migrations.RunPython.noop)]
