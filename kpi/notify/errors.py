"""Why a delivery failed, as a fact: the kind of failure, never a URL or a password."""

from __future__ import annotations

import smtplib
import socket
import ssl

from kpi.words import Fact

__all__ = ["DeliveryError", "network_error", "scrub"]


class DeliveryError(Exception):
    """A delivery that failed: ``why`` is a fact of ``notify.why.*``; ``retry`` says whether
    trying once more may help (a refused connection, a timeout, a 5xx; not a 4xx)."""

    def __init__(self, why: Fact, *, retry: bool = True) -> None:
        self.why = why
        self.retry = retry
        super().__init__(why.code)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret replaced by an ellipsis, on one line."""
    out = " ".join(str(text).split())
    for s in secrets:
        if s:
            out = out.replace(s, "…")
    return out[:160]


def network_error(exc: object, timeout: float, secrets: tuple[str, ...]) -> DeliveryError:
    """A socket-level failure (refused, timed out, TLS, name not found) as a DeliveryError."""
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return DeliveryError(Fact("notify.why.timeout", seconds=float(timeout)))
    if isinstance(exc, ConnectionRefusedError):
        return DeliveryError(Fact("notify.why.refused"))
    if isinstance(exc, socket.gaierror):
        return DeliveryError(Fact("notify.why.dns"), retry=False)
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = scrub(exc.verify_message or "certificate", secrets)
        return DeliveryError(Fact("notify.why.tls", detail=detail), retry=False)
    if isinstance(exc, ssl.SSLError):
        return DeliveryError(
            Fact("notify.why.tls", detail=scrub(exc.reason or "ssl", secrets)), retry=False
        )
    if isinstance(
        exc, (ConnectionResetError, ConnectionAbortedError, smtplib.SMTPServerDisconnected)
    ):
        return DeliveryError(Fact("notify.why.closed"))
    if isinstance(exc, str) and "timed out" in exc:
        return DeliveryError(Fact("notify.why.timeout", seconds=float(timeout)))
    detail = getattr(exc, "strerror", None) or type(exc).__name__
    return DeliveryError(Fact("notify.why.network", detail=scrub(str(detail), secrets)))
