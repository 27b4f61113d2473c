"""Tombstones keep the deleted entry's row number and site, so its public page answers 410 (also for
an imported entry, whose wire id is its source's). Those recorded before: the row number is read
back from a ``bo:<n>`` wire id; an imported one's is not known."""

from django.db import migrations, models


def fill_from_wire_ids(apps, schema_editor):
    Tombstone = apps.get_model("catalog", "Tombstone")
    for tomb in Tombstone.objects.filter(what="entry", wire_id__startswith="bo:"):
        number = tomb.wire_id[3:]
        if number.isdigit():
            Tombstone.objects.filter(pk=tomb.pk).update(entry_pk=int(number))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_eat_stay"),
    ]

    operations = [
        migrations.AddField(
            model_name="tombstone",
            name="entry_pk",
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="tombstone",
            name="site",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(fill_from_wire_ids, migrations.RunPython.noop),
    ]
