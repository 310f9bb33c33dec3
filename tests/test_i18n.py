"""The Indonesian catalogue (locale/id/LC_MESSAGES/django.po): complete, clean for msgfmt,
up to date with the source, and actually used at run time.

Indonesian is the default language and the msgids are English, so an untranslated or stale
entry shows English to citizens. When the up-to-date test fails, run

    LAPOR_DEBUG=1 .venv/bin/python manage.py makemessages -l id -l en --no-location \
        --ignore=.venv --ignore=var --ignore=bench --ignore=tests

and translate the new entries (no entry may stay fuzzy or empty).

The tests compile the catalogue themselves when the .mo is missing or older than the .po, so
they do not depend on `make messages`. They need GNU gettext (msgfmt, xgettext) and no database,
except the one page rendered through the test client (marked).
"""

from __future__ import annotations

import gettext as gettext_module
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
PO_ID = LOCALE / "id" / "LC_MESSAGES" / "django.po"
PO_EN = LOCALE / "en" / "LC_MESSAGES" / "django.po"
# The folders makemessages is told to skip (see the module docstring); the rest are not source.
IGNORED = (".venv", "var", "bench", "tests")
NOT_COPIED = {*IGNORED, ".git", "locale", ".hypothesis", ".pytest_cache", "media", "staticfiles", "node_modules"}

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("xgettext") is None,
    reason="GNU gettext (msgfmt, xgettext) is not installed; `make messages` installs it",
)


