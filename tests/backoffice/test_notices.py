"""Official notices in the back office: the PDF check, publication, withdrawal, the feed and the register.

The check runs here where it is enqueued (``jobs.run_check``); a real worker runs it in the browser test
(test_journey_notices.py).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from backoffice.notices import jobs, samples
from backoffice.notices.models import AppendOnlyError, Notice, PublicationEvent, Status
from backoffice.notices.pdf import PdfRefused, check_and_render

DAY = dt.date(2026, 11, 27)


def fpdf_doc(pages=1, size=(210, 297), text="Avis au public", encrypt=False, unit="mm") -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit=unit, format=size)
    pdf.set_font("Helvetica", size=12)
    for _ in range(pages):
        pdf.add_page()
        if text:
            pdf.cell(40, 10, text)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


@pytest.fixture
def inline_checks(monkeypatch):
    monkeypatch.setattr(jobs, "enqueue", jobs.run_check)


def refused_message(tmp_path, data: bytes) -> str:
    path = tmp_path / "act.pdf"
    path.write_bytes(data)
    with translation.override("fr"), pytest.raises(PdfRefused) as caught:
        check_and_render(path)
    return str(caught.value)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: b"GIF89a not a pdf at all", "n'est pas un PDF"),
        (lambda: fpdf_doc(encrypt=True), "mot de passe"),
        (lambda: fpdf_doc()[:400] + b"\x00garbage", "endommagé"),
        (lambda: fpdf_doc(pages=300, text=""), "300 pages"),
        (lambda: fpdf_doc(size=(20_000, 20_000), unit="pt"), "20000 × 20000 points"),
        (lambda: fpdf_doc(text=""), "page 1 du PDF est blanche"),
    ],
    ids=["not-pdf", "encrypted", "damaged", "300-pages", "huge-page", "blank"],
)
def test_bad_pdfs_are_refused_in_french_saying_why(tmp_path, make, expected):
    assert expected in refused_message(tmp_path, make())


def test_a_page_is_rendered_as_an_image_with_its_text(tmp_path):
    path = tmp_path / "bans.pdf"
    path.write_bytes(samples.banns(title="Delmas et Castanier", day=DAY))
    rendered = check_and_render(path)
    assert len(rendered.pages) == 1
    page = rendered.pages[0]
    assert page.width == 1240 and 1700 < page.height < 1800  # A4 at 150 dpi
    assert "Castanier" in page.text
    assert page.image[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0"[:4]) or page.image[:3] == b"\xff\xd8\xff"


def publish(commune, user, data: bytes, **fields) -> Notice:
    from backoffice.notices.forms import NoticeForm

    values = {
        "kind": "arrete",
        "title": "Circulation rue Sorel",
        "number": "2026-7",
        "commune": commune.pk,
        "starts": (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        **fields,
    }
    form = NoticeForm(values, {"pdf": SimpleUploadedFile("acte.pdf", data, "application/pdf")})
    assert form.is_valid(), form.errors
    notice = form.save()
    notice.created_by = user
    notice.save()
    jobs.store_pdf(form.cleaned_data["pdf"], notice.pdf_sha256)
    jobs.run_check(notice.pk)
    notice.refresh_from_db()
    return notice


def test_publish_feed_withdraw_and_register(db, commune, staff, kiosk_client):
    import hashlib

    data = samples.deliberation(number="2026-041", title="Éclairage public", day=DAY, pages=2)
    notice = publish(commune, staff("editor"), data, kind="deliberation", title="Éclairage public", number="2026-041")
    assert notice.status == Status.PUBLISHED, notice.error
    assert notice.pdf_sha256 == hashlib.sha256(data).hexdigest() and notice.pages == 2
    assert notice.until - notice.starts == dt.timedelta(days=62)  # two months by default for an act

    page = kiosk_client.get("/api/kiosk/v1/changes").json()
    (wire,) = page["notices"]
    assert wire["id"] == notice.wire_id and wire["pdf"]["sha256"] == notice.pdf_sha256
    assert "solliciter les subventions" in wire["text"][0]
    sha = wire["pages"][0]["sha256"]
    assert kiosk_client.get(f"/api/kiosk/v1/media/{sha}").status_code == 200
    cursor = page["cursor"]

    assert jobs.withdraw(notice, staff("editor", "clerk"), reason="erreur matérielle")
    page = kiosk_client.get("/api/kiosk/v1/changes", {"since": cursor}).json()
    assert page["deleted_notices"] == [notice.wire_id] and page["notices"] == []

    client = kiosk_client
    register = client.get(f"/avis/{commune.pk}/").content.decode()
    assert notice.pdf_sha256 in register and "Retiré le" in register
    records = client.get(f"/avis/{commune.pk}.json").json()["notices"]
    assert [(r["id"], r["state"], r["sha256"]) for r in records] == [(notice.wire_id, "retiré", notice.pdf_sha256)]
    pdf = client.get(records[0]["pdf"].split("testserver", 1)[1])
    assert b"".join(pdf.streaming_content) == data
    csv = client.get(f"/avis/{commune.pk}.csv").content.decode("utf-8-sig")
    assert notice.pdf_sha256 in csv.splitlines()[1]

    log = list(PublicationEvent.objects.values_list("action", "sha256", "username", "detail"))
    assert log == [
        ("published", notice.pdf_sha256, "editor", ""),
        ("withdrawn", notice.pdf_sha256, "clerk", "erreur matérielle"),
    ]
    with pytest.raises(AppendOnlyError):
        PublicationEvent.objects.first().save()


def test_a_replacement_withdraws_the_notice_it_replaces(db, commune, staff):
    editor = staff("editor")
    first = publish(commune, editor, samples.by_law(number="2026-7", title="Circulation", day=DAY))
    second = publish(
        commune, editor, samples.by_law(number="2026-7 bis", title="Circulation", day=DAY), replaces=first.pk
    )
    first.refresh_from_db()
    assert second.status == Status.PUBLISHED and first.status == Status.WITHDRAWN
    assert str(second) in first.withdrawn_reason


def test_a_refused_pdf_publishes_nothing(db, commune, staff, kiosk_client):
    notice = publish(commune, staff("editor"), fpdf_doc(text=""))
    assert notice.status == Status.REFUSED and "blanche" in notice.error
    assert kiosk_client.get("/api/kiosk/v1/changes").json()["notices"] == []
    assert not PublicationEvent.objects.exists()
    assert json.loads(kiosk_client.get(f"/avis/{commune.pk}.json").content)["notices"] == []


def test_the_form_refuses_a_non_pdf_and_a_too_large_upload_keeping_what_was_typed(db, commune, rf):
    from backoffice.notices.forms import NoticeForm
    from backoffice.notices.uploads import TOO_LARGE

    values = {"kind": "bans", "title": "Bans Martin", "commune": commune.pk, "starts": "2026-12-01 09:00:00"}
    with translation.override("fr"):
        form = NoticeForm(values, {"pdf": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 jpeg", "image/jpeg")})
        assert not form.is_valid()
        assert "n'est pas un PDF" in form.errors["pdf"][0]
        request = rf.post("/admin/notices/notice/add/")
        request.META[TOO_LARGE] = True
        form = NoticeForm(values, {}, request=request)
        assert not form.is_valid()
        assert "plus de 100 Mo" in form.errors["pdf"][0]
        assert form["title"].value() == "Bans Martin"


def test_the_demo_town_publishes_its_three_notices_once(db, client):
    from backoffice.catalog.demo import load_demo_town

    load_demo_town()
    load_demo_town()
    kinds = sorted(Notice.objects.filter(status=Status.PUBLISHED).values_list("kind", flat=True))
    assert kinds == ["arrete", "bans", "deliberation"]
    records = client.get("/avis/15187.json").json()["notices"]
    assert {r["state"] for r in records} == {"en vigueur"} and len(records) == 3
    assert PublicationEvent.objects.count() == 3


def test_a_usb_bundle_carries_the_published_notices_to_a_kiosk(db, commune, staff, settings, tmp_path):
    from backoffice.catalog.bundles import export_bundle
    from content.cache import ContentCache
    from content.importer import import_bundle

    settings.BORNE_BUNDLE_KEY = ""
    published = publish(commune, staff("editor"), samples.banns(title="Delmas et Castanier", day=DAY), kind="bans")
    refused = publish(commune, staff("editor", "other"), fpdf_doc(text=""))
    assert refused.status == Status.REFUSED
    manifest = export_bundle(tmp_path / "usb.zip", commune=commune.pk)
    assert manifest["counts"]["notices"] == 1
    with ContentCache.open(tmp_path / "kiosk") as cache:
        import_bundle(cache, tmp_path / "usb.zip")
        (card,) = cache.notices()
        assert card.id == published.wire_id and all(cache.media.has(s) for s in card.page_shas)


def test_a_check_cut_short_by_a_stopped_worker_is_refused_in_french(db, commune):
    notice = Notice.objects.create(kind="avis", title="Avis", commune=commune, pdf_sha256="ab" * 32)
    Notice.objects.filter(pk=notice.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert jobs.reap_stale() == 1
    notice.refresh_from_db()
    assert notice.status == Status.REFUSED and "interrompue" in notice.error


def test_an_upload_over_the_cap_is_not_read_and_the_form_keeps_what_was_typed(db, commune, client, monkeypatch):
    from django.contrib.auth.models import User

    from backoffice.notices import uploads

    monkeypatch.setattr(uploads, "UPLOAD_CAP", 50_000)
    client.force_login(User.objects.create_superuser("mairie", "m@example.org", "x"))
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.7\n" + b"0" * 200_000, "application/pdf")
    fields = {"kind": "bans", "title": "Bans Martin", "commune": commune.pk, "starts_0": "01/12/2026"}
    with translation.override("fr"):
        response = client.post("/admin/notices/notice/add/", {**fields, "starts_1": "09:00", "pdf": big})
    assert response.status_code == 200 and not Notice.objects.exists()
    page = response.content.decode()
    assert "il n&#x27;a pas été reçu" in page or "il n'a pas été reçu" in page
    assert 'value="Bans Martin"' in page
