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
rsync -a --delete --exclude .venv --exclude .git "$src/" /opt/borne/
python3 -m venv /opt/borne/.venv
# The kiosk's packages exactly as locked (versions and hashes), then Borne itself, built offline.
/opt/borne/.venv/bin/pip install -q --require-hashes -r /opt/borne/requirements-kiosk.txt
/opt/borne/.venv/bin/pip install -q --no-deps --no-build-isolation /opt/borne
/opt/borne/.venv/bin/python -m kiosk.i18n compile
# The screen runs main.py from /opt/borne, whose modules user "borne" cannot compile to bytecode
# itself: compiled here once, or every start would compile them again (25 ms on the bench machine).
/opt/borne/.venv/bin/python -m compileall -q /opt/borne/main.py /opt/borne/content /opt/borne/kiosk /opt/borne/sync >/dev/null

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
  /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now borne-sync.service borne-kiosk.service
echo "Borne is installed. Screen: systemctl status borne-kiosk; sync: journalctl -u borne-sync"
