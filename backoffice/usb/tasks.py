"""The USB export as a Celery task: the admin's request records the job's row and enqueues its id."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="usb.export_bundle", acks_late=True, ignore_result=True)
def export_bundle(export_id: int) -> str:
    """Run one export (safe to run twice: a finished or running export is left alone); returns its status."""
    from backoffice.usb.jobs import run_export

    return run_export(export_id).status
