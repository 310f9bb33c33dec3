"""Known authenticator keys for the demo officials.

Two-factor sign-in is mandatory for officials, so the demo gives each demo official a confirmed
TOTP device whose key is derived from the username by a published rule (like the published demo
password): anyone can compute the codes, which is the point of a demo and why these accounts must
never exist in production. Only `load_demo` (which refuses to run outside demo mode) creates them,
and `manage.py demo_totp` prints a code only for a device whose key follows this rule, so it
cannot reveal a code for a real account even if demo mode were switched on by mistake."""

from __future__ import annotations

import hashlib
import time
from base64 import b32encode

from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Demo authenticator"


def demo_key(username: str) -> str:
    """The device key (hex, 20 bytes as TOTPDevice stores it) of a demo account."""
    return hashlib.sha256(f"lapor-demo-totp:{username}".encode()).digest()[:20].hex()


def demo_key_base32(username: str) -> str:
    return b32encode(bytes.fromhex(demo_key(username))).decode().rstrip("=")


def is_demo_device(device: TOTPDevice) -> bool:
    return device.key == demo_key(device.user.get_username())


def ensure_demo_devices(users) -> int:
    """A confirmed device with the demo key for each of `users` that has no authenticator yet
    (idempotent; a device someone enrolled through the pages is left alone)."""
    have = set(TOTPDevice.objects.filter(user__in=[u.pk for u in users]).values_list("user_id", flat=True))
    new = [TOTPDevice(user=u, name=DEVICE_NAME, key=demo_key(u.username), confirmed=True) for u in users if u.pk not in have]
    TOTPDevice.objects.bulk_create(new, batch_size=500)
    return len(new)


def next_code(device: TOTPDevice, now: float | None = None) -> tuple[str, int]:
    """The code the server accepts next, and about how many seconds it stays valid. Each code is
    accepted once, so right after a sign-in this is the next time step's code (the server allows
    one step of clock difference)."""
    now = time.time() if now is None else now
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    t = max(totp.t(), device.last_t + 1)
    # Valid until the server's clock passes t + tolerance.
    valid_until = device.t0 + (t - device.drift + device.tolerance + 1) * device.step
    return f"{hotp(device.bin_key, t, device.digits):0{device.digits}d}", max(0, int(valid_until - now))
