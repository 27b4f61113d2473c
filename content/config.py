"""The kiosk's configuration: one TOML file in the data folder, overridden by the environment.

``<data>/borne.toml`` (every key optional)::

    commune = "15187"              # INSEE code of the kiosk's commune
    time_zone = "Europe/Paris"
    default_language = "fr"
    idle_seconds = 90              # back to the attract loop after this long without a touch
    kiosk_mode = true              # fullscreen, no exit keys, cursor hidden
    maintenance_pin = "2468"
    backoffice_url = "https://borne.example-town.fr"
    kiosk_token = "…"
    bundle_dir = "/media/usb"      # a USB stick's mount point, watched for bundles
    bundle_key_file = "/etc/borne/bundle.key"
    sync_minutes = 15
    alert_seconds = 60
    heartbeat_minutes = 5

Environment: ``BORNE_DATA_DIR``, ``BORNE_BACKOFFICE_URL``, ``BORNE_KIOSK_TOKEN``, ``BORNE_COMMUNE``,
``BORNE_BUNDLE_DIR``, ``BORNE_BUNDLE_KEY_FILE``.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "borne.toml"


class ConfigError(ValueError):
    """The configuration file is unreadable or holds a wrong value; the message names the key."""


@dataclass(frozen=True)
class Config:
    data_dir: Path
    commune: str = ""
    time_zone: str = "Europe/Paris"
    default_language: str = "fr"
    idle_seconds: int = 90
    kiosk_mode: bool = False
    maintenance_pin: str = "2468"
    backoffice_url: str = ""
    kiosk_token: str = ""
    bundle_dir: str = ""
    bundle_key_file: str = ""
    sync_minutes: float = 15
    alert_seconds: float = 60
    heartbeat_minutes: float = 5

    @property
    def has_backoffice(self) -> bool:
        return bool(self.backoffice_url and self.kiosk_token)

    def bundle_key(self) -> bytes | None:
        """The key of ``bundle_key_file`` (a copy of the back office's ``bundle.key``), read as the back
        office reads it (``content.bundle.read_key``: hex decoded, or the text as it is)."""
        if not self.bundle_key_file:
            return None
        from content.bundle import BundleKeyError, read_key

        try:
            return read_key(Path(self.bundle_key_file), where=f"bundle_key_file {self.bundle_key_file!r}")
        except BundleKeyError as exc:
            raise ConfigError(str(exc)) from None


def default_data_dir() -> Path:
    import platformdirs  # only when no data folder is given

    return Path(platformdirs.user_data_dir("borne", appauthor=False))


_ENV = {
    "BORNE_BACKOFFICE_URL": "backoffice_url",
    "BORNE_KIOSK_TOKEN": "kiosk_token",
    "BORNE_COMMUNE": "commune",
    "BORNE_BUNDLE_DIR": "bundle_dir",
    "BORNE_BUNDLE_KEY_FILE": "bundle_key_file",
}


def load_config(data_dir: str | Path | None = None, *, env: dict | None = None, **overrides) -> Config:
    """Read ``borne.toml`` from the data folder, then the environment, then ``overrides``."""
    env = os.environ if env is None else env
    data_dir = Path(data_dir or env.get("BORNE_DATA_DIR") or default_data_dir()).expanduser()
    values: dict = {}
    path = data_dir / CONFIG_NAME
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
    values.update({key: env[var] for var, key in _ENV.items() if env.get(var)})
    values.update({k: v for k, v in overrides.items() if v is not None})
    fields = {f.name: f for f in dataclasses.fields(Config)}
    clean = {}
    for key, value in values.items():
        if key not in fields or key == "data_dir":
            raise ConfigError(f"{path}: unknown setting {key!r}")
        kind = _TYPES[fields[key].type]
        try:
            clean[key] = _coerce(value, kind)
        except (TypeError, ValueError):
            raise ConfigError(f"{path}: {key} = {value!r} is not a {kind.__name__}") from None
    return Config(data_dir=data_dir, **clean)


_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def _coerce(value, kind):
    if kind is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(value)
    if kind in (int, float) and isinstance(value, bool):
        raise TypeError(value)
    return kind(value)
