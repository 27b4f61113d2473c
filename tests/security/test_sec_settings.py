"""Safe defaults: a back office started without BORNE_ENV never shows Django's debug pages and never
signs with a key anyone can read; every page carries a Content-Security-Policy. Settings are read
once per process, so each case runs the real CLI in its own process."""

from __future__ import annotations

import json
import re
import stat

import pytest
from bo_helpers import clean_env, run_cli

OLD_PUBLIC_KEY = "django-insecure-borne-development-only-key-0123456789"
PROBE = (
    "import json; from django.conf import settings; from django.test import Client; "
    "r = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0].strip('[]')).get('/no-such-page/'); "
    "print(json.dumps({'debug': settings.DEBUG, 'key': settings.SECRET_KEY, 'status': r.status_code, "
    "'debug_page': b'URLconf' in r.content or b'Traceback' in r.content}))"
)


def probe(data_dir, **env) -> dict:
    proc = run_cli(data_dir, "shell", "-c", PROBE, **env)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"BORNE_ALLOWED_HOSTS": "bo.mairie-exemple.fr"},
        {"BORNE_ALLOWED_HOSTS": "bo.mairie-exemple.fr", "BORNE_DEBUG": "1"},
        {"BORNE_ENV": "development", "BORNE_ALLOWED_HOSTS": "bo.mairie-exemple.fr"},
        {"BORNE_ENV": "development", "BORNE_ALLOWED_HOSTS": "127.0.0.1,bo.mairie-exemple.fr"},
    ],
)
def test_no_debug_page_and_no_public_key_unless_asked_for_on_this_machine(tmp_path, env):
    result = probe(tmp_path, **env)
    assert result["debug"] is False and result["debug_page"] is False and result["status"] == 404
    assert result["key"] != OLD_PUBLIC_KEY and len(result["key"]) >= 50


def test_the_key_is_the_data_folder_own_kept_across_restarts_and_private(tmp_path):
    first, again = probe(tmp_path / "a"), probe(tmp_path / "a")
    other = probe(tmp_path / "b")
    assert first["key"] == again["key"] != other["key"]
    mode = stat.S_IMODE((tmp_path / "a" / "backoffice" / "secret.key").stat().st_mode)
    assert mode & 0o077 == 0


def test_development_on_this_machine_still_gets_debug_pages(tmp_path):
    assert probe(tmp_path, BORNE_ENV="development")["debug"] is True


def test_an_unknown_environment_name_is_refused(tmp_path):
    proc = run_cli(tmp_path, "check", BORNE_ENV="prod")
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode != 0 and "BORNE_ENV" in out


def test_clean_env_really_drops_the_callers_settings():
    assert not any(k.startswith("BORNE_") for k in clean_env())


@pytest.mark.parametrize("url", ["/admin/login/", "/portal/login/", "/opendata/", "/api/kiosk/v1/changes"])
def test_every_page_carries_a_content_security_policy(client, db, url):
    first = client.get(url)
    second = client.get(url)
    policy = first.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert nonce not in second.headers["Content-Security-Policy"]  # a new nonce each time


def _staff_pages() -> list[str]:
    from django.contrib import admin
    from django.urls import reverse

    urls = ["/admin/", "/dashboard/", "/dashboard/rapport/", "/opendata/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return urls


def _check_scripts(response, url) -> None:
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag or 'type="application/json"' in tag, (url, tag)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), url
    assert "javascript:" not in html.lower(), url


def test_no_inline_script_or_handler_runs_without_the_nonce_staff(client, db, staff, commune):
    """Every <script> of every staff page is a file or carries the page's nonce; no onclick= and the like."""
    from backoffice.portal.models import Invitation

    client.force_login(staff("administrator"))
    invitation = Invitation.objects.create(commune=commune, shop_name="Boulangerie")
    for url in [*_staff_pages(), f"/portal/invitations/{invitation.pk}/print/"]:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403), url  # 403: an add page that only a job may use
        _check_scripts(response, url)


def test_no_inline_script_or_handler_runs_without_the_nonce_portal(client, db, commune):
    from django.contrib.auth.models import User

    for url in ["/portal/login/", "/portal/join/", "/portal/password/forgotten/"]:
        _check_scripts(client.get(url), url)
    shopkeeper = User.objects.create_user("boulanger", "b@example.org", "s3cret-pass!")
    client.force_login(shopkeeper)
    session = client.session
    session["commune"] = commune.pk
    session.save()
    for url in ["/portal/", "/portal/listings/new/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        _check_scripts(response, url)
