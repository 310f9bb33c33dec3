"""A citizen sees the photos of her report (ADR 0024): after the education office followed up
with a photo, she opens the track page with her code and sees its thumbnail next to the
follow-up, opens the full photo, and finds the follow-up photo in the public feed too; her own
photo, sent anonymously, is never shown to a visitor."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from lapor.accounts.actors import Actor
from lapor.reports.models import Attachment
from lapor.reports.services import report_act
from lapor.reports.thumbnails import MAX_SIDE

OFFICE = "Dinas Pendidikan Kota Surabaya"
FOLLOW_UP_PHOTO = f"Photo 1 of 1 from {OFFICE} (opens the full photo)"


def jpeg(name: str, size: tuple[int, int]) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (60, 140, 90)).save(out, format="JPEG", quality=85)
    return SimpleUploadedFile(name, out.getvalue())


def test_the_citizen_sees_the_follow_up_photo_on_her_track_page(world, submit, new_context):
    report, secret = submit(is_anonymous=True, contact_name="Siti Aminah", files=[jpeg("rumah-saya.jpg", (800, 600))])
    n = report.tracking_number
    report_act(tracking_number=n, action="dispose", actor=Actor.for_user(world.national_admin), payload={"agency": "kota-35-78"})
    report_act(tracking_number=n, action="forward", actor=Actor.for_user(world.city_admin), payload={"unit": "kota-35-78-disdik"})
    report_act(tracking_number=n, action="follow_up", actor=Actor.for_user(world.education_officer),
               payload={"note": "Pagar sekolah sudah diperbaiki."}, files=[jpeg("pagar.jpg", (1600, 1200))])
    follow_up_photo = Attachment.objects.get(report=report, original_name="pagar.jpg")

    # The citizen: the tracking number, then her code.
    page = new_context().new_page()
    page.goto(f"/lacak/{n}/")
    page.get_by_label("Are you the reporter? Enter your secret code to respond.").fill(secret)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your response")).to_be_visible()
    follow_up = page.locator("ol.timeline > li").filter(has_text="Follow-up")
    thumbnail = follow_up.get_by_role("img", name=FOLLOW_UP_PHOTO)
    expect(thumbnail).to_be_visible()
    thumbnail.scroll_into_view_if_needed()  # lazy-loaded
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [MAX_SIDE, 240]
    attributes = [thumbnail.get_attribute(name) for name in ("width", "height", "loading")]
    assert attributes == [str(MAX_SIDE), "240", "lazy"]  # the space is kept before the image loads
    # Her own photo is next to her submission.
    submission = page.locator("ol.timeline > li").filter(has_text="Submit")
    expect(submission.get_by_role("img", name="Photo 1 of 1 from the reporter (opens the full photo)")).to_be_visible()

    # The thumbnail is a link to the full photo (fetched with her session rather than opened: the
    # browser's own image viewer is not a page of ours for axe to check).
    link = follow_up.get_by_role("link", name=FOLLOW_UP_PHOTO)
    assert link.get_attribute("href") == f"/lacak/{n}/lampiran/{follow_up_photo.pk}/"
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.body())) as full:
        assert full.size == (1600, 1200)

    # A visitor sees the follow-up photo, in the feed and on the track page, but never the anonymous reporter's photo.
    visitor = new_context().new_page()
    visitor.goto("/laporan/")
    in_feed = f"Photo of report {report.formatted_tracking_number} from {OFFICE} (opens the full photo)"
    expect(visitor.get_by_role("img", name=in_feed)).to_be_visible()
    visitor.goto(f"/lacak/{n}/")
    expect(visitor.get_by_role("img")).to_have_count(1)
    expect(visitor.get_by_role("img", name=FOLLOW_UP_PHOTO)).to_be_visible()
