"""A fixed-window rate limit kept in the cache (Redis in production, local memory otherwise),
and the client address it (and the sign-in lockout) counts."""

import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache


def hit(bucket: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit; False when the limit for the current window is exceeded. limit <= 0
    disables the check."""
    if limit <= 0:
        return True
    window = int(time.time() // window_seconds)
    key = f"rl:{bucket}:{window}"
    if cache.add(key, 1, timeout=window_seconds + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _trusted_networks(tuple(settings.LAPOR_TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The address of the client as far as we can trust it, or None when there is none (a
    request made inside the process, e.g. by a test client's force_login).

    REMOTE_ADDR is the peer of this process. Only when that peer is one of our own reverse
    proxies (LAPOR_TRUSTED_PROXIES) do we read X-Forwarded-For, from the right, skipping our
    proxies: the first address not ours is the client. Anything to the left of it was written by
    the client and could be forged to dodge a rate limit or to lock someone else out."""
    peer = _valid(request.META.get("REMOTE_ADDR", ""))
    if peer is None or not settings.LAPOR_TRUSTED_PROXIES or not _is_trusted(peer):
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            # A malformed hop: count the proxy rather than trust garbage.
            return _valid(hop) or peer
    return _valid(hops[0]) if hops else peer


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client address as a rate-limit bucket name."""
    return client_ip(request) or "unknown"
