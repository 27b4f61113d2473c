"""The back office's one Celery app, configured from Django settings (``CELERY_*``).

Tasks live in each app's ``tasks.py`` and are discovered by name; they take ids and plain values.
Creating the app connects to nothing: the broker is reached when a task is sent or a worker starts.

Production: ``CELERY_BROKER_URL=redis://…`` (Debian's ``redis-server``), any number of
``celery -A backoffice.jobs worker`` on any machine, one ``celery -A backoffice.jobs beat``. One
machine: a broker in the data folder (Kombu's filesystem transport) and a worker started by
``main.py backoffice serve`` beside the web server.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")

app = Celery("borne")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
