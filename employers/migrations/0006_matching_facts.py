"""The facts matching reads from the employer row: its last contact's moment and its
accommodations' codes (see ``Employer.last_contact_at`` and ``Employer.accommodation_codes``)."""

from itertools import groupby

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Employer = apps.get_model("employers", "Employer")
    Contact = apps.get_model("employers", "Contact")
    latest = Contact.objects.filter(employer_id=OuterRef("pk")).order_by("-when").values("when")[:1]
    Employer.objects.update(last_contact_at=Subquery(latest))
    links = Employer.accommodations.through.objects.order_by("employer_id", "accommodation_id")
    rows = links.values_list("employer_id", "accommodation_id").iterator(chunk_size=10_000)
    batch = []
    for employer_id, group in groupby(rows, key=lambda row: row[0]):
        codes = " ".join(code for _employer, code in group)
        batch.append(Employer(pk=employer_id, accommodation_codes=f" {codes} "))
        if len(batch) == 5_000:
            Employer.objects.bulk_update(batch, ["accommodation_codes"])
            batch = []
    Employer.objects.bulk_update(batch, ["accommodation_codes"])


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0005_import_batch"),
    ]

    operations = [
        migrations.AddField(
            model_name="employer",
            name="last_contact_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last contact"),
        ),
        migrations.AddField(
            model_name="employer",
            name="accommodation_codes",
            field=models.CharField(blank=True, editable=False, max_length=400),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
