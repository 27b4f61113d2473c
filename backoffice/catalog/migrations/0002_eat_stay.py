"""Contract schema 2: the kinds food and stay, the entries' details; restaurants, cafés and
accommodation that were shops move to their own kind (and reach the kiosks again as changes)."""

from django.db import migrations, models

FOOD = {"restaurant", "cafe", "bar"}
STAY = {"hotel", "gite", "campsite", "guesthouse"}


def move_shops(apps, schema_editor):
    Entry = apps.get_model("catalog", "Entry")
    ChangeCounter = apps.get_model("catalog", "ChangeCounter")
    counter, _created = ChangeCounter.objects.get_or_create(pk=1)
    for entry in Entry.objects.filter(kind="shop").order_by("pk"):
        cats = set(entry.categories or [])
        kind = "food" if cats and cats <= FOOD else "stay" if cats and cats <= STAY else None
        if kind:
            counter.value += 1
            Entry.objects.filter(pk=entry.pk).update(kind=kind, seq=counter.value)
    counter.save(update_fields=["value"])


def back_to_shops(apps, schema_editor):
    Entry = apps.get_model("catalog", "Entry")
    Entry.objects.filter(kind__in=("food", "stay")).update(kind="shop")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="details",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Price, stars, terrace, capacity, season, booking link (the contract's details).",
                verbose_name="eat and stay details",
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("place", "place to see or do"),
                    ("heritage", "heritage"),
                    ("event", "event"),
                    ("shop", "shop"),
                    ("service", "practical service"),
                    ("food", "eat and drink"),
                    ("stay", "accommodation"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(move_shops, back_to_shops),
    ]
