from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Employer = apps.get_model("employers", "Employer")
    Opening = apps.get_model("employers", "Opening")
    open_ones = (
        Opening.objects.filter(employer_id=OuterRef("pk"), state="open")
        .order_by()
        .values("employer_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    Employer.objects.update(open_openings=Coalesce(Subquery(open_ones), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0006_matching_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="employer",
            name="open_openings",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
