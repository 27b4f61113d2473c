#!/usr/bin/env bash
# Puts Borne on a kiosk (Raspberry Pi OS / Debian 12): user "borne", code in /opt/borne, data in
# /var/lib/borne, the screen in cage on tty1 and the sync process, both under systemd.
#   sudo packaging/install-kiosk.sh [--backoffice URL --token TOKEN] [--commune INSEE]
#        [--data-partition /dev/mmcblk0p3] [--read-only-root] [--volatile-journal]
# SD-card safety (docs/UNATTENDED.md): --data-partition keeps Borne's data and its installed versions on
# their own ext4 partition (made beforehand; never formatted here); --read-only-root then puts the root
# filesystem under an overlay in RAM (raspi-config's overlay on Raspberry Pi OS, overlayroot on Debian),
# so nothing but that partition is ever written; --volatile-journal keeps the logs in RAM only.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
src="$(cd "$(dirname "$0")/.." && pwd)"
url="" token="" commune="" data_part="" ro_root=0 volatile_journal=0
while [ $# -gt 0 ]; do
  case "$1" in
    --backoffice) url="$2"; shift 2 ;;
    --token) token="$2"; shift 2 ;;
    --commune) commune="$2"; shift 2 ;;
    --data-partition) data_part="$2"; shift 2 ;;
    --read-only-root) ro_root=1; shift ;;
    --volatile-journal) volatile_journal=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$ro_root" = 1 ] && [ -z "$data_part" ]; then
  echo "--read-only-root needs --data-partition: Borne's data must live on a writable partition" >&2; exit 2
fi
if [ -n "$data_part" ]; then
  [ "$(blkid -o value -s TYPE "$data_part" 2>/dev/null)" = "ext4" ] || {
    echo "$data_part is not an ext4 partition (make it first: mkfs.ext4 -L borne-data $data_part)" >&2; exit 2; }
fi

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  python3-venv cage libgl1 libgl1-mesa-dri libegl1 libgles2 libmtdev1 fonts-dejavu-core \
  fonts-material-design-icons-iconfont espeak-ng >/dev/null

id borne >/dev/null 2>&1 || useradd --system --create-home --groups video,input,render borne
install -d -o borne -g borne /var/lib/borne
if [ -n "$data_part" ]; then
  # /srv/borne on its own partition; /var/lib/borne and /opt/borne/releases are bind-mounted from it.
  uuid="$(blkid -o value -s UUID "$data_part")"
  install -d /srv/borne /opt/borne/releases
  grep -q "UUID=$uuid" /etc/fstab || {
    echo "UUID=$uuid /srv/borne ext4 defaults,noatime,commit=60 0 2" >> /etc/fstab
    echo "/srv/borne/data /var/lib/borne none bind,x-systemd.requires-mounts-for=/srv/borne 0 0" >> /etc/fstab
    echo "/srv/borne/releases /opt/borne/releases none bind,x-systemd.requires-mounts-for=/srv/borne 0 0" >> /etc/fstab
  }
  mountpoint -q /srv/borne || mount /srv/borne
  install -d -o borne -g borne /srv/borne/data /srv/borne/releases
  mountpoint -q /var/lib/borne || mount /var/lib/borne
  mountpoint -q /opt/borne/releases || mount /opt/borne/releases
fi
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
if [ "$volatile_journal" = 1 ] || [ "$ro_root" = 1 ]; then
  install -m 644 "$src/packaging/journald/borne-volatile.conf" /etc/systemd/journald.conf.d/borne-volatile.conf
fi
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
if [ "$ro_root" = 1 ]; then
  # Last, once everything above is written: from the next boot on, the root filesystem is read-only
  # (changes live in RAM and vanish at reboot); only /srv/borne is written.
  if command -v raspi-config >/dev/null 2>&1; then
    raspi-config nonint do_overlayfs 0
  else
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq overlayroot >/dev/null
    echo 'overlayroot="tmpfs:recurse=0"' > /etc/overlayroot.local.conf
    update-initramfs -u
  fi
  echo "Read-only root enabled from the next boot. To change the system later: overlayroot-chroot (Debian)"
  echo "or raspi-config > Performance > Overlay File System (Raspberry Pi OS), then reboot."
fi
echo "Borne is installed. Screen: systemctl status borne-kiosk; sync: journalctl -u borne-sync"
