"""Turn a ``DATABASE_URL`` into Django's ``DATABASES['default']`` (PostgreSQL or SQLite only)."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit


class DatabaseUrlError(ValueError):
    """A DATABASE_URL this back office cannot use."""


def parse_database_url(url: str) -> dict:
    """``postgresql://user:pass@host:5432/name?host=/run/postgresql`` or ``sqlite:////abs/path.db``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise DatabaseUrlError(f"DATABASE_URL {_safe(url)!r} names no database (…/<name> at the end)")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": query.pop("host", None) or unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
        if query:
            config["OPTIONS"] = query
        return config
    if scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise DatabaseUrlError(f"DATABASE_URL {url!r} names no SQLite file (sqlite:////absolute/path.db)")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path[1:] if path.startswith("//") else path}
    raise DatabaseUrlError(
        f"DATABASE_URL scheme {scheme or '(none)'!r} is not supported: use postgresql://… or sqlite:///…"
    )


def _safe(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(parts.password, "***")
    return url
