"""The Funnel page's exclusions and per-step windows on a connected table (DuckDB): counted in
the engine, the same hand-computed numbers as an upload (tests/app/test_funnel_rules_page.py),
in English and French, the link's rules applied."""

from __future__ import annotations

import io

import polars as pl
import pytest

pytest.importorskip("kpi.engine.source")

from tests.app.conftest import errors_and_exceptions
from tests.app.connected import connected_app
from tests.app.test_funnel_rules_page import LOG, STEPS

PAGE = "pages/funnel_view.py"


def coupon_log() -> pl.DataFrame:
    return pl.read_csv(io.StringIO(LOG), try_parse_dates=True).rename(
        {"event": "step", "timestamp": "ts"}
    )


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_rules_on_a_connected_table(monkeypatch, tmp_path, lang) -> None:
    at = connected_app(monkeypatch, tmp_path, PAGE, lang=lang, log=coupon_log())
    at.query_params["fn_x"] = ["coupon_error|cart|purchase"]
    at.query_params["fn_sw"] = ["cart|2|hours"]
    at.switch_page(PAGE).run()
    at.multiselect(key="fn_steps").set_value(STEPS).run()
    assert errors_and_exceptions(at) == []
    tables = [pl.from_pandas(d.value) for d in at.dataframe if "drop_off" in d.value.columns]
    assert tables and tables[0]["users"].to_list() == [7, 4, 2]
    text = _text(at)
    if lang == "en":
        assert "1 user left the funnel early because of an exclusion" in text
    else:
        assert "1 utilisateur a quitté l'entonnoir plus tôt" in text
