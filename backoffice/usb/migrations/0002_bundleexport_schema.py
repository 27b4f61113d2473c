"""USB exports say which kiosks they are for: up to date, or still reading the contract's version 1."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("usb", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="bundleexport",
            name="schema",
            field=models.PositiveSmallIntegerField(
                choices=[(2, "for kiosks up to date (current version)"), (1, "for kiosks not yet updated (schema 1)")],
                default=2,
                verbose_name="for which kiosks",
            ),
        ),
    ]
