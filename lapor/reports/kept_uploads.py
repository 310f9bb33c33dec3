"""Files a reporter attached to a submission that was refused, kept for their next try.

A citizen on a weak connection must not upload their photos again because the title was too
short. Files that passed the checks (`attachments.check_uploads_each`) are written to storage
under an unguessable name and listed in the reporter's session only: nobody else can name them,
no view serves them, and they become attachments only when the same session submits them.

Bounded: at most LAPOR_MAX_ATTACHMENTS files per session (each already within the size limit),
for LAPOR_KEPT_UPLOAD_MINUTES (default 60); `purge_expired` (hourly housekeeping) removes what a
session left behind."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from lapor.core import clock
from lapor.core.numbers import human_size

from .attachments import CheckedFile

FOLDER = "kept-uploads"
SESSION_KEY = "kept_uploads"


@dataclass(frozen=True)
class KeptUpload:
    id: str
    name: str
    content_type: str
    size: int

    @property
    def size_label(self) -> str:
        return human_size(self.size)


def _entries(session) -> dict:
    now = time.time()
    entries = session.get(SESSION_KEY) or {}
    return {token: e for token, e in entries.items() if e.get("until", 0) > now}


def _save(session, entries: dict) -> None:
    if entries:
        session[SESSION_KEY] = entries
    else:
        session.pop(SESSION_KEY, None)


def keep(session, files: list[CheckedFile]) -> list[KeptUpload]:
    """Keep checked files for this session's next try (the same file twice is kept once; beyond
    the limit of files per report the oldest are dropped). Returns everything now kept."""
    entries = _entries(session)
    known = {e["sha256"] for e in entries.values()}
    until = time.time() + settings.LAPOR_KEPT_UPLOAD_MINUTES * 60
    for item in files:
        if item.sha256 in known:
            continue
        token = secrets.token_urlsafe(18)
        path = default_storage.save(f"{FOLDER}/{token}", ContentFile(item.content))
        entries[token] = {"name": item.name, "content_type": item.content_type, "size": len(item.content),
                          "sha256": item.sha256, "path": path, "until": until}
        known.add(item.sha256)
    while len(entries) > settings.LAPOR_MAX_ATTACHMENTS:
        _delete(entries.pop(next(iter(entries))))
    _save(session, entries)
    return kept(session)


def kept(session) -> list[KeptUpload]:
    return [KeptUpload(token, e["name"], e["content_type"], e["size"]) for token, e in _entries(session).items()]


def take(session, ids) -> list[CheckedFile]:
    """The kept files named by `ids` (ids this session does not hold are ignored), read back as
    checked files; a file whose content changed or vanished in storage is dropped. Files kept but
    not named are forgotten: the reporter removed them from the form."""
    entries = _entries(session)
    wanted = [i for i in dict.fromkeys(ids) if i in entries]
    out = []
    for token in wanted:
        entry = entries[token]
        try:
            with default_storage.open(entry["path"], "rb") as handle:
                content = handle.read()
        except OSError:
            entries.pop(token)
            continue
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            _delete(entries.pop(token))
            continue
        out.append(CheckedFile(name=entry["name"], content_type=entry["content_type"], content=content, sha256=entry["sha256"]))
    for token in [t for t in entries if t not in wanted]:
        _delete(entries.pop(token))
    _save(session, entries)
    return out


def forget(session) -> None:
    """Remove every file this session kept (after the report that used them was filed)."""
    for entry in (session.get(SESSION_KEY) or {}).values():
        _delete(entry)
    session.pop(SESSION_KEY, None)


def _delete(entry: dict) -> None:
    try:
        default_storage.delete(entry["path"])
    except OSError:
        pass  # already gone: the hourly purge may have run


def purge_expired(*, now=None) -> int:
    """Remove kept files older than their time (sessions that never came back)."""
    cutoff = (now or clock.now()) - timedelta(minutes=settings.LAPOR_KEPT_UPLOAD_MINUTES)
    try:
        _dirs, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except OSError:
            continue
    return removed
