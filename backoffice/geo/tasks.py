"""The map import's Celery task: the admin's upload enqueues the row's id."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="geo.import_osm", acks_late=True, ignore_result=True, time_limit=1800)
def import_osm(import_id: int) -> str:
    from backoffice.geo.jobs import run_import

    return run_import(import_id).status
