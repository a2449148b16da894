import datetime

import pytest

from fupin.reports.periods import months_of, period_of, previous

D = datetime.date


@pytest.mark.parametrize(
    "kind, day, first, last, label, key",
    [
        ("weekly", D(2017, 6, 30), D(2017, 6, 26), D(2017, 7, 2), "2017年第26周", "2017-W26"),
        ("weekly", D(2017, 1, 1), D(2016, 12, 26), D(2017, 1, 1), "2016年第52周", "2016-W52"),
        ("dekad", D(2017, 6, 1), D(2017, 6, 1), D(2017, 6, 10), "2017年6月上旬", "2017-06-1"),
        ("dekad", D(2017, 6, 10), D(2017, 6, 1), D(2017, 6, 10), "2017年6月上旬", "2017-06-1"),
        ("dekad", D(2017, 6, 11), D(2017, 6, 11), D(2017, 6, 20), "2017年6月中旬", "2017-06-2"),
        ("dekad", D(2017, 6, 30), D(2017, 6, 21), D(2017, 6, 30), "2017年6月下旬", "2017-06-3"),
        ("dekad", D(2017, 5, 31), D(2017, 5, 21), D(2017, 5, 31), "2017年5月下旬", "2017-05-3"),
        ("dekad", D(2016, 2, 29), D(2016, 2, 21), D(2016, 2, 29), "2016年2月下旬", "2016-02-3"),
        ("monthly", D(2017, 2, 14), D(2017, 2, 1), D(2017, 2, 28), "2017年2月", "2017-02"),
        ("quarterly", D(2017, 6, 30), D(2017, 4, 1), D(2017, 6, 30), "2017年第2季度", "2017-Q2"),
        ("quarterly", D(2017, 11, 5), D(2017, 10, 1), D(2017, 12, 31), "2017年第4季度", "2017-Q4"),
    ],
)
def test_period_of(kind, day, first, last, label, key):
    p = period_of(kind, day)
    assert (p.first, p.last, p.label, p.key) == (first, last, label, key)


def test_every_day_of_a_year_lies_in_exactly_one_period_of_each_kind():
    for kind in ("weekly", "dekad", "monthly", "quarterly"):
        day = D(2017, 1, 1)
        seen = set()
        while day.year == 2017:
            p = period_of(kind, day)
            assert p.first <= day <= p.last
            seen.add((p.first, p.last))
            day += datetime.timedelta(days=1)
        ordered = sorted(seen)
        for (_a_first, a_last), (b_first, _b_last) in zip(ordered, ordered[1:], strict=False):
            assert b_first == a_last + datetime.timedelta(days=1)
        assert len(seen) == {"weekly": 53, "dekad": 36, "monthly": 12, "quarterly": 4}[kind]


def test_previous_and_months():
    q = period_of("quarterly", D(2017, 4, 3))
    assert previous(q).key == "2017-Q1"
    assert previous(period_of("dekad", D(2017, 3, 5))).label == "2017年2月下旬"
    assert months_of(q) == [(2017, 4), (2017, 5), (2017, 6)]
    assert months_of(period_of("weekly", D(2017, 5, 31))) == [(2017, 5), (2017, 6)]


def test_to_date():
    p = period_of("weekly", D(2017, 6, 30))
    assert p.to_date(D(2017, 6, 30)) and p.reference_day(D(2017, 6, 30)) == D(2017, 6, 30)
    assert not period_of("dekad", D(2017, 6, 30)).to_date(D(2017, 6, 30))


def test_unknown_kind():
    with pytest.raises(ValueError):
        period_of("yearly", D(2017, 1, 1))
