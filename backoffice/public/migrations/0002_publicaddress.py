"""The public address last sent to the kiosks, so a change of BORNE_PUBLIC_URL is sent once."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicAddress",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.CharField(blank=True, max_length=300, verbose_name="adresse publique")),
                ("changed_at", models.DateTimeField(auto_now=True, verbose_name="vue le")),
            ],
            options={
                "verbose_name": "adresse publique envoyée aux bornes",
            },
        ),
    ]
