"""Where an alert goes: the targets named by ``--notify`` and their secrets.

A target is named on the command line, never its secret:

- ``slack:NAME`` (also ``webhook:``, ``teams:``, ``mattermost:``): an incoming webhook. Its
  URL is ``PARCOURS_SLACK_<NAME>_URL`` in the environment, else ``url`` of ``[slack.NAME]``
  in the config file.
- ``email:NAME``: e-mail over SMTP. ``PARCOURS_EMAIL_<NAME>_<FIELD>`` in the environment
  (``HOST``, ``PORT``, ``SECURITY``, ``USER``, ``PASSWORD``, ``FROM``, ``TO``), each one
  winning over the same key of ``[email.NAME]`` in the config file.
- ``ENV_NAME`` (capitals, digits, ``_``): the environment variable holds the whole target, a
  webhook URL (``https://…``) or an SMTP URL (``smtp://user:password@host:587?to=a@b.fr``,
  ``smtps://`` for SSL, ``smtp+plain://`` for none).

The config file is TOML (``--notify-config``, else ``PARCOURS_NOTIFY_CONFIG``, else
``$XDG_CONFIG_HOME/parcours/notify.toml``, ``~/.config/parcours/notify.toml``). Secrets are
fields with ``repr=False``: a target prints as its name.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from kpi.errors import ParcoursError
from kpi.words import Fact

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "EmailTarget",
    "NotifyConfigError",
    "Target",
    "WebhookTarget",
    "config_path",
    "load_config",
    "resolve",
]

DEFAULT_TIMEOUT = 5.0  # seconds per attempt
MAX_TIMEOUT = 30.0
WEBHOOK_KINDS = ("slack", "webhook", "teams", "mattermost")
SECURITIES = ("starttls", "ssl", "none")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_NAMED = re.compile(r"^([a-z]+):([A-Za-z0-9_.\-]+)$")


class NotifyConfigError(ParcoursError):
    """A target that cannot be used as configured (said with its name, never its secret)."""


@dataclass(frozen=True)
class WebhookTarget:
    """A Slack-compatible incoming webhook (Slack, Mattermost; Teams reads ``text``)."""

    name: str
    url: str = field(repr=False)
    timeout: float = DEFAULT_TIMEOUT
    kind: Literal["webhook"] = "webhook"

    def secrets(self) -> tuple[str, ...]:
        """What must never be printed: the URL and its path (the token is in it)."""
        path = urlsplit(self.url).path
        return tuple(s for s in (self.url, path if len(path) > 8 else "") if s)


@dataclass(frozen=True)
class EmailTarget:
    """An SMTP server and the message's envelope."""

    name: str
    host: str
    port: int
    security: Literal["starttls", "ssl", "none"]
    sender: str
    to: tuple[str, ...]
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    kind: Literal["email"] = "email"

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.password,) if s)


Target = WebhookTarget | EmailTarget


def config_path(given: str | None, env: Mapping[str, str]) -> Path:
    """The config file: ``--notify-config``, ``PARCOURS_NOTIFY_CONFIG`` or the XDG default."""
    if given:
        return Path(given).expanduser()
    if env.get("PARCOURS_NOTIFY_CONFIG"):
        return Path(env["PARCOURS_NOTIFY_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")) / ".config")
    return Path(base).expanduser() / "parcours" / "notify.toml"


def load_config(path: Path, *, required: bool) -> tuple[dict[str, Any], list[Fact]]:
    """The config file's tables and warnings (a file others can read); {} when absent and
    not ``required``."""
    if not path.is_file():
        if required:
            raise NotifyConfigError(
                Fact("notify.config.missing", path=str(path)), Fact("notify.config.hint")
            )
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise NotifyConfigError(
            Fact("notify.config.unreadable", path=str(path), why=type(exc).__name__)
        ) from None
    except tomllib.TOMLDecodeError as exc:  # its message gives the line, never a value
        raise NotifyConfigError(
            Fact("notify.config.bad_toml", path=str(path), why=str(exc).split("(")[-1].strip(")"))
        ) from None
    warnings = []
    try:
        if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            warnings.append(Fact("notify.config.open_mode", path=str(path)))
    except OSError:
        pass
    return data, warnings


def _env_key(kind: str, name: str, key: str) -> str:
    return f"PARCOURS_{kind.upper()}_{re.sub(r'[^A-Za-z0-9]', '_', name).upper()}_{key}"


def _timeout(value: Any, target: str) -> float:
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise NotifyConfigError(Fact("notify.config.bad_timeout", target=target)) from None
    if not 0 < t <= MAX_TIMEOUT:
        raise NotifyConfigError(
            Fact("notify.config.bad_timeout", target=target),
            Fact("notify.config.timeout_hint", most=MAX_TIMEOUT),
        )
    return t


