"""Which URLs webhooks may go to: a guard against server-side request forgery (SSRF).

An endpoint URL is http or https, and every address its host resolves to must be a public one:
loopback, private (RFC 1918, carrier-grade NAT, IPv6 unique-local), link-local (which includes the
cloud metadata service at 169.254.169.254), multicast, reserved and unspecified addresses are
refused. IPv4 addresses hidden in IPv6 ones (IPv4-mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``,
6to4) are judged as the IPv4 address they reach. ``allow_loopback`` and ``allow_private`` relax the
first two (the native demo stack's receivers run on 127.0.0.1); nothing relaxes the others.

The check runs when an endpoint is added and again before every delivery, on a fresh resolution: a
host name that resolved to a public address yesterday may point at 127.0.0.1 today (DNS rebinding).
The delivery then connects to the address that was checked (see ``sending``), not to a second lookup.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["Resolver", "Target", "TargetPolicy", "TargetRefusedError", "address_problem", "system_resolver"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: host name and port → the addresses to try (as strings), in order
Resolver = Callable[[str, int], Sequence[str]]

_PRIVATE = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefusedError(ValueError):
    """An endpoint URL is unusable or points where webhooks may not go; the message says why."""


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's answer for ``host`` (every address family), without duplicates."""
    try:
        answers = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefusedError(f"cannot resolve the host {host!r}: {error}") from error
    addresses: list[str] = []
    for *_, sockaddr in answers:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_problem(address: IPAddress, *, allow_private: bool = False, allow_loopback: bool = False) -> str | None:
    """Why webhooks may not go to ``address`` (None: they may)."""
    reached = _embedded_ipv4(address)
    shown = str(address) if reached == address else f"{address} (that is {reached})"
    if reached.is_unspecified:
        return f"{shown} is the unspecified address"
    if reached.is_loopback:
        return None if allow_loopback else f"{shown} is a loopback address (allow_loopback permits it)"
    if reached.is_link_local:
        return f"{shown} is a link-local address (cloud metadata services live there)"
    if reached.is_multicast:
        return f"{shown} is a multicast address"
    if any(reached in network for network in _PRIVATE if network.version == reached.version):
        return None if allow_private else f"{shown} is a private address (allow_private permits it)"
    if not reached.is_global:
        return f"{shown} is a reserved address, not a public one"
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """An endpoint URL that passed the check, and the addresses that passed with it."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class TargetPolicy:
    """Where webhooks may go; ``resolver`` is injectable (tests map names to chosen addresses)."""

    allow_private: bool = False
    allow_loopback: bool = False
    resolver: Resolver = field(default=system_resolver, compare=False)

    def check(self, url: str) -> Target:
        """``url`` as a :class:`Target` whose every address is allowed, or :class:`TargetRefusedError`."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as error:
            raise TargetRefusedError(f"{url!r} is not a usable URL: {error}") from error
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise TargetRefusedError(f"{url!r}: webhooks go to http or https URLs only, not {scheme or 'no scheme'!r}")
        host = parts.hostname
        if not host:
            raise TargetRefusedError(f"{url!r} has no host")
        if parts.username is not None or parts.password is not None:
            raise TargetRefusedError(f"{url!r}: credentials in the URL are not supported (they would be logged)")
        port = port if port is not None else _DEFAULT_PORTS[scheme]
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            candidates: Sequence[str] = [str(literal)]
        else:
            candidates = self.resolver(host, port)
            if not candidates:
                raise TargetRefusedError(f"{url!r}: the host {host!r} resolves to no address")
        problems = []
        for candidate in candidates:
            problem = address_problem(
                ipaddress.ip_address(candidate), allow_private=self.allow_private, allow_loopback=self.allow_loopback
            )
            if problem is not None:
                problems.append(problem)
        if problems:
            via = "" if literal is not None else f" (the host {host!r} resolves to {', '.join(candidates)})"
            raise TargetRefusedError(f"{url!r} is refused{via}: {'; '.join(problems)}")
        return Target(url.strip(), scheme, host, port, tuple(candidates))
