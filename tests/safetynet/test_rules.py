"""The rules of "qualifies but not covered", as pure functions and as the page's selector."""

import pytest

from fupin.registry import codes
from fupin.registry.models import Member, StatusRecord
from fupin.safetynet import rules
from fupin.safetynet.models import Policy, PolicyEnrolment
from fupin.safetynet.selectors import gap_counts, gap_members, policy_counts
from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_household, make_user

POOR, EXITED = codes.Status.POOR, codes.Status.EXITED
GENERAL, LOW, EXTREME = (
    codes.Attribute.GENERAL,
    codes.Attribute.LOW_INCOME,
    codes.Attribute.EXTREME,
)


def _codes(found):
    return [rule.code for rule in found]


def test_pure_rules():
    student = {"school_status": codes.SchoolStatus.GRADE8, "health": codes.Health.HEALTHY}
    preschool = {"school_status": codes.SchoolStatus.PRESCHOOL, "health": codes.Health.HEALTHY}
    ill = {"school_status": codes.SchoolStatus.NONE, "health": codes.Health.SERIOUS}
    disabled = {"school_status": "", "health": codes.Health.DISABLED}
    chronic = {"school_status": "", "health": codes.Health.CHRONIC}
    assert _codes(rules.owed(student, POOR, GENERAL)) == ["student"]
    assert _codes(rules.owed(preschool, POOR, GENERAL)) == []
    assert _codes(rules.owed(ill, POOR, GENERAL)) == ["ill"]
    assert _codes(rules.owed(disabled, codes.Status.RELAPSED, LOW)) == ["ill", "low_income"]
    assert _codes(rules.owed(chronic, POOR, EXTREME)) == ["extreme"]
    # Households no longer poor in the year are owed nothing by these rules.
    assert rules.owed(student, EXITED, LOW) == []
    assert _codes(rules.gaps(disabled, POOR, LOW, {Policy.HEALTH})) == ["low_income"]
    assert rules.gaps(student, POOR, GENERAL, [Policy.EDUCATION]) == []


def _member(household, index=0, **fields):
    member = household.members.order_by("pk")[index]
    Member.objects.filter(pk=member.pk).update(**fields)
    member.refresh_from_db()
    return member


def _enrol(member, policy, year=2016, amount="100"):
    return PolicyEnrolment.objects.create(
        member=member,
        household_id=member.household_id,
        village_id=member.village_id,
        year=year,
        policy=policy,
        amount=amount,
    )


@pytest.fixture
def households(db):
    """Poor households of 长发村 with a student, an ill member, 低保 and 特困 members."""
    general = make_household(CHANGFA, members=4)
    student = _member(general, 2, school_status=codes.SchoolStatus.SENIOR1)
    covered_student = _member(general, 3, school_status=codes.SchoolStatus.PRIMARY)
    ill = _member(general, 1, health=codes.Health.SERIOUS)
    low = make_household(CHANGFA, members=2, attribute=LOW)
    extreme = make_household(CHANGFA, members=1, attribute=EXTREME)
    exited = make_household(CHANGFA, members=3, status=EXITED)
    _member(exited, 2, school_status=codes.SchoolStatus.GRADE9)
    _enrol(covered_student, Policy.EDUCATION)
    _enrol(student, Policy.EDUCATION, year=2017)  # another year does not cover 2016
    low_members = list(low.members.order_by("pk"))
    _enrol(low_members[0], Policy.LIVING)
    _enrol(low_members[1], Policy.HEALTH)
    return {
        "student": student,
        "ill": ill,
        "low": low_members[1],
        "extreme": extreme.members.get(),
    }


