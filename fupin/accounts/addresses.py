"""The client's address, as the sign-in lockout and the public forms' limits both see it.

Behind a reverse proxy every request comes from the proxy, so a limit keyed on ``REMOTE_ADDR``
would throttle everyone at once; trusting ``X-Forwarded-For`` from anyone would let a client
pick any address it likes. The header is therefore read only when the peer is one of
``FUPIN_TRUSTED_PROXIES`` (addresses or networks), and the address taken is the right-most one
that is not itself a trusted proxy: the hop that reached our first proxy.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """Return the client's address: ``REMOTE_ADDR``, or the forwarded one from a trusted proxy."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    networks = _networks(tuple(getattr(settings, "FUPIN_TRUSTED_PROXIES", ())))
    if not networks or not _trusted(_parse(remote), networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        address = _parse(hop)
        if address is None:
            # A malformed hop is what an untrusted client wrote: stop at the last good one.
            return remote
        if not _trusted(address, networks):
            return str(address)
        remote = str(address)
    return remote


def source_hash(address: str) -> str:
    """HMAC-SHA256 of the address under the secret key: comparable, not reversible by a reader."""
    key = hashlib.sha256(("fupin-objection-source:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
