"""What each report-scoped endpoint shows, and to whom: the expectation of the matrix, from the
rights of POLICY_TABLE and the rendering rules of each endpoint (written here, by hand).

Marker labels: name (the reporter's name), email / phone / nik (personal data: typed into the
free text; e-mail and phone are also the reporter's contact, which no page shows), title,
description, address, attachment (its file name), public_note, reporter_note, rating_comment
(notes the reporter and the public read), internal (officials' notes for each other)."""

from __future__ import annotations

from dataclasses import dataclass

from .policy_table import Rights

PII = {"email", "phone", "nik"}
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


def track_web(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool) -> Expect:
    """/lacak/<tn>/ — anyone holding the tracking number. Content when the viewer may read it,
    redacted unless the viewer is the reporter; never the identity, the address or attachments."""
    return Expect(200, _shown(
        content=({"title", "description"} | PUBLIC_NOTES, rt.content),
        pii=(PII, rt.content and own),
        internal=({"internal"}, rt.content and rt.notes),
    ))


def track_api(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool) -> Expect:
    """GET /api/v1/track/<tn> — the public view, whoever asks: content unless confidential,
    redacted; public notes; nothing else."""
    return Expect(200, _shown(content=({"title", "description"} | PUBLIC_NOTES, not confidential)))


def _full(rt: Rights, *, name: bool) -> frozenset:
    return _shown(
        content=({"title", "description", "address", "attachment"} | PUBLIC_NOTES, rt.content),
        pii=(PII, rt.content and rt.raw_text),
        internal=({"internal"}, rt.content and rt.notes),
        name=({"name"}, name),
    )


def officer(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool) -> Expect:
    """/petugas/laporan/<tn>/ — signed-in people who may know the report (404 otherwise). The
    reporter line names a reporter who is not anonymous (never an anonymous one, even to them)."""
    if not signed_in:
        return Expect(302)
    if not rt.view:
        return Expect(404)
    return Expect(200, _full(rt, name=rt.identity and not anonymous))


def api_detail(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool) -> Expect:
    """GET /api/v1/reports/<tn> — those who may know the report (the reporter by token or code)."""
    if not rt.view:
        return Expect(404)
    return Expect(200, _full(rt, name=rt.identity))


def attachment(rt: Rights, *, own: bool, signed_in: bool, confidential: bool, anonymous: bool) -> Expect:
    """/petugas/laporan/<tn>/lampiran/<id>/ — the file, to signed-in people who may read the content."""
    if not signed_in:
        return Expect(302)
    if not (rt.view and rt.content):
        return Expect(404)
    return Expect(200, frozenset({"attachment"}))


READS = {
    # name: (url for a report, expectation)
    "track_web": (lambda r: f"/lacak/{r.tracking_number}/", track_web),
    "track_api": (lambda r: f"/api/v1/track/{r.tracking_number}", track_api),
    "officer": (lambda r: f"/petugas/laporan/{r.tracking_number}/", officer),
    "api_detail": (lambda r: f"/api/v1/reports/{r.tracking_number}", api_detail),
    "attachment": (lambda r: f"/petugas/laporan/{r.tracking_number}/lampiran/{r.attachment_id}/", attachment),
}


def expect(endpoint: str, rt: Rights, r, *, own: bool, signed_in: bool) -> Expect:
    return READS[endpoint][1](rt, own=own, signed_in=signed_in, confidential=r.confidential, anonymous=r.anonymous)
