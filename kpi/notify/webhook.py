"""The webhook sender: one JSON POST (stdlib ``urllib.request``), a bounded timeout.

Slack, Mattermost and Teams incoming webhooks take ``{"text": …}``; Slack and Mattermost
read ``blocks`` too. A failure raises :class:`DeliveryError` with a fact saying why (a
status, "refused", "no answer within 5 s"), never the URL (the token is in it).
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.request
from typing import Any

from kpi.notify.errors import DeliveryError, network_error
from kpi.notify.targets import WebhookTarget
from kpi.words import Fact

__all__ = ["send_webhook"]

USER_AGENT = "Parcours-alerts/1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook that answers with a redirect is not followed (the body would be re-sent
    somewhere the config did not name)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def send_webhook(target: WebhookTarget, payload: dict[str, Any]) -> None:
    """POST ``payload`` as JSON to the target's URL; returns when the server says 2xx."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        target.url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
    )
    opener = urllib.request.build_opener(
        _NoRedirect,
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.ProxyHandler(),
    )
    try:
        with opener.open(request, timeout=target.timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        text = _body(exc, target.secrets())
        code = "notify.why.http_client" if 400 <= exc.code < 500 else "notify.why.http"
        raise DeliveryError(
            Fact(code, status=exc.code, body=f" ({text})" if text else ""),
            retry=exc.code >= 500 or exc.code == 429,
        ) from None
    except urllib.error.URLError as exc:
        raise network_error(exc.reason, target.timeout, target.secrets()) from None
    except (TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
        raise network_error(exc, target.timeout, target.secrets()) from None


def _body(exc: urllib.error.HTTPError, secrets: tuple[str, ...]) -> str:
    """The first words of an error answer (Slack says ``invalid_token``, ``no_service``)."""
    try:
        raw = exc.read(300).decode("utf-8", "replace")
    except Exception:
        return ""
    text = " ".join("".join(c for c in raw if c.isprintable()).split())[:120]
    for s in secrets:
        text = text.replace(s, "…")
    return text
