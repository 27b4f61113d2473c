import io

import pytest
from bo_helpers import jpeg_bytes
from django.core.exceptions import ValidationError
from PIL import Image

from backoffice.catalog.images import read_media, store_image_bytes, store_upload


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_upload_is_reencoded_without_metadata_and_upright(db):
    media = store_image_bytes(jpeg_bytes(size=(80, 40), exif=True))
    data = read_media(media)
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (40, 80)  # EXIF orientation applied
        assert not img.getexif()
    assert (media.width, media.height) == (40, 80)


def test_same_photo_twice_is_stored_once(db):
    assert store_image_bytes(jpeg_bytes()).pk == store_image_bytes(jpeg_bytes()).pk


def test_php_file_renamed_jpg_is_refused(db):
    with pytest.raises(ValidationError, match="not a photo"):
        store_image_bytes(b"<?php system($_GET['c']); ?>", where="shell.jpg")


def test_decompression_bomb_is_refused(db, settings):
    # A tiny PNG claiming a huge canvas: refused on its header, before decoding.
    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buf, "PNG")
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="megapixels"):
        store_image_bytes(buf.getvalue(), where="bomb.png")


def test_upload_over_the_read_ceiling_is_refused_without_reading_it(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("huge.jpg", b"\xff" * 10, content_type="image/jpeg")
    upload.size = 70 * 1024 * 1024  # over BORNE_MAX_PHOTO_READ_BYTES (60 MB): larger photos are reduced
    with pytest.raises(ValidationError, match="MB"):
        store_upload(upload)


def test_fifty_megabytes_of_bytes_refused(db):
    with pytest.raises(ValidationError, match="MB"):
        store_image_bytes(b"\0" * (50 * 1024 * 1024), where="big.jpg")


def test_bmp_refused_by_format(db):
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, "BMP")
    with pytest.raises(ValidationError, match="BMP"):
        store_image_bytes(buf.getvalue())
