"""Heavy and scheduled work of the back office, run by Celery workers (see :mod:`backoffice.jobs.celery`)."""

from backoffice.jobs.celery import app as celery_app

__all__ = ["celery_app"]
