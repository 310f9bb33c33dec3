"""A fixed-window rate limit kept in the cache (Redis in production, local memory otherwise)."""

import time

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


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")
