"""Media on an S3-compatible bucket: a real S3 server (moto's, on loopback) started for this module.

An uploaded photo goes through the back office's pipeline into the bucket; the kiosk feed serves it
by hash with the right bytes and headers; the USB bundle reads it back; a kiosk's FeedClient
downloads it verified from a served back office.
"""

from __future__ import annotations

import contextlib
import hashlib
import zipfile

import pytest

from tests.backoffice.bo_helpers import free_port, jpeg_bytes

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")
pytest.importorskip("storages")

BUCKET = "borne-media"
KEYS = {"BORNE_S3_ACCESS_KEY": "borne-test", "BORNE_S3_SECRET_KEY": "borne-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def s3(s3_endpoint):
    """A client of the test server, the bucket created once."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-west-3",
        aws_access_key_id=KEYS["BORNE_S3_ACCESS_KEY"],
        aws_secret_access_key=KEYS["BORNE_S3_SECRET_KEY"],
    )
    # moto keeps its buckets per process: a second server in this run (tests reordered) already has it.
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    return client


@pytest.fixture
def on_s3(settings, s3, s3_endpoint):
    """The back office's STORAGES as the environment of a production server with a bucket sets them."""
    from backoffice.storage import storages_setting

    env = {"BORNE_S3_BUCKET": BUCKET, "BORNE_S3_ENDPOINT_URL": s3_endpoint, "BORNE_S3_REGION": "eu-west-3", **KEYS}
    settings.STORAGES = storages_setting({**env, "BORNE_S3_PREFIX": "ville/"})
    return s3


def _object(s3, media) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=f"ville/{media.storage_name}")["Body"].read()


def _published_entry_with_photo(make_entry, data: bytes):
    from backoffice.catalog.images import store_image_bytes
    from backoffice.catalog.models import EntryImage

    media = store_image_bytes(data, where="photo.jpg")
    entry = make_entry("Halle aux grains")
    EntryImage.objects.create(entry=entry, media=media, alt={"fr": "La halle"}, credit="Mairie", position=0)
    return entry, media


def test_without_a_bucket_media_stay_in_the_data_folder():
    from backoffice.storage import storages_setting

    assert storages_setting({})["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_without_an_endpoint_is_aws_with_the_default_addressing():
    from backoffice.storage import S3_BACKEND, storages_setting

    default = storages_setting({"BORNE_S3_BUCKET": "b"})["default"]
    assert default["BACKEND"] == S3_BACKEND
    assert default["OPTIONS"]["endpoint_url"] is None and default["OPTIONS"]["addressing_style"] is None
    assert "access_key" not in default["OPTIONS"]  # boto3's own chain (instance role, ~/.aws)


def test_an_uploaded_photo_lands_in_the_bucket(db, on_s3):
    from backoffice.catalog.images import read_media, store_image_bytes

    media = store_image_bytes(jpeg_bytes((300, 200), exif=True), where="photo.jpg")

    stored = _object(on_s3, media)
    assert hashlib.sha256(stored).hexdigest() == media.sha256
    assert read_media(media) == stored
    assert b"SecretCam" not in stored  # the pipeline ran (metadata stripped) before the bucket


def test_the_feed_serves_media_from_the_bucket_by_hash(db, on_s3, kiosk_client, make_entry, client):
    _, media = _published_entry_with_photo(make_entry, jpeg_bytes((120, 90)))

    response = client.get(f"/api/kiosk/v1/media/{media.sha256}")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert hashlib.sha256(body).hexdigest() == media.sha256
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(body))
    assert response["ETag"] == f'"{media.sha256}"'
    assert "immutable" in response["Cache-Control"]


def test_an_image_missing_from_the_bucket_is_404(db, on_s3, kiosk_client, make_entry, client):
    _, media = _published_entry_with_photo(make_entry, jpeg_bytes((121, 90)))
    on_s3.delete_object(Bucket=BUCKET, Key=f"ville/{media.storage_name}")

    assert client.get(f"/api/kiosk/v1/media/{media.sha256}").status_code == 404


def test_the_usb_bundle_reads_media_from_the_bucket(db, on_s3, make_entry, tmp_path):
    from backoffice.catalog.bundles import export_bundle

    _, media = _published_entry_with_photo(make_entry, jpeg_bytes((122, 90)))

    export_bundle(tmp_path / "b.zip", signing_key=b"k" * 32)

    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert hashlib.sha256(zf.read(f"media/{media.sha256}")).hexdigest() == media.sha256


def test_a_kiosk_syncs_an_image_from_the_bucket_verified(transactional_db, on_s3, live_server, make_entry, tmp_path):
    from backoffice.fleet.models import Kiosk
    from sync.client import FeedClient

    entry, media = _published_entry_with_photo(make_entry, jpeg_bytes((123, 90)))
    token = Kiosk.objects.create(name="Office de tourisme", commune=entry.commune).issue_token()

    with FeedClient(live_server.url, token, version="test", retries=0, backoff_factor=0) as kiosk:
        page = kiosk.changes("", 100)
        (ref,) = [m for e in page.entries for m in e["media"]]
        path = kiosk.media(ref["sha256"], tmp_path / "img", expected_bytes=ref["bytes"])

    assert ref["sha256"] == media.sha256
    assert hashlib.sha256(path.read_bytes()).hexdigest() == media.sha256
