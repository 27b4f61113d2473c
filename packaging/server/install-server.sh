#!/usr/bin/env bash
# Puts the Borne back office on a Debian 12 server: user "borne", code in /opt/borne, data in
# /var/lib/borne, settings in /etc/borne/backoffice.env, PostgreSQL and Redis on this machine (unless
# named), gunicorn, a Celery worker and beat under systemd, nginx in front with the town's certificate.
#   sudo packaging/server/install-server.sh --server-name borne.mairie.fr \
#        --certificate /etc/ssl/mairie/fullchain.pem --certificate-key /etc/ssl/mairie/privkey.pem \
#        [--database-url postgresql://…] [--broker-url redis://…] [--no-local-services]
# Run again to upgrade: the code and units are replaced, settings and data are kept, migrations run.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
src="$(cd "$(dirname "$0")/../.." && pwd)"
name="" cert="" key="" database_url="" broker_url="" local_services=1
while [ $# -gt 0 ]; do
  case "$1" in
    --server-name) name="$2"; shift 2 ;;
    --certificate) cert="$2"; shift 2 ;;
    --certificate-key) key="$2"; shift 2 ;;
    --database-url) database_url="$2"; shift 2 ;;
    --broker-url) broker_url="$2"; shift 2 ;;
    --no-local-services) local_services=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$name" ] && [ -n "$cert" ] && [ -n "$key" ] || {
  echo "--server-name, --certificate and --certificate-key are required" >&2; exit 2; }
[ -r "$cert" ] && [ -r "$key" ] || { echo "cannot read $cert or $key" >&2; exit 1; }

packages=(python3-venv nginx rsync)
[ "$local_services" -eq 1 ] && packages+=(postgresql redis-server)
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

id borne >/dev/null 2>&1 || useradd --system --home-dir /var/lib/borne --shell /usr/sbin/nologin borne
install -d -o borne -g borne -m 755 /var/lib/borne
install -d -o www-data -g www-data -m 700 /var/cache/nginx/borne-media
install -d -o www-data -g www-data -m 700 /var/cache/nginx/borne-media-public

# The code, its packages exactly as locked (versions and hashes), catalogues compiled by root
# (user "borne" cannot write in /opt/borne).
rsync -a --delete --exclude .venv --exclude .git "$src/" /opt/borne/
[ -x /opt/borne/.venv/bin/python ] || python3 -m venv /opt/borne/.venv
/opt/borne/.venv/bin/pip install -q --require-hashes -r /opt/borne/requirements-server.txt
(cd /opt/borne && .venv/bin/python -c "from backoffice.locale_build import compile_catalogs; compile_catalogs()")
/opt/borne/.venv/bin/python -m compileall -q /opt/borne/backoffice /opt/borne/content >/dev/null

if [ "$local_services" -eq 1 ]; then
  systemctl enable --now postgresql redis-server
  # Peer authentication on the local socket: system user "borne" is database role "borne", no password.
  runuser -u postgres -- psql -qtc "SELECT 1 FROM pg_roles WHERE rolname = 'borne'" | grep -q 1 \
    || runuser -u postgres -- createuser borne
  runuser -u postgres -- psql -qtc "SELECT 1 FROM pg_database WHERE datname = 'borne'" | grep -q 1 \
    || runuser -u postgres -- createdb -O borne -E UTF8 borne
  : "${database_url:=postgresql://borne@/borne?host=/var/run/postgresql}"
  : "${broker_url:=redis://127.0.0.1:6379/0}"
fi
[ -n "$database_url" ] && [ -n "$broker_url" ] || {
  echo "--database-url and --broker-url are required with --no-local-services" >&2; exit 2; }

env_file=/etc/borne/backoffice.env
install -d -m 755 /etc/borne
if [ ! -f "$env_file" ]; then
  umask 027
  cat > "$env_file" <<ENV
# Settings of the Borne back office (read by borne-web, borne-worker, borne-beat). See docs/DEPLOY.md.
BORNE_ENV=production
BORNE_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
BORNE_ALLOWED_HOSTS=$name
BORNE_CSRF_TRUSTED_ORIGINS=https://$name
BORNE_PUBLIC_URL=https://$name
BORNE_SCANS_FROM_NGINX=1
# The town's web site, linked from the public page of a withdrawn entry:
#BORNE_TOWN_URL=https://www.example-town.fr/
DATABASE_URL=$database_url
CELERY_BROKER_URL=$broker_url
# nginx passes the visitor's address in X-Real-IP; gunicorn listens on loopback only.
BORNE_CLIENT_IP_HEADER=HTTP_X_REAL_IP
BORNE_WEB_BIND=127.0.0.1:8010
# Media in an S3-compatible bucket instead of /var/lib/borne/backoffice/media:
#BORNE_S3_BUCKET=
#BORNE_S3_ENDPOINT_URL=
#BORNE_S3_REGION=
#BORNE_S3_ACCESS_KEY=
#BORNE_S3_SECRET_KEY=
# E-mails (password resets, failing imports):
#BORNE_EMAIL_HOST=
#BORNE_EMAIL_FROM=
ENV
  chown root:borne "$env_file"
  umask 022
fi

# Migrations and static files, as user "borne" with the services' settings.
as_borne() {
  runuser -u borne -- bash -c 'set -a; . /etc/borne/backoffice.env; set +a; cd /opt/borne;
    export BORNE_DATA_DIR=/var/lib/borne DJANGO_SETTINGS_MODULE=backoffice.settings PYTHONPATH=/opt/borne; exec "$@"' \
    as_borne "$@"
}
as_borne .venv/bin/python main.py backoffice migrate --no-input -v 0
as_borne .venv/bin/python main.py backoffice collectstatic --no-input -v 0

install -m 644 "$src"/packaging/server/borne-{web,worker,beat}.service /etc/systemd/system/
sed -e "s|@SERVER_NAME@|$name|g" -e "s|@TLS_CERTIFICATE@|$cert|g" -e "s|@TLS_CERTIFICATE_KEY@|$key|g" \
    -e "s|@STATIC_ROOT@|/var/lib/borne/backoffice/static|g" -e "s|@CACHE_DIR@|/var/cache/nginx/borne-media|g" \
    -e "s|@UPSTREAM@|127.0.0.1:8010|g" -e "s|@HTTP_LISTEN@|80|g" -e "s|@HTTPS_LISTEN@|443|g" \
    "$src/packaging/server/borne-nginx.conf.in" > /etc/nginx/sites-available/borne
ln -sf /etc/nginx/sites-available/borne /etc/nginx/sites-enabled/borne
# nginx (www-data) reads the static files: the folders on the way can be crossed (keys and settings are 0600/0640).
chmod 755 /var/lib/borne/backoffice
nginx -t

systemctl daemon-reload
systemctl enable borne-web borne-worker borne-beat
systemctl restart borne-web borne-worker borne-beat
systemctl reload nginx
echo "Borne back office: https://$name/admin/ (first account: sudo -u borne ... main.py backoffice createsuperuser, see docs/DEPLOY.md)"
