"""Settings for the test suite: the real settings, with a test key and a throw-away media folder."""

import os
import tempfile

os.environ.setdefault("LAPOR_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("LAPOR_MEDIA_ROOT", tempfile.mkdtemp(prefix="lapor-media-"))
os.environ.setdefault("LAPOR_ANON_SUBMISSIONS_PER_MINUTE", "0")
os.environ.setdefault("LAPOR_STATIC_ROOT", tempfile.mkdtemp(prefix="lapor-static-"))

from .settings import *  # noqa: E402,F403

# Fast hashing in tests only; production uses Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
