#!/usr/bin/env bash
# Puts Borne on a kiosk (Raspberry Pi OS / Debian 12): user "borne", code in /opt/borne, data in
# /var/lib/borne, the screen in cage on tty1 and the sync process, both under systemd.
#   sudo packaging/install-kiosk.sh [--backoffice URL --token TOKEN] [--commune INSEE]
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
src="$(cd "$(dirname "$0")/.." && pwd)"
url="" token="" commune=""
while [ $# -gt 0 ]; do
  case "$1" in
    --backoffice) url="$2"; shift 2 ;;
    --token) token="$2"; shift 2 ;;
    --commune) commune="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  python3-venv cage libgl1 libgl1-mesa-dri libegl1 libgles2 libmtdev1 fonts-dejavu-core \
  fonts-material-design-icons-iconfont espeak-ng >/dev/null

id borne >/dev/null 2>&1 || useradd --system --create-home --groups video,input,render borne
install -d -o borne -g borne /var/lib/borne
# Each version of the code in its own folder, /opt/borne/releases/<version>, and "current" pointing at
# the one that runs: remote updates install beside it and switch (sync/updates.py). The releases
# folder belongs to user "borne" (the sync process installs there); the venv stays root's.
version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$src/content/__init__.py")"
install -d /opt/borne
install -d -o borne -g borne /opt/borne/releases
rel="/opt/borne/releases/$version"
rsync -a --delete --exclude .venv --exclude .git "$src/" "$rel/"
chown -R borne:borne "$rel"
ln -sfn "$version" /opt/borne/releases/current
chown -h borne:borne /opt/borne/releases/current
python3 -m venv /opt/borne/.venv
# The kiosk's packages exactly as locked (versions and hashes), then Borne itself, built offline.
/opt/borne/.venv/bin/pip install -q --require-hashes -r "$rel/requirements-kiosk.txt"
/opt/borne/.venv/bin/pip install -q --no-deps --no-build-isolation "$rel"
(cd "$rel" && runuser -u borne -- /opt/borne/.venv/bin/python -m kiosk.i18n compile)
# Compiled once here, or every start would compile them again (25 ms on the bench machine).
runuser -u borne -- /opt/borne/.venv/bin/python -m compileall -q "$rel/main.py" "$rel/content" "$rel/kiosk" "$rel/sync" >/dev/null

config=/var/lib/borne/borne.toml
if [ ! -f "$config" ]; then
  {
    echo "kiosk_mode = true"
    [ -n "$commune" ] && echo "commune = \"$commune\""
    [ -n "$url" ] && echo "backoffice_url = \"$url\""
    [ -n "$token" ] && echo "kiosk_token = \"$token\""
  } > "$config"
  chown borne:borne "$config"
  chmod 600 "$config"
fi

install -d /etc/systemd/journald.conf.d
install -m 644 "$src/packaging/journald/borne.conf" /etc/systemd/journald.conf.d/borne.conf
systemctl restart systemd-journald
# The hardware watchdog: a hung board resets itself (systemd feeds /dev/watchdog; read at boot).
install -d /etc/systemd/system.conf.d
install -m 644 "$src/packaging/watchdog/borne-watchdog.conf" /etc/systemd/system.conf.d/borne-watchdog.conf
systemctl daemon-reexec
install -m 644 "$src/packaging/systemd/borne-kiosk.service" "$src/packaging/systemd/borne-sync.service" \
  "$src/packaging/systemd/borne-update-guard.service" "$src/packaging/systemd/borne-update-guard.timer" \
  /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now borne-sync.service borne-kiosk.service borne-update-guard.timer
echo "Borne is installed. Screen: systemctl status borne-kiosk; sync: journalctl -u borne-sync"
