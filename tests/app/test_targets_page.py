"""The Targets section in the app (AppTest, the real frame on the demo data), in English and
French: targets from a shared link (``?target=kpi:value``, kept in the URL on every page),
from a targets file uploaded in the section, on every KPI card with gap and status, among the
red flags; and on a connected table (the same cards: targets are local)."""

from __future__ import annotations

import pytest

from tests.app.conftest import errors_and_exceptions

HOME, STAGES = "pages/home_view.py", "pages/stages_view.py"
LINK = ["conversion_rate:0.05", "cart_abandonment:0.65", "bogus:1"]


def _open(app, lang: str, page: str = HOME, link: list[str] | None = None):
    app.query_params["lang"] = lang
    if link is not None:
        app.query_params["target"] = link
    app.run()
    if page != HOME:
        app.switch_page(page).run()
    assert errors_and_exceptions(app) == []
    return app


def _target_lines(at) -> list[str]:
    return sorted(c.value for c in at.caption if c.value.startswith(("Target ", "Objectif ")))


def test_a_shared_link_sets_the_targets_in_english(app):
    at = _open(app, "en", link=LINK)
    # the demo: conversion 4.09 % (2,045 / 50,000), cart abandonment 70.5 %
    # conversion: 4.09 % − 5 % = −0.91 pt, below 5 % × 0.9 = 4.5 %: off target
    # cart abandonment (lower is better): 70.54 % − 65 % = +5.54 pt, within 65 % × 1.1 = 71.5 %
    assert _target_lines(at) == [
        "Target 5.00% · gap -0.91 pp · :red[**Off target**]",
        "Target 65.0% · gap +5.54 pp · :orange[**Close**]",
    ]  # sorted
    flags = [w.value for w in at.warning]
    assert any(
        f.startswith("**Target missed: Conversion rate**") or "Target missed: Conversion rate" in f
        for f in flags
    ), flags
    assert any("“bogus” is left out" in w for w in flags)  # the link's unknown id, said
    assert at.expander[0].label == "Targets (2 set)"
    table = next(d.value for d in at.dataframe if "status" in d.value.columns)
    assert table.to_dict("list") == {
        "kpi": ["Conversion rate", "Cart abandonment rate"],
        "value": ["4.09%", "70.5%"],
        "target": ["5.00%", "65.0%"],
        "gap": ["-0.91 pp", "+5.54 pp"],
        "status": ["○ Off target", "◐ Close"],
    }
    # the URL keeps the targets (neutral values), without the one left out
    assert at.query_params["target"] == ["conversion_rate:0.05", "cart_abandonment:0.65"]
    at.switch_page(STAGES).run()
    assert errors_and_exceptions(at) == []
    assert "Target 5.00% · gap -0.91 pp · :red[**Off target**]" in _target_lines(at)
    assert at.query_params["target"] == ["conversion_rate:0.05", "cart_abandonment:0.65"]


def test_a_shared_link_sets_the_targets_in_french(app):
    at = _open(app, "fr", STAGES, link=LINK)
    lines = _target_lines(at)
    assert "Objectif 5,00\u00a0% · écart -0,91\u00a0pt · :red[**Objectif manqué**]" in lines
    assert "Objectif 65,0\u00a0% · écart +5,54\u00a0pt · :orange[**Proche**]" in lines
    flags = " ".join(w.value for w in at.warning)
    assert "Objectif manqué\u00a0: Taux de conversion" in flags
    assert "Objectifs (2 définis)" in [e.label for e in at.expander]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_targets_file_uploaded_in_the_section(app, lang: str):
    at = _open(app, lang)
    assert _target_lines(at) == []  # no target: no line on the cards
    up = next(u for u in at.file_uploader if u.key == "home_targets_file")
    data = "kpi;target\nconversion_rate;0,04\naov;75\nfoo;3\n".encode("cp1252")
    up.set_value(("objectifs.csv", data, "text/csv")).run()
    assert errors_and_exceptions(at) == []
    said = [s.value for s in at.success]
    if lang == "en":
        assert "objectifs\\.csv: 2 targets read from 3 rows; 1 row ignored." in said
        # conversion 4.09 % ≥ 4 %: on target (+0.09 pt); AOV 79.90 ≥ 75: on (+4.90, +6.53 %)
        assert _target_lines(at) == [
            "Target 4.00% · gap +0.09 pp · :green[**On target**]",
            "Target 75.00 · gap 4.90 (+6.53%) · :green[**On target**]",
        ]
        assert any("Line 4: foo is not a KPI id" in w.value for w in at.warning)
    else:
        assert "objectifs\\.csv\u00a0: 2 objectifs lus sur 3 lignes\u00a0; 1 ligne ignorée." in said
        assert "Objectif 75,00 · écart 4,90 (+6,53\u00a0%) · :green[**Objectif atteint**]" in (
            _target_lines(at)
        )
    assert at.query_params["target"] == ["conversion_rate:0.04", "aov:75"]
    assert any(b.key == "home_targets_download" for b in at.get("download_button"))
    # the workbook's options carry them (the sidebar's download button reads the same)
    assert at.session_state["thresholds"].targets.as_dict() == {"conversion_rate": 0.04, "aov": 75}


def test_a_file_without_its_columns_is_a_clear_message(app):
    at = _open(app, "en")
    up = next(u for u in at.file_uploader if u.key == "home_targets_file")
    up.set_value(("t.csv", b"name,value\nx,1\n", "text/csv")).run()
    assert errors_and_exceptions(at) == []
    errors = [e.value for e in at.error]
    assert any("needs the columns kpi and target" in e for e in errors), errors
    assert _target_lines(at) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_targets_on_a_connected_table(monkeypatch, tmp_path, lang: str):
    from tests.app.connected import connected_app

    at = connected_app(monkeypatch, tmp_path, HOME, lang=lang)
    up = next(u for u in at.file_uploader if u.key == "home_targets_file")
    up.set_value(("t.csv", b"kpi,target\nconversion_rate,0.99\n", "text/csv")).run()
    assert errors_and_exceptions(at) == []
    lines = _target_lines(at)
    assert len(lines) == 1
    assert (":red[**Off target**]" if lang == "en" else ":red[**Objectif manqué**]") in lines[0]
    flags = " ".join(w.value for w in at.warning)
    assert ("Target missed" if lang == "en" else "Objectif manqué") in flags
    at.switch_page(STAGES).run()
    assert errors_and_exceptions(at) == []
    assert len(_target_lines(at)) == 1
