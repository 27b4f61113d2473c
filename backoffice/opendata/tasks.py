"""The import sources' Celery task (discovered by the one app in ``backoffice.jobs.celery``)."""

from __future__ import annotations

from django.conf import settings

from backoffice.jobs.celery import app

#: The task's name in the schedules' rows (django-celery-beat's PeriodicTask.task).
RUN_SOURCE = "backoffice.opendata.run_source"


@app.task(
    name=RUN_SOURCE,
    acks_late=True,
    soft_time_limit=max(60, settings.CELERY_TASK_TIME_LIMIT - 60),
    ignore_result=True,
)
def run_source(source_id: int, run_id: int | None = None) -> str:
    """Import one source (``run_id``: the run staff asked for; None: its schedule). Returns the run's status."""
    from backoffice.opendata import jobs

    job = jobs.run(source_id, run_id)
    return job.status if job is not None else "inactive"
