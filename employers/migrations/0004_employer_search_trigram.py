"""pg_trgm and GIN trigram indexes for the employer search (PostgreSQL only).

The indexes are raw SQL run only on PostgreSQL, and not part of the model state: SQLite
(``make run``) has no GIN, and a table rebuild there must never try to recreate them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("legal_name", "trade_name", "place")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS employer_{column}_trgm "
            f"ON employers_employer USING gin (UPPER({column}) gin_trgm_ops, {column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS employer_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0003_contacts_log"),
    ]

    operations = [
        # CreateExtension does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
