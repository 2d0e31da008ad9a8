"""Servers on 127.0.0.1 for the --notify tests (ports 8761-8769): a webhook that records the
JSON it receives (or answers 500), a port that accepts and never answers, an SMTP server
(aiosmtpd) that records each message, with STARTTLS and AUTH when asked."""

from __future__ import annotations

import http.server
import json
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
WEBHOOK_PORT, FAILING_PORT, SILENT_PORT, CLOSED_PORT = 8761, 8762, 8763, 8764
SMTP_PORT, SMTP_TLS_PORT, SMTP_AUTH_PORT, SMTP_SSL_PORT = 8765, 8766, 8767, 8768


@dataclass
class Recorder:
    """What a server received: JSON bodies (webhook) or raw messages (SMTP), with the path."""

    bodies: list[Any] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def webhook(port: int = WEBHOOK_PORT, status: int = 200) -> Iterator[Recorder]:
    """An incoming webhook answering ``status`` (Slack answers 200 ``ok``)."""
    rec = Recorder()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            rec.paths.append(self.path)
            rec.bodies.append(json.loads(body))
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"internal_error")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer((HOST, port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent(port: int = SILENT_PORT) -> Iterator[list[socket.socket]]:
    """Accepts connections and never answers (a server that hangs)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield held
    finally:
        stop.set()
        thread.join(2)
        for c in held:
            c.close()
        sock.close()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), made by openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def smtp(
    port: int = SMTP_PORT,
    *,
    tls: tuple[Path, Path] | None = None,
    login: tuple[str, str] | None = None,
    implicit_tls: tuple[Path, Path] | None = None,
) -> Iterator[Recorder]:
    """An SMTP server (aiosmtpd) recording each message; ``tls``: STARTTLS with this
    certificate and key, required; ``implicit_tls``: TLS from the first byte (SMTPS);
    ``login``: AUTH with this user and password, required."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    rec = Recorder()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            rec.messages.append(envelope.original_content or envelope.content)
            rec.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            return "250 OK"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any):
        user = auth_data.login.decode()
        password = auth_data.password.decode()
        rec.logins.append((user, password))
        return AuthResult(success=login is not None and (user, password) == login)

    kwargs: dict[str, Any] = {}
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        kwargs.update(tls_context=context, require_starttls=True)
    if implicit_tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(implicit_tls[0]), str(implicit_tls[1]))
        kwargs.update(ssl_context=context)
    if login:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(tls))
    controller = Controller(Handler(), hostname=HOST, port=port, **kwargs)
    controller.start()
    try:
        yield rec
    finally:
        controller.stop()
