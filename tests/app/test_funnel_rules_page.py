"""AppTest of the Funnel page's exclusions and per-step windows (pages/_ui/funnel_rules.py):
from a link and from the editor, in English and French, numbers checked against kpi.funnel
(itself checked against a brute-force reference in tests/unit/test_funnel_rules.py)."""

from __future__ import annotations

import polars as pl
import pytest

from kpi.settings import Exclusion, StepWindow
from tests.app.conftest import errors_and_exceptions

PAGE = "pages/funnel_view.py"
STEPS = ["view", "cart", "purchase"]
EXCL = Exclusion("coupon_error", "cart", "purchase")
WINDOW = StepWindow("cart", 2, "hours")
#: u1 view, cart, purchase: 3 steps. u2 a coupon error between cart and purchase: its path
#: ends at cart (2; 3 without the exclusion). u3 the error after cart, no purchase: 2. u4
#: cart 2 h 30 after view (> the 2 h window of cart): 1 (3 without the window). u5 view then
#: purchase (no cart): 1. u6 view: 1. u7 the error before cart (not between): 3.
#: With both rules: view 7, cart 4 (u1 u2 u3 u7), purchase 2 (u1 u7); 1 user excluded (u2).
#: Without: 7, 5, 4.
LOG = """user_id,event,timestamp
u1,view,2025-05-05 10:00:00
u1,cart,2025-05-05 10:05:00
u1,purchase,2025-05-05 10:10:00
u2,view,2025-05-05 10:00:00
u2,cart,2025-05-05 10:05:00
u2,coupon_error,2025-05-05 10:06:00
u2,purchase,2025-05-05 10:08:00
u3,view,2025-05-05 10:00:00
u3,cart,2025-05-05 10:05:00
u3,coupon_error,2025-05-05 10:06:00
u4,view,2025-05-05 10:00:00
u4,cart,2025-05-05 12:30:00
u4,purchase,2025-05-05 12:40:00
u5,view,2025-05-05 10:00:00
u5,purchase,2025-05-05 10:03:00
u6,view,2025-05-05 10:00:00
u7,view,2025-05-05 10:00:00
u7,coupon_error,2025-05-05 10:01:00
u7,cart,2025-05-05 10:02:00
u7,purchase,2025-05-05 10:03:00
"""


def _upload(app, lang: str = "en") -> None:
    app.query_params["fn_steps"] = STEPS
    if lang == "fr":
        app.query_params["lang"] = ["fr"]
    app.run()
    app.sidebar.file_uploader[0].set_value([("coupons.csv", LOG.encode(), "text/csv")]).run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []


def _frame(at, *columns: str) -> pl.DataFrame:
    for df in at.dataframe:
        if set(columns) <= set(df.value.columns):
            return pl.from_pandas(df.value)
    raise AssertionError(f"no table with columns {columns}")


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_rules_from_a_link(app, lang) -> None:
    app.query_params["fn_x"] = ["coupon_error|cart|purchase"]
    app.query_params["fn_sw"] = ["cart|2|hours"]
    _upload(app, lang)
    table = _frame(app, "step", "users")
    assert table["users"].to_list() == [7, 4, 2]
    assert [int(v) for v in table["drop_off"].to_list()[1:]] == [3, 2]
    text = _text(app)
    if lang == "en":
        assert "coupon\\_error between cart and purchase" in text
        assert "1 user left the funnel early because of an exclusion" in text
        assert "cart within 2 hours of the step before" in text
    else:
        assert "Exclusions\u00a0: coupon\\_error entre cart et purchase" in text
        assert "1 utilisateur a quitté l'entonnoir plus tôt à cause d'une exclusion" in text
        assert "cart au plus 2 heures après l'étape précédente" in text
    # the workbook's settings: the same rules
    settings = app.session_state["fn_settings"]
    assert settings.exclusions == (EXCL,) and settings.step_windows == (WINDOW,)


def test_the_editor_adds_and_removes_rules(app) -> None:
    _upload(app)
    assert _frame(app, "step", "users")["users"].to_list() == [7, 5, 4]
    app.selectbox(key="fn_x_event").set_value("coupon_error").run()
    app.selectbox(key="fn_x_after").set_value("cart").run()
    app.selectbox(key="fn_x_before").set_value("purchase").run()
    app.button(key="fn_x_add").click().run()
    assert errors_and_exceptions(app) == []
    assert _frame(app, "step", "users")["users"].to_list() == [7, 5, 3]  # u2 stops at cart
    assert app.query_params["fn_x"] in (
        "coupon_error|cart|purchase",
        ["coupon_error|cart|purchase"],
    )
    app.selectbox(key="fn_sw_step").set_value("cart").run()
    app.number_input(key="fn_sw_amount").set_value(2).run()
    app.selectbox(key="fn_sw_unit").set_value("hours").run()
    app.button(key="fn_sw_add").click().run()
    assert _frame(app, "step", "users")["users"].to_list() == [7, 4, 2]
    assert app.query_params["fn_sw"] in ("cart|2|hours", ["cart|2|hours"])
    app.button(key="fn_x_rm|coupon_error|cart|purchase").click().run()
    assert _frame(app, "step", "users")["users"].to_list() == [7, 4, 3]  # u4 only
    assert not app.query_params.get("fn_x")


def test_any_order_says_a_partial_exclusion_does_not_apply(app) -> None:
    app.query_params["fn_order"] = ["any"]
    app.query_params["fn_x"] = ["coupon_error|cart|purchase"]
    _upload(app)
    # any order within 14 days: u5 (view, purchase) has no cart: 7, 5, 4 as without rules
    assert _frame(app, "step", "users")["users"].to_list() == [7, 5, 4]
    assert "in a funnel in any order the steps have no order" in _text(app)


def test_any_order_applies_a_whole_funnel_exclusion(app) -> None:
    # the error between the earliest and the latest step event: u2 (10:00 → 10:08, error
    # 10:06) reaches view and cart only, u7 (view 10:00, error 10:01, cart 10:02) view only
    app.query_params["fn_order"] = ["any"]
    app.query_params["fn_x"] = ["coupon_error|view|purchase"]
    _upload(app)
    assert _frame(app, "step", "users")["users"].to_list() == [7, 4, 2]
    assert "in a funnel in any order the steps have no order" not in _text(app)
