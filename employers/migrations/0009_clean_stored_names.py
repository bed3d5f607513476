"""Clean names stored before CleanCharField: a CR/LF (Excel's Alt+Enter) or another control
character in a contact person's or an employer's name ends up in a mail header or a file name.
Only rows holding one are read and written; the same helper as the field cleans them."""

from django.db import migrations

from crm.fields import clean_text

# Real characters, not escapes: PostgreSQL's ~ reads the pattern as it is written.
CONTROL = "[\x01-\x1f\x7f-\x9f\u2028\u2029]"
FIELDS = {"ContactPerson": ("name", "function"), "Employer": ("legal_name", "trade_name")}


def clean_names(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("employers", model_name)
        for field in fields:
            rows = model.objects.filter(**{f"{field}__regex": CONTROL}).only("pk", field)
            for row in rows.iterator(chunk_size=1000):
                model.objects.filter(pk=row.pk).update(**{field: clean_text(getattr(row, field))})


class Migration(migrations.Migration):
    dependencies = [("employers", "0008_sane_dates_and_clean_names")]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop)]
