"""Each field-work count of docs/fieldwork.md ("Counts") on hand-built data across a month
boundary: this week, pairings behind in every week, the pro-rated residence, deadlines."""

import datetime

import pytest

from fupin.assistance.models import Cadre, Pairing
from fupin.fieldwork import selectors, services
from fupin.fieldwork.models import CheckIn, Concern, Visit
from tests.factories import CHANGFA, make_household, make_user

pytestmark = pytest.mark.django_db
D = datetime.date


def cadre(name="干部", post=Cadre.Post.DEPARTMENT_CADRE):
    return Cadre.objects.create(name=name, area_id=CHANGFA, unit="单位", post=post)


JAN1 = D(2017, 1, 1)


def pair(c, household, start=JAN1):
    return Pairing.objects.create(
        cadre=c, household=household, village_id=CHANGFA, start_date=start
    )


def visit(p, day):
    Visit.objects.create(cadre=p.cadre, household=p.household, village_id=CHANGFA, visited_on=day)


@pytest.fixture
def user():
    return make_user("village_team", CHANGFA)


def test_this_week_is_monday_to_sunday():
    assert selectors.week_of(D(2017, 6, 30)) == (D(2017, 6, 26), D(2017, 7, 2))
    assert selectors.week_of(D(2017, 7, 2)) == (D(2017, 6, 26), D(2017, 7, 2))
    assert selectors.week_of(D(2017, 7, 3)) == (D(2017, 7, 3), D(2017, 7, 9))
    week = selectors.this_week(D(2017, 6, 30))
    assert week.weeks == [(D(2017, 6, 26), D(2017, 6, 30))]  # so far


def test_the_weeks_of_a_month_cross_its_boundaries():
    june = selectors.month_window("2017-06", today=D(2017, 6, 30))
    assert june.weeks == [
        (D(2017, 5, 29), D(2017, 6, 4)),
        (D(2017, 6, 5), D(2017, 6, 11)),
        (D(2017, 6, 12), D(2017, 6, 18)),
        (D(2017, 6, 19), D(2017, 6, 25)),
        (D(2017, 6, 26), D(2017, 6, 30)),
    ]
    # A past month's last week is judged to its Sunday, in the next month.
    may = selectors.month_window("2017-05", today=D(2017, 6, 30))
    assert may.weeks[0] == (D(2017, 5, 1), D(2017, 5, 7))
    assert may.weeks[-1] == (D(2017, 5, 29), D(2017, 6, 4))


def test_pairings_behind_check_every_week_across_the_month_boundary(user, settings):
    settings.FUPIN_AS_OF = "2017-07-04"
    c = cadre()
    weekly = pair(c, make_household(CHANGFA))
    gap = pair(c, make_household(CHANGFA))
    late_start = pair(c, make_household(CHANGFA), start=D(2017, 6, 20))
    # Every week of June, the first one visited on 30 May (its week began on 29 May).
    for day in (D(2017, 5, 30), D(2017, 6, 6), D(2017, 6, 13), D(2017, 6, 20), D(2017, 6, 27)):
        visit(weekly, day)
    # Every week but 12–18 June.
    for day in (D(2017, 6, 1), D(2017, 6, 6), D(2017, 6, 20), D(2017, 6, 27)):
        visit(gap, day)
    # Paired from 20 June: only the weeks from 19 June are its own.
    for day in (D(2017, 6, 21), D(2017, 7, 2)):
        visit(late_start, day)
    june = selectors.month_window("2017-06")
    assert set(selectors.pairings_behind(user, CHANGFA, june)) == {gap}
    assert selectors.pairings_active(user, CHANGFA, june).count() == 3
    # July so far (4 July): the week of 26 June – 2 July and 3–4 July.
    july = selectors.month_window("2017-07")
    assert july.weeks == [(D(2017, 6, 26), D(2017, 7, 2)), (D(2017, 7, 3), D(2017, 7, 4))]
    assert set(selectors.pairings_behind(user, CHANGFA, july)) == {weekly, gap, late_start}
    visit(weekly, D(2017, 7, 3))
    assert weekly not in set(selectors.pairings_behind(user, CHANGFA, july))
    # This week, as 我的帮扶 and the inbox see it, is the same week.
    assert set(selectors.pairings_behind(user, CHANGFA, selectors.this_week())) == {
        gap,
        late_start,
    }


@pytest.mark.parametrize(
    ("as_of", "required"),
    [("2017-06-10", 7), ("2017-06-20", 14), ("2017-06-30", 20), ("2017-07-01", 1)],
)
def test_resident_days_are_pro_rated_to_the_day(user, settings, as_of, required):
    settings.FUPIN_AS_OF = as_of
    m = selectors.month_window(None)
    assert m.resident_days_required == required
    exact = cadre("够数", Cadre.Post.FIRST_SECRETARY)
    short = cadre("不够", Cadre.Post.WORK_TEAM)
    first = m.first
    for i in range(required):
        CheckIn.objects.create(cadre=exact, village_id=CHANGFA, day=first + datetime.timedelta(i))
    for i in range(required - 1):
        CheckIn.objects.create(cadre=short, village_id=CHANGFA, day=first + datetime.timedelta(i))
    # Days of the month before never count.
    CheckIn.objects.create(cadre=short, village_id=CHANGFA, day=first - datetime.timedelta(1))
    assert list(selectors.residents_under(user, CHANGFA, m)) == [short]


