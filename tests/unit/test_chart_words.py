"""Generic charts in the view's language: vega's number and time locale from babel's CLDR
data, titles from codes or rendered text, the neutral "Other" / "(none)" in words."""

from __future__ import annotations

import altair as alt
import polars as pl
import pytest
from babel.dates import get_day_names, get_month_names
from babel.numbers import format_decimal, format_percent

from kpi.words import Fact
from pages._ui import charts
from pages._ui import lang as ui_lang


@pytest.fixture(params=["fr", "en"])
def lang(request, monkeypatch):
    monkeypatch.setattr(ui_lang, "current", lambda: request.param)
    return request.param


def test_the_number_locale_is_babels(lang):
    number = charts._locale(lang)["number"]
    locale = "fr_FR" if lang == "fr" else "en_US"
    # what babel writes for 1234567.5 and 12 %, rebuilt from the d3 locale's symbols
    assert format_decimal(1234567.5, "#,##0.0", locale=locale) == "1{0}234{0}567{1}5".format(
        number["thousands"], number["decimal"]
    )
    assert format_percent(0.12, locale=locale) == "12" + number["percent"]
    if lang == "fr":
        assert (number["decimal"], number["thousands"], number["percent"]) == (
            ",",
            "\u202f",
            "\u00a0%",
        )


def test_the_time_locale_is_babels_with_sunday_first(lang):
    time = charts._locale(lang)["time"]
    locale = "fr_FR" if lang == "fr" else "en_US"
    months = get_month_names("abbreviated", locale=locale)
    assert time["shortMonths"] == [months[m] for m in range(1, 13)]
    days = get_day_names("wide", locale=locale)
    assert time["days"][0] == days[6]  # d3 weeks are written from Sunday
    assert time["days"][1] == days[0]
    if lang == "fr":
        assert time["shortMonths"][11] == "déc." and time["days"][1] == "lundi"


def test_every_chart_shown_carries_the_locale_and_keeps_its_own_config(lang):
    chart = alt.Chart(pl.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q")
    spec = charts.configure(chart.configure_view(strokeWidth=0)).to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ("," if lang == "fr" else ".")
    assert spec["config"]["view"]["strokeWidth"] == 0  # the caller's config is kept
    assert spec["config"]["axis"]["labelFontSize"] == charts.FONT_SIZE


def test_titles_from_codes_facts_or_rendered_text(lang):
    assert charts.words("nav.funnel") == ("Entonnoir" if lang == "fr" else "Funnel")
    assert charts.words(Fact("frame.cohort.week")) == ("semaine" if lang == "fr" else "week")
    assert charts.words("add_to_cart") == "add_to_cart"  # a step name stays as typed
    assert charts.words("Déjà traduit") == "Déjà traduit"
    title = charts.title("nav.retention", "common.all").to_dict()
    assert title["text"] == ("Rétention" if lang == "fr" else "Retention")
    assert charts.tooltip("users:Q", "nav.data", format=",").to_dict()["title"] == (
        "Données" if lang == "fr" else "Data"
    )
    assert charts.date_format("day") == ("%-d %b" if lang == "fr" else "%b %-d")


def test_neutral_values_in_words_and_grey(lang):
    frame = pl.DataFrame({"channel": ["email", "Other", "(none)", "**promo**"], "n": [1, 2, 3, 4]})
    shown = charts.neutral_words(frame, "channel")["channel"].to_list()
    if lang == "fr":
        assert shown == ["email", "Autres", "(aucun)", "**promo**"]
    else:
        assert shown == ["email", "Other", "(none)", "**promo**"]
    scale = charts.segment_scale("channel", shown).to_dict()
    assert scale["range"][1] == scale["range"][2] == charts.OTHER_COLOUR
    assert charts.OTHER_COLOUR not in (scale["range"][0], scale["range"][3])
