"""The household's page is its single record: pairing cadre with phone, plan and measures,
visits, open concerns, cases, enrolments, and one timeline in date order; in a bounded number
of queries however much happened to the household."""

import datetime

import pytest

from fupin.assistance.models import AssistancePlan, Cadre, Measure, Pairing
from fupin.fieldwork.models import Concern, ConcernEvent, Visit
from fupin.identification.models import Case, CaseStep
from fupin.safetynet.models import PolicyEnrolment
from tests.factories import CHANGFA, HADANALA, make_household, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
# The page, its sections and the base layout (navigation counts) whatever the household holds.
QUERY_BOUND = 40


def _happen(household, user, cadre, n: int) -> None:
    """``n`` visits, concerns with a step each, measures, cases with a step, enrolments."""
    plan, _new = AssistancePlan.objects.get_or_create(
        household=household, village_id=CHANGFA, year=2017
    )
    member = household.members.first()
    for i in range(n):
        day = D(2017, 5, 1) + datetime.timedelta(days=i)
        Visit.objects.create(
            cadre=cadre, household=household, village_id=CHANGFA, visited_on=day, kind="home",
            content=f"走访{i}",
        )  # fmt: skip
        concern = Concern.objects.create(
            household=household, village_id=CHANGFA, source="household", raised_on=day,
            text=f"诉求{i}", category="other", state="assigned", owner=cadre,
        )  # fmt: skip
        ConcernEvent.objects.create(
            concern=concern, village_id=CHANGFA, day=day, user=user, from_state="raised",
            to_state="assigned", level="village",
        )  # fmt: skip
        Measure.objects.create(
            plan=plan, village_id=CHANGFA, type="industry", year=2017, responsible=cadre,
            description=f"措施{i}",
        )  # fmt: skip
        case = Case.objects.create(
            kind="identification", village_id=CHANGFA, year=2017, household=household,
            applicant_name=household.head_name, state="applied", created_by=user,
            created_on=day,
        )  # fmt: skip
        CaseStep.objects.create(
            case=case, village_id=CHANGFA, step="applied", decision="approve", acted_on=day,
            actor=user,
        )  # fmt: skip
        PolicyEnrolment.objects.create(
            member=member, household=household, village_id=CHANGFA, year=2000 + PolicyEnrolment.objects.count(),
            policy="health",
        )  # fmt: skip


@pytest.fixture
def record():
    user = make_user("village_team", CHANGFA)
    household = make_household(CHANGFA, members=7, head_name="王淑芬")
    cadre = Cadre.objects.create(
        name="丁国华", area_id=CHANGFA[:6], unit="县水利局", post="other", phone="13904821234"
    )
    Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=D(2016, 3, 1)
    )
    return user, household, cadre


def test_the_page_holds_every_section_and_a_timeline_in_date_order(client, record):
    user, household, cadre = record
    _happen(household, user, cadre, 2)
    client.force_login(user)
    response = client.get(f"/households/{household.pk}/")
    page = response.content.decode()
    for part in ("丁国华", "13904821234", "县水利局", "措施1", "走访1", "诉求1", "贫困识别"):
        assert part in page, part
    assert 'id="open-concerns"' in page and 'id="enrolments"' in page and 'id="cases"' in page
    timeline = response.context["timeline"]
    days = [e.day.date() if isinstance(e.day, datetime.datetime) else e.day for e in timeline]
    assert days == sorted(days, reverse=True)
    kinds = {e.kind for e in timeline}
    assert {"结对帮扶", "走访", "反映诉求", "诉求办理", "识别退出", "档案变更"} <= kinds
    # The timeline says who acted and reads in labels, not state codes.
    handled = next(e for e in timeline if e.kind == "诉求办理")
    assert handled.text == "已反映 → 已交办" and handled.who
    # Buttons stay off paper.
    assert 'class="btn btn-sm btn-outline-primary d-print-none" id="raise-concern"' in page


def test_the_page_reads_in_a_bounded_number_of_queries(
    client, record, django_assert_max_num_queries
):
    user, household, cadre = record
    client.force_login(user)
    _happen(household, user, cadre, 1)
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(f"/households/{household.pk}/").status_code == 200
    _happen(household, user, cadre, 15)
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(f"/households/{household.pk}/").status_code == 200


def test_sections_keep_to_the_viewers_scope(client, record):
    user, household, cadre = record
    _happen(household, user, cadre, 1)
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/households/{household.pk}/").status_code == 404