def test_before_the_20th_a_cadre_on_pace_is_not_flagged(user, settings):
    settings.FUPIN_AS_OF = "2017-06-15"
    resident = cadre("书记", Cadre.Post.FIRST_SECRETARY)
    for day in range(1, 11):  # 10 days by the 15th: the pace of 20 in 30 days
        CheckIn.objects.create(cadre=resident, village_id=CHANGFA, day=D(2017, 6, day))
    assert not selectors.residents_under(user, CHANGFA, selectors.month_window(None)).exists()


def test_a_raised_concern_has_a_deadline_and_falls_overdue_unassigned(user, settings):
    settings.FUPIN_AS_OF = "2017-06-25"
    concern = services.concern_raise(user=user, village_code=CHANGFA, text="x", category="other")
    assert concern.deadline == D(2017, 7, 10)
    assert services.deadline_from(D(2017, 6, 25)) == D(2017, 7, 10)
    settings.FUPIN_AS_OF = "2017-07-11"
    july = selectors.month_window(None)
    assert list(selectors.concerns_overdue(user, CHANGFA, july)) == [concern]
    # June, judged on 30 June, had it in time.
    june = selectors.month_window("2017-06")
    assert not selectors.concerns_overdue(user, CHANGFA, june).exists()


def test_escalation_sets_a_new_deadline(user, settings):
    settings.FUPIN_AS_OF = "2017-06-25"
    concern = services.concern_raise(user=user, village_code=CHANGFA, text="x", category="other")
    concern = services.concern_escalate(user=user, concern=concern, beyond_power=True)
    assert concern.level == "township" and concern.deadline == D(2017, 7, 10)
    settings.FUPIN_AS_OF = "2017-07-11"
    assert concern in selectors.concerns_overdue(user, CHANGFA, selectors.month_window(None))
    # The daily escalation moves it on, with the county's own time to act.
    assert services.concerns_escalate_overdue() == 1
    concern.refresh_from_db()
    assert (concern.level, concern.deadline) == ("county", D(2017, 7, 26))
    assert (
        not selectors.concerns_overdue(user, CHANGFA, selectors.month_window(None))
        .filter(pk=concern.pk)
        .exists()
    )
    assert Concern.objects.get(pk=concern.pk).owner is None


def _behind_in_python(pairings, visits, m):
    """The definition of docs/fieldwork.md ("Counts"), spelled out row by row: a pairing is
    behind when some week of ``m`` in which it was active has no visit by its cadre to its
    household in that week."""
    behind = set()
    for p in pairings:
        for monday, end in m.weeks:
            active = p.start_date <= end and (p.end_date is None or p.end_date >= monday)
            seen = any(
                v.cadre_id == p.cadre_id
                and v.household_id == p.household_id
                and monday <= v.visited_on <= end
                for v in visits
            )
            if active and not seen:
                behind.add(p.pk)
                break
    return behind


def test_pairings_behind_agrees_with_a_plain_computation(user, settings):
    settings.FUPIN_AS_OF = "2017-07-04"
    c, other = cadre(), cadre("另一干部")
    households = [make_household(CHANGFA) for _ in range(5)]
    every_week = pair(c, households[0])
    some_weeks = pair(c, households[1])
    mid_window = pair(c, households[2], start=D(2017, 6, 14))
    ended = Pairing.objects.create(
        cadre=c,
        household=households[3],
        village_id=CHANGFA,
        start_date=JAN1,
        end_date=D(2017, 6, 9),
    )
    # Visited each week by another cadre only: that cadre's visits do not count for c.
    not_his = pair(c, households[4])
    others = pair(other, households[4])
    weekly = [D(2017, 5, 30), D(2017, 6, 6), D(2017, 6, 13), D(2017, 6, 20), D(2017, 6, 27)]
    for day in weekly:
        visit(every_week, day)
        visit(others, day)
    for day in (D(2017, 5, 22), D(2017, 6, 2), D(2017, 6, 14), D(2017, 7, 3)):
        visit(some_weeks, day)  # before the window, weeks 1 and 3, after it
    for day in (D(2017, 6, 15), D(2017, 6, 24)):
        visit(mid_window, day)  # the weeks of 12 and 19 June, not 26 June
    for day in (D(2017, 5, 31), D(2017, 6, 8)):
        visit(ended, day)  # both weeks it was active in
    pairings = [every_week, some_weeks, mid_window, ended, not_his, others]
    visits = list(Visit.objects.all())
    windows = [
        selectors.month_window("2017-06"),
        selectors.month_window("2017-07"),
        selectors.month_window("2017-05"),
        selectors.this_week(),
        selectors.period_window(D(2017, 6, 12), D(2017, 6, 21)),
    ]
    for m in windows:
        expected = _behind_in_python(pairings, visits, m)
        got = set(selectors.pairings_behind(user, CHANGFA, m).values_list("pk", flat=True))
        assert got == expected, m
    june = selectors.pairings_behind(user, CHANGFA, windows[0])
    assert set(june) == {some_weeks, mid_window, not_his}
