"""The back office knows places to eat and stay: their details, the feed and bundles per schema, the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from backoffice.catalog.bundles import export_bundle
from backoffice.catalog.details_form import FIELDS, parse_season, season_text
from backoffice.catalog.forms import EntryForm as AnyEntryForm
from backoffice.catalog.models import Entry
from backoffice.portal.moderation import _kind_of
from content.bundle import read_bundle
from content.validation import parse_entry

URL = "/api/kiosk/v1/changes"
DETAILS = {"price": 2, "amenities": ["terrace"], "season": [{"start": "04-01", "end": "09-30"}]}


@pytest.fixture
def bistro(make_entry):
    return make_entry(title="Bistrot des Orgues", kind="food", categories=["creperie"], details=DETAILS)


def test_a_kiosk_that_says_schema_2_gets_the_new_kinds_and_details(kiosk_client, bistro):
    data = kiosk_client.get(URL, {"schema": "2"}).json()
    (entry,) = data["entries"]
    assert (data["schema"], entry["kind"], entry["categories"]) == (2, "food", ["creperie"])
    assert parse_entry(entry).details.price == 2


def test_a_kiosk_that_says_nothing_gets_the_schema_1_view(kiosk_client, bistro):
    data = kiosk_client.get(URL).json()
    (entry,) = data["entries"]
    assert (data["schema"], entry["kind"], entry["categories"], "details" in entry) == (
        1,
        "shop",
        ["restaurant"],
        False,
    )


def test_the_two_views_have_their_own_etags_and_a_schema_nobody_serves_is_refused(kiosk_client, bistro):
    old, new = kiosk_client.get(URL), kiosk_client.get(URL, {"schema": "2"})
    assert old["ETag"] != new["ETag"]
    refused = kiosk_client.get(URL, {"schema": "3"})
    assert refused.status_code == 400 and "schema=" in refused.json()["error"]


def test_a_usb_bundle_for_old_kiosks(bistro, tmp_path):
    manifest = export_bundle(tmp_path / "old.zip", schema=1, signing_key=b"k" * 32)
    assert manifest["schema"] == 1
    (entry,), _alerts = read_bundle(tmp_path / "old.zip").parsed()
    assert (entry.kind, entry.details.is_empty()) == ("shop", True)
    assert export_bundle(tmp_path / "new.zip", signing_key=b"k" * 32)["schema"] == 2


def test_seasons_are_typed_day_month_and_read_back():
    assert parse_season("01/04-30/09\n\n15/11 - 15/03") == [
        {"start": "04-01", "end": "09-30"},
        {"start": "11-15", "end": "03-15"},
    ]
    assert season_text([{"start": "04-01", "end": "09-30"}]) == "01/04-30/09"
    with pytest.raises(ValidationError, match="Ligne 2"):
        parse_season("01/04-30/09\navril à septembre")
    with pytest.raises(ValidationError, match="31/04"):
        parse_season("01/04-31/04")


def EntryForm(**kwargs):  # noqa: N802 - the admin's form, limited to the fields its page shows here
    from django.forms import modelform_factory

    shown = [
        "kind",
        "status",
        "categories",
        "commune",
        "featured",
        "title_fr",
        "weekly_hours",
        "opening_hours",
        *FIELDS,
    ]
    return modelform_factory(Entry, form=AnyEntryForm, fields=shown)(**kwargs)


def form_data(**extra):
    return {"kind": "stay", "status": "draft", "title_fr": "Camping des Grillons", **extra}


@pytest.mark.django_db
def test_the_admin_form_gathers_the_details_and_refuses_on_the_field(commune):
    form = EntryForm(
        data=form_data(
            details_stars="3",
            details_capacity="120",
            details_amenities=["pets", "pool"],
            details_labels="Accueil Vélo\n",
            details_season="01/04-30/09",
            details_booking_url="https://example.org/reserver",
        )
    )
    assert form.is_valid(), form.errors
    entry = form.save()
    assert entry.details == {
        "stars": 3,
        "capacity": 120,
        "amenities": ["pets", "pool"],
        "labels": ["Accueil Vélo"],
        "season": [{"start": "04-01", "end": "09-30"}],
        "booking_url": "https://example.org/reserver",
    }
    again = EntryForm(instance=entry)
    assert again.initial["details_season"] == "01/04-30/09" and again.initial["details_stars"] == 3
    bad = EntryForm(data=form_data(details_season="tout l'été", details_capacity="0"))
    assert not bad.is_valid()
    assert "details_season" in bad.errors and "details_capacity" in bad.errors
    assert bad.data["details_season"] == "tout l'été"  # what was typed is kept


@pytest.mark.parametrize(
    ("category", "kind"), [("restaurant", "food"), ("guesthouse", "stay"), ("bakery", "shop"), ("taxi", "service")]
)
def test_a_shopkeepers_listing_lands_in_its_section(category, kind):
    assert _kind_of(category) == kind


def test_a_restaurateur_says_price_and_terrace_and_the_kiosks_get_them(client, commune, staff):
    from django.contrib.auth.models import User

    from backoffice.portal import moderation
    from backoffice.portal.models import Invitation, Submission

    user = User.objects.create_user("jeanne", "jeanne@bistrot.example", "galettes-1952-cidre")
    Invitation.objects.create(shop_name="Chez Jeanne", commune=commune, used_by=user)
    client.force_login(user)
    listing = {
        "name": "Chez Jeanne",
        "category": "creperie",
        "summary_fr": "Galettes et cidre",
        "street": "3 rue du Thuile",
        "postcode": "15100",
        "city": "Saint-Flour",
        "price": "1",
        "amenities": ["terrace", "vegetarian"],
        "booking_url": "javascript:alert(1)",
    }
    refused = client.post("/portal/listings/new/", listing)
    assert refused.status_code == 200 and "booking_url" in refused.context["form"].errors
    client.post("/portal/listings/new/", {**listing, "booking_url": "https://example.org/table"})
    entry = moderation.approve(Submission.objects.get(), staff("moderator"))
    assert (entry.kind, entry.categories) == ("food", ["creperie"])
    assert entry.details == {
        "price": 1,
        "amenities": ["terrace", "vegetarian"],
        "booking_url": "https://example.org/table",
    }


def test_the_admin_preview_says_what_the_kiosk_will(admin_client, bistro):
    page = admin_client.get(f"/admin/catalog/entry/{bistro.pk}/change/").content.decode()
    assert "Gamme de prix : €€" in page and "Terrasse" in page
    assert "Ouvert chaque année du 01/04 au 30/09" in page
