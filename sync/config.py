"""The sync job's configuration, built by ``main.py`` from its configuration file and environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from content.bundle import BundleKeyError, read_key

ENV_URL = "BORNE_BACKOFFICE_URL"
ENV_TOKEN = "BORNE_KIOSK_TOKEN"
ENV_BUNDLE_KEY = "BORNE_BUNDLE_KEY"
#: Where software releases are installed side by side (``sync.updates``); unset: no remote updates.
ENV_RELEASES = "BORNE_RELEASES_DIR"


class ConfigError(ValueError):
    """The sync configuration is incomplete or wrong; the message names the setting."""


@dataclass(frozen=True)
class Intervals:
    """How often each job runs, in seconds (housekeeping: a local time of day)."""

    sync: float = 15 * 60
    #: Random delay added to each content sync, so a hundred kiosks do not call at the same second.
    sync_jitter: float = 3 * 60
    alerts: float = 60
    heartbeat: float = 5 * 60
    #: The offline-bundle folder and the "sync now" request file.
    watch: float = 10
    housekeeping_hour: int = 3
    housekeeping_minute: int = 30
    #: The first sync and heartbeat after start come within these few seconds (random for the sync).
    first_sync_max: float = 30
    first_heartbeat: float = 5
    #: A job that could not start on time still runs if it is late by less than this.
    misfire_grace: float = 5 * 60


@dataclass(frozen=True)
class SyncConfig:
    """Everything the sync process needs. ``backoffice_url`` may be empty: bundles only, no network."""

    data_dir: Path
    backoffice_url: str = ""
    token: str = field(default="", repr=False)
    #: The folder where a USB stick is mounted; bundles found there are imported.
    bundle_dir: Path | None = None
    #: The key shared with the back office; bundles must carry its HMAC signature.
    bundle_key: bytes | None = field(default=None, repr=False)
    version: str = "0"
    tz: str = "Europe/Paris"
    intervals: Intervals = field(default_factory=Intervals)
    page_limit: int = 500
    media_workers: int = 4
    #: Connect and read timeouts of every request, in seconds.
    timeout: tuple[float, float] = (5, 30)
    #: A sync does not start with less free space than this in the data folder.
    min_free_bytes: int = 200 * 1024**2
    #: Largest image downloaded.
    max_media_bytes: int = 30 * 1024**2
    #: Largest page of changes, after decompression (a gzip answer is inflated a little at a time).
    max_feed_bytes: int = 64 * 1024**2
    #: A whole request (retries and body included) is abandoned after this many seconds.
    request_deadline: float = 300
    #: Retries of one request (connection errors, 429, 5xx) and the backoff between them.
    retries: int = 3
    backoff_factor: float = 1.0
    #: Longest Retry-After waited for inside one call; a longer one postpones the next sync instead.
    max_retry_wait: float = 60
    #: Where the usage counters of the kiosk are (``content.usage``); default ``<data_dir>/usage.db``.
    usage_path: Path | None = None
    #: Where releases are installed side by side (``sync.updates``); None: this kiosk is not updated remotely.
    releases_dir: Path | None = None

    def __post_init__(self):
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.bundle_dir is not None:
            object.__setattr__(self, "bundle_dir", Path(self.bundle_dir))
        if isinstance(self.bundle_key, str):  # BORNE_BUNDLE_KEY: read as the back office reads its own
            try:
                object.__setattr__(self, "bundle_key", read_key(self.bundle_key, where=ENV_BUNDLE_KEY))
            except BundleKeyError as exc:
                raise ConfigError(str(exc)) from None
        if self.backoffice_url and not self.backoffice_url.startswith(("http://", "https://")):
            raise ConfigError(f"backoffice_url {self.backoffice_url!r} is not an http:// or https:// address")
        if self.backoffice_url and not self.token:
            raise ConfigError(f"a back office is configured ({self.backoffice_url}) but no kiosk token ({ENV_TOKEN})")
        if self.page_limit < 1 or self.media_workers < 1:
            raise ConfigError("page_limit and media_workers must be at least 1")

    @property
    def online(self) -> bool:
        return bool(self.backoffice_url)

    @property
    def usage_db(self) -> Path:
        return self.usage_path or self.data_dir / "usage.db"

    @classmethod
    def from_settings(cls, settings: Mapping, env: Mapping[str, str] | None = None) -> SyncConfig:
        """Build from a flat mapping (a ``[sync]`` table of the config file); the environment wins.

        Known keys are this class's field names; ``intervals`` may be a mapping of :class:`Intervals`
        fields. ``BORNE_BACKOFFICE_URL``, ``BORNE_KIOSK_TOKEN`` and ``BORNE_BUNDLE_KEY`` override.
        """
        env = os.environ if env is None else env
        known = {f.name for f in fields(cls)}
        unknown = set(settings) - known
        if unknown:
            raise ConfigError(f"unknown sync setting(s): {', '.join(sorted(unknown))}")
        values = dict(settings)
        if "data_dir" not in values:
            raise ConfigError("data_dir is required")
        for key, var in (("backoffice_url", ENV_URL), ("token", ENV_TOKEN), ("bundle_key", ENV_BUNDLE_KEY)):
            if env.get(var):
                values[key] = env[var]
        if isinstance(values.get("intervals"), Mapping):
            try:
                values["intervals"] = Intervals(**values["intervals"])
            except TypeError as exc:
                raise ConfigError(f"intervals: {exc}") from None
        if "timeout" in values:
            values["timeout"] = tuple(values["timeout"])
        return cls(**values)

    @classmethod
    def from_app_config(cls, config, *, version: str, **overrides) -> SyncConfig:
        """Build from the kiosk's ``content.config.Config`` (``borne.toml`` + environment)."""
        sync = float(config.sync_minutes) * 60
        intervals = Intervals(
            sync=sync,
            # The random delays that keep a hundred kiosks off the same second scale with the interval,
            # so a short interval (a test, a demo) is not swamped by a three-minute jitter.
            sync_jitter=min(Intervals.sync_jitter, sync / 5),
            first_sync_max=min(Intervals.first_sync_max, sync),
            alerts=float(config.alert_seconds),
            heartbeat=float(config.heartbeat_minutes) * 60,
        )
        values = dict(
            data_dir=config.data_dir,
            backoffice_url=config.backoffice_url,
            token=config.kiosk_token,
            bundle_dir=Path(config.bundle_dir) if config.bundle_dir else None,
            bundle_key=config.bundle_key(),
            version=version,
            tz=config.time_zone,
            intervals=intervals,
            releases_dir=Path(os.environ[ENV_RELEASES]) if os.environ.get(ENV_RELEASES) else None,
        )
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes) -> SyncConfig:
        return replace(self, **changes)
