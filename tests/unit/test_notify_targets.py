"""kpi.notify without a server: targets from the environment and the TOML file, their
errors (the name, never the secret), Slack escaping, and the retry rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi.notify.deliver import Outcome, _attempt
from kpi.notify.errors import DeliveryError
from kpi.notify.message import slack_escape
from kpi.notify.targets import (
    EmailTarget,
    NotifyConfigError,
    WebhookTarget,
    config_path,
    load_config,
    resolve,
)
from kpi.words import Fact

URL = "https://hooks.slack.com/services/T1/B2/SECRETtoken"


def test_webhook_from_environment_wins_over_the_file() -> None:
    config = {"slack": {"team": {"url": "https://example.org/from-file", "timeout": 2}}}
    t = resolve("slack:team", config, {"PARCOURS_SLACK_TEAM_URL": URL})
    assert isinstance(t, WebhookTarget) and t.url == URL and t.timeout == 2.0
    t = resolve("slack:team", config, {})
    assert t.url == "https://example.org/from-file"
    assert "SECRET" not in repr(resolve("slack:team", {}, {"PARCOURS_SLACK_TEAM_URL": URL}))
    # a name with a dash: PARCOURS_SLACK_SALES_FR_URL
    t = resolve("teams:sales-fr", {}, {"PARCOURS_TEAMS_SALES_FR_URL": URL})
    assert t.name == "teams:sales-fr"


def test_email_from_file_and_environment() -> None:
    config = {
        "timeout": 3,
        "email": {
            "managers": {
                "host": "smtp.example.org",
                "user": "bot@example.org",
                "password_env": "SMTP_PW",
                "to": ["a@example.org", "b@example.org"],
            }
        },
    }
    env = {"SMTP_PW": "s3cret", "PARCOURS_EMAIL_MANAGERS_PORT": "2525"}
    t = resolve("email:managers", config, env)
    assert isinstance(t, EmailTarget)
    assert (t.host, t.port, t.security, t.sender, t.to, t.password, t.timeout) == (
        "smtp.example.org", 2525, "starttls", "bot@example.org",
        ("a@example.org", "b@example.org"), "s3cret", 3.0,
    )  # fmt: skip
    assert "s3cret" not in repr(t)
    ssl = resolve("email:m", {"email": {"m": {"host": "h", "to": "x@y.z", "security": "ssl"}}}, {})
    assert ssl.port == 465  # the SSL default port; STARTTLS's is 587


def test_targets_as_one_url_in_a_variable() -> None:
    env = {
        "HOOK": URL,
        "MAIL": "smtps://bot%40example.org:p%2Fw@smtp.example.org?to=a@example.org&to=b@example.org",
    }
    assert resolve("HOOK", {}, env).url == URL
    m = resolve("MAIL", {}, env)
    assert (m.host, m.port, m.security, m.user, m.password, m.to) == (
        "smtp.example.org", 465, "ssl", "bot@example.org", "p/w", ("a@example.org", "b@example.org"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "config", "env", "says"),
    [
        ("slack:team", {}, {}, "PARCOURS_SLACK_TEAM_URL"),
        ("pager:team", {}, {}, "pager is not a kind of target"),
        ("team", {}, {}, "is not a target name"),
        ("HOOK", {}, {}, "the environment variable HOOK is not set"),
        ("HOOK", {}, {"HOOK": "ftp://x/SECRETtoken"}, "is not an http(s), smtp or smtps URL"),
        ("email:m", {"email": {"m": {"host": "h"}}}, {}, "lacks to"),
        ("email:m", {"email": {"m": {"host": "h", "to": "x@y.z", "security": "tls"}}}, {},
         "security tls is unknown; choose starttls, ssl, or none"),
        ("email:m", {"email": {"m": {"host": "mail.example.org", "to": "x@y.z",
                                      "security": "none", "password": "SECRETpw"}}}, {},
         "never sent without TLS"),
        ("slack:t", {"slack": {"t": {"url": URL, "timeout": 99}}}, {}, "between 0 and 30"),
    ],
)  # fmt: skip
def test_configuration_errors_name_the_target_never_the_secret(spec, config, env, says) -> None:
    with pytest.raises(NotifyConfigError) as err:
        resolve(spec, config, env)
    for lang in ("en", "fr"):
        assert "SECRET" not in err.value.text(lang)
    assert says in err.value.text("en")
    assert spec in err.value.text("en")


@pytest.mark.parametrize("spec", [URL, "smtp://bot:SECRETpw@smtp.example.org", "a@SECRET.org"])
def test_a_secret_on_the_command_line_is_refused_and_not_echoed(spec: str) -> None:
    with pytest.raises(NotifyConfigError) as err:
        resolve(spec, {}, {})
    for lang in ("en", "fr"):
        assert "SECRET" not in err.value.text(lang) and "not a URL" in err.value.text("en")


def test_an_unexpected_failure_is_an_outcome_not_a_traceback() -> None:
    def broken() -> None:
        raise RuntimeError("https://hooks.slack.com/services/SECRET")

    o = _attempt("slack:t", broken, 0, lambda s: None)
    assert o == Outcome("slack:t", False, 1, Fact("notify.why.network", detail="RuntimeError"))


def test_config_file(tmp_path: Path) -> None:
    path = tmp_path / "notify.toml"
    assert config_path(None, {"XDG_CONFIG_HOME": str(tmp_path)}) == (
        tmp_path / "parcours" / "notify.toml"
    )
    assert config_path(None, {"PARCOURS_NOTIFY_CONFIG": str(path)}) == path
    assert load_config(path, required=False) == ({}, [])
    with pytest.raises(NotifyConfigError, match="does not exist"):
        load_config(path, required=True)
    path.write_text('[slack.team]\nurl = "https://x/SECRET"\nbroken = \n')
    with pytest.raises(NotifyConfigError, match="not valid TOML") as err:
        load_config(path, required=True)
    assert "SECRET" not in err.value.text("en")
    path.write_text('[slack.team]\nurl = "https://x/y"\n')
    path.chmod(0o644)
    data, warnings = load_config(path, required=True)
    assert data == {"slack": {"team": {"url": "https://x/y"}}}
    assert [w.code for w in warnings] == ["notify.config.open_mode"]
    path.chmod(0o600)
    assert load_config(path, required=True)[1] == []


def test_slack_escape_keeps_data_as_text() -> None:
    assert slack_escape("<!channel> & <https://evil|click>") == (
        "&lt;!channel&gt; &amp; &lt;https://evil|click&gt;"
    )


def test_retry_once_when_it_may_help() -> None:
    calls: list[int] = []
    pauses: list[float] = []

    def refused() -> None:
        calls.append(1)
        raise DeliveryError(Fact("notify.why.refused"))

    o = _attempt("slack:t", refused, 0.5, pauses.append)
    assert o == Outcome("slack:t", False, 2, Fact("notify.why.refused"))
    assert len(calls) == 2 and pauses == [0.5]

    def client_error() -> None:  # a 4xx: the same request would fail again
        calls.append(1)
        raise DeliveryError(Fact("notify.why.http_client", status=404, body=""), retry=False)

    calls.clear()
    assert _attempt("slack:t", client_error, 0.5, pauses.append).attempts == 1 and len(calls) == 1

    def second_time_lucky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise DeliveryError(Fact("notify.why.timeout", seconds=5.0))

    calls.clear()
    assert _attempt("slack:t", second_time_lucky, 0, lambda s: None) == Outcome("slack:t", True, 2)
