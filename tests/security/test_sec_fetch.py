"""The outbound fetcher against a hostile server: internal addresses (directly, by name, by
redirect, by a DNS answer that changes), bodies that inflate, servers that drip, credentials that
would follow a redirect. Every request Borne makes goes through it (importers, images, kiosk sync)."""

from __future__ import annotations

import ipaddress
import socket
import threading

import pytest
from hostile import Hostile, deflate_bomb, gzip_bomb

from outbound import AddressPolicy, Fetcher, FetchError, is_public

LOOPBACK = AddressPolicy(allow=("127.0.0.1",))


@pytest.fixture(scope="module")
def bombs():
    return {"gzip": gzip_bomb(), "deflate": deflate_bomb()}


@pytest.fixture
def hostile():
    with Hostile() as server:
        yield server


@pytest.fixture
def inside():
    """A second server on another loopback address: "the town's network" that must stay unreachable."""
    with Hostile("127.0.0.2") as server:
        server.route("/secret", b"internal secret")
        yield server


def fetcher(policy=LOOPBACK, **kw) -> Fetcher:
    return Fetcher(user_agent="test", policy=policy, **kw)


# --- which addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
        "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
        "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:c0a8:101::1",
    ],
)  # fmt: skip
def test_internal_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2a00:1450:4007:80e::200e", "1.1.1.1"])
def test_public_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/secret",
        "http://localhost:{port}/secret",
        "http://2130706433:{port}/secret",  # 127.0.0.1 written as one number
        "http://0x7f.1:{port}/secret",
        "http://0177.0.0.1:{port}/secret",
        "http://127.1:{port}/secret",
        "http://[::ffff:127.0.0.1]:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/secret",
        "http://LOCALHOST.:{port}/secret",
    ],
)
def test_internal_urls_are_refused_before_any_connection(url, hostile):
    hostile.route("/secret", b"internal")
    with pytest.raises(FetchError) as err, fetcher(policy=AddressPolicy()) as f:
        f.get_bytes(url.format(port=hostile.server_address[1]))
    assert err.value.kind == "refused"
    assert hostile.hits == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1:25/", "//x", ""])
def test_other_schemes_are_refused(url):
    with pytest.raises(FetchError) as err, fetcher(policy=AddressPolicy()) as f:
        f.get_bytes(url)
    assert err.value.kind == "refused"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_an_internal_address_is_refused(hostile, inside, status):
    url = hostile.route("/img.jpg", None, status, Location=inside.url + "/secret")
    with pytest.raises(FetchError) as err, fetcher() as f:
        f.get_bytes(url)
    assert err.value.kind == "refused"
    assert inside.hits == []


def test_a_dns_answer_that_changes_after_the_check_is_caught_on_the_connection(hostile):
    """The name resolves to a public address when checked, then to 127.0.0.1 when connecting."""
    hostile.route("/secret", b"internal")

    class Rebinding(AddressPolicy):
        def check_url(self, url, *, resolve=None):
            return super().check_url(url, resolve=lambda *a, **k: [(socket.AF_INET, 1, 6, "", ("93.184.216.34", 80))])

    with pytest.raises(FetchError) as err, fetcher(policy=Rebinding()) as f:
        f.get_bytes(f"http://localhost:{hostile.server_address[1]}/secret")
    assert err.value.kind == "refused"
    assert hostile.hits == []


def test_allowed_internal_hosts_are_reached(hostile, inside):
    policy = AddressPolicy.from_setting(f"127.0.0.1, {inside.server_address[0]}")
    url = hostile.route("/go", None, 302, Location=inside.url + "/secret")
    with fetcher(policy=policy) as f:
        assert f.get_bytes(url) == b"internal secret"


def test_an_allowed_network_does_not_allow_other_networks(hostile):
    hostile.route("/x", b"x")
    with pytest.raises(FetchError), fetcher(policy=AddressPolicy.from_setting("10.0.0.0/8")) as f:
        f.get_bytes(hostile.url + "/x")


def test_too_many_redirects_end(hostile):
    url = hostile.route("/loop", None, 302, Location="/loop")
    with pytest.raises(FetchError) as err, fetcher() as f:
        f.get_bytes(url)
    assert "redirects" in str(err.value)


def test_the_token_does_not_follow_a_redirect_to_another_host(hostile, inside):
    url = hostile.route("/changes", None, 302, Location=inside.url + "/secret")
    with fetcher(policy=None, headers={"Authorization": "Bearer kiosk-secret"}) as f:
        f.get_bytes(url)
    assert hostile.hits[0][1].get("Authorization") == "Bearer kiosk-secret"
    assert "Authorization" not in inside.hits[0][1]


# --- how much ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_bomb_stops_at_the_cap_after_decompression(hostile, bombs, encoding):
    url = hostile.route("/feed", bombs[encoding], 200, Content_Encoding=encoding, Content_Type="application/json")
    with pytest.raises(FetchError) as err, fetcher(max_bytes=5 * 1024**2) as f:
        f.get_bytes(url)
    assert err.value.kind == "too-large"
    assert "after decompression" in str(err.value)


def test_the_cap_holds_for_the_kiosk_trusted_server_too(hostile, bombs):
    url = hostile.route("/changes", bombs["gzip"], 200, Content_Encoding="gzip")
    with pytest.raises(FetchError) as err, fetcher(policy=None, max_bytes=1024**2) as f:
        f.get_bytes(url)
    assert err.value.kind == "too-large"


@pytest.mark.parametrize("encoding", ["gzip, gzip", "br", "compress", "zstd"])
def test_unrequested_or_stacked_encodings_are_refused(hostile, encoding):
    url = hostile.route("/x", b"abc", 200, Content_Encoding=encoding)
    with pytest.raises(FetchError) as err, fetcher() as f:
        f.get_bytes(url)
    assert err.value.kind == "invalid"


def test_a_body_over_the_cap_without_compression_is_refused(hostile):
    url = hostile.route("/big", b"x" * 300_000)
    with pytest.raises(FetchError) as err, fetcher(max_bytes=100_000) as f:
        f.get_bytes(url)
    assert err.value.kind == "too-large"


def test_a_small_gzip_body_is_inflated(hostile):
    import gzip

    url = hostile.route("/ok", gzip.compress(b'{"a": 1}'), 200, Content_Encoding="gzip")
    with fetcher() as f:
        assert f.get_json(url) == {"a": 1}


def test_a_truncated_gzip_body_is_an_error(hostile):
    import gzip

    url = hostile.route("/cut", gzip.compress(b"x" * 10000)[:-20], 200, Content_Encoding="gzip")
    with pytest.raises(FetchError), fetcher() as f:
        f.get_bytes(url)


# --- how long ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_dripping_server_is_abandoned_at_the_deadline(hostile, path):
    """One byte at a time keeps every read under its timeout: only a total deadline ends it."""
    result = {}

    def run():
        with fetcher(deadline=2, timeout=(2, 30)) as f:
            try:
                f.get_bytes(hostile.url + path)
            except FetchError as exc:
                result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a guard for the test itself, far above the deadline
    assert not worker.is_alive(), "the fetch was still running long after its deadline"
    assert result["error"].kind in ("deadline", "timeout")


# --- JSON -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"a": NaN}', b"[Infinity]", b"-Infinity", b"\xff"])
def test_json_that_python_would_choke_on_is_an_invalid_answer(hostile, body):
    url = hostile.route("/j", body)
    with pytest.raises(FetchError) as err, fetcher() as f:
        f.get_json(url)
    assert err.value.kind == "invalid"
