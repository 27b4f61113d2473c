"""Where media live: the data folder by default, an S3-compatible bucket when configured.

Settings call :func:`storages_setting` with the environment; the rest of the back office goes through
Django's storage API (``default_storage``) and the two helpers below, never through file paths, so the
same code runs on local files and on object storage.

Environment (all optional; without ``BORNE_S3_BUCKET`` media stay in ``<data>/backoffice/media/``):

- ``BORNE_S3_BUCKET``: the bucket's name.
- ``BORNE_S3_ENDPOINT_URL``: the S3-compatible server (MinIO, Garage, Scaleway, OVH…); empty for AWS.
- ``BORNE_S3_ACCESS_KEY`` / ``BORNE_S3_SECRET_KEY``: the credentials (otherwise boto3's usual chain).
- ``BORNE_S3_REGION``: the region name, when the provider needs one.
- ``BORNE_S3_PREFIX``: a folder inside the bucket (e.g. ``borne/``), to share a bucket.
- ``BORNE_S3_ADDRESSING``: ``path`` (default with an endpoint URL) or ``virtual``.

The bucket stays private: kiosks get media from the back office's ``/api/kiosk/v1/media/<sha256>``,
which streams them from the bucket (see ``backoffice.fleet.api.media``).
"""

from __future__ import annotations

import contextlib
import posixpath
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from django.core.files.storage import Storage, default_storage

S3_BACKEND = "storages.backends.s3.S3Storage"


def storages_setting(env: Mapping[str, str]) -> dict:
    """Django's ``STORAGES`` for this environment: local files, or media in an S3-compatible bucket.

    Static files always stay local: nginx serves them from ``STATIC_ROOT``."""
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    bucket = env.get("BORNE_S3_BUCKET", "").strip()
    if not bucket:
        return {
            # No location here: FileSystemStorage follows MEDIA_ROOT (and tests' overrides of it).
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": staticfiles,
        }
    endpoint = env.get("BORNE_S3_ENDPOINT_URL", "").strip() or None
    addressing = env.get("BORNE_S3_ADDRESSING", "").strip() or ("path" if endpoint else None)
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": env.get("BORNE_S3_REGION", "").strip() or None,
        "location": env.get("BORNE_S3_PREFIX", "").strip().strip("/"),
        "addressing_style": addressing,
        # Names are content hashes: the same name always holds the same bytes, so writing again is
        # harmless and saves the existence check django-storages would make before each write.
        "file_overwrite": True,
        "default_acl": None,  # the bucket's own policy (private): nothing is public by URL
        "querystring_auth": True,
        "signature_version": "s3v4",
    }
    if access := env.get("BORNE_S3_ACCESS_KEY", "").strip():
        options["access_key"] = access
        options["secret_key"] = env.get("BORNE_S3_SECRET_KEY", "").strip()
    return {"default": {"BACKEND": S3_BACKEND, "OPTIONS": options}, "staticfiles": staticfiles}


def is_object_storage(storage: Storage = default_storage) -> bool:
    return hasattr(storage, "bucket_name") and hasattr(storage, "connection")


def _s3_key(storage: Storage, name: str) -> str:
    return posixpath.join(storage.location, name) if storage.location else name


def open_stream(name: str, *, storage: Storage = default_storage):
    """A binary file-like object reading ``name`` as it comes, or None when it is not stored.

    On object storage this is one GET whose body is streamed (a missing object is the GET's 404, not
    an extra HEAD first); on local files, the file itself."""
    if is_object_storage(storage):
        client = storage.connection.meta.client
        try:
            answer = client.get_object(Bucket=storage.bucket_name, Key=_s3_key(storage, name))
        except client.exceptions.NoSuchKey:
            return None
        return answer["Body"]
    if not storage.exists(name):
        return None
    return storage.open(name, "rb")


@contextlib.contextmanager
def local_paths(names: Mapping[str, str], *, storage: Storage = default_storage) -> Iterator[dict[str, Path]]:
    """Local files for stored objects, ``{key: path}`` from ``{key: storage name}``, for code that reads
    files (the USB bundle writer). Local storage gives its own paths; other storages are copied, one
    object at a time, into a temporary folder removed on exit."""
    try:
        local = {key: Path(storage.path(name)) for key, name in names.items()}
    except NotImplementedError:  # no local path: object storage
        local = None
    if local is not None:
        yield local
        return
    tmp = Path(tempfile.mkdtemp(prefix="borne-media-"))
    try:
        paths = {}
        for key, name in names.items():
            target = tmp / str(len(paths))
            with storage.open(name, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
            paths[key] = target
        yield paths
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
