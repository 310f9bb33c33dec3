"""Checking uploaded files before anything is written.

The type is decided by the file's content (magic bytes), never by its name or the client's
Content-Type: a renamed executable is refused. Images are decoded by Pillow and re-encoded
without their metadata (EXIF can hold the reporter's GPS position and camera owner)."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lapor.core.errors import DomainError, InvalidInput, TooLarge, raise_all
from lapor.core.numbers import human_size

# content type -> extensions a file of that type may carry
ALLOWED = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/webp": {".webp"},
    "application/pdf": {".pdf"},
}
_PIL_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs


@dataclass
class CheckedFile:
    name: str
    content_type: str
    content: bytes
    sha256: str

    def as_django_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.name)


def _safe_name(name: str) -> str:
    base = os.path.basename(name or "").strip().replace("\x00", "")
    return base[:150] or "lampiran"


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file and return its (cleaned) content, or raise with a message
    that names the file."""
    name = _safe_name(getattr(upload, "name", ""))
    limit = settings.LAPOR_MAX_ATTACHMENT_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise TooLarge(
            _("“%(name)s” is too large: at most %(size)s per file.") % {"name": name, "size": human_size(limit)},
            field="attachments",
        )
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(
            _("“%(name)s” is too large: at most %(size)s per file.") % {"name": name, "size": human_size(limit)},
            field="attachments",
        )
    if not raw:
        raise InvalidInput(_("“%(name)s” is empty.") % {"name": name}, field="attachments")
    kind = filetype.guess(raw)
    content_type = kind.mime if kind else None
    if content_type not in ALLOWED:
        raise InvalidInput(
            _("“%(name)s” is not an accepted file: only JPEG, PNG or WebP photos and PDF documents.") % {"name": name},
            field="attachments",
        )
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED[content_type]:
        raise InvalidInput(
            _("“%(name)s” does not match its content (the content is %(type)s).") % {"name": name, "type": content_type},
            field="attachments",
        )
    if content_type in _PIL_FORMAT:
        raw = _clean_image(raw, content_type, name)
    elif not raw.startswith(b"%PDF-"):
        raise InvalidInput(_("“%(name)s” is not a valid PDF document.") % {"name": name}, field="attachments")
    return CheckedFile(name=name, content_type=content_type, content=raw, sha256=hashlib.sha256(raw).hexdigest())


def _clean_image(raw: bytes, content_type: str, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            fmt = _PIL_FORMAT[content_type]
            if image.format != fmt:
                raise InvalidInput(_("“%(name)s” is not a valid image.") % {"name": name}, field="attachments")
            # Upright first: the orientation is in the EXIF, which is dropped (ADR 0024).
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            # Pillow copies a JPEG comment and a PNG's ICC profile from `info` unless told
            # otherwise: keep only the transparency the pixels need (ADR 0024).
            image.info = {k: v for k, v in image.info.items() if k == "transparency"}
            image.save(out, format=fmt)  # no exif= argument: metadata is dropped
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidInput(_("“%(name)s” is not a valid image.") % {"name": name}, field="attachments")


def check_uploads(uploads) -> list[CheckedFile]:
    """Every file checked, or the first problem raised carrying all of them (`.all`)."""
    checked, problems = check_uploads_each(uploads)
    if problems:
        raise_all(problems)
    return checked


def check_uploads_each(uploads) -> tuple[list[CheckedFile], list[DomainError]]:
    """The files that pass and a problem for each that does not, so that a form can keep the
    good ones while the reporter fixes the rest. A CheckedFile (checked earlier in this request,
    or kept from an earlier try) is taken as it is. Beyond the limit of files per report, only
    the first ones are checked and the rest are refused together."""
    uploads = list(uploads or [])
    problems: list[DomainError] = []
    limit = settings.LAPOR_MAX_ATTACHMENTS
    if len(uploads) > limit:
        problems.append(InvalidInput(_("At most %(n)d attachments per report.") % {"n": limit}, field="attachments"))
        uploads = uploads[:limit]
    checked = []
    for upload in uploads:
        if isinstance(upload, CheckedFile):
            checked.append(upload)
            continue
        try:
            checked.append(check_upload(upload))
        except DomainError as problem:
            problems.append(problem)
    return checked, problems
