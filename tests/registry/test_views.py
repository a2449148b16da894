"""The household list, a household's page and the member form, as a village user uses them."""

import pytest

from fupin.core.idnumber import make_id_number
from fupin.registry import codes, services
from fupin.registry.models import Member, StatusRecord
from tests.factories import CHANGFA, HADANALA, id_number_for, make_household, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_client(client):
    client.force_login(make_user("village_team", CHANGFA))
    return client


def _numbers(response):
    return [h.number for h in response.context["page"]]


def test_list_shows_only_the_users_village_and_searches_three_ways(village_client):
    mine = make_household(CHANGFA, head_name="乌力吉·巴特尔", members=2)
    make_household(HADANALA, head_name="乌力吉·其木格")
    assert _numbers(village_client.get("/households/")) == [mine.number]
    assert _numbers(village_client.get("/households/?q=巴特尔")) == [mine.number]
    assert _numbers(village_client.get("/households/?q=其木格")) == []
    spouse = mine.members.get(relation=codes.Relation.SPOUSE)
    assert _numbers(village_client.get(f"/households/?q={spouse.id_number}")) == [mine.number]
    assert _numbers(village_client.get(f"/households/?q={spouse.name}")) == [mine.number]
    assert _numbers(village_client.get(f"/households/?q={mine.number}")) == [mine.number]


def test_list_filters_by_year_status_attribute_and_cause(village_client):
    poor = make_household(CHANGFA, year=2016, status=codes.Status.POOR)
    exited = make_household(
        CHANGFA,
        year=2016,
        status=codes.Status.EXITED,
        attribute=codes.Attribute.LOW_INCOME,
        main_cause=codes.Cause.ILLNESS,
    )
    StatusRecord.objects.create(
        household=exited, village_id=CHANGFA, year=2015, status="poor",
        attribute=exited.attribute, members_count=3,
    )  # fmt: skip
    get = village_client.get
    response = get("/households/?year=2016&status=poor")
    assert _numbers(response) == [poor.number]
    page = response.content.decode()
    assert '<option value="poor" selected>' in page and '<option value="2016" selected>' in page
    assert _numbers(get("/households/?year=2015&status=poor")) == [exited.number]
    assert _numbers(get("/households/?attribute=low_income")) == [exited.number]
    assert _numbers(get("/households/?cause=illness")) == [exited.number]
    assert _numbers(get(f"/households/?area={CHANGFA}&order=number")) == sorted(
        [poor.number, exited.number]
    )


def test_list_page_query_count_does_not_grow_with_rows(
    village_client, django_assert_max_num_queries
):
    for _ in range(30):
        make_household(CHANGFA, members=2)
    with django_assert_max_num_queries(12):
        response = village_client.get("/households/?year=2016&status=poor")
    assert len(response.context["page"]) == 30


def test_household_page_shows_members_years_and_history(village_client):
    household = make_household(
        CHANGFA,
        members=3,
        year=2016,
        income={
            "year": 2016, "wage_income": 3000, "business_income": 2000,
            "property_income": 0, "transfer_income": 1000, "business_costs": 600,
        },
    )  # fmt: skip
    response = village_client.get(f"/households/{household.pk}/")
    assert response.status_code == 200
    assert [m.pk for m in response.context["members"]] == list(
        household.members.order_by("pk").values_list("pk", flat=True)
    )
    [row] = response.context["years"]
    assert row["year"] == 2016 and row["status"].status == "poor"
    assert str(row["income"].net_income_per_capita) == "1800.00"
    assert response.context["can_edit"] is True
    # The household's other records, one click away.
    page = response.content.decode()
    for related in ("plan/", "card.pdf", "safety-net/", "leaders/"):
        assert f'href="/households/{household.pk}/{related}"' in page


def test_another_villages_household_is_404(village_client):
    other = make_household(HADANALA)
    assert village_client.get(f"/households/{other.pk}/").status_code == 404
    member = other.members.first()
    assert village_client.get(f"/members/{member.pk}/edit/").status_code == 404


def _form_data(member, **changes):
    data = {field: getattr(member, field) for field in services.MEMBER_FIELDS}
    data["pension"] = "unknown" if data["pension"] is None else data["pension"]
    data["medical_insurance"] = "on" if data["medical_insurance"] else ""
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_correcting_a_member_is_saved_with_history_and_reason(village_client):
    household = make_household(CHANGFA, members=2)
    member = household.members.get(relation=codes.Relation.SPOUSE)
    new_id = id_number_for(CHANGFA, sex="F")
    response = village_client.post(
        f"/members/{member.pk}/edit/",
        _form_data(member, name="其木格", id_number=new_id, health="chronic", reason="户籍核对"),
    )
    assert response.status_code == 302, response.context["form"].errors
    member.refresh_from_db()
    assert (member.name, member.id_number, member.health) == ("其木格", new_id, "chronic")
    latest = member.history.latest()
    assert latest.history_change_reason == "户籍核对"
    assert latest.history_user.username.startswith("village_team")
    page = village_client.get(f"/households/{household.pk}/")
    entry = page.context["history"][0]
    assert entry.reason == "户籍核对"
    assert {c.field for c in entry.changes} >= {"姓名", "证件号码", "健康状况"}
    assert "其木格" in page.content.decode()


