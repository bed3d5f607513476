"""The employer's region on each contact (issue 22): the reports read a region's contacts
without joining every employer of the country. Added nullable, filled from the employers in
one UPDATE, then made required; the (region, when) index serves the rollups' recount."""

import django.db.models.deletion
from django.db import migrations, models

# Immediate constraints first: the new column's foreign key is deferred, and ALTER TABLE refuses
# to run over the pending checks of the rows just updated.
BACKFILL = """
    SET CONSTRAINTS ALL IMMEDIATE;
    UPDATE employers_contact c SET region_id = e.region_id
    FROM employers_employer e WHERE e.id = c.employer_id AND c.region_id IS DISTINCT FROM e.region_id;
    SET CONSTRAINTS ALL DEFERRED;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_load_reference_data"),
        ("employers", "0022_employer_stories_and_faq"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="crm.region",
                verbose_name="region",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="contact",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="crm.region",
                verbose_name="region",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["region", "when"], name="contact_region_when"),
        ),
    ]
