"""backoffice.jobs.queue.hand_over: a job is queued, or its row says in French why it is not."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _


class Task:
    def __init__(self, error: Exception | None = None):
        self.error, self.sent = error, []

    def delay(self, *args):
        if self.error is not None:
            raise self.error
        self.sent.append(args)


def test_a_job_handed_over_is_queued_and_nothing_else_happens():
    from backoffice.jobs.queue import hand_over

    task, said = Task(), []
    assert hand_over(task, 4, 7, what="test job", unreachable=lambda: said.append("no"))
    assert task.sent == [(4, 7)] and said == []


def test_a_broker_that_does_not_answer_is_told_in_the_back_offices_language(caplog):
    from backoffice.jobs.queue import hand_over

    said = []
    with translation.override("en"):  # whatever the request's language, the stored message is French
        queued = hand_over(
            Task(ConnectionRefusedError(111, "Connection refused")),
            4,
            what="test job 4",
            unreachable=lambda: said.append((translation.get_language(), _("Delete"))),
        )
    assert not queued
    assert said == [("fr", "Supprimer")]
    assert "test job 4: cannot reach the job queue" in caplog.text
