"""Refuse oversized requests before reading them."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """413 when the declared body exceeds LAPOR_MAX_REQUEST_BYTES, so that an upload far over
    the limits is not streamed to disk first. (Per-file limits are checked in attachments.py.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.LAPOR_MAX_REQUEST_BYTES:
            message = _("The request is too large.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "too_large", "field": None}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response. Everything the pages
    load comes from this server (no CDN), so the policy can be strict: no inline scripts or
    styles, no framing, forms post only here. The Django admin keeps inline styles."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    PERMISSIONS = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.ADMIN_POLICY if request.path.startswith("/admin/") else self.POLICY
        if settings.LAPOR_MAP_TILE_ORIGIN:
            # Map tiles are images from the operator's own tile server (never a default public one).
            policy = policy.replace("img-src 'self' data: blob:", f"img-src 'self' data: blob: {settings.LAPOR_MAP_TILE_ORIGIN}")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS)
        return response