def test_gap_selector_agrees_with_the_pure_rules(households):
    user = make_user("county_office", ZHALAITE)
    found = {
        rule.code: set(gap_members(user, YINDEER, 2016, rule.code).values_list("pk", flat=True))
        for rule in rules.RULES
    }
    assert found == {
        "student": {households["student"].pk},
        "ill": {households["ill"].pk},
        "low_income": {households["low"].pk},
        "extreme": {households["extreme"].pk},
    }
    # The same members, judged one by one by the pure functions.
    expected = {rule.code: set() for rule in rules.RULES}
    statuses = {
        s.household_id: (s.status, s.attribute) for s in StatusRecord.objects.filter(year=2016)
    }
    for member in Member.objects.all():
        enrolled = PolicyEnrolment.objects.filter(member=member, year=2016).values_list(
            "policy", flat=True
        )
        fields = {"school_status": member.school_status, "health": member.health}
        for rule in rules.gaps(fields, *statuses[member.household_id], enrolled):
            expected[rule.code].add(member.pk)
    assert found == expected
    assert gap_counts(user, YINDEER, 2016) == {k: len(v) for k, v in found.items()}
    # Out of scope: nothing.
    assert gap_counts(make_user("village_team", HADANALA), CHANGFA, 2016) == dict.fromkeys(found, 0)


def test_persons_per_policy_equal_an_independent_count(households, client):
    user = make_user("county_office", ZHALAITE)
    client.force_login(user)
    data = client.get(f"/api/areas/{ZHALAITE}/safety-net/?year=2016").json()
    rows = PolicyEnrolment.objects.filter(year=2016, village__code__startswith=ZHALAITE)
    for policy in Policy.values:
        persons = rows.filter(policy=policy).values("member_id").distinct().count()
        assert data[policy]["persons"] == persons, policy
    assert data["persons"] == rows.values("member_id").distinct().count() == 3
    assert data["education"]["persons"] == 1 and data["living"]["persons"] == 1
    assert data["amount_yuan"] == "300.00"
    assert data["gaps"] == {"student": 1, "ill": 1, "low_income": 1, "extreme": 1}
    assert policy_counts(user, ZHALAITE, 2017)["persons"] == 1
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{ZHALAITE}/safety-net/").status_code == 404


def test_pages(households, client):
    client.force_login(make_user("county_office", ZHALAITE))
    response = client.get(f"/safety-net/?area={YINDEER}&year=2016&rule=student")
    assert response.status_code == 200
    html = response.content.decode()
    student = households["student"]
    assert student.name in html
    assert student.id_number not in html  # masked
    assert student.id_number[:6] + "*" * 8 + student.id_number[-4:] in html
    assert 'id="gap-extreme">1<' in html
    listing = client.get(f"/safety-net/enrolments/?area={YINDEER}&year=2016&policy=living")
    assert listing.context["count"] == 1
    block = client.get(f"/households/{households['low'].household_id}/safety-net/")
    text = block.content.decode()
    assert "低保兜底" in text and "健康扶贫（医疗救助）" in text
    assert 'id="household-gaps"' not in text  # as of 2017 the household has no status row


def test_page_and_api_make_a_bounded_number_of_queries(
    households, client, django_assert_max_num_queries
):
    for _ in range(5):
        household = make_household(CHANGFA, members=3, attribute=LOW)
        for member in household.members.all():
            _enrol(member, Policy.LIVING)
    client.force_login(make_user("county_office", ZHALAITE))
    with django_assert_max_num_queries(20):
        assert client.get(f"/safety-net/?area={ZHALAITE}&year=2016").status_code == 200
    with django_assert_max_num_queries(10):
        page = client.get(f"/safety-net/enrolments/?area={ZHALAITE}&year=2016")
    assert page.context["count"] == 15 + 3
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/areas/{ZHALAITE}/safety-net/").status_code == 200


def test_gaps_per_child_area_add_up(households, client):
    client.force_login(make_user("county_office", ZHALAITE))
    response = client.get(f"/safety-net/?area={ZHALAITE}&year=2016")
    rows = response.context["children"]
    by_code = {child.code: gaps for child, _p, _f, gaps in rows}
    assert by_code[YINDEER] == [1, 1, 1, 1]
    assert sum(sum(g) for g in by_code.values()) == 4
    assert [n for _rule, n in response.context["gaps"]] == [1, 1, 1, 1]
    village = client.get(f"/safety-net/?area={CHANGFA}&year=2016&rule=extreme")
    assert [n for _rule, n in village.context["gaps"]] == [1, 1, 1, 1]
    assert households["extreme"].name in village.content.decode()
