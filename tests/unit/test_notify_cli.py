"""``python -m kpi report … --notify TARGET``: the red flags reach a webhook and an SMTP
server that the tests start on 127.0.0.1; refused, silent and failing servers leave the
workbook written and give exit code 4; the secrets never appear in stdout, stderr, the logs
or the workbook.

The data: 10 users landed, 4 added to cart, 1 bought (hand count), so conversion
= 1 / 10 = 10.0 % and cart abandonment = (4 - 1) / 4 = 75.0 %. With ``--min-conversion 20%``
two flags fire: low conversion (alert, 10.0 % < 20.0 %) and high cart abandonment (warning,
75.0 % > 70.0 %). With ``--min-conversion 5% --max-cart-abandonment 80%`` none fires.
"""

from __future__ import annotations

import csv
import email
import email.policy
import logging
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import notify_servers as srv

from kpi.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "T0SECRET/B0SECRET/xoxSECRETtoken"  # the part of a Slack URL that is a secret
PASSWORD = "pa55-SECRET-word"
TWO_FLAGS = ["--min-conversion", "20%"]
NO_FLAG = ["--min-conversion", "5%", "--max-cart-abandonment", "80%"]


@pytest.fixture
def events(tmp_path: Path) -> Path:
    rows = []
    for u in range(1, 11):
        day = f"2025-03-0{1 + u % 5}"
        rows.append((f"u{u}", f"{day} 10:00:00", "landing"))
        if u <= 4:
            rows.append((f"u{u}", f"{day} 10:05:00", "add_to_cart"))
        if u == 1:
            rows.append((f"u{u}", f"{day} 10:09:00", "purchase"))
    path = tmp_path / "events.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([("user_id", "timestamp", "event"), *rows])
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config, no proxy, no variable of the machine running the tests."""
    import os

    for k in list(os.environ):
        if k.startswith("PARCOURS_") or k.lower() in ("http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def hook_url(port: int = srv.WEBHOOK_PORT) -> str:
    return f"http://{srv.HOST}:{port}/services/{TOKEN}"


def workbook_text(path: Path) -> str:
    """Every cell of the workbook, and every XML part of the file (properties included)."""
    wb = openpyxl.load_workbook(path)
    cells = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    with zipfile.ZipFile(path) as z:
        parts = [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    return "\n".join(cells + parts)


def assert_secret_absent(secret: str, *texts: str) -> None:
    for text in texts:
        assert secret not in text
        for piece in secret.split("/"):
            assert piece not in text


def test_webhook_gets_the_flags_in_english(
    events: Path, tmp_path: Path, capsys, monkeypatch, caplog
) -> None:
    monkeypatch.setenv("PARCOURS_SLACK_TEAM_URL", hook_url())
    out = tmp_path / "daily.xlsx"
    caplog.set_level(logging.DEBUG)
    with srv.webhook() as hook:
        code, stdout, stderr = run(capsys, str(events), "-o", str(out), *TWO_FLAGS,
                                   "--notify", "slack:team")  # fmt: skip
    assert code == 0, stderr
    assert hook.paths == [f"/services/{TOKEN}"]
    body = hook.bodies[0]
    text = body["text"]
    assert text.startswith("Parcours: 2 red flags\n")
    assert "Data: events.csv\n" in text
    assert "View: all users, whole period\n" in text
    assert "Period: Mar 1, 2025 to Mar 5, 2025 (the whole period in the data)\n" in text
    assert (
        "- Alert – Low conversion rate. Conversion rate is 10.0%, below the 20.0% minimum.\n"
        in text
    )
    assert (
        "- Warning – High cart abandonment. Cart abandonment is 75.0%, above the 70.0% "
        "threshold.\n" in text
    )
    assert "- Users: 10\n" in text and "- Conversion rate: 10.0%\n" in text
    assert "The workbook is daily.xlsx." in text
    blocks = body["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Parcours: 2 red flags"},
    }
    assert [b["type"] for b in blocks] == [
        "header",
        "section",
        "section",
        "section",
        "section",
        "context",
    ]
    assert blocks[2]["text"]["text"].startswith(":rotating_light: *Alert – Low conversion rate*\n")
    assert blocks[3]["text"]["text"].startswith(":warning: *Warning – High cart abandonment*\n")
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in blocks[4]["fields"]}
    assert fields["*Users*"] == "10" and fields["*Cart abandonment rate*"] == "75.0%"
    assert "alert sent to slack:team (2 red flags)" in stderr
    summary = openpyxl.load_workbook(out)["Summary"]
    listed = [(r[0], r[1]) for r in summary.iter_rows(values_only=True) if r[0] in
              ("Low conversion rate", "High cart abandonment")]  # fmt: skip
    assert listed == [  # the workbook's flags are the message's, word for word
        ("Low conversion rate", "Alert: Conversion rate is 10.0%, below the 20.0% minimum."),
        ("High cart abandonment", "Warning: Cart abandonment is 75.0%, above the 70.0% threshold."),
    ]
    assert_secret_absent(TOKEN, stdout, stderr, caplog.text, workbook_text(out))


def test_webhook_in_french_with_a_filter_and_a_period(
    events: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("HOOK_VENTES", hook_url())  # a target named by its variable
    out = tmp_path / "quotidien.xlsx"
    with srv.webhook() as hook:
        code, _, stderr = run(capsys, str(events), "-o", str(out), *TWO_FLAGS, "--lang", "fr",
                              "--from", "2025-03-01", "--to", "2025-03-05", "--notify", "HOOK_VENTES")  # fmt: skip
    assert code == 0, stderr
    text = hook.bodies[0]["text"]
    nb = "\u00a0"
    assert text.startswith(f"Parcours{nb}: 2 alertes\n")
    assert f"Vue{nb}: du 1 mars 2025 au 5 mars 2025\n" in text
    assert f"Comparée à{nb}: du 24 févr. 2025 au 28 févr. 2025\n" in text
    assert (
        f"- Alerte – Taux de conversion faible. Le taux de conversion est de 10,0{nb}%, "
        f"sous le seuil minimum de 20,0{nb}%.\n" in text
    )
    assert f"Chiffres\n- Utilisateurs{nb}: 10\n" in text  # nothing before 1 March
    assert "alerte envoyée à HOOK_VENTES (2 alertes)" in stderr
    assert english_pieces(text + stderr) == []


def english_pieces(text: str) -> list[str]:
    """English literal parts (four words or more) of the catalogue found in ``text``."""
    from kpi.words.catalogue import catalogue

    found = []
    for en, fr in catalogue().values():
        for part in re.split(r"\{[^}]*\}", en):
            part = part.strip(" :;,.()–-")
            if len(part.split()) > 3 and part not in fr and part in text:
                found.append(part)
    return found


def test_no_flag_sends_nothing_unless_always(
    events: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("PARCOURS_SLACK_TEAM_URL", hook_url())
    out = tmp_path / "r.xlsx"
    with srv.webhook() as hook:
        code, _, stderr = run(
            capsys, str(events), "-o", str(out), *NO_FLAG, "--notify", "slack:team"
        )
        assert code == 0 and hook.bodies == []
        assert "no red flag: nothing sent to slack:team (--notify-always sends anyway)" in stderr
        code, _, stderr = run(capsys, str(events), "-o", str(out), *NO_FLAG, "--notify", "slack:team",
                              "--notify-always")  # fmt: skip
    assert code == 0, stderr
    assert len(hook.bodies) == 1
    assert hook.bodies[0]["text"].startswith("Parcours: no red flag\n")
    assert [b["type"] for b in hook.bodies[0]["blocks"]] == [
        "header",
        "section",
        "section",
        "context",
    ]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_email_with_the_workbook_attached(events: Path, tmp_path: Path, capsys, caplog) -> None:
    config = tmp_path / "notify.toml"
    config.write_text(
        f'[email.managers]\nhost = "127.0.0.1"\nport = {srv.SMTP_AUTH_PORT}\nsecurity = "none"\n'
        f'user = "reports@example.org"\npassword = "{PASSWORD}"\n'
        'from = "Parcours <reports@example.org>"\nto = ["ana@example.org", "bo@example.org"]\n'
    )
    config.chmod(0o600)
    out = tmp_path / "synthese.xlsx"
    caplog.set_level(logging.DEBUG)
    with srv.smtp(srv.SMTP_AUTH_PORT, login=("reports@example.org", PASSWORD)) as rec:
        code, stdout, stderr = run(capsys, str(events), "-o", str(out), *TWO_FLAGS, "--lang", "fr",
                                   "--notify", "email:managers", "--notify-config", str(config))  # fmt: skip
    assert code == 0, stderr
    assert rec.logins == [("reports@example.org", PASSWORD)]
    assert rec.envelopes == [("reports@example.org", ["ana@example.org", "bo@example.org"])]
    msg = email.message_from_bytes(rec.messages[0], policy=email.policy.default)
    assert msg["Subject"] == "Parcours\u00a0: 2 alertes – events.csv"
    assert msg["To"] == "ana@example.org, bo@example.org"
    body = msg.get_body(("plain",)).get_content()
    assert "Le taux d'abandon de panier est de 75,0\u00a0%" in body
    assert "Le classeur synthese.xlsx est joint." in body
    assert "Période\u00a0: du 1 mars 2025 au 5 mars 2025 (toute la période des données)\r\n" in body
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "synthese.xlsx"
    assert attachment.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert attachment.get_content() == out.read_bytes()  # the very workbook written
    assert "alerte envoyée à email:managers (2 alertes)" in stderr
    assert_secret_absent(PASSWORD, stdout, stderr, caplog.text, workbook_text(out))


def test_email_by_environment_variables_and_starttls(events: Path, tmp_path: Path, capsys,
                                                      monkeypatch) -> None:  # fmt: skip
    if shutil.which("openssl") is None:
        pytest.skip("openssl makes the test's certificate")
    cert, key = srv.self_signed(tmp_path)
    for k, v in {"HOST": "127.0.0.1", "PORT": str(srv.SMTP_TLS_PORT), "TO": "ana@example.org",
                 "FROM": "reports@example.org"}.items():  # fmt: skip
        monkeypatch.setenv(f"PARCOURS_EMAIL_OPS_{k}", v)
    out = tmp_path / "r.xlsx"
    with srv.smtp(srv.SMTP_TLS_PORT, tls=(cert, key)) as rec:
        # the test's own certificate is not trusted: a TLS error, said, no retry, exit 4
        code, _, stderr = run(
            capsys, str(events), "-o", str(out), *TWO_FLAGS, "--notify", "email:ops"
        )
        assert code == 4 and out.exists() and rec.messages == []
        assert re.search(
            r"alert NOT delivered to email:ops: TLS error \(self.signed certificate\)", stderr
        )
        assert "(1 attempt)" in stderr
        monkeypatch.setenv("PARCOURS_EMAIL_OPS_CA_FILE", str(cert))  # now trusted
        code, _, stderr = run(
            capsys, str(events), "-o", str(out), *TWO_FLAGS, "--notify", "email:ops"
        )
    assert code == 0, stderr
    msg = email.message_from_bytes(rec.messages[0], policy=email.policy.default)
    assert msg["Subject"] == "Parcours: 2 red flags – events.csv"


def test_email_over_ssl_from_one_url(events: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl makes the test's certificate")
    cert, key = srv.self_signed(tmp_path)
    url = f"smtps://127.0.0.1:{srv.SMTP_SSL_PORT}?to=ana@example.org&ca_file={cert}"
    monkeypatch.setenv("OPS_MAIL", url)
    out = tmp_path / "r.xlsx"
    with srv.smtp(srv.SMTP_SSL_PORT, implicit_tls=(cert, key)) as rec:
        code, _, stderr = run(capsys, str(events), "-o", str(out), *NO_FLAG, "--notify", "OPS_MAIL",
                              "--notify-always")  # fmt: skip
    assert code == 0, stderr
    msg = email.message_from_bytes(rec.messages[0], policy=email.policy.default)
    assert msg["Subject"] == "Parcours: no red flag – events.csv"
    assert rec.envelopes == [("parcours@127.0.0.1", ["ana@example.org"])]


@pytest.mark.parametrize("case", ["refused", "silent", "error500"])
def test_failed_delivery_keeps_the_report_and_exits_4(
    case: str, events: Path, tmp_path: Path, capsys, monkeypatch, caplog
) -> None:
    port = {"refused": srv.CLOSED_PORT, "silent": srv.SILENT_PORT, "error500": srv.FAILING_PORT}[
        case
    ]
    config = tmp_path / "notify.toml"
    config.write_text(f'timeout = 1\n[slack.team]\nurl = "{hook_url(port)}"\n')
    config.chmod(0o600)
    monkeypatch.setenv("PARCOURS_NOTIFY_CONFIG", str(config))
    out = tmp_path / "r.xlsx"
    caplog.set_level(logging.DEBUG)
    server = {"silent": srv.silent(port), "error500": srv.webhook(port, status=500)}.get(case)
    started = time.perf_counter()
    with server or _nothing():
        code, stdout, stderr = run(capsys, str(events), "-o", str(out), *TWO_FLAGS, "-q",
                                   "--fail-on-red-flags", "--notify", "slack:team")  # fmt: skip
    elapsed = time.perf_counter() - started
    assert code == 4  # not 3: the alert that was not delivered is said first
    assert out.exists() and openpyxl.load_workbook(out).sheetnames[0] == "Summary"
    why = {
        "refused": "the server refused the connection",
        "silent": "no answer within 1 s",
        "error500": "the server answered HTTP 500 (internal_error)",
    }[case]
    assert f"error: alert NOT delivered to slack:team: {why}" in stderr
    assert f"(2 attempts). The workbook {out} is written." in stderr
    assert "red flag (alert): Low conversion rate" in stderr  # --fail-on-red-flags still lists
    assert elapsed < 30  # two attempts of 1 s and a pause of 1 s, plus the report
    assert_secret_absent(TOKEN, stdout, stderr, caplog.text, workbook_text(out))


def test_one_failing_target_does_not_stop_the_others(events: Path, tmp_path: Path, capsys,
                                                     monkeypatch) -> None:  # fmt: skip
    monkeypatch.setenv("PARCOURS_SLACK_GOOD_URL", hook_url())
    monkeypatch.setenv("PARCOURS_SLACK_BAD_URL", hook_url(srv.CLOSED_PORT))
    out = tmp_path / "r.xlsx"
    with srv.webhook() as hook:
        code, _, stderr = run(capsys, str(events), "-o", str(out), *TWO_FLAGS,
                              "--notify", "slack:bad", "--notify", "slack:good")  # fmt: skip
    assert code == 4 and len(hook.bodies) == 1
    assert "alert NOT delivered to slack:bad" in stderr and "alert sent to slack:good" in stderr


def test_a_target_without_its_secret_is_said_before_reading(
    events: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "r.xlsx"
    code, _, stderr = run(capsys, str(events), "-o", str(out), "--notify", "slack:team")
    assert code == 2 and not out.exists()
    assert stderr.strip() == (
        "error: Alert target slack:team has no webhook URL: set the environment variable "
        "PARCOURS_SLACK_TEAM_URL, or url in the [slack.team] table of the config file."
    )
    code, _, stderr = run(capsys, str(events), "-o", str(out), "--notify", hook_url())
    assert code == 2 and not out.exists() and "not a URL" in stderr
    assert_secret_absent(TOKEN, stderr)
    code, _, stderr = run(capsys, str(events), "-o", str(out), "--notify-always")
    assert code == 2 and "--notify-always needs a --notify TARGET" in stderr


def test_secret_never_printed_by_a_real_process(events: Path, tmp_path: Path) -> None:
    """The command as cron runs it: a subprocess, its own stdout and stderr."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("PARCOURS_")}
    env.update(PARCOURS_SLACK_TEAM_URL=hook_url(srv.CLOSED_PORT), no_proxy="127.0.0.1",
               XDG_CONFIG_HOME=str(tmp_path))  # fmt: skip
    out = tmp_path / "r.xlsx"
    r = subprocess.run(
        [sys.executable, "-m", "kpi", "report", str(events), "-o", str(out), *TWO_FLAGS,
         "--notify", "slack:team"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 4, r.stderr
    assert "alert NOT delivered to slack:team" in r.stderr and "Traceback" not in r.stderr
    assert_secret_absent(TOKEN, r.stdout, r.stderr, workbook_text(out))


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def test_a_connected_table_is_named_never_its_connection_string(
    events: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """``--source duckdb:///…`` (issue 13): the same flags, the table's label as the data (the
    workbook's), never the connection string."""
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE web_events AS SELECT * FROM read_csv_auto('{events}')")
    con.close()
    monkeypatch.setenv("PARCOURS_SLACK_TEAM_URL", hook_url())
    out = tmp_path / "r.xlsx"
    with srv.webhook() as hook:
        code, stdout, stderr = run(capsys, "--source", f"duckdb:///{db}", "--table", "web_events",
                                   "-o", str(out), *TWO_FLAGS, "--notify", "slack:team")  # fmt: skip
    assert code == 0, stderr
    text = hook.bodies[0]["text"]
    assert text.startswith("Parcours: 2 red flags\n")
    assert "Data: warehouse.duckdb · web_events\n" in text  # the workbook's label
    assert "Conversion rate is 10.0%, below the 20.0% minimum." in text
    assert "Cart abandonment is 75.0%, above the 70.0% threshold." in text
    assert "duckdb://" not in str(hook.bodies[0]) and str(tmp_path) not in str(hook.bodies[0])
    assert_secret_absent(TOKEN, stdout, stderr, workbook_text(out))


def test_failed_delivery_said_in_french(events: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PARCOURS_SLACK_EQUIPE_URL", hook_url(srv.CLOSED_PORT))
    out = tmp_path / "r.xlsx"
    code, _, stderr = run(capsys, str(events), "-o", str(out), *TWO_FLAGS, "--lang", "fr", "-q",
                          "--notify", "slack:equipe")  # fmt: skip
    assert code == 4 and out.exists()
    nb = "\u00a0"
    assert stderr.strip() == (
        f"erreur{nb}: alerte NON remise à slack:equipe{nb}: le serveur a refusé la connexion "
        f"(rien n'écoute sur ce port, ou un pare-feu) (2 tentatives). Le classeur {out} est "
        "bien écrit."
    )
