"""``Employer.accommodation_codes`` becomes a PostgreSQL array (issue 15: one dialect): matching
asks ``code = ANY(accommodation_codes)`` instead of a substring test on " buddy quiet_workplace ".
The text is converted in place (one statement, no row read into Python)."""

import django.contrib.postgres.fields
from django.db import migrations, models

TABLE = "employers_employer"

TO_ARRAY = f"""
    ALTER TABLE {TABLE} ALTER COLUMN accommodation_codes TYPE varchar(40)[]
    USING CASE WHEN btrim(accommodation_codes) = '' THEN '{{}}'::varchar(40)[]
               ELSE string_to_array(btrim(accommodation_codes), ' ')::varchar(40)[] END
"""
TO_TEXT = f"""
    ALTER TABLE {TABLE} ALTER COLUMN accommodation_codes TYPE varchar(400)
    USING CASE WHEN cardinality(accommodation_codes) = 0 THEN ''
               ELSE ' ' || array_to_string(accommodation_codes, ' ') || ' ' END
"""


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0010_import_in_a_task"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(TO_ARRAY, TO_TEXT)],
            state_operations=[
                migrations.AlterField(
                    model_name="employer",
                    name="accommodation_codes",
                    field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=40), blank=True, default=list, editable=False, size=None
                    ),
                ),
            ],
        ),
    ]
