"""The A/B page in French (?lang=fr): a quick check and the demo data show French words, and
none of the English sentences of the A/B catalogues (templates without fields, of more than
three words) appear anywhere: text, labels, help, table headers, chart titles."""

from __future__ import annotations

import json

import pytest

from kpi.abtest import compare
from kpi.words.catalogue import ab, ab_page, ab_sheet
from tests.app.conftest import errors_and_exceptions

PAGE = "pages/abtest_view.py"


def _english_sentences() -> set[str]:
    out = set()
    for module in (ab, ab_page, ab_sheet):
        for en, fr in module.MESSAGES.values():
            if "{" not in en and en != fr and len(en.split()) > 3:
                out.add(en)
    return out


def _everything(app) -> str:
    parts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title"):
        parts += [str(e.value) for e in getattr(app, kind)]
    parts += [str(s.value) for s in app.subheader]
    for kind in (
        "selectbox",
        "text_input",
        "number_input",
        "text_area",
        "toggle",
        "button",
        "segmented_control",
    ):
        for w in getattr(app, kind):
            parts += [str(w.label), str(getattr(w, "help", "") or "")]
            parts += [str(getattr(w, "placeholder", "") or "")]
            options = getattr(w, "options", None)
            if options:
                parts += [str(o) for o in options]
    for m in app.metric:
        parts += [str(m.label), str(m.value), str(m.help or "")]
    for d in app.dataframe:
        parts += [str(c) for c in d.value.columns]
    for e in app.expander:
        parts.append(str(e.label))
    for chart in app.get("vega_lite_chart"):
        parts.append(json.dumps(json.loads(chart.proto.spec), ensure_ascii=False))
    return "\n".join(parts).replace("\\", "")


def _french(app) -> None:
    app.query_params["lang"] = "fr"
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []


def test_quick_check_in_french(app):
    _french(app)
    text = _everything(app)
    assert "Vérification rapide" in text and "Visiteurs (contrôle)" in text
    app.text_area(key="ab_paste").set_value("gate_30\t44700\t8502\ngate_40\t45489\t8279").run()
    assert errors_and_exceptions(app) == []
    ref = compare(8502, 44700, 8279, 45489)
    verdict = next(x.value for x in app.markdown if "border-left" in x.value)
    assert "gate_40 convertit" in verdict and "moins bien que gate_30" in verdict
    assert "peu probable que ce soit le hasard (p = 0,0016)" in verdict
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["p-value"] == f"{ref.p_value:.3g}".replace(".", ",") == "0,00155"
    assert metrics["Écart (pt)"] == "−0,83\u00a0pt" or metrics["Écart (pt)"].endswith("pt")
    text = _everything(app)
    for words in ("Test A/B", "Groupe de contrôle", "significatif", "Répartition du trafic"):
        assert words in text, words
    leaked = sorted(s for s in _english_sentences() if s in text)
    assert leaked == []


def test_demo_data_in_french(app):
    _french(app)
    app.segmented_control(key="ab_mode").set_value("From data").run()
    assert errors_and_exceptions(app) == []
    app.selectbox(key="ab_by").set_value("device").run()
    app.toggle(key="ab_peeked").set_value(True).run()
    app.selectbox(key="ab_correction").set_value("Benjamini–Hochberg").run()
    assert errors_and_exceptions(app) == []
    # the link carries language-neutral values, not the French words shown
    assert app.query_params["ab_mode"] in ("From data", ["From data"])
    assert app.query_params["ab_by"] in ("device", ["device"])
    assert app.query_params["ab_correction"] in ("Benjamini–Hochberg", ["Benjamini–Hochberg"])
    assert app.selectbox(key="ab_correction").format_func("None") == "Aucune"
    text = _everything(app)
    for words in (
        "Colonne de variante",
        "Compte comme conversion",
        "a atteint",
        "Écart relatif",
        "Probabilité de battre",
        "Peut-on s'y fier",
        "Résultats toujours valides",
        "IC à 95\u00a0%",
    ):
        assert words in text, words
    leaked = sorted(s for s in _english_sentences() if s in text)
    assert leaked == []
    # the same view in English says it in English (the check above is not vacuous)
    app.query_params["lang"] = "en"
    app.session_state["lang"] = "en"
    app.run()
    english = _everything(app)
    assert "Always-valid results (you peeked)" in english
    assert any(s in english for s in _english_sentences())


@pytest.mark.parametrize("lang, word", [("fr", "Calculé à partir de"), ("en", "Computed from")])
def test_workbook_from_the_page_follows_the_page(app, lang, word):
    """The analysis stored for the workbook is the typed one, rendered in the view's language
    by the sheet (``ReportOptions.lang``, added by the lead; a subclass stands in for it)."""
    import io
    from dataclasses import dataclass

    import openpyxl

    from kpi.filters import Filters
    from kpi.report import ReportOptions, build_workbook
    from kpi.words import render

    _french(app)
    app.text_area(key="ab_paste").set_value("A\t2000\t100\nB\t2000\t120\nC\t2000\t150").run()
    analysis = app.session_state["ab_result_export"]

    @dataclass(frozen=True)
    class Options(ReportOptions):
        lang: str = "en"

    data = build_workbook(
        app.session_state["dataset"],
        Filters(),
        options=Options(ab_result=analysis, lang=lang),
        sections=["ab"],
    )
    ws = openpyxl.load_workbook(io.BytesIO(data))[render("export.sheet.ab", lang)]  # "Test AB"
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert word in labels


@pytest.mark.parametrize("name", ["cookie_cats.csv", "funnel_ab_5step.csv"])
def test_uploaded_ab_file_in_french(app, name):
    from tests.app.conftest import DATASETS

    path = DATASETS / name
    if not path.exists():
        pytest.skip(f"{path} missing")
    _french(app)
    app.sidebar.file_uploader[0].set_value((name, path.read_bytes(), "text/csv")).run()
    assert errors_and_exceptions(app) == []
    assert app.segmented_control(key="ab_mode").value == "From data"
    text = _everything(app)
    assert "Affectation" in text and "utilisateurs comptés sur" in text
    assert "Répartition du trafic" in text  # both files have a sample-ratio warning
    leaked = sorted(s for s in _english_sentences() if s in text)
    assert leaked == []


def test_ab_summary_file_in_french(app):
    csv = (
        b"variant,visitors,conversions,revenue_sum,revenue_sq_sum\n"
        b"control,10234,512,25600.5,3100000.25\n"
        b"treatment,10188,581,29050.0,3600000.5\n"
    )
    _french(app)
    app.sidebar.file_uploader[0].set_value(("ab_summary.csv", csv, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    text = _everything(app)
    assert "la synthèse A/B" in text and "Revenu par visiteur (test t de Welch)" in text
    leaked = sorted(s for s in _english_sentences() if s in text)
    assert leaked == []
