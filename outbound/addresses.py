"""Which addresses an outbound request may reach, when the address came from outside.

A URL written inside an imported feed, or typed by staff as a source, could name the server itself
(``127.0.0.1``), the town's network (``10.0.0.0/8``) or a cloud's metadata service
(``169.254.169.254``). :class:`AddressPolicy` refuses every address that is not on the public
Internet, checked on the addresses the name resolves to (so ``2130706433``, ``0x7f.1`` or a DNS name
pointing home fail too) and again on the address a connection really reached (so a DNS answer that
changes between the check and the connection fails as well). Hosts and networks that staff trust
(an intranet server, a test server) are allowed by name in ``allow``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, IPv4-compatible).
_EMBEDDING_V4 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::/96"))


class AddressRefused(ValueError):
    """The URL's scheme, host or address is not one this request may reach; the message says which."""


def _embedded_v4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    for net in _EMBEDDING_V4:
        if ip in net and int(ip) > 1:  # "::" and "::1" are themselves, not IPv4
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """True for an address on the public Internet (not loopback, private, link-local, shared,
    multicast, reserved or unspecified, including an IPv4 address wrapped in IPv6)."""
    inner = _embedded_v4(ip)
    if inner is not None and not is_public(inner):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback)


@dataclass(frozen=True)
class AddressPolicy:
    """``check_url(url)`` before a request, ``check_peer(ip, host)`` on the connection it made.

    ``allow``: host names (exact, case-insensitive), addresses or networks (CIDR) that may be reached
    although they are not public, e.g. ``("intranet.mairie.local", "10.20.0.0/16")``.
    """

    allow: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ("http", "https")
    _hosts: frozenset[str] = field(init=False, repr=False)
    _networks: tuple[IPNetwork, ...] = field(init=False, repr=False)

    def __post_init__(self):
        hosts, networks = set(), []
        for item in self.allow:
            item = item.strip()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            except ValueError:
                hosts.add(item.lower().rstrip("."))
        object.__setattr__(self, "_hosts", frozenset(hosts))
        object.__setattr__(self, "_networks", tuple(networks))

    @classmethod
    def from_setting(cls, value: str | Iterable[str] | None) -> AddressPolicy:
        """From a comma-separated setting (``BORNE_FETCH_ALLOW``) or a list."""
        if not value:
            return cls()
        items = value.split(",") if isinstance(value, str) else list(value)
        return cls(allow=tuple(i.strip() for i in items if i.strip()))

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self._hosts

    def address_allowed(self, ip: IPAddress) -> bool:
        return is_public(ip) or any(ip.version == net.version and ip in net for net in self._networks)

    def check_url(self, url: str, *, resolve=socket.getaddrinfo) -> None:
        """Raise AddressRefused unless ``url`` is http(s) and its host resolves only to allowed addresses."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise AddressRefused(f"{url!r} is not a valid address ({exc})") from None
        if parts.scheme.lower() not in self.schemes:
            raise AddressRefused(f"{url!r}: only {', '.join(self.schemes)} addresses are fetched")
        host = parts.hostname
        if not host:
            raise AddressRefused(f"{url!r} names no host")
        if self.host_allowed(host):
            return
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [literal]
        else:
            try:
                infos = resolve(host, port or 443, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise AddressRefused(f"{url!r}: the name {host!r} cannot be resolved ({exc})") from None
            addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
        for ip in addresses:
            if not self.address_allowed(ip):
                raise AddressRefused(
                    f"{url!r}: {host} is {ip}, an internal address (not on the public Internet); "
                    "only the addresses listed in BORNE_FETCH_ALLOW may be internal"
                )

    def check_peer(self, address: str, host: str) -> None:
        """Raise AddressRefused if the connection to ``host`` reached a refused ``address``."""
        if self.host_allowed(host):
            return
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not self.address_allowed(ip):
            raise AddressRefused(f"{host}: the connection reached {ip}, an internal address: refused")
