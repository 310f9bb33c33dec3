"""Screenshots of the key pages, desktop (1366×768, an official's laptop) and mobile (390×844), into docs/screenshots/.

    .venv/bin/python bench/screenshots.py            # Indonesian, the default language
    .venv/bin/python bench/screenshots.py --lang en

Makes the same throw-away installation as bench/lighthouse.py (bench/demosite.py: SQLite,
reference data, a little demo data, gunicorn with DEBUG off), then walks the pages in Debian's
Chromium (/usr/bin/chromium, through Playwright; no browser is downloaded) as a person would: the
home page, the submission form, the form sent with a problem (every problem at once, the photo
kept), the report sent and its confirmation, the reporter's track page with the photo, a demo
report's track page, the public feed and statistics, the sign-in and the two-step pages of a demo
official, then their queue, a report from it, the national dashboard and the audit log. Each page is shot at both sizes, from the top down to at most
1600 px (desktop) or 2400 px (mobile) of its length, to keep the files small; docs/screenshots/README.md
lists them. The PNGs are reduced to 128 colours (Pillow) to keep them small.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib  # noqa: E402

benchlib.use_venv()

from demosite import Server, demo_track_number, prepare, totp_code  # noqa: E402

OUT = benchlib.ROOT / "docs" / "screenshots"
CHROME = "/usr/bin/chromium"
SIZES = {"desktop": (1366, 768), "mobile": (390, 844)}  # an official's laptop, a citizen's phone
MAX_HEIGHT = {"desktop": 1600, "mobile": 2400}  # a long page is cut here, to keep each file small
TITLES = {
    "home": "Home page",
    "submit": "Submission form (`/lapor/`)",
    "submit-errors": "The form sent with a title too short: every problem at once, the photo kept for the next try",
    "submitted": "Confirmation after sending a report, with the tracking number and secret code",
    "track-photo": "The reporter's own track page, with the photo they attached",
    "track": "Track page of a public report (`/lacak/<n>/`): status, who acts next, timeline, support",
    "feed": "Public feed with search and filters (`/laporan/`)",
    "statistics": "Public statistics: the monitoring indicators for Indonesia and per province (`/statistik/`)",
    "sign-in": "Sign-in (`/masuk/`)",
    "two-step": "Second sign-in step of an official (`/masuk/dua-langkah/`)",
    "queue": "An official's queue (`/petugas/`) with filters, counts and the bulk form",
    "officer-report": "A report as the official sees it, with the action forms (`/petugas/laporan/<n>/`)",
    "audit": "Audit log (`/petugas/audit/`)",
    "dashboard": "The national monitoring dashboard (`/monev/nasional/`): indicators, trends, the map by province",
}


def photo() -> bytes:
    """A street-light photo stand-in: a dark street with one lamp (JPEG, made here)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (40, 44, 60))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(70, 70, 72))
    draw.rectangle((390, 120, 405, 430), fill=(120, 120, 120))
    draw.ellipse((360, 90, 440, 140), fill=(90, 90, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def shrink(path: Path) -> None:
    """128 colours without dithering: text and flat colours stay sharp, the file is about a third."""
    from PIL import Image

    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main() -> int:
    p = argparse.ArgumentParser(description="Screenshots of the key pages into docs/screenshots/.")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="page language (default id, the site's default)")
    p.add_argument("--reports", type=int, default=300, help="demo reports to load (default 300)")
    p.add_argument("--official", default="admin.nasional", help="demo official for the officer pages (default admin.nasional)")
    args = p.parse_args()
    if not os.access(CHROME, os.X_OK):
        raise SystemExit(f"{CHROME} is missing: apt-get install chromium")
    from playwright.sync_api import expect, sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="lapor-screenshots-"))
    server = None
    shots: list[tuple[str, str]] = []
    try:
        env = prepare(folder, args.reports)
        number = demo_track_number()
        server = Server(env, folder)
        # The ORM is called (the official's next code) while Playwright's sync API has its event loop
        # registered on this thread; nothing here is async, so Django may allow it.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        OUT.mkdir(parents=True, exist_ok=True)
        for old in OUT.glob("*.png"):
            old.unlink()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROME, headless=True, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(
                base_url=server.url, locale="id-ID" if args.lang == "id" else "en-US",
                extra_http_headers={"Accept-Language": args.lang}, viewport={"width": 1280, "height": 800},
            )
            page = context.new_page()

            def shoot(name: str) -> None:
                page.wait_for_load_state("load")
                for size, (width, height) in SIZES.items():
                    page.set_viewport_size({"width": width, "height": height})
                    tall, wide = page.evaluate("[document.documentElement.scrollHeight, document.documentElement.scrollWidth]")
                    if wide > width:  # WCAG 1.4.10 (reflow): the page should not scroll sideways
                        print(f"  {name} ({size}): the page is {wide} px wide in a {width} px window")
                    path = OUT / f"{len(shots) // 2 + 1:02d}-{name}-{size}.png"
                    clip = {"x": 0, "y": 0, "width": width, "height": min(max(tall, height), MAX_HEIGHT[size])}
                    page.screenshot(path=path, full_page=True, clip=clip)
                    shrink(path)
                    shots.append((name, path.name))
                page.set_viewport_size({"width": 1280, "height": 800})

            page.goto("/")
            shoot("home")
            page.goto("/lapor/")
            shoot("submit")
            # A report sent through the form, as a guest: its confirmation page.
            page.fill("#f-title", "Lampu penerangan jalan mati sejak dua minggu")
            page.fill("#f-description", "Lampu penerangan jalan di depan SDN Karang Pilang 1 mati sejak dua minggu; jalan gelap dan rawan kecelakaan malam hari.")
            page.fill("#f-title", "Lampu")  # too short: the form answers with every problem at once
            page.select_option("#f-region_code", "35")
            page.set_input_files("#f-attachments", [{"name": "lampu.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
            page.locator("form[enctype] button.primary").click()
            page.wait_for_selector("#error-summary")
            shoot("submit-errors")
            page.fill("#f-title", "Lampu penerangan jalan mati sejak dua minggu")
            page.locator("form[enctype] button.primary").click()  # the photo is kept: not chosen again
            page.wait_for_selector("strong.tracking")
            shoot("submitted")
            page.locator("main a[href^='/lacak/']").first.click()
            page.wait_for_selector("img[loading=lazy]")
            shoot("track-photo")
            page.goto(f"/lacak/{number}/")
            shoot("track")
            page.goto("/laporan/")
            shoot("feed")
            page.goto("/statistik/")
            shoot("statistics")
            # An official signs in: the password, the second step, then the officer pages.
            context.clear_cookies()
            page.goto("/masuk/")
            shoot("sign-in")
            from lapor.demo.accounts import DEMO_PASSWORD

            page.fill("#id_username", args.official)
            page.fill("#id_password", DEMO_PASSWORD)
            page.locator("form[action='/masuk/'] button[type=submit]").click()
            page.wait_for_url("**/masuk/dua-langkah/**")
            shoot("two-step")
            page.fill("#id_code", totp_code(args.official))
            page.locator("#id_code").press("Enter")
            page.wait_for_url("**/petugas/")
            shoot("queue")
            first = page.locator("table a[href^='/petugas/laporan/']").first
            expect(first).to_be_visible()
            first.click()
            page.wait_for_url("**/petugas/laporan/**")
            shoot("officer-report")
            answer = page.goto("/monev/nasional/")
            if answer and answer.ok:
                shoot("dashboard")
            answer = page.goto("/petugas/audit/")
            if answer and answer.ok:
                shoot("audit")
            else:
                print(f"audit page: {answer.status if answer else '?'} for {args.official}; not shot")
            browser.close()
    finally:
        if server:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)

    lines = [
        "# Screenshots",
        "",
        f"The key pages of Lapor at desktop ({SIZES['desktop'][0]}×{SIZES['desktop'][1]}) and mobile "
        f"({SIZES['mobile'][0]}×{SIZES['mobile'][1]}) widths, each page from the top down to at most "
        f"{MAX_HEIGHT['desktop']} px (desktop) or {MAX_HEIGHT['mobile']} px (mobile) of its length, in "
        f"{'Indonesian (the default language)' if args.lang == 'id' else 'English'}, on a throw-away installation "
        f"with demo data; officer pages as the demo account `{args.official}`.",
        "",
        "Made by one command (it builds its own installation, then removes it):",
        "",
        "```sh",
        f".venv/bin/python bench/screenshots.py{'' if args.lang == 'id' else ' --lang en'}",
        "```",
        "",
        "| page | desktop | mobile |",
        "|---|---|---|",
    ]
    by_name: dict[str, list[str]] = {}
    for name, file in shots:
        by_name.setdefault(name, []).append(file)
    for name, files in by_name.items():
        lines.append(f"| {TITLES[name]} | [{files[0]}]({files[0]}) | [{files[1]}]({files[1]}) |")
    (OUT / "README.md").write_text("\n".join(lines) + "\n")
    total = sum((OUT / f).stat().st_size for _, f in shots)
    biggest = max(((OUT / f).stat().st_size, f) for _, f in shots)
    print(f"{len(shots)} screenshots in {OUT.relative_to(benchlib.ROOT)} ({total / 1024:.0f} KiB; largest {biggest[1]} {biggest[0] / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
