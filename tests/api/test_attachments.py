"""POST /api/v1/reports/with-attachments (multipart): what is accepted and stored, what is
refused by content (never by name), and that a refusal stores nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lapor.reports.models import Attachment, Report

from ..conftest import GOOD_REPORT
from .conftest import MINIMAL_PDF, image_bytes, stored_files

FORM = dict(GOOD_REPORT)


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def error(response) -> tuple:
    body = response.json()
    return response.status_code, body["detail"], body["code"], body["field"]


def test_png_jpeg_and_pdf_are_accepted_and_stored(api, media_root):
    files = [
        upload("foto.png", image_bytes("PNG"), "image/png"),
        upload("kuitansi.JPG", image_bytes("JPEG"), "image/jpeg"),
        upload("surat.pdf", MINIMAL_PDF, "application/pdf"),
    ]
    response = api.multipart(FORM, files)
    assert response.status_code == 201, response.content
    report = Report.objects.get(tracking_number=response.json()["tracking_number"])
    rows = list(Attachment.objects.filter(report=report).order_by("pk"))
    assert [(a.original_name, a.content_type) for a in rows] == [
        ("foto.png", "image/png"),
        ("kuitansi.JPG", "image/jpeg"),
        ("surat.pdf", "application/pdf"),
    ]
    assert all(a.event.seq == 1 for a in rows)
    assert len(stored_files(media_root)) == 3
    assert rows[2].file.read() == MINIMAL_PDF and rows[2].size == len(MINIMAL_PDF)
    with Image.open(rows[0].file.path) as png:
        assert (png.format, png.size) == ("PNG", (8, 8))
    detail = api.get(f"/reports/{report.tracking_number}", secret=response.json()["reporter_secret"]).json()
    assert [(a["name"], a["content_type"], a["event_seq"]) for a in detail["attachments"]] == [
        ("foto.png", "image/png", 1),
        ("kuitansi.JPG", "image/jpeg", 1),
        ("surat.pdf", "application/pdf", 1),
    ]


def test_gps_exif_is_stripped_from_a_stored_jpeg(api):
    exif = Image.Exif()
    exif[0x010F] = "KameraWarga"  # Make
    exif.get_ifd(0x8825).update({1: "S", 2: (7.0, 20.0, 0.0), 3: "E", 4: (112.0, 44.0, 0.0)})  # GPSInfo
    original = image_bytes("JPEG", size=(16, 16), exif=exif.tobytes())
    with Image.open(io.BytesIO(original)) as check:  # the upload does carry the position
        assert check.getexif().get_ifd(0x8825)[1] == "S"
    response = api.multipart(FORM, [upload("lokasi.jpg", original, "image/jpeg")])
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    stored = attachment.file.read()
    assert b"Exif" not in stored and b"KameraWarga" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(0x8825) == {}
    assert attachment.size == len(stored)


def test_oversize_attachment_is_413_and_writes_nothing(api, settings, unchanged):
    settings.LAPOR_MAX_ATTACHMENT_BYTES = 50 * 1024
    big = b"%PDF-1.4\n" + b"0" * (50 * 1024)
    with unchanged():
        response = api.multipart(FORM, [upload("laporan.pdf", big, "application/pdf")])
    status, detail, code, field = error(response)
    assert (status, code, field) == (413, "too_large", "attachments")
    # The limit in the message is rounded down to whole MB ("at most 0 MB" for 50 KB): reported.
    assert detail.startswith("“laporan.pdf” is too large: at most ")


@pytest.mark.parametrize(
    "name, content, detail",
    [
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
         "“photo.jpg” is not an accepted file: only JPEG, PNG or WebP photos and PDF documents."),
        ("scan.pdf", image_bytes("PNG"), "“scan.pdf” does not match its content (the content is image/png)."),
        ("kosong.png", b"", "“kosong.png” is empty."),
        ("catatan.txt", b"Ini hanya catatan teks biasa, bukan foto.\n", "“catatan.txt” is not an accepted file: only JPEG, PNG or WebP photos and PDF documents."),
        ("rusak.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "“rusak.png” is not a valid image."),
    ],
    ids=["renamed-exe", "png-named-pdf", "empty", "text", "broken-png"],
)
def test_refused_file_is_422_and_writes_nothing(api, unchanged, name, content, detail):
    with unchanged():
        response = api.multipart(FORM, [upload("ok.png", image_bytes("PNG"), "image/png"), upload(name, content, "image/jpeg")])
    assert error(response) == (422, detail, "invalid", "attachments")


def test_six_files_are_422_and_write_nothing(api, unchanged):
    files = [upload(f"foto{i}.png", image_bytes("PNG"), "image/png") for i in range(6)]
    with unchanged():
        response = api.multipart(FORM, files)
    assert error(response) == (422, "At most 5 attachments per report.", "invalid", "attachments")


def test_invalid_form_field_with_a_good_file_writes_nothing(api, unchanged):
    with unchanged():
        response = api.multipart({**FORM, "region_code": "99"}, [upload("foto.png", image_bytes("PNG"), "image/png")])
    assert error(response) == (422, "There is no region with the code “99”.", "invalid", "region_code")
