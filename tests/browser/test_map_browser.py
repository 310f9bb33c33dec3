"""The optional map: absent without a tile server; with one (a real tile server on loopback
here, standing in for the operator's), tapping the map fills the coordinates and the report
keeps them. The page's Content-Security-Policy admits exactly that tile server."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from playwright.sync_api import expect

from lapor.reports.models import Report

from ..web.test_public_pages import FORM


def _tile() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (220, 230, 220)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def tile_server():
    body = _tile()
    requests: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_without_a_tile_server_there_is_no_map(world, client):
    html = client.get("/lapor/").content.decode()
    assert 'id="map"' not in html and "leaflet" not in html and 'name="latitude"' not in html


@pytest.mark.django_db(transaction=True)
def test_tapping_the_map_pins_the_report(world, new_context, settings, tile_server):
    origin, requests = tile_server
    settings.LAPOR_MAP_TILE_URL = origin + "/{z}/{x}/{y}.png"
    settings.LAPOR_MAP_TILE_ORIGIN = origin
    settings.LAPOR_MAP_ATTRIBUTION = "Peta uji"
    page = new_context().new_page()
    response = page.goto("/lapor/")
    assert f"img-src 'self' data: blob: {origin};" in response.headers["content-security-policy"]
    expect(page.locator("#map .leaflet-tile-loaded").first).to_be_visible()
    assert requests, "the tiles come from the configured server"

    page.get_by_label("Title").fill(FORM["title"])
    page.get_by_label("What happened, where and when?").fill(FORM["description"])
    page.get_by_label("Province").select_option("35")
    page.locator("#map").click(position={"x": 150, "y": 150})
    latitude = page.get_by_label("Latitude").input_value()
    assert latitude and -11 < float(latitude) < 6
    # Keyboard users: the button marks the centre of the map.
    page.get_by_role("button", name="Mark the centre of the map").click()
    expect(page.get_by_label("Latitude")).to_have_value("-2.500000")
    expect(page.get_by_label("Longitude")).to_have_value("118.000000")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Your report has been received")).to_be_visible()
    report = Report.objects.get()
    assert (float(report.latitude), float(report.longitude)) == (-2.5, 118.0)
