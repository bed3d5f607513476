from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from employers.models.network import AccommodationCode

    Accommodation = apps.get_model("employers", "Accommodation")
    Accommodation.objects.bulk_create([Accommodation(code=c) for c in AccommodationCode.values], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("employers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
