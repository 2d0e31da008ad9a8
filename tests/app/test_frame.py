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
    assert "2024-01-01 to 2024-01-31, is outside this data (2025-06-01 to 2025-11-30)" in warning
    f = app.session_state["filters"]
    assert (f.start, f.end) == (None, None)


def test_a_link_period_beyond_the_data_says_which_part_it_covers(app):
    app.query_params["period"] = ["2025-10-01", "2026-03-31"]
    app.run()
    assert errors_and_exceptions(app) == []
    (warning,) = _link_warnings(app)
    assert "2025-10-01 to 2026-03-31, goes beyond this data (2025-06-01 to 2025-11-30)" in warning
    assert "Pick 2025-10-01 to 2025-11-30 in **Period**" in warning
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
