"""The address a request comes from, believing X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import cache

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(request: Request) -> str:
    """The peer's address; behind trusted proxies, the last address in X-Forwarded-For that
    is not a trusted proxy itself (anything further left could be forged by the client)."""
    peer = request.client.host if request.client else "unknown"
    proxies: list[str] = request.app.state.resources.settings.trusted_proxies
    networks = trusted_networks(tuple(proxies))
    if not networks or not _is_trusted(peer, networks):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop[:64]
    return hops[0] if hops else peer
