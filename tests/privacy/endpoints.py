"""What each report-scoped endpoint shows, and to whom: the expectation of the matrix, from the
rights of POLICY_TABLE and the rendering rules of each endpoint (written here, by hand).

Marker labels: name (the reporter's name), email / phone / nik (personal data: typed into the
free text; e-mail and phone are also the reporter's contact, which no page shows), title,
description, address, attachment (the reporter's PDF: its file name), photo (the reporter's
photo), official_photo (an official's photo on the unit's response or follow-up), public_note,
reporter_note, rating_comment (notes the reporter and the public read), internal (officials'
notes for each other).

Every rule gets the report's kind (confidential, anonymous), whether it is public (in the feed:
`policy_table.FEED_PLACES`, not confidential) and whether an official attached a photo."""

from __future__ import annotations

from dataclasses import dataclass

from .policy_table import FEED_PLACES, Rights

PII = {"email", "phone", "nik"}
FILES = {"attachment", "photo", "official_photo"}
PUBLIC_NOTES = {"public_note", "reporter_note", "rating_comment"}


@dataclass(frozen=True)
class Expect:
    status: int
    shown: frozenset = frozenset()  # labels that must be present (status 200); all others absent


def _shown(**flags) -> frozenset:
    out = set()
    for labels, on in flags.values():
        if on:
            out |= labels
    return frozenset(out)


def track_web(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool, **_) -> Expect:
    """/lacak/<tn>/ — anyone holding the tracking number. Content when the viewer may read it,
    redacted unless the viewer is the reporter; never the identity or the address. Files next to
    their events (ADR 0024): a document by its name, to whoever may open it (never the public:
    only the reporter's PDF is in the world); photos as thumbnails, named by who sent them, not by
    their file name."""
    return Expect(200, _shown(
        content=({"title", "description"} | PUBLIC_NOTES, rt.content),
        pii=(PII, rt.content and own),
        internal=({"internal"}, rt.content and rt.notes),
        document=({"attachment"}, rt.view and rt.content),
    ))


def track_api(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool, **_) -> Expect:
    """GET /api/v1/track/<tn> — the public view, whoever asks: content unless confidential,
    redacted; public notes; nothing else."""
    return Expect(200, _shown(content=({"title", "description"} | PUBLIC_NOTES, not confidential)))


def _full(rt: Rights, *, name: bool) -> frozenset:
    return _shown(
        content=({"title", "description", "address"} | FILES | PUBLIC_NOTES, rt.content),
        pii=(PII, rt.content and rt.raw_text),
        internal=({"internal"}, rt.content and rt.notes),
        name=({"name"}, name),
    )


def officer(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool, **_) -> Expect:
    """/petugas/laporan/<tn>/ — signed-in people who may know the report (404 otherwise). The
    reporter line names a reporter who is not anonymous (never an anonymous one, even to them)."""
    if not signed_in:
        return Expect(302)
    if not rt.view:
        return Expect(404)
    return Expect(200, _full(rt, name=rt.identity and not anonymous))


def api_detail(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool, **_) -> Expect:
    """GET /api/v1/reports/<tn> — those who may know the report (the reporter by token or code)."""
    if not rt.view:
        return Expect(404)
    return Expect(200, _full(rt, name=rt.identity))


def attachment(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool, **_) -> Expect:
    """/petugas/laporan/<tn>/lampiran/<id>/ — the file, to signed-in people who may read the content."""
    if not signed_in:
        return Expect(302)
    if not (rt.view and rt.content):
        return Expect(404)
    return Expect(200, frozenset({"attachment"}))


def _citizen_file(rt: Rights, *, public_may: bool, label: str | None) -> Expect:
    """/lacak/<tn>/lampiran/<id>/[gambar-kecil/] (ADR 0024) — whoever may open the file gets it
    (the full file names it in Content-Disposition; a thumbnail names nothing); everyone else 404,
    signed in or not. Officials who may know the report and read its content open every file, as
    on their own pages; the reporter (own: view and content) their own files and officials' public
    ones; the public only what `public_may` says."""
    if (rt.view and rt.content) or public_may:
        return Expect(200, frozenset({label}) if label else frozenset())
    return Expect(404)


def track_document(rt: Rights, *, public: bool, anonymous: bool, **_) -> Expect:
    """The reporter's PDF: never to the public (a PDF keeps its author and other properties)."""
    return _citizen_file(rt, public_may=False, label="attachment")


def track_photo(rt: Rights, *, public: bool, anonymous: bool, **_) -> Expect:
    """The reporter's photo: to the public only on a public report whose reporter is named."""
    return _citizen_file(rt, public_may=public and not anonymous, label="photo")


def track_thumbnail(rt: Rights, *, public: bool, anonymous: bool, **_) -> Expect:
    """The reporter's photo as a thumbnail: the same people as the photo; the image names nothing."""
    return _citizen_file(rt, public_may=public and not anonymous, label=None)


def track_official_photo(rt: Rights, *, public: bool, official: bool, **_) -> Expect:
    """An official's photo on a public event (the unit's response or follow-up): to the public on
    every public report, anonymous ones included (it is not the reporter's). No such photo: 404."""
    if not official:
        return Expect(404)
    return _citizen_file(rt, public_may=public, label="official_photo")


READS = {
    # name: (url for a report, expectation)
    "track_web": (lambda r: f"/lacak/{r.tracking_number}/", track_web),
    "track_api": (lambda r: f"/api/v1/track/{r.tracking_number}", track_api),
    "officer": (lambda r: f"/petugas/laporan/{r.tracking_number}/", officer),
    "api_detail": (lambda r: f"/api/v1/reports/{r.tracking_number}", api_detail),
    "attachment": (lambda r: f"/petugas/laporan/{r.tracking_number}/lampiran/{r.attachment_id}/", attachment),
    "track_document": (lambda r: f"/lacak/{r.tracking_number}/lampiran/{r.attachment_id}/", track_document),
    "track_photo": (lambda r: f"/lacak/{r.tracking_number}/lampiran/{r.photo_id}/", track_photo),
    "track_thumbnail": (lambda r: f"/lacak/{r.tracking_number}/lampiran/{r.photo_id}/gambar-kecil/", track_thumbnail),
    # (id 0 is no attachment: a report without an official's photo answers 404 to everyone)
    "track_official_photo": (lambda r: f"/lacak/{r.tracking_number}/lampiran/{r.official_photo_id}/", track_official_photo),
}


def expect(endpoint: str, rt: Rights, r, *, own: bool, signed_in: bool) -> Expect:
    public = r.place in FEED_PLACES and not r.confidential
    return READS[endpoint][1](rt, own=own, signed_in=signed_in, confidential=r.confidential, anonymous=r.anonymous,
                              public=public, official=bool(r.official_photo_id))
