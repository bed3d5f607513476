"""Existing free-text speakers join the pool: one pool entry per name within a session's region
(the same person at two sessions of a region is one entry, with both sessions), with the kind and
bio of their latest session. Nobody is listed outside their region: consent was never asked."""

from django.db import migrations


def forwards(apps, schema_editor):
    Speaker = apps.get_model("outreach", "Speaker")
    PoolSpeaker = apps.get_model("outreach", "PoolSpeaker")
    entries: dict[tuple[str, str], object] = {}
    rows = Speaker.objects.select_related("event").filter(pool_speaker__isnull=True).order_by("-event__starts_at", "-pk")
    for speaker in rows.iterator():
        name = " ".join(speaker.name.split())
        if not name:
            continue
        key = (speaker.event.region_id, name.lower())
        entry = entries.get(key)
        if entry is None:
            entry = PoolSpeaker.objects.create(
                region_id=speaker.event.region_id, kind=speaker.kind, name=name[:200], story=speaker.bio
            )
            entries[key] = entry
        speaker.pool_speaker = entry
        speaker.save(update_fields=["pool_speaker"])


class Migration(migrations.Migration):
    dependencies = [("outreach", "0010_speaker_pool")]

    # Backwards: nothing to undo here, 0009 drops the pool.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
