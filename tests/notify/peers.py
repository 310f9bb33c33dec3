"""Real local peers for the outside world: an SMTP server (aiosmtpd) and an HTTP SMS gateway
(http.server), both on 127.0.0.1 with a free port, each in its own thread. The fixtures point
the settings at them; tests read what the peers actually received."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

SMS_TOKEN = "gateway-token-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    subject: str
    body: str
    headers: dict


class _Collector:
    def __init__(self):
        self.mails: list[Mail] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",)).get_content()
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), str(parsed["Subject"] or ""), body, dict(parsed.items())))
        return "250 Message accepted for delivery"


class SmtpPeer:
    def __init__(self):
        self.port = free_port()
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def mails(self) -> list[Mail]:
        return self._collector.mails

    def stop(self):
        self._controller.stop()


@dataclass
class SmsPeer:
    """Answers `status` to every POST and records path, headers and the JSON body."""

    status: int = 200
    received: list[dict] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms/send"

    def start(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                peer.received.append({"path": self.path, "headers": dict(self.headers.items()), "json": json.loads(raw or b"null")})
                body = b'{"ok": true}' if 200 <= peer.status < 300 else b'{"error": "unavailable"}'
                self.send_response(peer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def texts(self) -> list[str]:
        return [r["json"]["text"] for r in self.received]


@pytest.fixture
def smtp_server(settings):
    """A live SMTP server on loopback; Django's SMTP backend is pointed at it."""
    peer = SmtpPeer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = peer.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Lapor <noreply@lapor.test>"
    yield peer
    peer.stop()


@pytest.fixture
def sms_gateway(settings):
    """A live HTTP SMS gateway on loopback; LAPOR_SMS_GATEWAY_URL/TOKEN point at it."""
    peer = SmsPeer().start()
    settings.LAPOR_SMS_GATEWAY_URL = peer.url
    settings.LAPOR_SMS_GATEWAY_TOKEN = SMS_TOKEN
    settings.LAPOR_SMS_GATEWAY_TIMEOUT_SECONDS = 5
    yield peer
    peer.stop()


def personal_data_in_logs(caplog, *secrets: str) -> list[str]:
    """Our log records (not the SMTP peer's own, logger `mail.log`) that contain any of `secrets`."""
    found = []
    for record in caplog.records:
        if record.name.startswith("mail."):
            continue
        text = record.getMessage()
        if record.exc_info:
            text += "".join(traceback.format_exception(*record.exc_info))
        if any(s and s.lower() in text.lower() for s in secrets):
            found.append(f"{record.name}: {text}")
    return found