def resolve(spec: str, config: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Target:
    """The target ``spec`` names (``slack:team``, ``email:managers``, ``ENV_NAME``)."""
    env = os.environ if env is None else env
    if "://" in spec or "@" in spec:  # a secret typed on the command line: never echoed
        raise NotifyConfigError(Fact("notify.target.secret_given"), Fact("notify.target.syntax"))
    default_timeout = config.get("timeout", DEFAULT_TIMEOUT)
    m = _NAMED.match(spec.strip())
    if m:
        kind, name = m.group(1).lower(), m.group(2)
        if kind in WEBHOOK_KINDS:
            return _webhook(spec, kind, name, config, env, default_timeout)
        if kind in ("email", "mail", "smtp"):
            return _email(spec, name, config, env, default_timeout)
        raise NotifyConfigError(
            Fact("notify.target.unknown_kind", target=spec, kind=kind), Fact("notify.target.syntax")
        )
    if _ENV_NAME.match(spec.strip()):
        return _from_env_url(spec.strip(), env, default_timeout)
    raise NotifyConfigError(
        Fact("notify.target.bad_name", target=spec), Fact("notify.target.syntax")
    )


def _section(config: Mapping[str, Any], kind: str, name: str) -> dict[str, Any]:
    table = config.get(kind, {})
    section = table.get(name, {}) if isinstance(table, dict) else {}
    return dict(section) if isinstance(section, dict) else {}


def _webhook(
    spec: str,
    kind: str,
    name: str,
    config: Mapping[str, Any],
    env: Mapping[str, str],
    default_timeout: Any,
) -> WebhookTarget:
    section = _section(config, kind, name)
    var = _env_key(kind, name, "URL")
    url = env.get(var) or section.get("url")
    if not url:
        raise NotifyConfigError(
            Fact("notify.target.no_url", target=spec, var=var, kind=kind, name=name)
        )
    return WebhookTarget(
        spec, _http_url(spec, str(url)), _timeout(section.get("timeout", default_timeout), spec)
    )


def _http_url(spec: str, url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotifyConfigError(Fact("notify.target.bad_url", target=spec))
    return url.strip()


def _email(
    spec: str, name: str, config: Mapping[str, Any], env: Mapping[str, str], default_timeout: Any
) -> EmailTarget:
    section = _section(config, "email", name)

    def get(key: str, *aliases: str) -> Any:
        value = env.get(_env_key("email", name, key.upper()))
        if value not in (None, ""):
            return value
        for k in (key, *aliases):
            if section.get(k) not in (None, ""):
                return section[k]
        return None

    host = get("host")
    to = get("to")
    if not host or not to:
        raise NotifyConfigError(
            Fact(
                "notify.target.email_incomplete",
                target=spec,
                missing=[k for k, v in (("host", host), ("to", to)) if not v],
                prefix=_env_key("email", name, ""),
                name=name,
            )
        )
    password = get("password")
    if password is None and get("password_env"):
        password = env.get(str(get("password_env")))
    return _email_target(
        spec,
        host=str(host),
        port=get("port"),
        security=str(get("security") or "starttls").lower(),
        user=get("user"),
        password=password,
        sender=get("from", "sender"),
        to=to,
        ca_file=get("ca_file"),
        timeout=_timeout(get("timeout") or default_timeout, spec),
    )


def _email_target(
    spec: str,
    *,
    host: str,
    port: Any,
    security: str,
    user: Any,
    password: Any,
    sender: Any,
    to: Any,
    ca_file: Any,
    timeout: float,
) -> EmailTarget:
    if security not in SECURITIES:
        raise NotifyConfigError(
            Fact(
                "notify.target.bad_security", target=spec, value=security, choices=list(SECURITIES)
            )
        )
    try:
        port_n = (
            int(port) if port not in (None, "") else {"ssl": 465, "starttls": 587}.get(security, 25)
        )
    except (TypeError, ValueError):
        raise NotifyConfigError(Fact("notify.target.bad_port", target=spec)) from None
    recipients = tuple(
        a.strip() for a in (to.split(",") if isinstance(to, str) else map(str, to)) if a.strip()
    )
    if not recipients or any("@" not in a or "\n" in a or "\r" in a for a in recipients):
        raise NotifyConfigError(Fact("notify.target.bad_to", target=spec))
    if security == "none" and password and host not in ("127.0.0.1", "localhost", "::1"):
        raise NotifyConfigError(Fact("notify.target.plain_password", target=spec))
    user_s = str(user) if user else None
    sender_s = str(sender) if sender else (user_s if user_s and "@" in user_s else None)
    return EmailTarget(
        spec,
        host=host,
        port=port_n,
        security=security,  # type: ignore[arg-type]
        sender=sender_s or f"parcours@{host}",
        to=recipients,
        user=user_s,
        password=str(password) if password else None,
        ca_file=str(ca_file) if ca_file else None,
        timeout=timeout,
    )


def _from_env_url(var: str, env: Mapping[str, str], default_timeout: Any) -> Target:
    value = env.get(var, "").strip()
    if not value:
        raise NotifyConfigError(Fact("notify.target.no_env", target=var))
    parts = urlsplit(value)
    timeout = _timeout(default_timeout, var)
    if parts.scheme in ("http", "https"):
        return WebhookTarget(var, _http_url(var, value), timeout)
    security = {"smtp": "starttls", "smtps": "ssl", "smtp+plain": "none"}.get(parts.scheme)
    if security is None or not parts.hostname:
        raise NotifyConfigError(Fact("notify.target.bad_url", target=var))
    query = parse_qs(parts.query)
    try:
        port = parts.port
    except ValueError:
        raise NotifyConfigError(Fact("notify.target.bad_port", target=var)) from None
    return _email_target(
        var,
        host=parts.hostname,
        port=port,
        security=security,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=(query.get("from") or [None])[0],
        to=",".join(query.get("to", [])),
        ca_file=(query.get("ca_file") or [None])[0],
        timeout=timeout,
    )
