"""Coverage (走村不漏户,户户见干部): the selector agrees with counts computed here by hand."""

import datetime
from dataclasses import asdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.areas.models import Area
from fupin.assistance import services
from fupin.assistance.models import Cadre, Link, Pairing, PairingCap
from fupin.assistance.selectors import coverage
from fupin.core.models import AuditEvent
from fupin.registry import codes
from tests.assistance.helpers import START, make_cadre
from tests.factories import (
    CHANGFA,
    HADANALA,
    SHUANGYUSHU,
    YINDEER,
    ZHALAITE,
    make_household,
    make_user,
)

pytestmark = pytest.mark.django_db
ON = datetime.date(2017, 6, 30)


def _rural_villages(prefix):
    return [
        a.code
        for a in Area.objects.filter(level="village", participates=True)
        if a.code.startswith(prefix) and a.code[-3:] >= "200"
    ]


@pytest.fixture
def county():
    return make_user("county_office", ZHALAITE)


def test_coverage_counts_agree_with_independent_counts(county):
    poor = [make_household(CHANGFA) for _ in range(4)]
    relapsed = make_household(SHUANGYUSHU, status=codes.Status.RELAPSED)
    make_household(CHANGFA, status=codes.Status.EXITED)  # needs no cadre
    make_household(HADANALA)  # outside the county
    cadre = make_cadre(ZHALAITE)
    busy = make_cadre(ZHALAITE, post=Cadre.Post.FIRST_SECRETARY)
    services.pairing_create(actor=county, cadre=cadre, household=poor[0], start_date=START)
    ended = services.pairing_create(actor=county, cadre=cadre, household=poor[1], start_date=START)
    services.pairing_end(actor=county, pairing=ended, end_date=datetime.date(2017, 3, 1))
    # Over the cap: written directly, as an old import might have left it.
    PairingCap.objects.create(post=Cadre.Post.FIRST_SECRETARY, cap=1)
    for household in poor[2:]:
        Pairing.objects.create(
            cadre=busy, household=household, village_id=CHANGFA, start_date=START
        )
    # A cadre who is a registered poor member, and one who is an exited member.
    member = relapsed.members.first()
    make_cadre(ZHALAITE, id_number=member.id_number)
    exited = make_household(CHANGFA, status=codes.Status.EXITED)
    make_cadre(ZHALAITE, id_number=exited.members.first().id_number)
    services.link_create(
        actor=county,
        kind=Link.Kind.DEPARTMENT_VILLAGE,
        area=Area.objects.get(pk=CHANGFA),
        department="扎赉特旗农牧局",
        start_date=START,
    )
    # A deputy-head link does not count as a department link.
    services.link_create(
        actor=county,
        kind=Link.Kind.DEPUTY_VILLAGE,
        area=Area.objects.get(pk=SHUANGYUSHU),
        cadre=cadre,
        start_date=START,
    )

    result = coverage(county, ZHALAITE, ON)

    villages = set(_rural_villages(ZHALAITE)) - {CHANGFA}
    assert result.counts.villages_without_link == len(villages)
    assert set(result.villages_without_link.values_list("code", flat=True)) == villages
    # poor[1] (pairing ended) and the relapsed household; poor[0] and poor[2:] are paired.
    assert set(result.households_without_cadre) == {poor[1], relapsed}
    assert result.counts.households_without_cadre == 2
    assert list(result.cadres_over_cap) == [busy]
    assert result.cadres_over_cap[0].paired == 2
    assert result.counts.cadres_over_cap == 1
    assert [c.id_number for c in result.cadres_registered_poor] == [member.id_number]
    assert result.counts.cadres_registered_poor == 1

    township = asdict(coverage(county, YINDEER, ON).counts)
    assert township["villages_without_link"] == len(set(_rural_villages(YINDEER)) - {CHANGFA})
    assert township["households_without_cadre"] == 1
    # Cadres belong to the county: none in the township.
    assert township["cadres_over_cap"] == township["cadres_registered_poor"] == 0
    assert AuditEvent.objects.filter(action=services.PAIRING_ENDED).count() == 1


def test_coverage_is_limited_to_the_users_scope():
    make_household(CHANGFA)
    village_user = make_user("village_team", HADANALA)
    assert asdict(coverage(village_user, ZHALAITE, ON).counts) == {
        "villages_without_link": 0,
        "households_without_cadre": 0,
        "cadres_over_cap": 0,
        "cadres_registered_poor": 0,
    }


def test_pair_refuses_past_the_cap_and_out_of_scope(county):
    cadre = make_cadre(ZHALAITE)
    households = [make_household(CHANGFA) for _ in range(6)]
    for household in households[:5]:
        services.pairing_create(actor=county, cadre=cadre, household=household, start_date=START)
    with pytest.raises(ValidationError, match="上限 5 户"):
        services.pairing_create(
            actor=county, cadre=cadre, household=households[5], start_date=START
        )
    with pytest.raises(ValidationError):
        services.pairing_create(
            actor=county, cadre=cadre, household=households[0], start_date=START
        )
    PairingCap.objects.create(post=cadre.post, cap=6)
    services.pairing_create(actor=county, cadre=cadre, household=households[5], start_date=START)
    other = make_user("village_team", HADANALA)
    with pytest.raises(PermissionDenied):
        services.pairing_create(actor=other, cadre=cadre, household=households[0], start_date=START)
    with pytest.raises(ValidationError):
        services.link_create(
            actor=county,
            kind=Link.Kind.LEADER_TOWNSHIP,
            area=Area.objects.get(pk=CHANGFA),
            department="x",
        )


def test_coverage_page_lists_and_counts(client, county):
    household = make_household(CHANGFA, head_name="无干部户主")
    client.force_login(county)
    page = client.get(f"/coverage/?area={YINDEER}")
    assert page.status_code == 200
    text = page.content.decode()
    assert household.number in text
    assert page.context["counts"].households_without_cadre == 1
    villages = client.get(f"/coverage/?area={YINDEER}&list=villages_without_link")
    assert villages.context["rows"].paginator.count == len(_rural_villages(YINDEER))
    assert client.get(f"/coverage/?area={HADANALA}").status_code == 404


def test_the_coverage_page_runs_a_bounded_number_of_queries(
    client, county, django_assert_max_num_queries
):
    cadre = make_cadre(ZHALAITE)
    for _ in range(5):
        household = make_household(CHANGFA)
        Pairing.objects.create(
            cadre=cadre, household=household, village_id=CHANGFA, start_date=START
        )
    for _ in range(5):
        make_household(SHUANGYUSHU)
    client.force_login(county)
    for name in ("villages_without_link", "households_without_cadre", "cadres_over_cap"):
        with django_assert_max_num_queries(15):
            assert client.get(f"/coverage/?area={ZHALAITE}&list={name}").status_code == 200
