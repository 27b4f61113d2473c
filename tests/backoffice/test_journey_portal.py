"""A shopkeeper and the town hall on their own, in French, in Chromium, against the real server: every
bad input gets a French message and nothing typed or chosen is lost.

One journey: an invitation (the code shown is the one saved); joining with a wrong code, then the right
one; a listing with a photo refused for its markup (text and photo kept), then for a pasted 5,000-letter
name (said while typing and by the server); a bar's hours past midnight; a 17 MB photo reduced; a
moderator's approval refused because the shop changed the listing meanwhile; text hours the grid cannot
hold kept until the shop chooses; a forgotten password reset through the link in the mail (printed on
the server's console).

Screenshots of the screens go to docs/screenshots/backoffice/portal-*.png with BORNE_SCREENSHOTS=1,
to a temporary folder otherwise.
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
from pathlib import Path

import pytest
from bo_helpers import ADMIN, ROOT, jpeg_bytes, served

pytestmark = pytest.mark.slow


@pytest.fixture
def served_bo(tmp_path):
    """The back office started by the CLI, with its console kept (mails are printed there)."""
    with served(tmp_path) as (url, console):
        yield url, tmp_path, console


@pytest.fixture
def shots(tmp_path):
    wanted = os.environ.get("BORNE_SCREENSHOTS", "")
    folder = ROOT / "docs/screenshots/backoffice" if wanted == "1" else Path(wanted or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str) -> None:
        page.screenshot(path=str(folder / f"portal-{name}.png"), full_page=True)

    return shot


def noise_png(path: Path, size=(2900, 2000)) -> Path:
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buf, "PNG", compress_level=0)
    path.write_bytes(buf.getvalue())
    return path


def errors(page) -> str:
    return " ".join(page.locator(".errorlist, .problems, .messagelist").all_inner_texts())


def test_portal_journey_in_french(served_bo, browser, tmp_path, shots):
    url, data_dir, console = served_bo

    # --- the town hall invites a shop: the code on the add form is the code saved
    staff = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    staff.goto(url + "/admin/login/")
    staff.fill("#id_username", ADMIN[0])
    staff.fill("#id_password", ADMIN[1])
    staff.click("input[type=submit]")
    staff.wait_for_url(url + "/admin/")
    staff.goto(url + "/admin/catalog/commune/add/")
    staff.fill("#id_insee", "15187")
    staff.fill("#id_name", "Saint-Flour")
    staff.click("input[name=_save]")
    staff.goto(url + "/admin/portal/invitation/add/")
    shown = re.search(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}", staff.inner_text(".field-code")).group(0)
    staff.fill("#id_shop_name", "Le Bar du Pont")
    staff.select_option("#id_commune", "15187")
    shots(staff, "invitation-add")
    staff.click("input[name=_save]")
    assert staff.inner_text("#result_list tbody tr th a").strip() == shown
    code = shown

    # --- joining: a wrong code is refused without a word about accounts, then the right one
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True).new_page()
    phone.goto(url + "/portal/join/")
    phone.fill("#id_code", "AAAAA-BBBBB")
    phone.fill("#id_username", "mairie")  # an existing name: not revealed
    phone.fill("#id_email", "pont@bar.example")
    phone.fill("#id_password1", "pastis-1936-pont")
    phone.fill("#id_password2", "pastis-1936-pont")
    phone.click("button[type=submit]")
    said = errors(phone)
    assert "inconnu" in said and "existe" not in said
    assert phone.input_value("#id_username") == "mairie" and phone.input_value("#id_email") == "pont@bar.example"
    shots(phone, "join-wrong-code")
    phone.fill("#id_code", code.lower().replace("-", " "))
    phone.fill("#id_username", "pont")
    phone.fill("#id_password1", "pastis-1936-pont")
    phone.fill("#id_password2", "pastis-1936-pont")
    phone.click("button[type=submit]")
    phone.wait_for_url(url + "/portal/listings/new/")

    # --- a listing with a photo and markup: refused at submit, text and photo kept
    phone.fill("#id_name", "Le Bar du Pont")
    phone.select_option("#id_category", "bar")
    phone.fill("#id_summary_fr", "Le <b>meilleur</b> bar [b]du pont[/b]")
    phone.fill("#id_street", "1 place du Pont")
    phone.fill("#id_postcode", "15100")
    phone.fill("#id_city", "Saint-Flour")
    for day in ("Fr", "Sa"):  # a bar: past midnight
        phone.fill(f"#id_h_{day}_1_open", "18:00")
        phone.fill(f"#id_h_{day}_1_close", "02:00")
    assert phone.input_value("#id_opening_hours") == "Fr,Sa 18:00-02:00"
    photo = tmp_path / "terrasse.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600), color=(40, 90, 160)))
    phone.set_input_files("#id_photos", str(photo))
    phone.click("button[type=submit]")
    said = errors(phone)
    assert "pas encore envoyée" in said and "En une phrase (français)" in said and "HTML" in said
    assert phone.input_value("#id_summary_fr") == "Le <b>meilleur</b> bar [b]du pont[/b]"
    assert phone.locator("label.photo").count() == 1 and "photo gardée" in phone.inner_text("#photos")
    assert phone.input_value("#id_h_Fr_1_close") == "02:00"
    shots(phone, "markup-refused-photo-kept")

    # --- a pasted 5,000-letter name: said while typing, refused by the server, kept
    phone.fill("#id_summary_fr", "Le meilleur bar du pont, terrasse sur la Lander")
    phone.fill("#id_name", "Le Bar du Pont " + "x" * 5000)
    assert "Trop long" in phone.inner_text(".too-long >> nth=0")
    shots(phone, "title-too-long-typing")
    phone.click("button[type=submit]")
    said = errors(phone)
    assert "pas encore envoyée" in said and "Nom du commerce" in said and "200 caractères" in said
    assert len(phone.input_value("#id_name")) == len("Le Bar du Pont ") + 5000
    assert phone.locator("label.photo").count() == 1
    shots(phone, "title-too-long-refused")

    # --- a 17 MB photo: reduced, not refused; then sent
    phone.fill("#id_name", "Le Bar du Pont")
    phone.set_input_files("#id_photos", str(noise_png(tmp_path / "salle.png")))
    phone.click("button[type=submit]")
    phone.wait_for_url(url + "/portal/")
    assert "Merci" in phone.inner_text(".messages")
    db = sqlite3.connect(f"file:{data_dir / 'backoffice/db.sqlite3'}?mode=ro", uri=True)
    sides = db.execute(
        "SELECT width, height FROM catalog_mediafile m JOIN portal_submission_photos p ON p.mediafile_id = m.sha256"
    ).fetchall()
    db.close()
    assert len(sides) == 2 and max(max(s) for s in sides) == 2560
    shots(phone, "sent")

    # --- the moderator opens the listing; the shop changes it; approving what was shown is refused
    staff.goto(url + "/admin/portal/submission/")
    staff.click("#result_list tbody tr th a")
    assert "place du Pont" in staff.inner_text(".field-proposed")
    phone.click("text=Modifier")
    phone.fill("#id_summary_fr", "Concerts le samedi soir")
    phone.click("button[type=submit]")
    phone.wait_for_url(url + "/portal/")
    staff.click("input[name=_approve]")
    assert "modifiée par le commerçant" in staff.inner_text(".messagelist")
    assert "Concerts le samedi soir" in staff.inner_text(".field-proposed")
    shots(staff, "moderation-changed-meanwhile")
    staff.click("input[name=_approve]")
    assert "Publiée" in staff.inner_text(".messagelist")
    console.wait_for(r"To: pont@bar\.example")  # the approval mail, on the console
    phone.reload()
    assert "publiée" in phone.inner_text(".listing").lower()

    # --- hours typed as text that the grid cannot hold are never dropped: the shop chooses
    phone.click("text=Modifier")
    phone.fill("#id_opening_hours", "Fr,Sa 18:00-02:00; PH off")
    phone.fill("#id_h_Sa_1_close", "03:00")
    assert phone.input_value("#id_opening_hours") == "Fr,Sa 18:00-02:00; PH off"
    phone.click("button[type=submit]")
    assert "Quels horaires garder" in phone.inner_text("#hours-choice")
    assert phone.input_value("#id_opening_hours") == "Fr,Sa 18:00-02:00; PH off"
    shots(phone, "hours-choose")
    phone.check("#hours-choice input[value=text]")
    phone.click("button[type=submit]")
    phone.wait_for_url(url + "/portal/")

    # --- a forgotten password: the link in the mail sets a new one
    phone.click("header button")  # log out
    phone.goto(url + "/portal/login/")
    phone.click("text=Mot de passe oublié ?")
    phone.fill("#id_email", "pont@bar.example")
    shots(phone, "password-forgotten")
    phone.click("button[type=submit]")
    assert "Consultez vos e-mails" in phone.inner_text("main")
    shots(phone, "password-sent")
    link = console.wait_for(r"(http://127\.0\.0\.1:\d+/portal/password/new/\S+/)").group(1)
    phone.goto(link)
    phone.fill("#id_new_password1", "anisette-2026-pont")
    phone.fill("#id_new_password2", "anisette-2026-pont")
    shots(phone, "password-new")
    phone.click("button[type=submit]")
    assert "Mot de passe changé" in phone.inner_text("main")
    phone.click("text=Se connecter")
    phone.fill("#id_username", "pont")
    phone.fill("#id_password", "anisette-2026-pont")
    phone.click("main button[type=submit]")
    phone.wait_for_url(url + "/portal/")
    assert "Le Bar du Pont" in phone.inner_text(".listing")