# --- a small .po reader (standard library only) ---------------------------------------------------
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(token: str) -> str:
    token = token.strip()
    assert token.startswith('"') and token.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), token[1:-1])


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: msgctxt, msgid, msgid_plural, msgstr or msgstr[N], and `flags`.
    Obsolete entries (#~) are left out; the header is the entry whose msgid is ""."""
    entries, entry, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        entry = entry if entry is not None else {"flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += _unquote(line)
        else:
            field, _sep, value = line.partition(" ")
            entry[field] = _unquote(value)
    return entries


def _key(entry: dict) -> tuple:
    return entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")


def _translations(entry: dict) -> list[str]:
    return [value for name, value in sorted(entry.items()) if name.startswith("msgstr")]


PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


# --- compiling --------------------------------------------------------------------------------------
def _msgfmt(po: Path, out: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["msgfmt", "--check", *extra, "-o", out, str(po)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
        timeout=60,
    )


def _ensure_compiled(po: Path) -> None:
    """Compile po to its .mo when the .mo is missing or older than the .po."""
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    # Written beside the target and renamed, so parallel test workers never read half a file.
    fd, tmp = tempfile.mkstemp(dir=po.parent, prefix=".django-", suffix=".mo")
    os.close(fd)
    try:
        result = _msgfmt(po, tmp)
        assert result.returncode == 0, result.stderr
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@pytest.fixture(scope="module")
def indonesian_catalogue():
    for po in (PO_ID, PO_EN):
        _ensure_compiled(po)
    # Catalogues are cached per process, so forget any loaded before the .mo was (re)built, here
    # or by another test worker: Django's cache (reset the way override_settings(LOCALE_PATHS=...)
    # does) and the standard library's, which keeps parsed .mo files by path.
    from django.test.signals import setting_changed

    gettext_module._translations.clear()
    setting_changed.send(sender=settings._wrapped.__class__, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)
    return read_po(PO_ID)


# --- the catalogue file ------------------------------------------------------------------------------
def test_msgfmt_check_passes_with_nothing_untranslated_or_fuzzy():
    result = _msgfmt(PO_ID, os.devnull, "--statistics")
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics
    assert int(statistics.split()[0]) > 100, statistics


def test_english_catalogue_compiles():
    result = _msgfmt(PO_EN, os.devnull)
    assert result.returncode == 0, result.stderr


def test_header_declares_indonesian_utf8_and_one_plural_form():
    header = next(e for e in read_po(PO_ID) if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    fields = dict(line.split(": ", 1) for line in header["msgstr"].splitlines() if ": " in line)
    assert fields["Language"] == "id"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"


def test_every_entry_is_translated_and_keeps_its_placeholders():
    problems = []
    for entry in read_po(PO_ID):
        if entry["msgid"] == "":
            continue
        translations = _translations(entry)
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        if entry.get("msgid_plural") is not None and [k for k in entry if k.startswith("msgstr")] != ["msgstr[0]"]:
            problems.append(f"Indonesian has one plural form, give msgstr[0] only: {entry['msgid']!r}")
        for text in translations:
            if not text.strip():
                problems.append(f"untranslated: {entry['msgid']!r}")
            elif _placeholders(text) != _placeholders(entry["msgid"]):
                # A plural's msgid and msgid_plural carry the same placeholders in this project.
                problems.append(f"placeholders differ: {entry['msgid']!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_catalogue_has_every_msgid_of_a_fresh_makemessages_run(tmp_path):
    """Extract from a copy of the source, so the repository's own catalogue is never touched."""
    src = tmp_path / "src"
    src.mkdir()
    for item in ROOT.iterdir():
        if item.name in NOT_COPIED:
            continue
        if item.is_dir():
            shutil.copytree(item, src / item.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
        else:
            shutil.copy2(item, src / item.name)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LAPOR_DEBUG": "1",
        "LAPOR_VAR_DIR": str(tmp_path / "var"),
        "LC_ALL": "C.UTF-8",
    }
    ignores = [f"--ignore={name}" for name in IGNORED]
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-location", *ignores],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fresh = {_key(e) for e in read_po(src / "locale" / "id" / "LC_MESSAGES" / "django.po") if e["msgid"]}
    assert len(fresh) > 100, "makemessages found almost nothing: is the copy complete?"
    catalogue = {_key(e) for e in read_po(PO_ID)}
    missing = sorted(fresh - catalogue, key=str)
    assert not missing, "not in locale/id/LC_MESSAGES/django.po (run makemessages and translate):\n" + "\n".join(
        repr(m[1]) for m in missing
    )


# --- at run time ------------------------------------------------------------------------------------------
def test_gettext_returns_every_catalogue_translation(indonesian_catalogue):
    wrong = []
    with translation.override("id"):
        for entry in indonesian_catalogue:
            if entry["msgid"] == "" or entry.get("msgctxt") or "fuzzy" in entry["flags"] or not all(_translations(entry)):
                continue  # the header, and entries the tests above already reject
            if entry.get("msgid_plural") is not None:
                got = ngettext(entry["msgid"], entry["msgid_plural"], 2)
                expected = entry["msgstr[0]"]
            else:
                got, expected = gettext(entry["msgid"]), entry["msgstr"]
            if got != expected:
                wrong.append(f"{entry['msgid']!r}: {got!r} != {expected!r}")
    assert not wrong, "the compiled catalogue is stale or not loaded:\n" + "\n".join(wrong[:20])


@pytest.mark.parametrize(
    "english",
    [
        "Write a report",
        "Tracking number",
        "Your secret code",
        "Send report",
        "Sign in",
        "Please check your input",
        "Too many reports from your address; please wait a minute and try again.",
    ],
)
def test_key_strings_are_indonesian(indonesian_catalogue, english):
    with translation.override("id"):
        assert gettext(english) != english
    with translation.override("en"):
        assert gettext(english) == english


def test_plural_and_placeholders_at_run_time(indonesian_catalogue):
    with translation.override("id"):
        for n in (1, 2, 25):
            assert ngettext("%(n)s report", "%(n)s reports", n) % {"n": n} == f"{n} laporan"
        message = gettext("There is no report with the tracking number “%(n)s”.") % {"n": "ABCDE12345"}
        assert "ABCDE12345" in message and "nomor pelacakan" in message


def test_status_and_action_labels_follow_the_language(indonesian_catalogue):
    from lapor.reports.states import Action, Status

    with translation.override("id"):
        assert str(Status.CLOSED.label) == "selesai"
        assert "Admin Nasional" in str(Status.SUBMITTED.label)
        assert str(Action.FOLLOW_UP.label) == "tindak lanjut"
    with translation.override("en"):
        assert str(Status.CLOSED.label) == "completed"


@pytest.mark.django_db
def test_pages_default_to_indonesian_and_switch_to_english(indonesian_catalogue, client):
    page = client.get("/", headers={"Accept-Language": "id"})
    assert page.status_code == 200
    assert 'lang="id"' in page.text and "Tulis laporan" in page.text and "Write a report" not in page.text
    page = client.get("/", headers={"Accept-Language": "en"})
    assert 'lang="en"' in page.text and "Write a report" in page.text
