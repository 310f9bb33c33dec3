"""Small previews of photo attachments (ADR 0024), made server-side with Pillow.

A thumbnail fits in MAX_SIDE x MAX_SIDE pixels (never enlarged), is encoded as WebP with no
metadata at all (no EXIF, XMP, ICC profile or comment: stored photos were already re-encoded
without EXIF on upload, ADR 0007, and a thumbnail carries nothing of the original's either) and
is kept in the default storage under `thumbnails/`, named after the photo's SHA-256, so it is
made once. Nothing serves `thumbnails/` directly: the permission-checked views read it.

Its size is computed from the photo's header (no decoding) by the same function that makes
it, so pages can give every <img> its width and height before the thumbnail exists."""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from .attachments import ALLOWED
from .models import Attachment

MAX_SIDE = 320
CONTENT_TYPE = "image/webp"
IMAGE_TYPES = frozenset(t for t in ALLOWED if t.startswith("image/"))  # the photo types uploads accept
logger = logging.getLogger(__name__)


def is_image(attachment: Attachment) -> bool:
    return attachment.content_type in IMAGE_TYPES


def fit(width: int, height: int, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """The thumbnail's size for a photo of width x height: within max_side, aspect kept, never larger."""
    scale = min(1.0, max_side / width, max_side / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def thumbnail_size(attachment: Attachment) -> tuple[int, int] | None:
    """(width, height) of the attachment's thumbnail, from the photo's header; None when it is
    not a photo or cannot be read (the page then links to the file by name)."""
    if not is_image(attachment):
        return None
    try:
        with attachment.file.open("rb") as f, Image.open(f) as image:
            return fit(*image.size)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        # The id only: never the file's name, which may carry personal data.
        logger.warning("attachment %s: photo header unreadable", attachment.pk)
        return None


def _name(attachment: Attachment) -> str:
    return f"thumbnails/{attachment.sha256[:2]}/{attachment.sha256}-{MAX_SIDE}.webp"


def _render(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as f, Image.open(f) as image:
        size = fit(*image.size)
        image.draft("RGB", size)  # JPEG: decode at a reduced scale, much faster for large photos
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
        small = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    small.info = {}  # nothing of the original travels (Pillow reads some defaults from info)
    out = io.BytesIO()
    small.save(out, format="WEBP", quality=80, method=4)  # no exif=, xmp=, icc_profile=: none written
    return out.getvalue()


def thumbnail_bytes(attachment: Attachment) -> bytes | None:
    """The thumbnail, made on first use and then read from storage; None when the attachment is
    not a photo or cannot be decoded."""
    if not is_image(attachment):
        return None
    name = _name(attachment)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as f:
            return f.read()
    try:
        data = _render(attachment)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        logger.warning("attachment %s: no thumbnail, the photo cannot be decoded", attachment.pk)
        return None
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # made at the same moment by another request: keep one copy
        default_storage.delete(saved)
    return data
