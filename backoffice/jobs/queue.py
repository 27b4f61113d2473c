"""Handing a job to a worker: one rule for every job row (export, import, notice check, map import).

The web request saves a row saying what is to be done, then hands its number to the queue. When the
broker cannot be reached the row must not wait for ever: it says so, in French, and staff can start
it again once the server is looked after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import translation

log = logging.getLogger(__name__)


def hand_over(task, *args, what: str, unreachable: Callable[[], None]) -> bool:
    """``task.delay(*args)``; when the broker does not answer, log it and call ``unreachable`` (in the
    back office's language, for the message it stores). True when the job is queued."""
    try:
        task.delay(*args)
    except Exception as exc:  # noqa: BLE001 - kombu's connection errors vary by transport
        log.error("%s: cannot reach the job queue: %s", what, exc)
        with translation.override(settings.LANGUAGE_CODE):
            unreachable()
        return False
    return True
