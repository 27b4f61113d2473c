import pytest
from fakebo import FakeBackOffice

from content.cache import ContentCache
from sync.client import FeedClient
from sync.job import SyncJob


@pytest.fixture
def bo():
    fake = FakeBackOffice()
    fake.url = fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def client(bo):
    c = FeedClient(bo.url, bo.token, version="9.9", timeout=(2, 5), backoff_factor=0.01, max_retry_wait=2)
    yield c
    c.close()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def make_job(data_dir, client):
    jobs = []

    def make(**kw):
        kw.setdefault("client", client)
        kw.setdefault("min_free_bytes", 0)
        kw.setdefault("bundle_settle_s", 0)
        job = SyncJob(data_dir=data_dir, **kw)
        jobs.append(job)
        return job

    yield make
    for job in jobs:
        job.close()


@pytest.fixture
def job(make_job):
    return make_job()


@pytest.fixture
def reader(data_dir):
    """Open the cache read-only, as the kiosk does."""
    opened = []

    def open_():
        cache = ContentCache.open(data_dir, readonly=True)
        opened.append(cache)
        return cache

    yield open_
    for cache in opened:
        cache.close()
