from django.db import migrations

from crm.reference_data import load_postcode_areas, load_regions


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    load_regions(apps.get_model("crm", "Region"))
    load_postcode_areas(apps.get_model("crm", "PostcodeArea"))


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("crm", "PostcodeArea").objects.all().delete()
    apps.get_model("crm", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
