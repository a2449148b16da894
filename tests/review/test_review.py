"""The 回头看 review round: opening (flagged and sampled items), outcomes through the flag and
case services, found households, closing, the frozen publication and the scope."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fupin.identification.models import Case
from fupin.quality.models import Flag
from fupin.registry.models import Household, Member
from fupin.review import services
from fupin.review.models import ReviewItem, ReviewPublication
from tests.factories import (
    CHANGFA,
    HADANALA,
    SHUANGYUSHU,
    ZHALAITE,
    id_number_for,
    make_household,
    make_user,
)

pytestmark = pytest.mark.django_db

FOUND_DAY = datetime.date(2016, 4, 1)


def _flag(household: Household, rule="vehicle", member=None) -> Flag:
    return Flag.objects.create(
        kind=Flag.Kind.COMPARISON,
        rule_code=rule,
        match_key=f"{rule}-{household.pk}-{member.pk if member else 0}",
        village_id=household.village_id,
        household=household,
        member=member,
        reason=f"{rule} 疑点",
        year=2017,
        raised_on=datetime.date(2017, 5, 1),
    )


def _open(actor, rate="5", **extra):
    values = {
        "county": ZHALAITE,
        "year": 2016,
        "name": "2016年建档立卡回头看",
        "starts_on": "2016-03-01",
        "ends_on": "2016-06-30",
        "sample_rate": rate,
        **extra,
    }
    return services.round_open(actor=actor, **values)


def _evidence():
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4", content_type="application/pdf")


@pytest.fixture
def county():
    return make_user("county_office", ZHALAITE)


@pytest.fixture
def team():
    return make_user("village_team", CHANGFA)


def test_the_sample_is_reproducible_and_of_the_right_size(county):
    households = [make_household(CHANGFA if i % 2 else SHUANGYUSHU, members=0) for i in range(400)]
    make_household(HADANALA, members=1)  # another county: never drawn
    first = _open(county, rate="10")
    drawn = set(first.items.values_list("household_id", flat=True))
    expected = {
        h.pk
        for h in households
        if services.sample_bucket(h.pk, first.seed) < services.sample_threshold(first.sample_rate)
    }
    assert drawn == expected
    assert 20 <= len(drawn) <= 60  # 10 % of 400, give or take the hash
    again = _open(county, rate="10", name="再次")
    assert set(again.items.values_list("household_id", flat=True)) == drawn
    assert all(v.startswith(ZHALAITE) for v in first.items.values_list("village_id", flat=True))


def test_every_flagged_household_is_an_item_with_its_reason_and_village(county):
    flagged = [make_household(CHANGFA, members=1) for _ in range(3)]
    for household in flagged:
        _flag(household)
    _flag(flagged[0], rule="payroll")  # two flags, one item
    closed = make_household(SHUANGYUSHU, members=1)
    _flag(closed).delete()
    review_round = _open(county, rate="0")
    items = review_round.items.order_by("household_id")
    assert [i.household_id for i in items] == [h.pk for h in flagged]
    assert {i.reason for i in items} == {ReviewItem.Reason.FLAG}
    assert {i.village_id for i in items} == {CHANGFA}


def test_removed_opens_the_exit_case_and_confirms_the_flag(county, team):
    household = make_household(CHANGFA, members=2)
    flag = _flag(household)
    item = _open(county, rate="0").items.get()
    services.item_outcome(actor=team, item=item, outcome="removed", note="有小轿车")
    item.refresh_from_db()
    flag.refresh_from_db()
    assert item.outcome == ReviewItem.Outcome.REMOVED and item.outcome_by == team
    assert flag.status == Flag.Status.CONFIRMED
    assert item.case_id == flag.case_id is not None
    assert Case.objects.get(pk=item.case_id).kind == Case.Kind.EXIT
    assert item.history.count() == 1


def test_confirmed_needs_evidence_and_dismisses_the_flag(county, team):
    household = make_household(CHANGFA, members=2)
    flag = _flag(household)
    item = _open(county, rate="0").items.get()
    with pytest.raises(ValidationError) as refused:
        services.item_outcome(actor=team, item=item, outcome="confirmed", note="车辆已转让")
    assert "核实佐证" in str(refused.value)
    services.item_outcome(
        actor=team, item=item, outcome="confirmed", note="车辆已转让", evidence=_evidence()
    )
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED and "车辆已转让" in flag.resolution_note


def test_a_death_corrected_closes_the_member(county, team):
    household = make_household(CHANGFA, members=2)
    dead = household.members.order_by("pk").last()
    _flag(household, rule="death", member=dead)
    item = _open(county, rate="0").items.get()
    with pytest.raises(ValidationError) as refused:
        services.item_outcome(actor=team, item=item, outcome="corrected")
    assert "核查说明" in str(refused.value)
    services.item_outcome(actor=team, item=item, outcome="corrected", note="成员已死亡")
    assert not Member.objects.filter(pk=dead.pk).exists()


def test_a_found_household_is_recorded_on_the_round(county, team):
    review_round = _open(county, rate="0")
    number = id_number_for(CHANGFA)
    item = services.item_found(
        actor=team, review_round=review_round, village=CHANGFA, name="漏评户", id_number=number
    )
    assert item.outcome == ReviewItem.Outcome.ADDED and item.household_id is None
    with pytest.raises(ValidationError) as twice:
        services.item_found(
            actor=team, review_round=review_round, village=CHANGFA, name="漏评户", id_number=number
        )
    assert "已在本次回头看中补录" in str(twice.value)
    registered = make_household(CHANGFA, members=1).members.get().id_number
    with pytest.raises(ValidationError) as known:
        services.item_found(
            actor=team, review_round=review_round, village=CHANGFA, name="某", id_number=registered
        )
    assert "已在建档立卡名录中" in str(known.value)
    with pytest.raises(ValidationError) as bad:
        services.item_found(
            actor=team, review_round=review_round, village=CHANGFA, name="", id_number="123"
        )
    assert set(bad.value.error_dict) == {"found_name", "found_id_number"}


def test_closing_stops_outcomes_and_the_publication_stays_frozen(county, team, client):
    households = [make_household(CHANGFA, members=1) for _ in range(3)]
    for household in households:
        _flag(household)
    review_round = _open(county, rate="0")
    first = review_round.items.order_by("pk").first()
    services.item_outcome(actor=team, item=first, outcome="removed")
    with pytest.raises(ValidationError):
        services.round_publish(actor=county, review_round=review_round)
    services.round_close(actor=county, review_round=review_round)
    other = review_round.items.filter(outcome="").first()
    with pytest.raises(ValidationError) as closed:
        services.item_outcome(actor=team, item=other, outcome="removed")
    assert "已结束" in str(closed.value)
    publication = services.round_publish(actor=county, review_round=review_round)
    assert publication.content["total"]["items"] == 3
    assert publication.content["total"]["removed"] == 1
    assert str(publication.content["total"]["visited_share"]) == "33.33"
    # A later change of the registry (a village renamed, the outcome rewritten) moves nothing.
    ReviewItem.objects.filter(pk=other.pk).update(outcome="confirmed")
    publication.refresh_from_db()
    assert publication.content["total"]["confirmed"] == 0
    book = openpyxl.load_workbook(io.BytesIO(publication.xlsx.read()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][:4] == ("级别", "区划代码", "名称", "核查对象")
    assert [r[0] for r in rows[3:]] == ["苏木乡镇", "嘎查村", "旗县合计"]
    assert rows[-1][3:9] == (3, 1, 1, 0, 0, 0)
    assert str(book.active.page_setup.paperSize) == book.active.PAPERSIZE_A4
    assert publication.pdf.read().startswith(b"%PDF")
    second = services.round_publish(actor=county, review_round=review_round)
    assert second.version == 2 and second.content["total"]["confirmed"] == 1
    assert ReviewPublication.objects.get(pk=publication.pk).superseded
    client.force_login(county)
    response = client.get(f"/review/published/{publication.pk}/xlsx/")
    assert response.status_code == 200


def test_another_county_and_another_village_see_and_change_nothing(county, team, client):
    household = make_household(CHANGFA, members=1)
    _flag(household)
    review_round = _open(county, rate="0")
    item = review_round.items.get()
    stranger = make_user("county_office", HADANALA[:6])
    neighbour = make_user("village_team", SHUANGYUSHU)
    for user in (stranger, neighbour):
        with pytest.raises(PermissionDenied):
            services.item_outcome(actor=user, item=item, outcome="removed")
        with pytest.raises(PermissionDenied):
            services.round_close(actor=user, review_round=review_round)
    with pytest.raises(PermissionDenied):
        _open(stranger)
    for user in (stranger, neighbour):
        client.force_login(user)
        assert client.get(f"/review/{review_round.pk}/").status_code == 404
        assert client.get(f"/review/items/{item.pk}/").status_code == 404
        assert client.post(f"/review/{review_round.pk}/close/").status_code == 404
        assert client.post(f"/review/items/{item.pk}/", {"outcome": "removed"}).status_code == 404
        assert client.get(f"/review/items/?area={CHANGFA}").status_code == 404
    item.refresh_from_db()
    assert item.outcome == "" and review_round.items.count() == 1
    client.force_login(team)
    assert client.get(f"/review/{review_round.pk}/").status_code == 404
    page = client.get(f"/review/items/?area={CHANGFA}")
    assert page.status_code == 200 and household.number in page.content.decode()


def test_the_pages_open_a_round_and_record_an_outcome(county, team, client):
    household = make_household(CHANGFA, members=1)
    client.force_login(county)
    bad = client.post(
        "/review/", {"county": ZHALAITE, "year": "2016", "name": "", "sample_rate": "120"}
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "名称：不能为空" in text and "抽查比例：应为0至100之间的数" in text
    response = client.post(
        "/review/",
        {
            "county": ZHALAITE,
            "year": "2016",
            "name": "回头看",
            "starts_on": "2016-03-01",
            "ends_on": "2016-06-30",
            "sample_rate": "100",
        },
    )
    assert response.status_code == 302
    review_round = services.ReviewRound.objects.get()
    item = review_round.items.get(household=household)
    assert client.get(response["Location"]).status_code == 200
    client.force_login(team)
    bad = client.post(f"/review/items/{item.pk}/", {"outcome": "corrected"})
    assert bad.status_code == 400 and "信息更正须说明" in bad.content.decode()
    done = client.post(f"/review/items/{item.pk}/", {"outcome": "confirmed", "note": "无误"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.outcome == ReviewItem.Outcome.CONFIRMED


def test_the_village_team_finds_the_open_rounds_items_in_its_inbox(county, team):
    from fupin.inbox.selectors import inbox, unread_count

    household = make_household(CHANGFA, members=1)
    review_round = _open(county, rate="100")
    before = unread_count(team)
    kinds = [i.kind for i in inbox(team).results]
    assert "review_item" in kinds
    item = review_round.items.get(household=household)
    services.item_outcome(actor=team, item=item, outcome="confirmed")
    assert unread_count(team) == before - 1
    services.round_close(actor=county, review_round=review_round)
    assert "review_item" not in [i.kind for i in inbox(team).results]
    assert "review_item" not in [
        i.kind for i in inbox(make_user("village_team", SHUANGYUSHU)).results
    ]
