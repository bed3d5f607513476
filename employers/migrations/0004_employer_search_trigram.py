"""pg_trgm and GIN trigram indexes for the employer search.

The indexes are raw SQL, not part of the model state: they index UPPER(column) beside the
column, which the ORM's index classes do not express.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("legal_name", "trade_name", "place")


def create_indexes(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS employer_{column}_trgm "
            f"ON employers_employer USING gin (UPPER({column}) gin_trgm_ops, {column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS employer_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0003_contacts_log"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
