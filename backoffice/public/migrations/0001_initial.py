import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="PageHit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="jour")),
                ("lang", models.CharField(max_length=3, verbose_name="langue")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="ouvertures")),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.entry",
                        verbose_name="fiche",
                    ),
                ),
            ],
            options={
                "verbose_name": "ouverture de page publique",
                "verbose_name_plural": "ouvertures de pages publiques",
                "constraints": [
                    models.UniqueConstraint(fields=("entry", "day", "lang"), name="public_hit_per_day_lang")
                ],
            },
        ),
    ]
