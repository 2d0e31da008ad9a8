"""The calendar of events: legal sales dates, Black Friday, public holidays, overlap rules,
the file reader on messy files, and the change-overlaps insight."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import calendar
from kpi.calendar import coincide, retail
from kpi.calendar.event import Event, covering, overlaps, period_last_day
from kpi.calendar.read import read_events
from kpi.calendar.write import to_csv
from kpi.errors import InputError, SchemaError
from kpi.words import Fact, render

D = dt.date

# National dates of the legal sales, from the Journal officiel orders and the rule of
# Code de commerce art. D310-15-2 (second Wednesday of January unless after the 12th; last
# Wednesday of June unless after the 28th), 6 weeks until 2019, 4 weeks since 2020.
WINTER = {
    2015: (D(2015, 1, 7), D(2015, 2, 17)),  # 2nd Wed = 14 > 12 -> 1st Wed 7; + 6 weeks - 1 day
    2016: (D(2016, 1, 6), D(2016, 2, 16)),  # 2nd Wed = 13 > 12 -> 6
    2017: (D(2017, 1, 11), D(2017, 2, 21)),
    2018: (D(2018, 1, 10), D(2018, 2, 20)),
    2019: (D(2019, 1, 9), D(2019, 2, 19)),
    2020: (D(2020, 1, 8), D(2020, 2, 4)),  # first 4-week sales (loi PACTE)
    2021: (D(2021, 1, 20), D(2021, 3, 2)),  # moved from 6 Jan, extended by 2 weeks by order
    2022: (D(2022, 1, 12), D(2022, 2, 8)),  # 2nd Wed = 12, not after the 12th
    2023: (D(2023, 1, 11), D(2023, 2, 7)),
    2024: (D(2024, 1, 10), D(2024, 2, 6)),
    2025: (D(2025, 1, 8), D(2025, 2, 4)),
    2026: (D(2026, 1, 7), D(2026, 2, 3)),  # 2nd Wed = 14 > 12 -> 7
}
SUMMER = {
    2015: (D(2015, 6, 24), D(2015, 8, 4)),
    2016: (D(2016, 6, 22), D(2016, 8, 2)),  # last Wed = 29 > 28 -> 22
    2017: (D(2017, 6, 28), D(2017, 8, 8)),  # last Wed = 28, not after the 28th
    2018: (D(2018, 6, 27), D(2018, 8, 7)),
    2019: (D(2019, 6, 26), D(2019, 8, 6)),
    2020: (D(2020, 7, 15), D(2020, 8, 11)),  # arrêté du 10 juin 2020: moved from 24 June
    2021: (D(2021, 6, 30), D(2021, 7, 27)),  # moved from 23 June by order
    2022: (D(2022, 6, 22), D(2022, 7, 19)),  # last Wed = 29 > 28 -> 22
    2023: (D(2023, 6, 28), D(2023, 7, 25)),
    2024: (D(2024, 6, 26), D(2024, 7, 23)),
    2025: (D(2025, 6, 25), D(2025, 7, 22)),
    2026: (D(2026, 6, 24), D(2026, 7, 21)),
}
# the day after the 4th Thursday of November (US Thanksgiving), from a printed calendar
BLACK_FRIDAY = {
    2015: D(2015, 11, 27),
    2016: D(2016, 11, 25),
    2017: D(2017, 11, 24),
    2018: D(2018, 11, 23),
    2019: D(2019, 11, 29),
    2020: D(2020, 11, 27),
    2021: D(2021, 11, 26),
    2022: D(2022, 11, 25),
    2023: D(2023, 11, 24),
    2024: D(2024, 11, 29),
    2025: D(2025, 11, 28),
    2026: D(2026, 11, 27),
}


@pytest.mark.parametrize("year", sorted(WINTER))
def test_winter_sales(year: int) -> None:
    start, end = retail.winter_sales(year)
    assert (start, end) == WINTER[year]
    assert start.weekday() == 2 and end.weekday() == 1  # Wednesday to Tuesday


@pytest.mark.parametrize("year", sorted(SUMMER))
def test_summer_sales(year: int) -> None:
    start, end = retail.summer_sales(year)
    assert (start, end) == SUMMER[year]
    weeks = 6 if year < 2020 else 4
    assert (end - start).days + 1 == 7 * weeks


@pytest.mark.parametrize("year", sorted(BLACK_FRIDAY))
def test_black_friday(year: int) -> None:
    day = retail.black_friday(year)
    assert day == BLACK_FRIDAY[year]
    assert day.weekday() == 4 and 23 <= day.day <= 29


def test_years_before_2015_are_not_offered() -> None:
    with pytest.raises(ValueError):
        retail.winter_sales(2014)
    assert [e.start.year for e in retail.retail_periods(D(2014, 1, 1), D(2014, 12, 31))] == []


def test_retail_periods_in_a_range() -> None:
    got = retail.retail_periods(D(2025, 7, 20), D(2025, 12, 31))
    assert [(e.start, e.end, e.label.code) for e in got] == [
        (D(2025, 6, 25), D(2025, 7, 22), "calendar.retail.summer_sales"),
        (D(2025, 11, 28), D(2025, 11, 28), "calendar.retail.black_friday"),
    ]
    assert render(got[0].label, "fr") == "Soldes d'été 2025"


def test_french_public_holidays_from_the_library() -> None:
    got = calendar.public_holidays("FR", D(2025, 1, 1), D(2025, 12, 31), "fr")
    english = {
        e.start: e.label for e in calendar.public_holidays("FR", D(2025, 1, 1), D(2025, 12, 31))
    }
    days = {e.start: e for e in got}
    assert len(got) == 11  # the 11 public holidays of metropolitan France
    assert D(2025, 7, 14) in days and days[D(2025, 7, 14)].label == "Fête nationale"
    assert D(2025, 6, 9) in days  # Whit Monday: Easter (20 April 2025) + 50 days
    assert D(2025, 4, 20) + dt.timedelta(days=50) == D(2025, 6, 9)
    assert days[D(2025, 6, 9)].label == "Lundi de Pentecôte"
    assert english[D(2025, 5, 29)] == "Ascension Day"  # Easter + 39
    assert all(e.kind == "holiday" and e.one_day for e in got)
    assert D(2025, 12, 26) not in days  # Saint Stephen's Day: Alsace-Moselle only


def test_unknown_country_is_explained() -> None:
    with pytest.raises(InputError) as info:
        calendar.public_holidays("XX", D(2025, 1, 1), D(2025, 12, 31))
    assert "XX" in render(info.value.message, "en")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 11, 9), D(2025, 11, 9), False),  # ends the day before the week
        (D(2025, 11, 1), D(2025, 11, 10), True),  # ends on the week's first day
        (D(2025, 11, 16), D(2025, 11, 20), True),  # starts on the week's last day (Sunday)
        (D(2025, 11, 17), D(2025, 11, 17), False),  # the day after the week
        (D(2025, 11, 1), D(2025, 12, 1), True),  # covers the whole week
    ],
)
def test_overlap_boundaries(start: dt.date, end: dt.date, expected: bool) -> None:
    event = Event(start, end, "x")
    week = D(2025, 11, 10)  # a Monday
    assert overlaps(event, week, period_last_day(week, "week")) is expected
    assert bool(covering([event], week, "week")) is expected


def test_period_last_day() -> None:
    assert period_last_day(D(2024, 2, 1), "month") == D(2024, 2, 29)  # leap year
    assert period_last_day(D(2025, 12, 1), "month") == D(2025, 12, 31)
    assert period_last_day(D(2025, 12, 29), "week") == D(2026, 1, 4)
    assert period_last_day(D(2025, 5, 5), "day") == D(2025, 5, 5)


def test_a_day_is_covered_on_its_own_day_only() -> None:
    e = Event(D(2025, 11, 28), D(2025, 11, 28), "BF")
    assert overlaps(e, D(2025, 11, 28))
    assert not overlaps(e, D(2025, 11, 27)) and not overlaps(e, D(2025, 11, 29))


def test_reader_on_a_messy_french_file() -> None:
    text = (
        "Date début;Date fin;Libellé;Type\n"
        "28/11/2025;;Black Friday;promotion\n"
        "01/12/2025;05/12/2025;Semaine cadeaux;promo\n"
        "xx;;Date illisible;incident\n"  # no date
        "03/12/2025;;;incident\n"  # no label
        "10/12/2025;08/12/2025;A l'envers;release\n"  # end before start
        "28/11/2025;;Black Friday;promotion\n"  # duplicate
        "15/12/2025;;Panne paiement;panne\n"
        "16/12/2025;;Nouvelle appli;Mise en production\n"
        "20/12/2025;;Quelque chose;divers\n"  # unknown kind, kept as other
    )
    got = read_events(text.encode("cp1252"), filename="evenements.csv")
    assert got.rows_read == 9
    assert [(e.start, e.end, e.label, e.kind) for e in got.events] == [
        (D(2025, 11, 28), D(2025, 11, 28), "Black Friday", "promotion"),
        (D(2025, 12, 1), D(2025, 12, 5), "Semaine cadeaux", "promotion"),
        (D(2025, 12, 15), D(2025, 12, 15), "Panne paiement", "incident"),
        (D(2025, 12, 16), D(2025, 12, 16), "Nouvelle appli", "release"),
        (D(2025, 12, 20), D(2025, 12, 20), "Quelque chose", "other"),
    ]
    assert got.dropped == {"no_date": 1, "no_label": 1, "end_before_start": 1, "duplicate": 1}
    assert 5 + sum(got.dropped.values()) == got.rows_read  # every row accounted for
    words = [render(f, "fr") for f in got.facts()]
    assert words[0] == "5 événements lus sur 9 lignes."
    assert any("autre" in w for w in words)


def test_reader_english_single_date_and_iso() -> None:
    text = b"date,label,kind\n2025-11-28,Black Friday,promotion\n2025-06-09 00:00:00,Whit,holiday\n"
    got = read_events(text, filename="events.csv")
    assert [(e.start, e.kind) for e in got.events] == [
        (D(2025, 11, 28), "promotion"),
        (D(2025, 6, 9), "holiday"),
    ]
    assert got.dropped == {}


def test_reader_without_a_label_column_says_what_to_do() -> None:
    with pytest.raises(SchemaError) as info:
        read_events(b"when,what\n2025-01-01,x\n", filename="e.csv")
    assert "label" in render(info.value.hint, "en")


def test_csv_round_trip() -> None:
    events = [
        Event(D(2025, 11, 28), D(2025, 11, 28), 'Black Friday, "big"', "promotion"),
        Event(D(2025, 12, 1), D(2025, 12, 5), "Incident paiement", "incident"),
    ]
    back = read_events(to_csv(events), filename="events.csv").events
    assert [(e.start, e.end, e.label, e.kind) for e in back] == [
        (e.start, e.end, e.label, e.kind) for e in events
    ]


def test_biggest_change_and_its_overlap() -> None:
    points = [
        (D(2025, 11, 3), 0.030),
        (D(2025, 11, 10), 0.031),  # +0.001
        (D(2025, 11, 17), None),  # no value: skipped
        (D(2025, 11, 24), 0.020),  # 0.031 -> 0.020 = -0.011, the largest
        (D(2025, 12, 1), 0.025),  # +0.005
    ]
    assert coincide.biggest_change(points) == (D(2025, 11, 24), 0.031, 0.020)
    bf = Event(D(2025, 11, 28), D(2025, 11, 28), Fact("calendar.retail.black_friday", year="2025"))
    fact = coincide.change_overlaps(points, "week", [bf], measure="Conversion")
    assert fact is not None and fact.code == "calendar.insight.drop_overlaps.week.rate"
    assert fact["week"] == 48 and fact["change"] == pytest.approx(-0.011)
    assert render(fact, "en") == (
        "Conversion: the drop in week 48 of 2025 (3.10% → 2.00%, -1.10 pp) overlaps "
        "‘Black Friday 2025’."
    )
    fr = render(fact, "fr")
    assert fr.startswith("Conversion\u00a0: la baisse de la semaine 48 de 2025")
    assert fr.endswith("coïncide avec «\u00a0Black Friday 2025\u00a0».")
    # an event the week after the drop: no fact
    later = Event(D(2025, 12, 1), D(2025, 12, 1), "x")
    assert coincide.change_overlaps(points, "week", [later], measure="Conversion") is None


def test_events_for_gathers_sources() -> None:
    typed = Event(D(2025, 11, 20), D(2025, 11, 22), "Promo app", "promotion")
    s = calendar.CalendarSettings(events=(typed,), country="FR", retail=True)
    got = calendar.events_for(s, D(2025, 11, 1), D(2025, 11, 30))
    assert [(e.start, e.source) for e in got] == [
        (D(2025, 11, 1), "holidays"),
        (D(2025, 11, 11), "holidays"),
        (D(2025, 11, 20), "typed"),
        (D(2025, 11, 28), "retail"),
    ]
    assert calendar.events_for(calendar.CalendarSettings(), D(2025, 1, 1), D(2025, 12, 31)) == []
