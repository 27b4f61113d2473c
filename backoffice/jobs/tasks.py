"""The jobs engine's own periodic tasks (other apps keep theirs in their ``tasks.py``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="jobs.check_fleet", ignore_result=True)
def check_fleet() -> dict:
    """Every few minutes (a schedule in the admin): e-mail the administrators once about a silent kiosk."""
    from dataclasses import asdict

    from backoffice.jobs.fleet import check_fleet as run

    return asdict(run())


@shared_task(name="jobs.monthly_report", ignore_result=True)
def monthly_report(month: str | None = None) -> dict:
    """On the first of the month (a schedule in the admin): the council's report of the month just ended."""
    from backoffice.jobs.report import monthly_report as run

    return run(month)
