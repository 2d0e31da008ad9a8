"""AppTest of the Funnel page's "Why they drop" section on the demo data, in English and in
French: computed only when its toggle is on, the step read from and written to the URL as a
neutral number, the next-event table equal to kpi.funnel.next_events on the same View, the
family size said; on aggregated counts and on a connected table it says what is not offered."""

from __future__ import annotations

import polars as pl
import pytest

from kpi.funnel import why
from kpi.words.catalogue import funnel_why
from pages._ui import compute
from tests.app.conftest import errors_and_exceptions
from tests.app.french_pages import shown_text

PAGE = "pages/funnel_view.py"


def _frame(at, *columns: str) -> pl.DataFrame:
    """The first table on screen with exactly these columns."""
    for df in at.dataframe:
        if list(df.value.columns) == list(columns):
            return pl.from_pandas(df.value)
    raise AssertionError(f"no table with columns {columns}")


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(parts)


def _why_keys(at) -> list[str]:
    views = at.session_state["_views"] if "_views" in at.session_state else {}  # noqa: SIM401 (no .get on AppTest state)
    keys = [k for v in views.values() for k in v._memo if k.startswith("why:")]
    shared, _ = compute._shared_views()
    keys += [k for v in shared.values() for k in v._memo if k.startswith("why:")]
    return keys


def test_off_by_default_then_both_parts_for_the_biggest_drop(app):
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    assert app.toggle(key="fn_why").value is False
    assert _why_keys(app) == []  # nothing computed while the section is closed
    app.toggle(key="fn_why").set_value(True).run()
    assert errors_and_exceptions(app) == []
    # the demo funnel loses most between product_view and add_to_cart (18.7 % go on)
    assert app.selectbox(key="fn_why_step").value == "2"
    assert "fn_why_step" not in app.query_params  # the default is not written
    shown = _frame(app, "event", "users", "share")
    ds = app.session_state["dataset"]
    from kpi.filters import Filters
    from kpi.settings import FunnelSettings
    from kpi.view import View

    ref = why.next_events_of(View(ds, Filters(), FunnelSettings(steps=tuple(ds.steps))), 2)
    assert shown["users"].to_list() == ref.table["users"].to_list()
    assert shown["event"].to_list() == [
        *(e for e in ref.table["event"].to_list()[:-1]),
        "(no further event)",
    ]
    assert sum(shown["users"]) == ref.dropped == 37_091 - 6_942
    assert shown["share"].sum() == pytest.approx(1.0)
    text = _texts(app)
    assert "30,149 users reached product\\_view and not add\\_to\\_cart" in text
    assert "within the conversion window (14 days after their step 1)" in text
    assert "tests adjusted together (Benjamini–Hochberg" in text
    assert "Users with device = mobile are " in text  # a finding, in words
    assert [e.proto.label for e in app.expander if "Not a finding" in e.proto.label]
    assert any(k.startswith("why:next|2") for k in _why_keys(app))


def test_the_step_comes_from_the_url_and_goes_back_to_it(app):
    app.query_params["fn_why"] = "true"
    app.query_params["fn_why_step"] = "3"
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    assert app.toggle(key="fn_why").value is True
    assert app.selectbox(key="fn_why_step").value == "3"
    assert "reached add\\_to\\_cart and not checkout" in _texts(app)
    app.selectbox(key="fn_why_step").set_value("4").run()
    assert app.query_params["fn_why_step"] == "4"  # a neutral number, not the words
    assert "reached checkout and not purchase" in _texts(app)


def test_the_section_in_french(app):
    app.query_params["lang"] = "fr"
    app.query_params["fn_why"] = "true"
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    text = shown_text(app)
    for words in ("Pourquoi ils abandonnent", "Où sont-ils allés", "Événement suivant",
                  "Part des abandons", "(aucun autre événement)", "tests ajustés ensemble",
                  "Rapport des cotes", "fois moins de chances d'atteindre purchase",
                  "Pas un constat"):  # fmt: skip
        assert words in text, words
    assert "30\u202f149 utilisateurs ont atteint product\\_view" in _texts(app)
    english = [
        en for en, fr in funnel_why.MESSAGES.values() if "{" not in en and en != fr
        and len(en.split()) > 3
    ]  # fmt: skip
    assert [s for s in english if s in text] == []
    assert app.query_params.get("fn_why_step") is None


def test_aggregated_counts_say_why_not(app):
    csv = b"device,step,users\nmobile,visit,600\nmobile,buy,6\ndesktop,visit,400\ndesktop,buy,30\n"
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value(("counts.csv", csv, "text/csv")).run()
    app.toggle(key="fn_why").set_value(True).run()
    assert errors_and_exceptions(app) == []
    assert "aggregated counts do not say who did what" in _texts(app)


def test_connected_table_tests_and_says_next_events_are_not_offered(monkeypatch, tmp_path):
    pytest.importorskip("kpi.engine.source")
    from tests.app.connected import connected_app

    at = connected_app(monkeypatch, tmp_path, PAGE, n=300)
    at.toggle(key="fn_why").set_value(True).run()
    assert errors_and_exceptions(at) == []
    text = _texts(at)
    assert "Where the dropped users went next is not offered on a connected table" in text
    # the events are compared in the engine too, each counted before the user's outcome
    assert "An event counts only when done before the user's outcome" in text
    assert "tests adjusted together" in text or "Nobody" in text
