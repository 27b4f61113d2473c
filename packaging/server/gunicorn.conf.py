"""gunicorn's settings for borne-web.service, read from the environment (/etc/borne/backoffice.env).

- ``BORNE_WEB_BIND``: where gunicorn listens, behind nginx (default ``127.0.0.1:8010``; a Unix socket
  is ``unix:/run/borne/web.sock``).
- ``BORNE_WEB_WORKERS``: processes (default: two per core, plus one).
- ``BORNE_WEB_THREADS``: threads per process (default 4): kiosks mostly wait on the database.
"""

import multiprocessing
import os

bind = [os.environ.get("BORNE_WEB_BIND", "127.0.0.1:8010")]
workers = int(os.environ.get("BORNE_WEB_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("BORNE_WEB_THREADS", "4"))
worker_class = "gthread"
# A kiosk request is small; an upload is at most nginx's client_max_body_size, read by nginx first.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows for months.
max_requests = 5000
max_requests_jitter = 500
accesslog = None  # nginx keeps the access log
errorlog = "-"
loglevel = os.environ.get("BORNE_LOG_LEVEL", "info").lower()
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "borne-web"
