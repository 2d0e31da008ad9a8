"""AppTest of the frame and the Data page: demo data at start, uploads, URL filters."""

from __future__ import annotations

import pytest

from tests.app.conftest import DATASETS, ROOT, errors_and_exceptions


def _main_text(at) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [str(m.value) for m in at.metric]
        + [c.value for c in at.caption]
    )


def test_starts_on_demo_data(app):
    app.run()
    assert errors_and_exceptions(app) == []
    ds = app.session_state["dataset"]
    assert ds is not None and ds.users.height > 40_000
    assert {"device", "channel", "variant", "cohort"} <= set(ds.segments)
    assert [m.label for m in app.metric][:1]  # the overview shows headline numbers


def test_data_page_lists_demo_files(app):
    app.run()
    app.switch_page("pages/data_view.py").run()
    assert errors_and_exceptions(app) == []
    headers = [h.value for h in app.subheader]
    assert any("events" in h for h in headers)
    assert any("users" in h for h in headers)
    assert "Every input row, accounted for" in _main_text(app)


def test_query_params_filter_the_view(app):
    app.query_params["device"] = ["mobile"]
    app.run()
    assert errors_and_exceptions(app) == []
    f = app.session_state["filters"]
    assert dict(f.active_segments) == {"device": ("mobile",)}
    full = app.session_state["dataset"]
    view = f.apply(full)
    assert set(view.users["device"].unique()) == {"mobile"}
    assert 0 < view.users.height < full.users.height


