"""Fixtures for the HTTP tests (API and pages): an isolated MEDIA_ROOT, an empty cache, a small
JSON client for /api/v1, and `unchanged`, which proves that a rejected request wrote nothing."""

from __future__ import annotations

import io
import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from lapor.accounts.models import ApiToken
from lapor.reports.models import Attachment, IdempotencyRecord, Report, ReportEvent

from ..conftest import GOOD_REPORT


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings) -> Path:
    """Each test stores files in its own folder, so 'no new files' can be checked exactly."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: no test sees another's hits."""
    cache.clear()
    yield
    cache.clear()


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def db_counts() -> dict[str, int]:
    return {
        "reports": Report.objects.count(),
        "events": ReportEvent.objects.count(),
        "attachments": Attachment.objects.count(),
        "idempotency": IdempotencyRecord.objects.count(),
    }


@pytest.fixture
def unchanged(media_root):
    """`with unchanged(): ...` fails unless the block left every table and MEDIA_ROOT as it was.
    Report versions are compared too, so an action that half-applied is caught."""

    @contextmanager
    def _check():
        before = (db_counts(), stored_files(media_root), dict(Report.objects.values_list("tracking_number", "version")))
        yield
        after = (db_counts(), stored_files(media_root), dict(Report.objects.values_list("tracking_number", "version")))
        assert after == before

    return _check


class ApiClient:
    """JSON calls to /api/v1 with an optional bearer token or reporter secret."""

    def __init__(self):
        self.http = Client()
        self.tokens: dict[int, str] = {}

    def headers(self, user=None, secret=None, **extra) -> dict:
        # Messages are asserted in English; the site's default language is Indonesian.
        headers = {"Accept-Language": "en", **extra}
        if user is not None:
            if user.pk not in self.tokens:
                self.tokens[user.pk] = ApiToken.issue(user=user, name="tests")[1]
            headers["Authorization"] = f"Bearer {self.tokens[user.pk]}"
        if secret is not None:
            headers["X-Reporter-Secret"] = secret
        return headers

    def get(self, path, *, user=None, secret=None, **extra):
        return self.http.get("/api/v1" + path, headers=self.headers(user, secret, **extra))

    def post(self, path, body=None, *, user=None, secret=None, raw: str | None = None, **extra):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.http.post("/api/v1" + path, data=data, content_type="application/json", headers=self.headers(user, secret, **extra))

    def multipart(self, data: dict, files: list, *, user=None, **extra):
        return self.http.post("/api/v1/reports/with-attachments", data={**data, "attachments": files}, headers=self.headers(user, **extra))

    def submit(self, user=None, **overrides) -> tuple[str, str | None]:
        """Submit a good report; return (tracking number, reporter secret)."""
        response = self.post("/reports", {**GOOD_REPORT, **overrides}, user=user)
        assert response.status_code == 201, response.content
        body = response.json()
        return body["tracking_number"], body["reporter_secret"]

    def act(self, tracking_number, path, body=None, *, user=None, secret=None, status=200):
        response = self.post(f"/reports/{tracking_number}/{path}", body or {}, user=user, secret=secret)
        assert response.status_code == status, response.content
        return response.json()


@pytest.fixture
def api(world) -> ApiClient:
    return ApiClient()


def image_bytes(fmt: str = "PNG", size=(8, 8), **save_args) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save_args)
    return out.getvalue()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
