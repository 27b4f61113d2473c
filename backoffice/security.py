"""Security headers every back-office page carries, and the secret key of a server that is not in production.

Content-Security-Policy: scripts only from the back office itself, or inline with the page's own
nonce (``{{ request.csp_nonce }}``); no plug-ins, no framing, forms post only to the back office.
Styles may be inline (the admin and the dashboard's SVG charts use style attributes); images may be
``data:`` or ``blob:`` (a photo previewed before upload).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Sets ``request.csp_nonce`` and the ``Content-Security-Policy`` header (unless a view set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=request.csp_nonce))
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def local_secret_key(backoffice_dir: Path) -> str:
    """The secret key of a server started without ``BORNE_SECRET_KEY`` outside production.

    Kept in ``<data>/backoffice/secret.key`` (readable by its owner only) once :func:`ensure_secret_key`
    wrote it, so sessions survive a restart; otherwise a new random key for this process. Never a
    key written in the source, which anyone could read.
    """
    try:
        key = (backoffice_dir / "secret.key").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        key = ""
    return key if len(key) >= 50 else secrets.token_urlsafe(50)


def ensure_secret_key(backoffice_dir: Path) -> Path:
    """Write ``secret.key`` once, with owner-only permissions (the CLI calls it before Django starts)."""
    path = backoffice_dir / "secret.key"
    if path.exists():
        return path
    backoffice_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first
        return path
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_urlsafe(50) + "\n")
    return path
