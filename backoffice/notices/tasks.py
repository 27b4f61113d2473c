"""The notice's PDF check as a Celery task: the admin's request stores the upload and enqueues its id."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notices.check_pdf", acks_late=True, ignore_result=True, time_limit=20 * 60)
def check_pdf(notice_id: int) -> str:
    """Check, render and publish one notice (safe to run twice: a checked notice is left alone)."""
    from backoffice.notices.jobs import run_check

    return run_check(notice_id).status