def test_bad_id_number_is_refused_with_the_reason_and_nothing_changes(village_client):
    household = make_household(CHANGFA, members=2)
    member = household.members.get(relation=codes.Relation.SPOUSE)
    good = make_id_number("152223", member.birth_date, 7, "F")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = village_client.post(f"/members/{member.pk}/edit/", _form_data(member, id_number=bad))
    assert response.status_code == 200
    errors = response.context["form"].errors["id_number"]
    assert any("校验位错误" in e for e in errors)
    assert Member.objects.get(pk=member.pk).id_number == member.id_number


def test_an_id_number_of_another_household_is_refused(village_client):
    from fupin.registry import rules

    household = make_household(CHANGFA, members=2)
    neighbour = make_household(CHANGFA, members=1)
    member = household.members.get(relation=codes.Relation.SPOUSE)
    taken = neighbour.members.get().id_number
    response = village_client.post(
        f"/members/{member.pk}/edit/", _form_data(member, id_number=taken)
    )
    [error] = response.context["form"].errors["id_number"]
    assert error == rules.MSG_ID_OTHER_HOUSEHOLD % {"id_number": taken, "other": neighbour.number}


def test_a_household_outside_the_scope_is_not_named_only_its_county(village_client):
    from fupin.registry import rules

    household = make_household(CHANGFA, members=2)
    other = make_household(HADANALA, members=1)
    taken = other.members.get().id_number
    member = household.members.get(relation=codes.Relation.SPOUSE)
    response = village_client.post(
        f"/members/{member.pk}/edit/", _form_data(member, id_number=taken)
    )
    [error] = response.context["form"].errors["id_number"]
    assert error == rules.MSG_ID_OTHER_AREA % {"id_number": taken, "county": "乌兰浩特市"}
    assert other.number not in response.content.decode()


def test_a_supervisor_reads_but_cannot_edit(client):
    household = make_household(CHANGFA, members=1)
    client.force_login(make_user("supervisor", "152223"))
    assert client.get(f"/households/{household.pk}/").context["can_edit"] is False
    member = household.members.get()
    assert client.get(f"/members/{member.pk}/edit/").status_code == 403


def test_opening_a_household_is_written_to_the_audit_log(village_client):
    from fupin.core.models import AuditEvent

    household = make_household(CHANGFA)
    village_client.get(f"/households/{household.pk}/")
    event = AuditEvent.objects.get()
    assert (event.action, event.target) == ("household.viewed", household.number)
    assert event.user.username.startswith("village_team")


def test_the_form_applies_the_import_rules_to_the_whole_household(village_client):
    from fupin.registry import rules

    household = make_household(CHANGFA, members=2, main_cause=codes.Cause.ILLNESS)
    head = household.members.get(relation=codes.Relation.HEAD)
    head.health = codes.Health.SERIOUS
    head.save()
    spouse = household.members.get(relation=codes.Relation.SPOUSE)
    # A second head, and the only ill person declared healthy: both refused, nothing saved.
    response = village_client.post(
        f"/members/{spouse.pk}/edit/", _form_data(spouse, relation="head", labour="")
    )
    errors = response.context["form"].errors
    assert rules.MSG_MANY_HEADS % {"count": 2} in errors["relation"]
    age = spouse.age_on(__import__("datetime").date(2017, 6, 30))
    assert rules.MSG_LABOUR_REQUIRED % {"age": age} in errors["labour"]
    response = village_client.post(f"/members/{head.pk}/edit/", _form_data(head, health="healthy"))
    assert str(rules.MSG_CAUSE_ILL) in response.context["form"].errors["health"]
    assert Member.objects.get(pk=head.pk).health == codes.Health.SERIOUS


def test_a_members_mongolian_name_is_corrected_on_the_page_and_checked(village_client):
    household = make_household(CHANGFA, members=2)
    member = household.members.get(relation=codes.Relation.SPOUSE)
    url = f"/members/{member.pk}/edit/"
    response = village_client.post(url, _form_data(member, name_mn="ᠪᠠᠲᠤ Бат"))
    assert response.status_code == 200
    assert "Cyrillic" in str(response.context["form"].errors["name_mn"])
    response = village_client.post(url, _form_data(member, name_mn=" ᠪᠠᠲᠤ ", reason="核对"))
    assert response.status_code == 302, response.context["form"].errors
    member.refresh_from_db()
    assert member.name_mn == "ᠪᠠᠲᠤ"
