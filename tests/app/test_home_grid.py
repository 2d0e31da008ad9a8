"""The Overview's KPI cards in even rows: one row of three columns per three cards (a card with
a target line never pushes the next row's card of its column down), each card one bordered
frame holding its number and its lines, as tall as the tallest of its row (AppTest, the demo
data, English and French)."""

from __future__ import annotations

import pytest

from tests.app.conftest import errors_and_exceptions


def _kind(node) -> str:
    return type(node).__name__


def _children(node) -> list:
    kids = getattr(node, "children", None)
    return list(kids.values()) if isinstance(kids, dict) else []


def _card_rows(at) -> list[list]:
    """The main area's rows of columns whose cells hold a metric: the frames, by row."""
    rows = []
    for block in _children(at.main):
        columns = [c for c in _children(block) if _kind(c) == "Column"]
        frames = [f for col in columns for f in _children(col)]
        if frames and all(any(_kind(x) == "Metric" for x in _children(f)) for f in frames):
            rows.append(frames)
    return rows


@pytest.mark.parametrize(("lang", "target"), [("en", "Target "), ("fr", "Objectif ")])
def test_cards_in_even_rows_with_their_target_line_inside(app, lang: str, target: str) -> None:
    app.query_params["lang"] = lang
    app.query_params["target"] = ["conversion_rate:0.05", "aov:60"]
    app.run()
    assert errors_and_exceptions(app) == []
    rows = _card_rows(app)
    # the six headline cards: two rows of three (one st.columns(3) each, not one column
    # stacking the cards of both rows)
    assert [len(r) for r in rows] == [3, 3]
    for frames in rows:
        for frame in frames:
            assert frame.proto.flex_container.border  # the card's one border
            kids = _children(frame)
            metric = next(x for x in kids if _kind(x) == "Metric")
            assert not metric.proto.show_border  # no second border inside the frame
    # the target lines are inside their card's frame, under its number
    lines = {
        next(x.label for x in _children(f) if _kind(x) == "Metric"): [
            x.value for x in _children(f) if _kind(x) == "Caption"
        ]
        for r in rows
        for f in r
    }
    with_target = {k: v for k, v in lines.items() if any(c.startswith(target) for c in v)}
    assert len(with_target) == 2, lines
    conversion = "Conversion rate" if lang == "en" else "Taux de conversion"
    assert conversion in with_target
