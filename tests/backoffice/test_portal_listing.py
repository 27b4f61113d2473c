"""The shopkeeper's listing form: nothing typed or chosen is lost, and what a kiosk would refuse is
refused when the listing is sent, in French, on its field (photos kept, hours never dropped, markup and
over-long texts refused, hours past midnight accepted, big photos reduced)."""

import html
import io
import os
import re

import pytest
from bo_helpers import jpeg_bytes
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from backoffice.catalog.images import MAX_SIDE
from backoffice.portal import moderation
from backoffice.portal.models import Invitation, Submission

LISTING = {
    "name": "Boulangerie Martin",
    "category": "bakery",
    "summary_fr": "Pain au levain",
    "street": "3 rue du Thuile",
    "postcode": "15100",
    "city": "Saint-Flour",
    "h_Tu_1_open": "07:00",
    "h_Tu_1_close": "12:30",
}
NOT_SENT = "Votre fiche n'est pas encore envoyée"


@pytest.fixture
def shop(client, commune):
    user = User.objects.create_user("martin", "martin@shop.example", "levain-1952-pain")
    Invitation.objects.create(shop_name="Boulangerie Martin", commune=commune, used_by=user)
    client.force_login(user)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def photo(name="pain.jpg", color=(200, 30, 30)):
    return SimpleUploadedFile(name, jpeg_bytes(color=color), content_type="image/jpeg")


def send(client, url="/portal/listings/new/", **extra):
    return client.post(url, {**LISTING, **extra})


def carried_and_kept(page: str) -> tuple[str, list[str]]:
    carried = re.search(r'name="carried" value="([^"]*)"', page).group(1)
    kept = re.findall(r'name="keep_photos" value="([0-9a-f]{64})" checked', page)
    return carried, kept


# --- photos ---------------------------------------------------------------------------------------


def test_a_form_error_keeps_the_chosen_photo(shop):
    page = text_of(send(shop, name="", photos=[photo()]))
    assert NOT_SENT in page and "photo gardée" in page
    carried, kept = carried_and_kept(page)
    assert len(kept) == 1
    response = send(shop, carried=carried, keep_photos=kept)
    assert response.status_code == 302
    assert [p.sha256 for p in Submission.objects.get().photos.all()] == kept


def test_a_second_error_still_keeps_the_photo(shop):
    carried, kept = carried_and_kept(text_of(send(shop, name="", photos=[photo()])))
    carried, kept = carried_and_kept(text_of(send(shop, name="", carried=carried, keep_photos=kept)))
    assert len(kept) == 1 and send(shop, carried=carried, keep_photos=kept).status_code == 302
    assert Submission.objects.get().photos.count() == 1


def test_carried_photos_are_signed_for_their_shopkeeper(shop, commune):
    carried, kept = carried_and_kept(text_of(send(shop, name="", photos=[photo()])))
    other = User.objects.create_user("voisin", "v@shop.example", "x-pass-long-enough")
    Invitation.objects.create(shop_name="Voisin", commune=commune, used_by=other)
    shop.force_login(other)
    for token in (carried, "forged"):
        page = text_of(send(shop, carried=token, keep_photos=kept))
        assert "n'ont pas pu être retrouvées" in page and kept[0] not in page
    assert not Submission.objects.exists()


def test_a_new_photo_is_added_and_the_old_one_kept_until_unticked(shop):
    send(shop, photos=[photo()])
    s = Submission.objects.get()
    (old,) = s.photos.all()
    page = text_of(shop.get(f"/portal/listings/{s.pk}/"))
    assert f'value="{old.sha256}" checked' in page and "n'en remplace aucune" in page
    send(shop, f"/portal/listings/{s.pk}/", keep_photos=[old.sha256], photos=[photo("neuve.jpg", (0, 0, 250))])
    assert s.photos.count() == 2
    send(shop, f"/portal/listings/{s.pk}/", keep_photos=[])
    assert s.photos.count() == 0


def test_photos_of_the_published_version_stay_on_the_kiosks_until_approval(shop, staff):
    send(shop, photos=[photo()])
    s = Submission.objects.get()
    entry = moderation.approve(s, staff("moderator"))
    send(shop, f"/portal/listings/{s.pk}/", keep_photos=[], photos=[photo("neuve.jpg", (0, 0, 250))])
    assert [i.media.sha256 for i in entry.images.all()] != [p.sha256 for p in Submission.objects.get().photos.all()]
    assert entry.images.count() == 1


def test_more_than_six_photos_refused_with_all_kept(shop):
    page = text_of(send(shop, photos=[photo(f"p{i}.jpg", (i * 30, 10, 10)) for i in range(7)]))
    assert "Au plus 6 photos" in page
    assert len(carried_and_kept(page)[1]) == 7


def test_a_file_that_is_not_a_photo_is_named_and_the_others_kept(shop):
    php = SimpleUploadedFile("shell.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    page = text_of(send(shop, photos=[photo(), php]))
    assert "shell.jpg" in page and "n'est pas une photo" in page
    assert len(carried_and_kept(page)[1]) == 1
    assert not Submission.objects.exists()


# --- markup and lengths -----------------------------------------------------------------------------

MARKUP = [
    "<b>Pain</b>",
    "<svg/onload=alert(1)>",
    "<img/src=x onerror=alert(1)>",
    "[b]Pain[/b]",
    "[color=ff0000]x[/color]",
]


@pytest.mark.parametrize("value", MARKUP)
@pytest.mark.parametrize("field", ["name", "summary_fr", "body_fr", "street", "summary_en"])
def test_markup_is_refused_at_submit_with_the_text_kept(shop, field, value):
    page = text_of(send(shop, **{field: value}))
    assert NOT_SENT in page and "Merci" not in page
    assert html.escape(value) in send(shop, **{field: value}).content.decode()  # kept as typed
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("field", "label"), [("summary_fr", "En une phrase (français)"), ("name", "Nom du commerce"), ("city", "Ville")]
)
def test_the_message_names_the_field(shop, field, label):
    page = text_of(send(shop, **{field: "<b>x</b>"}))
    assert re.search(r"Corrigez : ([^.]*)\.", page).group(1) == label
    assert "HTML" in page  # the kiosks' reason, in French


