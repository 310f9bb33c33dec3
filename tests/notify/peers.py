"""Real local peers for the outside world: an SMTP server (aiosmtpd), an HTTP SMS gateway and a
WhatsApp Cloud API messages endpoint (http.server), all on 127.0.0.1 with a free port, each in
its own thread. The fixtures point the settings at them; tests read what the peers actually
received."""

from __future__ import annotations

import email
import email.policy
import itertools
import json
import secrets
import socket
import threading
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

SMS_TOKEN = "gateway-token-for-tests"
WHATSAPP_TOKEN = "cloud-api-access-token-for-tests"
WHATSAPP_PHONE_NUMBER_ID = "106540352242922"


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


class _Loopback:
    """An HTTP peer's server on 127.0.0.1 (a free port), in a thread of its own."""

    def _serve(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@dataclass
class SmsPeer(_Loopback):
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

        return self._serve(Handler)

    @property
    def texts(self) -> list[str]:
        return [r["json"]["text"] for r in self.received]


def _answer_json(handler: BaseHTTPRequestHandler, status: int, answer) -> None:
    body = json.dumps(answer).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _cloud_api_error(message: str, code: int, **extra) -> dict:
    """An error answer of the Cloud API (Graph API): message, type, numeric code, trace id."""
    error = {"message": message, "type": "OAuthException", "code": code, **extra}
    return {"error": {**error, "fbtrace_id": "AbCdEfGhIjKlMnOpQrStUvW"}}


@dataclass
class WhatsAppPeer(_Loopback):
    """Answers like the WhatsApp Cloud API's messages endpoint (POST /v21.0/<phone-number-id>/messages)
    and records path, headers and the JSON body of every POST.

    A request without the right bearer token gets the Cloud API's 401 (error code 190). Otherwise:
    200 with the recipient as contact and a new `wamid.…` message id; or, when told to, `status`
    (e.g. 500) with a plain error body, the Cloud API's 400 for a number outside the test number's
    allowed list (error code 131030; its message and details name the number, as such details
    can), or a 200 that lacks the message id."""

    status: int = 200
    refuse_recipient: bool = False
    without_message_id: bool = False
    received: list[dict] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v21.0/{WHATSAPP_PHONE_NUMBER_ID}/messages"

    def start(self):
        peer = self
        counter = itertools.count(1)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                request = json.loads(raw or b"null")
                peer.received.append({"path": self.path, "headers": dict(self.headers.items()), "json": request})
                if self.headers.get("Authorization") != f"Bearer {WHATSAPP_TOKEN}":
                    error = _cloud_api_error("Invalid OAuth access token - Cannot parse access token", 190)
                    return _answer_json(self, 401, error)
                if self.path != f"/v21.0/{WHATSAPP_PHONE_NUMBER_ID}/messages":
                    return _answer_json(self, 400, _cloud_api_error("Unsupported post request.", 100, error_subcode=33))
                to = request["to"]
                if peer.refuse_recipient:
                    details = f"Recipient phone number {to} not in allowed list: add it to the recipient list."
                    error = _cloud_api_error(
                        "(#131030) Recipient phone number not in allowed list",
                        131030,
                        error_data={"messaging_product": "whatsapp", "details": details},
                    )
                    return _answer_json(self, 400, error)
                if not 200 <= peer.status < 300:
                    return _answer_json(self, peer.status, {"error": "unavailable"})
                answer = {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}]}
                if not peer.without_message_id:
                    message_id = f"wamid.{next(counter)}{secrets.token_urlsafe(24)}"
                    peer.message_ids.append(message_id)
                    answer["messages"] = [{"id": message_id}]
                return _answer_json(self, peer.status, answer)

            def log_message(self, format, *args):  # keep the test output quiet
                pass

        return self._serve(Handler)

    @property
    def recipients(self) -> list[str]:
        return [r["json"]["to"] for r in self.received]


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


@pytest.fixture
def whatsapp_api(settings):
    """A live WhatsApp Cloud API messages endpoint on loopback; LAPOR_WHATSAPP_API_URL/TOKEN point
    at it, and plain text messages are sent (no template) until a test sets one."""
    peer = WhatsAppPeer().start()
    settings.LAPOR_WHATSAPP_API_URL = peer.url
    settings.LAPOR_WHATSAPP_TOKEN = WHATSAPP_TOKEN
    settings.LAPOR_WHATSAPP_TEMPLATE = ""
    settings.LAPOR_WHATSAPP_TEMPLATE_LANGUAGE = "id"
    settings.LAPOR_WHATSAPP_TIMEOUT_SECONDS = 5
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
