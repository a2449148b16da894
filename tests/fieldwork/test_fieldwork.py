import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from fupin.areas.models import Area
from fupin.assistance.models import Cadre, Pairing
from fupin.fieldwork import services
from fupin.fieldwork.models import CheckIn, Concern, ConcernEvent, ReviewMeeting, Visit
from fupin.fieldwork.selectors import compliance_counts
from tests.factories import CHANGFA, HADANALA, make_household, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2017, 6, 30)
COUNTY = CHANGFA[:6]
TOWNSHIP = CHANGFA[:9]


def cadre(name="干部", area=CHANGFA, post=Cadre.Post.DEPARTMENT_CADRE, **kw):
    return Cadre.objects.create(name=name, area_id=area, unit="单位", post=post, **kw)


JAN1 = D(2017, 1, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def paper():
    """The household's signed feedback sheet, as the village team uploads it."""
    return SimpleUploadedFile("feedback.pdf", b"%PDF-1.4 signed", content_type="application/pdf")


def pair(c, household, start=JAN1, end=None):
    return Pairing.objects.create(
        cadre=c,
        household=household,
        village_id=household.village_id,
        start_date=start,
        end_date=end,
    )


@pytest.fixture
def user():
    return make_user("village_team", CHANGFA)


@pytest.fixture
def boss():
    return make_user("county_office", COUNTY)


# ---- the concern loop ------------------------------------------------------------------------


def test_concern_loop_reopens_on_dissatisfaction_and_closes_on_satisfaction(user):
    household = make_household(CHANGFA)
    c = cadre()
    concern = services.concern_raise(
        user=user, village_code=CHANGFA, household=household, text="饮水", category="water"
    )
    assert concern.source == Concern.Source.HOUSEHOLD and concern.state == "raised"
    concern = services.concern_assign(user=user, concern=concern, owner=c, deadline=D(2017, 7, 10))
    concern = services.concern_start(user=user, concern=concern)
    concern = services.concern_answer(user=user, concern=concern, answer="已打井")
    concern = services.concern_feedback(
        user=user, concern=concern, satisfied=False, via="paper", paper=paper()
    )
    assert concern.state == "assigned" and concern.satisfied is False
    concern = services.concern_answer(user=user, concern=concern, answer="已修好")
    concern = services.concern_feedback(
        user=user, concern=concern, satisfied=True, via="paper", paper=paper()
    )
    assert concern.state == "closed" and concern.feedback_on == AS_OF
    moves = list(ConcernEvent.objects.filter(concern=concern).values_list("from_state", "to_state"))
    assert moves == [
        ("", "raised"),
        ("raised", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "answered"),
        ("answered", "assigned"),
        ("assigned", "answered"),
        ("answered", "closed"),
    ]


def test_no_close_without_feedback(user):
    concern = services.concern_raise(user=user, village_code=CHANGFA, text="路", category="other")
    # No service closes a concern except feedback, and feedback needs an answer first.
    with pytest.raises(ValidationError):
        services.concern_feedback(
            user=user, concern=concern, satisfied=True, via="paper", paper=paper()
        )
    concern = services.concern_assign(user=user, concern=concern, owner=cadre(), deadline=AS_OF)
    with pytest.raises(ValidationError):
        services.concern_feedback(
            user=user, concern=concern, satisfied=True, via="paper", paper=paper()
        )
    concern = services.concern_answer(user=user, concern=concern, answer="答复")
    assert concern.state == "answered"
    assert not Concern.objects.filter(state="closed").exists()
    names = [n for n in dir(services) if n.startswith("concern_")]
    assert sorted(names) == sorted(
        [
            "concern_raise",
            "concern_assign",
            "concern_start",
            "concern_answer",
            "concern_feedback",
            "concern_feedback_public",
            "concern_escalate",
        ]
    )


def test_services_refuse_another_village(user):
    other = make_user("village_team", HADANALA)
    concern = services.concern_raise(user=user, village_code=CHANGFA, text="x", category="other")
    with pytest.raises(PermissionDenied):
        services.concern_assign(user=other, concern=concern, owner=cadre(), deadline=AS_OF)
    with pytest.raises(PermissionDenied):
        services.concern_raise(user=other, village_code=CHANGFA, text="x")


def test_escalate_needs_overdue_or_beyond_power(user, boss):
    concern = services.concern_raise(user=user, village_code=CHANGFA, text="x", category="other")
    concern = services.concern_assign(
        user=user, concern=concern, owner=cadre(), deadline=D(2017, 7, 5)
    )
    with pytest.raises(ValidationError):
        services.concern_escalate(user=user, concern=concern)
    concern = services.concern_escalate(user=user, concern=concern, beyond_power=True)
    assert concern.level == "township" and concern.state == "raised" and concern.owner is None
    concern = services.concern_assign(
        user=boss, concern=concern, owner=cadre(), deadline=D(2017, 6, 1)
    )
    concern = services.concern_escalate(user=boss, concern=concern)  # overdue at as_of
    assert concern.level == "county"
    concern = services.concern_assign(
        user=boss, concern=concern, owner=cadre(), deadline=D(2017, 6, 1)
    )
    with pytest.raises(ValidationError):
        services.concern_escalate(user=boss, concern=concern, beyond_power=True)


def test_escalate_overdue_moves_each_overdue_concern_one_level(user):
    c = cadre()
    made = []
    for level, deadline, state in [
        ("village", D(2017, 6, 1), "assigned"),
        ("village", D(2017, 6, 29), "in_progress"),
        ("village", D(2017, 7, 29), "assigned"),  # not yet due
        ("township", D(2017, 6, 1), "assigned"),
        ("county", D(2017, 6, 1), "assigned"),  # nowhere to go
        ("village", D(2017, 6, 1), "answered"),  # waits for feedback, not overdue
    ]:
        made.append(
            Concern.objects.create(
                village_id=CHANGFA,
                source="cadre",
                raised_on=D(2017, 5, 1),
                text="t",
                category="other",
                state=state,
                level=level,
                owner=c,
                deadline=deadline,
            )
        )
    assert services.concerns_escalate_overdue(AS_OF) == 3
    levels = [Concern.objects.get(pk=x.pk).level for x in made]
    assert levels == ["township", "township", "village", "county", "county", "village"]
    assert ConcernEvent.objects.filter(note="超期自动上报").count() == 3
    assert services.concerns_escalate_overdue(AS_OF) == 0


def test_visit_log_raises_concerns_in_the_same_call(user):
    household = make_household(CHANGFA)
    c = cadre()
    pair(c, household)
    visit = services.visit_log(
        user=user,
        cadre=c,
        household=household,
        content="看望",
        concerns=[{"text": "看病难", "category": "health"}],
    )
    assert visit.village_id == CHANGFA and visit.visited_on == AS_OF
    concern = Concern.objects.get(visit=visit)
    assert concern.source == "visit" and concern.raised_by == c and concern.household == household


def test_check_in_once_per_day(user):
    c = cadre(post=Cadre.Post.FIRST_SECRETARY)
    first = services.check_in_record(user=user, cadre=c, village_code=CHANGFA)
    again = services.check_in_record(user=user, cadre=c, village_code=CHANGFA)
    assert first.pk == again.pk and CheckIn.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(cadre=c, village_id=CHANGFA, day=AS_OF)


# ---- compliance ------------------------------------------------------------------------------


@pytest.fixture
def world(user):
    """Pairings, visits, check-ins, meetings and concerns in 长发村 and in 哈达那拉嘎查."""
    households = [make_household(CHANGFA) for _ in range(4)] + [make_household(HADANALA)]
    c1, c2 = cadre("甲"), cadre("乙")
    far = cadre("丙", area=HADANALA)
    pairs = [
        pair(c1, households[0]),  # visited this week → fine
        pair(c1, households[1]),  # visited 8 days ago → behind
        pair(c2, households[2]),  # never → behind
        pair(c2, households[3], end=D(2017, 5, 1)),  # ended → not counted
        pair(far, households[4]),  # other village → not in 长发村
        pair(c2, households[0], start=D(2017, 7, 1)),  # starts later → not counted
    ]
    Visit.objects.create(
        cadre=c1, household=households[0], village_id=CHANGFA, visited_on=D(2017, 6, 26)
    )
    Visit.objects.create(
        cadre=c1, household=households[1], village_id=CHANGFA, visited_on=D(2017, 6, 22)
    )
    Visit.objects.create(
        cadre=c2, household=households[1], village_id=CHANGFA, visited_on=D(2017, 6, 28)
    )
    secretary = cadre("书记", post=Cadre.Post.FIRST_SECRETARY)
    member = cadre("队员", post=Cadre.Post.WORK_TEAM)
    cadre("离岗", post=Cadre.Post.WORK_TEAM, active=False)
    for day in range(1, 21):
        CheckIn.objects.create(cadre=secretary, village_id=CHANGFA, day=D(2017, 6, day))
    for day in range(1, 19):
        CheckIn.objects.create(cadre=member, village_id=CHANGFA, day=D(2017, 6, day))
    CheckIn.objects.create(cadre=member, village_id=CHANGFA, day=D(2017, 5, 31))
    ReviewMeeting.objects.create(area_id=CHANGFA, level="village", held_on=D(2017, 6, 10))
    ReviewMeeting.objects.create(area_id=TOWNSHIP, level="township", held_on=D(2017, 6, 20))
    for deadline, state in [
        (D(2017, 6, 1), "assigned"),
        (D(2017, 6, 29), "in_progress"),
        (D(2017, 7, 1), "assigned"),
        (D(2017, 6, 1), "answered"),
    ]:
        Concern.objects.create(
            village_id=CHANGFA,
            source="cadre",
            raised_on=D(2017, 5, 1),
            text="t",
            category="other",
            state=state,
            deadline=deadline,
        )
    return pairs


def _independent(code, first, ref):
    """Counts by plain Python loops over all rows: the definitions in docs/fieldwork.md."""
    import math

    # Every Monday–Sunday week overlapping first … ref, judged up to the system date.
    weeks = []
    monday = first - datetime.timedelta(days=first.weekday())
    while monday <= ref:
        weeks.append((monday, min(monday + datetime.timedelta(days=6), max(AS_OF, ref))))
        monday += datetime.timedelta(days=7)
    behind = 0
    for p in Pairing.objects.all():
        if not p.village_id.startswith(code):
            continue
        for a, b in weeks:
            active = p.start_date <= b and not (p.end_date and p.end_date < a)
            if active and not any(
                v.cadre_id == p.cadre_id
                and v.household_id == p.household_id
                and a <= v.visited_on <= b
                for v in Visit.objects.all()
            ):
                behind += 1
                break
    import calendar as cal

    required = math.ceil(20 * ref.day / cal.monthrange(ref.year, ref.month)[1])
    residents = 0
    for c in Cadre.objects.all():
        if c.area_id.startswith(code) and c.active and c.post in ("first_secretary", "work_team"):
            days = {x.day for x in CheckIn.objects.filter(cadre=c) if first <= x.day <= ref}
            residents += len(days) < required
    missed = 0
    import calendar

    last = D(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    periods = [
        ("village", first, D(first.year, first.month, 15)),
        ("village", D(first.year, first.month, 16), last),
        ("township", first, last),
    ]
    if first.month % 3 == 0:
        periods.append(("county", D(first.year, first.month - 2, 1), last))
    for level, a, b in periods:
        if b > ref:
            continue
        for area in Area.objects.filter(level=level):
            if area.code.startswith(code) and not any(
                m.area_id == area.code and m.level == level and a <= m.held_on <= b
                for m in ReviewMeeting.objects.all()
            ):
                missed += 1
    overdue = sum(
        1
        for x in Concern.objects.all()
        if x.village_id.startswith(code)
        and x.state in ("raised", "assigned", "in_progress")
        and x.deadline
        and x.deadline < ref
    )
    return {
        "pairings_behind": behind,
        "residents_under_20_days": residents,
        "reviews_missed": missed,
        "concerns_overdue": overdue,
    }


def _counts(user, code, month):
    got = compliance_counts(user, code, month)
    return {
        k: getattr(got, k)
        for k in (
            "pairings_behind",
            "residents_under_20_days",
            "reviews_missed",
            "concerns_overdue",
        )
    }


def test_compliance_counts_for_the_village(world, user):
    got = _counts(user, CHANGFA, "2017-06")
    assert got == _independent(CHANGFA, D(2017, 6, 1), AS_OF)
    # Every week of June counts: 甲's second household was last seen on 22 June and his
    # first on 26 June only, so both missed earlier weeks; 乙's never saw his.
    assert got == {
        "pairings_behind": 3,
        "residents_under_20_days": 1,
        "reviews_missed": 1,
        "concerns_overdue": 2,
    }


@pytest.mark.parametrize("code", [COUNTY, TOWNSHIP, "1522"])
def test_compliance_counts_agree_with_independent_counts(world, code):
    superuser = make_user("league_hq", "1522", is_superuser=True)
    assert _counts(superuser, code, "2017-06") == _independent(code, D(2017, 6, 1), AS_OF)
    # A past month: every period ended; every week of the month is checked.
    assert _counts(superuser, code, "2017-05") == _independent(code, D(2017, 5, 1), D(2017, 5, 31))


def test_api_shape_and_scope(client, world, user):
    client.force_login(user)
    response = client.get(f"/api/areas/{CHANGFA}/compliance/?month=2017-06")
    assert response.status_code == 200
    assert response.json() == {
        "pairings_behind": 3,
        "residents_under_20_days": 1,
        "reviews_missed": 1,
        "concerns_overdue": 2,
    }
    assert client.get(f"/api/areas/{CHANGFA}/compliance/?month=2017-13").status_code == 400
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{CHANGFA}/compliance/?month=2017-06").status_code == 404
    assert client.get(f"/api/areas/{COUNTY}/compliance/").status_code == 404


def test_escalate_overdue_command():
    from io import StringIO

    from django.core.management import call_command

    Concern.objects.create(
        village_id=CHANGFA,
        source="cadre",
        raised_on=D(2017, 5, 1),
        text="t",
        category="other",
        state="assigned",
        deadline=D(2017, 6, 1),
    )
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    assert "1" in out.getvalue()
    assert Concern.objects.get().level == "township"