def test_markup_in_another_language_opens_its_section(shop):
    page = text_of(send(shop, body_de="<script>x</script>"))
    assert "<details open>" in page


@pytest.mark.parametrize(("field", "limit"), [("name", 200), ("summary_fr", 300), ("street", 200)])
def test_an_over_long_text_is_refused_with_a_message_and_kept(shop, field, limit):
    long = "x" * 5000
    page = text_of(send(shop, **{field: long}))
    assert NOT_SENT in page and f"au plus {limit} caractères" in page
    assert long in page and not Submission.objects.exists()


def test_the_page_has_no_maxlength_that_would_cut_pasted_text(shop):
    page = text_of(shop.get("/portal/listings/new/"))
    assert "maxlength" not in page and 'data-max="200"' in page


# --- opening hours ------------------------------------------------------------------------------------


def test_hours_past_midnight_from_the_grid(shop):
    response = send(shop, h_Fr_1_open="18:00", h_Fr_1_close="02:00", h_Sa_1_open="18:00", h_Sa_1_close="02:00")
    assert response.status_code == 302
    assert Submission.objects.get().data["opening_hours"] == "Tu 07:00-12:30; Fr,Sa 18:00-02:00"


def test_hours_past_midnight_come_back_in_the_grid(shop):
    send(shop, h_Fr_1_open="18:00", h_Fr_1_close="02:00")
    page = text_of(shop.get(f"/portal/listings/{Submission.objects.get().pk}/"))
    assert 'name="h_Fr_1_close" value="02:00"' in page


def test_same_opening_and_closing_time_is_refused(shop):
    page = text_of(send(shop, h_Mo_1_open="09:00", h_Mo_1_close="09:00"))
    assert "Lundi" in page or "lundi" in page
    assert "même heure" in page and not Submission.objects.exists()


def test_text_hours_differing_from_the_grid_are_not_dropped(shop):
    text = "Tu 07:00-12:30; PH off"
    page = text_of(send(shop, opening_hours=text))
    assert "Quels horaires garder" in page and "PH off" in page
    assert re.search(r"Corrigez : ([^.]*)\.", page).group(1) == "Horaires d'ouverture"
    assert not Submission.objects.exists()
    assert send(shop, opening_hours=text, hours_keep="text").status_code == 302
    assert Submission.objects.get().data["opening_hours"] == text


def test_choosing_the_grid_keeps_the_grid(shop):
    send(shop, opening_hours="Mo 09:00-10:00", hours_keep="table")
    assert Submission.objects.get().data["opening_hours"] == "Tu 07:00-12:30"


def test_text_the_same_as_the_grid_needs_no_choice(shop):
    assert send(shop, opening_hours="Tu  07:00-12:30").status_code == 302


def test_bad_text_hours_are_said_in_french(shop):
    page = text_of(send(shop, h_Tu_1_open="", h_Tu_1_close="", opening_hours="whenever"))
    assert "Horaires" in page or "horaires" in page
    assert "not understood" not in page and not Submission.objects.exists()


# --- big photos ---------------------------------------------------------------------------------------


def noise_png(size) -> bytes:
    img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=0)
    return buf.getvalue()


def test_a_photo_over_15_mb_is_reduced_not_refused(shop):
    data = noise_png((2900, 2000))
    assert len(data) > 15 * 1024 * 1024
    response = send(shop, photos=[SimpleUploadedFile("grande.png", data, content_type="image/png")])
    assert response.status_code == 302
    (stored,) = Submission.objects.get().photos.all()
    assert max(stored.width, stored.height) == MAX_SIDE and stored.size < len(data)


def test_a_jpeg_with_more_pixels_than_the_limit_is_reduced(shop, settings):
    settings.BORNE_MAX_IMAGE_PIXELS = 20_000_000
    buf = io.BytesIO()
    Image.new("RGB", (7000, 5000), (120, 160, 90)).save(buf, "JPEG")
    response = send(shop, photos=[SimpleUploadedFile("35mp.jpg", buf.getvalue(), content_type="image/jpeg")])
    assert response.status_code == 302
    (stored,) = Submission.objects.get().photos.all()
    assert max(stored.width, stored.height) == MAX_SIDE


def test_a_file_over_the_read_ceiling_is_not_even_kept_on_disk(shop, settings):
    settings.BORNE_MAX_PHOTO_READ_BYTES = 100_000
    data = noise_png((300, 300))  # 270 kB
    page = text_of(send(shop, photos=[SimpleUploadedFile("enorme.png", data, content_type="image/png"), photo()]))
    assert "enorme.png" in page and "n'a pas été lu" in page
    assert len(carried_and_kept(page)[1]) == 1  # the other photo is kept
    assert not Submission.objects.exists()


def test_the_listing_form_still_checks_the_csrf_token(shop):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.get(username="martin"))
    assert strict.post("/portal/listings/new/", LISTING).status_code == 403
    assert not Submission.objects.exists()
