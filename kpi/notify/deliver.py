"""Send one alert to every target: each on its own (one failing never stops the others),
one more attempt after a short pause when it may help, the outcome of each."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kpi.notify.errors import DeliveryError
from kpi.notify.mail import email_message, send_email
from kpi.notify.message import Alert
from kpi.notify.targets import EmailTarget, Target, WebhookTarget
from kpi.words import Fact

__all__ = ["ATTEMPTS", "RETRY_PAUSE", "Outcome", "deliver"]

ATTEMPTS = 2  # a refused connection, a timeout or a 5xx is tried once more
RETRY_PAUSE = 1.0  # seconds between the two


@dataclass(frozen=True)
class Outcome:
    """What happened for one target: delivered, or ``why`` not (a ``notify.why.*`` fact)."""

    target: str
    delivered: bool
    attempts: int
    why: Fact | None = None


def deliver(
    alert: Alert,
    targets: Sequence[Target],
    *,
    workbook: bytes | None,
    filename: str,
    pause: float = RETRY_PAUSE,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Send ``alert`` to each target (the workbook attached to e-mails); one outcome each."""
    outcomes = []
    for target in targets:
        if isinstance(target, WebhookTarget):
            payload = alert.slack()

            def send(t: Target = target, p: dict = payload) -> None:  # type: ignore[type-arg]
                from kpi.notify.webhook import send_webhook

                assert isinstance(t, WebhookTarget)
                send_webhook(t, p)
        else:
            assert isinstance(target, EmailTarget)
            msg = email_message(target, alert, workbook, filename)

            def send(t: Target = target, m: object = msg) -> None:
                assert isinstance(t, EmailTarget)
                send_email(t, m)  # type: ignore[arg-type]

        outcomes.append(_attempt(target.name, send, pause, sleep))
    return outcomes


def _attempt(
    name: str, send: Callable[[], None], pause: float, sleep: Callable[[float], None]
) -> Outcome:
    why: Fact | None = None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            send()
            return Outcome(name, True, attempt)
        except DeliveryError as exc:
            why = exc.why
            if not exc.retry or attempt == ATTEMPTS:
                return Outcome(name, False, attempt, why)
            sleep(pause)
        except Exception as exc:  # never a traceback, never the exception's text (a URL)
            return Outcome(
                name, False, attempt, Fact("notify.why.network", detail=type(exc).__name__)
            )
    return Outcome(name, False, ATTEMPTS, why)
