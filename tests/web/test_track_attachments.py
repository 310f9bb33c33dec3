"""Attachments for citizens (ADR 0024): the track page shows each file next to the event that
carried it, to whoever may open it; the file and thumbnail views decide through one rule;
thumbnails are small and carry no metadata; the feed shows at most one public photo."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from lapor.accounts.actors import Actor
from lapor.reports.models import Attachment
from lapor.reports.services import report_act
from lapor.reports.thumbnails import MAX_SIDE
from tests.conftest import sign_in

from ..api.conftest import MINIMAL_PDF, stored_files


def photo(name: str, size=(640, 480), fmt: str = "PNG", **save_args) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format=fmt, **save_args)
    return SimpleUploadedFile(name, out.getvalue())


def public_client() -> Client:
    return Client(headers={"Accept-Language": "en"})


def followed_up(world, report, *files):
    """Disposed to the city, forwarded to its education office, followed up with `files`."""
    n = report.tracking_number
    report_act(tracking_number=n, action="dispose", actor=Actor.for_user(world.national_admin), payload={"agency": "kota-35-78"})
    report_act(tracking_number=n, action="forward", actor=Actor.for_user(world.city_admin), payload={"unit": "kota-35-78-disdik"})
    report_act(tracking_number=n, action="follow_up", actor=Actor.for_user(world.education_officer),
               payload={"note": "Sudah diperbaiki, foto terlampir."}, files=list(files))
    return Attachment.objects.filter(report=report, event__action="follow_up").get()


def reporters_file(report, name: str) -> Attachment:
    return Attachment.objects.get(report=report, original_name=name)


def file_url(report, attachment) -> str:
    return f"/lacak/{report.tracking_number}/lampiran/{attachment.pk}/"


def thumb_url(report, attachment) -> str:
    return file_url(report, attachment) + "gambar-kecil/"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_guest_reporter_sees_the_thumbnail_of_their_own_photo(world, submit, browser):
    report, secret = submit(files=[photo("jalan-rusak.png", size=(1200, 800))])  # waits for the desk: not public
    attachment = reporters_file(report, "jalan-rusak.png")
    assert public_client().get(thumb_url(report, attachment)).status_code == 404
    browser.enter_code(report.tracking_number, secret)
    html = browser.html
    img = re.search(r'<a href="([^"]+)"><img src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)" loading="lazy"></a>', html)
    assert img, "no thumbnail on the reporter's track page"
    assert img.groups() == (file_url(report, attachment), thumb_url(report, attachment),
                            "Photo 1 of 1 from the reporter (opens the full photo)", str(MAX_SIDE), "213")
    response = browser.http.get(thumb_url(report, attachment))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    with Image.open(io.BytesIO(body(response))) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("WEBP", (MAX_SIDE, 213))
    full = browser.http.get(file_url(report, attachment))
    assert full.status_code == 200 and full["Content-Disposition"] == 'inline; filename="jalan-rusak.png"'


def test_signed_in_reporter_sees_their_photo_and_document(world, submit):
    files = [photo("foto.png"), SimpleUploadedFile("kuitansi.pdf", MINIMAL_PDF)]
    report, _ = submit(world.citizen, is_confidential=True, files=files)
    client = public_client()
    sign_in(client, world.citizen)
    html = client.get(f"/lacak/{report.tracking_number}/").content.decode()
    pdf = reporters_file(report, "kuitansi.pdf")
    assert f'<a href="{file_url(report, pdf)}">kuitansi.pdf</a> ({len(MINIMAL_PDF)}\xa0bytes)' in html
    assert thumb_url(report, reporters_file(report, "foto.png")) in html
    assert client.get(thumb_url(report, pdf)).status_code == 404  # a document has no thumbnail
    assert body(client.get(file_url(report, pdf))) == MINIMAL_PDF


def test_public_sees_the_follow_up_photo_of_a_public_report_but_not_an_anonymous_reporters_photo(world, submit):
    report, _ = submit(is_anonymous=True, contact_name="Siti Aminah", files=[photo("rumah-saya.png")])
    official = followed_up(world, report, photo("perbaikan.png", size=(300, 900)))
    own = reporters_file(report, "rumah-saya.png")
    client = public_client()
    html = client.get(f"/lacak/{report.tracking_number}/").content.decode()
    assert thumb_url(report, official) in html and file_url(report, own) not in html
    alt = "Photo 1 of 1 from Dinas Pendidikan Kota Surabaya (opens the full photo)"
    assert f'alt="{alt}" width="107" height="320" loading="lazy"' in html
    response = client.get(thumb_url(report, official))
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert client.get(file_url(report, official)).status_code == 200
    for url in (thumb_url(report, own), file_url(report, own)):
        assert client.get(url).status_code == 404
        outsider = public_client()
        sign_in(outsider, world.outsider)
        assert outsider.get(url).status_code == 404
    # The officials handling the report open every file, as on their own pages.
    city = public_client()
    sign_in(city, world.city_admin)
    assert city.get(thumb_url(report, own)).status_code == 200
    # The feed shows the follow-up photo, the one everyone may see.
    feed = client.get("/laporan/").content.decode()
    assert thumb_url(report, official) in feed
    assert f"Photo of report {report.formatted_tracking_number} from Dinas Pendidikan" in feed


def test_public_sees_a_named_reporters_photo_on_a_public_report_but_never_their_documents(world, submit):
    report, _ = submit(target_agency_code="kota-35-78", files=[photo("lubang.png"), SimpleUploadedFile("ktp.pdf", MINIMAL_PDF)])
    client = public_client()
    html = client.get(f"/lacak/{report.tracking_number}/").content.decode()
    assert thumb_url(report, reporters_file(report, "lubang.png")) in html and "ktp.pdf" not in html
    assert client.get(thumb_url(report, reporters_file(report, "lubang.png"))).status_code == 200
    assert client.get(file_url(report, reporters_file(report, "ktp.pdf"))).status_code == 404
    assert thumb_url(report, reporters_file(report, "lubang.png")) in client.get("/laporan/").content.decode()


def test_public_gets_404_for_every_file_of_a_confidential_report(world, submit):
    report, _ = submit(is_confidential=True, files=[photo("bukti.png")])
    official = followed_up(world, report, photo("hasil.png"))
    client = public_client()
    html = client.get(f"/lacak/{report.tracking_number}/").content.decode()
    assert "gambar-kecil" not in html and "/lampiran/" not in html
    for attachment in (official, reporters_file(report, "bukti.png")):
        assert client.get(thumb_url(report, attachment)).status_code == 404
        assert client.get(file_url(report, attachment)).status_code == 404
    assert "hasil.png" not in client.get("/laporan/").content.decode()


def test_thumbnail_and_photo_carry_no_exif_and_the_photo_stands_upright(world, submit, browser, media_root):
    exif = Image.Exif()
    exif[0x0112] = 6  # shot holding the phone upright: rotate 90° when shown
    exif[0x013B] = "Kirana Zq99"  # the camera's owner
    exif[0x8825] = {1: "S", 2: (7.0, 17.0, 30.0)}  # GPS
    upload = photo("kamera.jpg", size=(900, 600), fmt="JPEG", exif=exif.tobytes(), comment=b"Kirana 0813 5521")
    report, secret = submit(files=[upload])
    attachment = reporters_file(report, "kamera.jpg")
    browser.enter_code(report.tracking_number, secret)
    full = body(browser.http.get(file_url(report, attachment)))
    thumb = body(browser.http.get(thumb_url(report, attachment)))
    for data in (full, thumb):
        assert b"Kirana" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif() and not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    with Image.open(io.BytesIO(full)) as image:
        assert image.size == (600, 900)  # turned upright on upload, the orientation tag dropped with the EXIF
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.size == (213, MAX_SIDE)
    # Made once, kept beside the media, then read from there.
    cached = [p for p in stored_files(media_root) if "thumbnails" in p.parts]
    assert len(cached) == 1
    assert body(browser.http.get(thumb_url(report, attachment))) == thumb == cached[0].read_bytes()


def test_a_png_keeps_neither_its_colour_profile_nor_its_text_chunks(world, submit, browser):
    from PIL import ImageCms
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Author", "Kirana Zq99")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    report, secret = submit(files=[photo("layar.png", size=(40, 30), pnginfo=text, icc_profile=profile)])
    browser.enter_code(report.tracking_number, secret)
    stored = body(browser.http.get(file_url(report, reporters_file(report, "layar.png"))))
    with Image.open(io.BytesIO(stored)) as image:
        assert not {"icc_profile", "Author", "exif"} & set(image.info) and b"Kirana" not in stored


@pytest.mark.parametrize("path", [
    "/lacak/{n}/lampiran/999999/",
    "/lacak/{n}/lampiran/999999/gambar-kecil/",
    "/lacak/{n}/lampiran/99999999999999999999999999/",
    "/lacak/{n}/lampiran/99999999999999999999999999/gambar-kecil/",
    "/lacak/{n}/lampiran/0/",
    "/lacak/{n}/lampiran/{other}/",  # another report's file
    "/lacak/{n}/lampiran/{other}/gambar-kecil/",
    "/lacak/TIDAKADA22/lampiran/{own}/",
    "/lacak/TIDAKADA22/lampiran/{own}/gambar-kecil/",
    "/lacak/{n}/lampiran/{own}/gambar-kecil/",  # a PDF has no thumbnail
])
def test_bad_ids_answer_404_not_500(world, submit, path):
    report, secret = submit(target_agency_code="kota-35-78", files=[SimpleUploadedFile("surat.pdf", MINIMAL_PDF)])
    other, _ = submit(target_agency_code="kota-35-78", files=[photo("lain.png")])
    client = Client(raise_request_exception=False)
    client.post(f"/lacak/{report.tracking_number}/", {"kode": secret})  # the reporter, who may open their own files
    own, others = reporters_file(report, "surat.pdf").pk, reporters_file(other, "lain.png").pk
    url = path.format(n=report.tracking_number, own=own, other=others)
    assert client.get(url).status_code == 404


def test_the_officer_page_still_lists_files_and_its_timeline_shows_none(world, submit):
    report, _ = submit(target_agency_code="kota-35-78", files=[photo("foto.png")])
    client = public_client()
    sign_in(client, world.city_admin)
    html = client.get(f"/petugas/laporan/{report.tracking_number}/").content.decode()
    attachment = reporters_file(report, "foto.png")
    assert f'<a href="/petugas/laporan/{report.tracking_number}/lampiran/{attachment.pk}/">foto.png</a>' in html
    assert "gambar-kecil" not in html