def test_upload_replaces_demo_and_changes_data_page(app):
    if not DATASETS.exists():
        pytest.skip("../shared/datasets missing")
    app.run()
    app.switch_page("pages/data_view.py").run()
    data = (DATASETS / "page_redesign_ab.csv").read_bytes()
    app.sidebar.file_uploader[0].set_value(("page_redesign_ab.csv", data, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    assert next(h.value for h in app.subheader) == "page_redesign_ab.csv"
    ds = app.session_state["dataset"]
    # two user ids appear twice: the first row is kept and the drop is counted
    assert ds.users.height == 474
    (src,) = ds.sources
    assert (src.rows_read, src.rows_kept, src.dropped) == (
        476,
        474,
        {"ingest_rows.repeated_user_id": 2},
    )
    assert "variant" in ds.segments


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("empty.csv", b""),
        ("image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20),
        ("one_col.csv", b"x\n1\n2\n3\n"),
        ("nohead.csv", b"1,2,3\n4,5,6\n"),
    ],
)
def test_bad_uploads_show_a_message_not_a_traceback(app, name, payload):
    app.run()
    app.switch_page("pages/data_view.py").run()
    app.sidebar.file_uploader[0].set_value((name, payload, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    shown = [e.value for e in app.error] + [e.value for e in app.sidebar.error]
    shown += [w.value for w in app.warning] + [i.value for i in app.info]
    assert shown, "the user must be told what is wrong"


def test_a_column_named_like_an_app_setting_is_just_a_segment(app):
    """User columns become URL filters under seg_<name>: 'dataset' or 'period' cannot clash."""
    csv = b"user_id,event,ts,dataset,period\n" + b"".join(
        f"u{i},view,2025-01-0{i % 9 + 1} 10:00,{'a' if i % 2 else 'b'},p{i % 3}\n".encode()
        for i in range(40)
    )
    app.run()
    app.sidebar.file_uploader[0].set_value(("log.csv", csv, "text/csv")).run()
    app.sidebar.multiselect(key="more_segments").set_value(["dataset", "period"]).run()
    app.sidebar.multiselect(key="seg_dataset").set_value(["a"]).run()
    assert errors_and_exceptions(app) == []
    f = app.session_state["filters"]
    assert dict(f.active_segments) == {"dataset": ("a",)}
    assert set(f.apply(app.session_state["dataset"]).users["dataset"]) == {"a"}


def test_overview_of_aggregated_counts_says_what_it_is(app):
    if not DATASETS.exists():
        pytest.skip("../shared/datasets missing")
    data = (DATASETS / "ga4_merch_store" / "BigQuery_conversion_funnel.csv").read_bytes()
    app.run()
    app.sidebar.file_uploader[0].set_value(("ga4.csv", data, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    assert not [m for m in app.metric if m.label == "Users"]  # no "Users 0" card
    assert any("aggregated counts" in i.value for i in app.info)


def test_cohort_grain_on_an_upload_rederives_without_rebuilding(app):
    csv = b"user_id,event,ts\n" + b"".join(
        f"u{i},view,2025-03-{1 + i % 28:02d} 10:00\n".encode() for i in range(30)
    )
    app.run()
    app.sidebar.file_uploader[0].set_value(("log.csv", csv, "text/csv")).run()
    built = app.session_state["built"]
    assert set(app.session_state["dataset"].users["cohort"]) == {"2025-03"}
    app.sidebar.segmented_control(key="cohort_by").set_value("week").run()
    assert errors_and_exceptions(app) == []
    assert app.session_state["built"] is built  # the files were not read or mapped again
    assert "2025-W10" in set(app.session_state["dataset"].users["cohort"])


def _link_warnings(at) -> list[str]:
    return [w.value for w in at.warning if "not exactly the one in the link" in w.value]


@pytest.mark.parametrize(
    ("params", "expected", "applied"),
    [
        (
            {"device": ["tv"]},
            ["**device** on **tv**", "showing every device"],
            {},
        ),
        (
            {"device": ["mobile", "tv"]},
            ["**device** on **tv**", "showing **mobile** only"],
            {"device": ("mobile",)},
        ),
        (
            {"channel": ["tiktok"], "device": ["desktop"]},
            ["**channel** on **tiktok**", "showing every channel"],
            {"device": ("desktop",)},
        ),
        (
            {"seg_plan": ["pro"]},
            ["**plan** on **pro**", "no plan column"],
            {},
        ),
    ],
    ids=["unknown-device", "one-of-two", "unknown-channel", "no-such-column"],
)
def test_a_link_with_filters_the_data_lacks_says_so(app, params, expected, applied):
    for k, v in params.items():
        app.query_params[k] = v
    app.run()
    assert errors_and_exceptions(app) == []
    (warning,) = _link_warnings(app)
    for text in expected:
        assert text in warning
    f = app.session_state["filters"]
    assert dict(f.active_segments) == applied
    # what the page shows is what the warning says: the full data restricted to `applied`
    full = app.session_state["dataset"]
    users = f.apply(full).users
    for seg, values in applied.items():
        assert set(users[seg]) == set(values)
    if not applied:
        assert users.height == full.users.height


def test_a_link_period_outside_the_data_shows_the_whole_period_and_says_so(app):
    app.query_params["period"] = ["2024-01-01", "2024-01-31"]
    app.run()
    (warning,) = _link_warnings(app)
    assert (
        "Jan 1, 2024 to Jan 31, 2024, is outside this data (Jun 1, 2025 to Nov 30, 2025)" in warning
    )
    f = app.session_state["filters"]
    assert (f.start, f.end) == (None, None)


def test_a_link_period_beyond_the_data_says_which_part_it_covers(app):
    app.query_params["period"] = ["2025-10-01", "2026-03-31"]
    app.run()
    assert errors_and_exceptions(app) == []
    (warning,) = _link_warnings(app)
    assert (
        "Oct 1, 2025 to Mar 31, 2026, goes beyond this data (Jun 1, 2025 to Nov 30, 2025)"
        in warning
    )
    assert "Pick Oct 1, 2025 to Nov 30, 2025 in **Period**" in warning
    f = app.session_state["filters"]
    assert (f.start, f.end) == (None, None)  # the whole period, as the warning says


def test_the_link_warning_stays_with_the_view_and_goes_when_the_filters_change(app):
    app.query_params["device"] = ["mobile", "tv"]
    app.run()
    assert len(_link_warnings(app)) == 1
    app.switch_page("pages/funnel_view.py").run()  # same view on another page: still said
    assert errors_and_exceptions(app) == []
    assert len(_link_warnings(app)) == 1
    app.sidebar.multiselect(key="device").set_value(["desktop"]).run()
    assert _link_warnings(app) == []


def test_a_link_whose_filters_all_exist_has_no_warning(app):
    app.query_params["device"] = ["mobile"]
    app.query_params["channel"] = ["email"]
    app.query_params["period"] = ["2025-09-01", "2025-09-30"]
    app.run()
    assert errors_and_exceptions(app) == []
    assert _link_warnings(app) == []
    f = app.session_state["filters"]
    assert dict(f.active_segments) == {"device": ("mobile",), "channel": ("email",)}


def test_overview_has_its_own_address(app):
    """`/overview` is a page of the navigation (hidden from the menu), on the Overview's file."""
    app.run()
    app.switch_page("pages/home_view.py").run()
    assert errors_and_exceptions(app) == []
    assert [t.value for t in app.title] == ["Parcours"]


def test_a_new_upload_is_not_filtered_to_the_demo_period(app):
    """The demo's whole period means 'no filter'; after an upload whose dates reach beyond it,
    the whole of the new data is shown, not the demo's June-November."""
    import csv
    import io
    from datetime import datetime

    path = ROOT / "tests" / "fixtures" / "crm_contacts_fr.csv"
    app.run()
    assert app.session_state["filters"].start is None
    app.sidebar.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert errors_and_exceptions(app) == []
    f = app.session_state["filters"]
    assert (f.start, f.end) == (None, None)
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";"))
    days = [datetime.strptime(r["Date de création"], "%d/%m/%Y").date() for r in rows]
    assert app.sidebar.date_input[0].value == (min(days), max(days))


HOSTILE = ["**promo**", "![x](http://example.invalid/p.png)"]


def _hostile_csv() -> bytes:
    rows = ["user_id,event,ts,channel"]
    for i in range(60):
        value = HOSTILE[i % 2] if i % 3 else "email"
        rows.append(f'u{i},{["view", "buy"][i % 2]},2025-01-{1 + i % 28:02d} 10:00,"{value}"')
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_segment_values_show_exactly_as_typed_and_load_nothing(app, lang):
    """A channel named **promo** or ![x](http://…) is text: the filter's options are the values
    as typed (plain text), the view line escapes them (no bold, no image), in both languages."""
    app.query_params["lang"] = lang
    app.run()
    app.sidebar.file_uploader[0].set_value(("hostile.csv", _hostile_csv(), "text/csv")).run()
    assert errors_and_exceptions(app) == []
    channel = app.sidebar.multiselect(key="channel")
    assert set(channel.options) == {*HOSTILE, "email"}
    channel.set_value(HOSTILE).run()
    assert errors_and_exceptions(app) == []
    f = app.session_state["filters"]
    assert dict(f.active_segments) == {"channel": tuple(HOSTILE)}
    assert f.apply(app.session_state["dataset"]).users.height == 40
    (caption,) = [c.value for c in app.caption if "hostile" in c.value and "promo" in c.value]
    assert r"\*\*promo\*\*" in caption
    assert r"\!\[x\]\(http\:\/\/example\.invalid\/p\.png\)" in caption
    assert "**promo**" not in caption and "![x](" not in caption and "](http" not in caption
    # every Markdown of the frame (captions, alerts, sidebar) keeps them escaped
    shown = [m.value for m in [*app.markdown, *app.caption, *app.sidebar.caption]]
    shown += [w.value for w in [*app.warning, *app.info, *app.error, *app.sidebar.error]]
    assert not [s for s in shown if "![x](" in s or "**promo**" in s]


def test_a_link_to_a_hostile_value_the_data_lacks_says_so_as_text(app):
    app.query_params["lang"] = "fr"
    app.query_params["channel"] = ["![x](http://example.invalid/p.png)"]
    app.run()
    assert errors_and_exceptions(app) == []
    (warning,) = [w.value for w in app.warning if "pas exactement celle du lien" in w.value]
    assert r"**\!\[x\]\(http\:\/\/example\.invalid\/p\.png\)**" in warning
    assert "![x](" not in warning
    assert "la vue montre toutes les valeurs de canal" in warning


def test_french_frame_and_language_switch_keep_the_filters(app):
    app.query_params["lang"] = "fr"
    app.query_params["device"] = ["mobile"]
    app.query_params["cohort_by"] = ["week"]
    app.run()
    assert errors_and_exceptions(app) == []
    assert app.sidebar.multiselect(key="device").label == "Appareil"
    assert app.sidebar.segmented_control(key="cohort_by").value == "week"
    f = app.session_state["filters"]
    assert dict(f.active_segments) == {"device": ("mobile",)}
    captions = [c.value for c in app.caption]
    assert (
        "**Données\u00a0:** données de démonstration · **Vue\u00a0:** appareil\u00a0: mobile"
        in (captions)
    )
    app.switch_page("pages/retention_view.py").run()
    app.sidebar.segmented_control(key="lang").set_value("en").run()
    assert errors_and_exceptions(app) == []
    assert app.sidebar.multiselect(key="device").label == "Device"
    assert app.session_state["filters"] == f  # the same view, now in English
    assert app.sidebar.segmented_control(key="cohort_by").value == "week"
    assert "**Data:** demo data · **View:** device: mobile" in [c.value for c in app.caption]
    assert [t.value for t in app.title][:1] != []
    assert app.query_params["lang"] == ["en"] or app.query_params["lang"] == "en"


def test_no_readable_file_is_said_in_french(app):
    app.query_params["lang"] = "fr"
    app.run()
    app.sidebar.file_uploader[0].set_value(("empty.csv", b"", "text/csv")).run()
    assert errors_and_exceptions(app) == []
    errors = [e.value for e in app.error]
    assert "Aucun des fichiers importés n'a pu être lu." in errors
    assert any(i.value.startswith("Importez un journal d'événements") for i in app.info)
    (file_error,) = [e.value for e in app.sidebar.error]
    assert file_error.startswith("**empty\\.csv**\u00a0: ")
    assert app.session_state["filters"] is None


def test_the_missing_value_is_shown_in_words_and_stays_neutral_in_the_url(app):
    """A device left empty is the value ``(none)`` (filters, URL) shown as ``(aucun)``."""
    rows = ["user_id,event,ts,device"] + [
        f"u{i},view,2025-01-{1 + i % 28:02d} 10:00,{'' if i % 4 == 0 else 'mobile'}"
        for i in range(40)
    ]
    app.query_params["lang"] = "fr"
    app.run()
    data = ("\n".join(rows) + "\n").encode()
    app.sidebar.file_uploader[0].set_value(("log.csv", data, "text/csv")).run()
    device = app.sidebar.multiselect(key="device")
    assert device.options == ["mobile", "(aucun)"]  # 30 mobile, then the 10 without a device
    device.set_value(["(none)"]).run()
    assert errors_and_exceptions(app) == []
    f = app.session_state["filters"]
    assert dict(f.active_segments) == {"device": ("(none)",)}
    assert f.apply(app.session_state["dataset"]).users.height == 10
    assert app.query_params["device"] in (["(none)"], "(none)")
    assert any("appareil\u00a0: (aucun)" in c.value for c in app.caption)


def _ends_early(use_stop: bool) -> None:
    import streamlit as st

    from pages._ui.page_end import PageEnd, end_page

    try:
        st.write("page")
        if use_stop:
            st.stop()
        end_page()
    except PageEnd:
        pass
    st.write("after the page")  # the frame's pill clearing itself is such an element


def test_a_page_ending_early_lets_the_frame_finish_its_run():
    """end_page() (not st.stop()) ends a page: what the frame sends after it (the
    "Computing…" pill clearing itself) still reaches the browser; st.stop() drops it."""
    from streamlit.testing.v1 import AppTest

    ended = AppTest.from_function(_ends_early, kwargs={"use_stop": False}).run()
    assert [m.value for m in ended.markdown] == ["page", "after the page"]
    stopped = AppTest.from_function(_ends_early, kwargs={"use_stop": True}).run()
    assert [m.value for m in stopped.markdown] == ["page"]


def test_no_page_calls_st_stop():
    """Every page ends early through end_page(), so the frame's pill never stays on."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*ROOT.glob("pages/**/*.py"), ROOT / "app.py"]
        if "st.stop()" in p.read_text(encoding="utf-8") and p.name != "page_end.py"
    ]
    assert offenders == []
