"""Public notices: index, page, xlsx and the objection form — no login, ID numbers masked."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from fupin.accounts.models import PublicSubmission
from fupin.core.masking import mask_id_number as mask
from fupin.identification.models import Case, CaseStep, Notice, Objection
from fupin.identification.public_views import source_hash
from fupin.registry import codes
from tests.factories import CHANGFA, SHUANGYUSHU, YINDEER, id_number_for, make_household, make_user

FULL_ID = re.compile(r"\d{17}[\dX]")
IN_PERIOD = (datetime.date(2017, 6, 26), datetime.date(2017, 7, 2))  # as of 2017-06-30
PAST = (datetime.date(2015, 11, 2), datetime.date(2015, 11, 8))
ADDRESS = "203.0.113.7"
LIMIT_PER_HOUR = 5
LIMIT_PER_DAY = 20


@pytest.fixture(autouse=True)
def _limits(settings):
    # The captcha that follows the first submissions is tested in tests/accounts.
    settings.FUPIN_PUBLIC_CAPTCHA_AFTER = 1000
    settings.FUPIN_PUBLIC_LIMIT_PER_HOUR = LIMIT_PER_HOUR
    settings.FUPIN_PUBLIC_LIMIT_PER_DAY = LIMIT_PER_DAY


def _application(head: str, members: int = 3) -> dict:
    people = [
        {
            "name": head if i == 0 else f"{head}家{i}",
            "id_number": id_number_for(CHANGFA, birth=datetime.date(1960 + 5 * i, 2, 3)),
            "relation": codes.Relation.HEAD if i == 0 else codes.Relation.SON,
        }
        for i in range(members)
    ]
    return {
        "household": {"attribute": codes.Attribute.LOW_INCOME, "main_cause": codes.Cause.ILLNESS},
        "members": people,
    }


def make_case(user, head: str, *, village=CHANGFA, members=3, kind=Case.Kind.IDENTIFICATION):
    return Case.objects.create(
        kind=kind,
        village_id=village,
        year=2017,
        applicant_name=head,
        application=_application(head, members),
        state="notice",
        created_by=user,
        created_on=datetime.date(2017, 6, 1),
    )


def make_notice(user, cases, *, period=IN_PERIOD, kind=Notice.Kind.NOTICE, area=CHANGFA, **kw):
    notice = Notice.objects.create(
        kind=kind,
        level=kw.pop("level", Notice.Level.VILLAGE),
        case_kind=kw.pop("case_kind", Case.Kind.IDENTIFICATION),
        area_id=area,
        title=kw.pop("title", f"长发村贫困户识别公示 {period[0]}"),
        published_on=period[0],
        ends_on=period[1] if kind == Notice.Kind.NOTICE else None,
        contact="0482-6212345",
        created_by=user,
        **kw,
    )
    notice.cases.set(cases)
    return notice


@pytest.fixture
def data():
    user = make_user("village_team", CHANGFA)
    wang = make_case(user, "王秀兰")
    li = make_case(user, "李长发", members=5)
    household = make_household(CHANGFA, head_name="赵脱贫", members=4)
    exit_case = Case.objects.create(
        kind=Case.Kind.EXIT,
        village_id=CHANGFA,
        year=2016,
        household=household,
        applicant_name=household.head_name,
        state="notice",
        created_by=user,
        created_on=datetime.date(2015, 10, 1),
    )
    CaseStep.objects.create(
        case=exit_case,
        village_id=CHANGFA,
        step="proposed",
        decision=CaseStep.Decision.APPROVE,
        reason="人均纯收入 3,410 元，两不愁三保障均已实现",
        acted_on=datetime.date(2015, 10, 1),
        actor=user,
        role="village_team",
    )
    # A cadre typed an ID number into the notice's text: it is published masked.
    typed = wang.application["members"][1]["id_number"]
    current = make_notice(user, [wang, li], body=f"经民主评议，王秀兰户（{typed}）等纳入。")
    past = make_notice(
        user, [exit_case], period=PAST, case_kind=Case.Kind.EXIT, title="长发村脱贫退出公示"
    )
    announcement = make_notice(
        user,
        [wang, li],
        kind=Notice.Kind.ANNOUNCEMENT,
        level=Notice.Level.COUNTY,
        area="152223",
        period=(datetime.date(2017, 6, 1), None),
        title="扎赉特旗贫困户识别公告",
    )
    other = make_case(user, "孙双榆", village=SHUANGYUSHU)
    elsewhere = make_notice(user, [other], area=SHUANGYUSHU, title="双榆树嘎查识别公示")
    future = make_notice(
        user, [wang], period=(datetime.date(2017, 7, 5), datetime.date(2017, 7, 11)), title="未来"
    )
    ids = [m["id_number"] for c in (wang, li, other) for m in c.application["members"]] + list(
        household.members.values_list("id_number", flat=True)
    )
    return {
        "user": user,
        "wang": wang,
        "li": li,
        "exit": exit_case,
        "household": household,
        "current": current,
        "past": past,
        "announcement": announcement,
        "elsewhere": elsewhere,
        "future": future,
        "ids": ids,
    }


def _post(client, notice, on_case, **overrides):
    payload = {
        "case": str(on_case.pk),
        "filer_name": "张三",
        "filer_contact": "13912345678",
        "text": "该户家中有小轿车一辆，不符合识别条件。",
    }
    payload.update(overrides)
    return client.post(f"/notices/{notice.pk}/", payload, REMOTE_ADDR=ADDRESS)


# -- pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_index_needs_no_login_lists_newest_first_and_links_every_page(client, data):
    response = client.get("/notices/")
    assert response.status_code == 200
    text = response.content.decode()
    titles = [n.title for n in (data["current"], data["elsewhere"], data["announcement"])]
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions) or text.index(data["announcement"].title) > text.index(
        data["current"].title
    )
    assert text.index(data["announcement"].title) < text.index(data["past"].title)
    for key in ("current", "past", "announcement", "elsewhere"):
        assert f'href="/notices/{data[key].pk}/"' in text
    # A notice dated after the as-of date is not public yet.
    assert data["future"].title not in text
    assert client.get(f"/notices/{data['future'].pk}/").status_code == 404


@pytest.mark.django_db
def test_index_filters(client, data):
    def titles(query):
        response = client.get("/notices/" + query)
        assert response.status_code == 200
        return {n.title for n in response.context["page"]}

    assert titles(f"?area={CHANGFA}") == {
        data["current"].title,
        data["past"].title,
        data["announcement"].title,  # the county's announcement covers the village
    }
    assert titles(f"?area={SHUANGYUSHU}") == {data["elsewhere"].title, data["announcement"].title}
    assert data["elsewhere"].title in titles(f"?area={YINDEER[:6]}")
    assert titles("?kind=announcement") == {data["announcement"].title}
    assert titles("?when=current") == {data["current"].title, data["elsewhere"].title}
    assert titles("?when=past") == {data["past"].title, data["announcement"].title}
    assert client.get("/notices/?area=abc").status_code == 200  # an invalid filter filters nothing


@pytest.mark.django_db
def test_index_is_paginated(client, data):
    for i in range(25):
        make_notice(data["user"], [], title=f"分页公示{i:02d}")
    first = client.get("/notices/")
    assert first.context["page"].paginator.num_pages == 2
    assert "page=2" in first.content.decode()
    assert client.get("/notices/?page=2").status_code == 200


@pytest.mark.django_db
def test_notice_page_shows_the_published_facts_and_masked_ids(client, data):
    response = client.get(f"/notices/{data['current'].pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    for expected in ("王秀兰", "李长发", "长发村", "公示", "低保贫困户", "因病", "0482-6212345"):
        assert expected in text
    assert "2017年6月26日" in text and "2017年7月2日" in text
    assert "公示中，可提出异议" in text
    assert 'id="objection-form"' in text
    typed = data["wang"].application["members"][1]["id_number"]
    assert f"王秀兰户（{mask(typed)}）" in text
    head_id = data["wang"].application["members"][0]["id_number"]
    assert mask(head_id) in text
    assert head_id not in text
    assert "孙双榆" not in text  # another notice's case
    # household size from the application
    assert re.search(r'<td class="text-end">5</td>', text)


@pytest.mark.django_db
def test_past_exit_notice_is_closed_and_shows_the_exit_reason(client, data):
    response = client.get(f"/notices/{data['past'].pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "公示期已结束" in text
    assert 'id="objection-form"' not in text
    assert "赵脱贫" in text and "退出原因" in text
    assert "人均纯收入 3,410 元" in text


@pytest.mark.django_db
def test_no_page_xlsx_or_pdf_of_any_notice_shows_a_full_id_number(client, data):
    from tests.identification.test_notice_pdf import pdf_text, weasyprint_missing

    checked = 0
    for notice in Notice.objects.filter(published_on__lte=datetime.date(2017, 6, 30)):
        bodies = {
            "page": client.get(f"/notices/{notice.pk}/").content.decode(),
            "xlsx": _xlsx_text(client.get(f"/notices/{notice.pk}/notice.xlsx").content),
        }
        if not weasyprint_missing():
            bodies["pdf"] = pdf_text(client.get(f"/notices/{notice.pk}/notice.pdf").content)
        for what, body in bodies.items():
            assert not FULL_ID.search(body), (notice.title, what, FULL_ID.search(body))
            for number in data["ids"]:
                assert number not in body and number[:-1] not in body
        checked += 1
    assert checked == 4
    assert not FULL_ID.search(client.get("/notices/").content.decode())


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


@pytest.mark.django_db
def test_xlsx_holds_the_list_with_masked_ids(client, data):
    from openpyxl import load_workbook

    response = client.get(f"/notices/{data['current'].pk}/notice.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == data["current"].title
    assert rows[2][:6] == ["序号", "姓名（户主）", "证件号码", "嘎查村", "家庭人口", "贫困户属性"]
    body = {tuple(r[:6]) for r in rows[3:5]}
    village = data["wang"].village.name
    wang_id = mask(data["wang"].application["members"][0]["id_number"])
    assert (
        1,
        "李长发",
        mask(data["li"].application["members"][0]["id_number"]),
        village,
        5,
        "低保贫困户",
    ) in body
    assert (2, "王秀兰", wang_id, village, 3, "低保贫困户") in body


# -- the objection form ------------------------------------------------------------------


@pytest.mark.django_db
def test_objection_is_validated(client, data):
    notice, case = data["current"], data["wang"]
    cases = [
        ({"filer_contact": "1234"}, "filer_contact"),
        ({"filer_contact": "23912345678"}, "filer_contact"),
        ({"text": ""}, "text"),
        ({"text": "字" * 2001}, "text"),
        ({"filer_name": " "}, "filer_name"),
        ({"case": str(data["exit"].pk)}, "case"),  # not on this notice
    ]
    for overrides, field in cases:
        response = _post(client, notice, case, **overrides)
        assert response.status_code == 400, overrides
        assert field in response.context["form"].errors, overrides
    assert not Objection.objects.exists()
    # Landlines and spaced or full-width mobile numbers pass.
    for contact in ("0482-8212345", "04828212345", "139 1234 5678", "+86 13912345678"):
        assert _post(client, notice, case, filer_contact=contact).status_code == 302, contact


@pytest.mark.django_db
def test_objection_is_stored_with_a_hash_of_the_address_and_pauses_the_case(client, data):
    notice, case = data["current"], data["li"]
    response = _post(client, notice, case)
    assert response.status_code == 302
    assert response["Location"] == f"/notices/{notice.pk}/#objection"
    objection = Objection.objects.get()
    assert (objection.notice, objection.case, objection.village_id) == (notice, case, CHANGFA)
    assert (objection.filer_name, objection.filer_contact) == ("张三", "13912345678")
    assert objection.state == Objection.State.OPEN
    assert objection.source == source_hash(ADDRESS)
    assert len(objection.source) == 64 and ADDRESS not in objection.source
    assert source_hash(ADDRESS) != source_hash("203.0.113.8")
    case.refresh_from_db()
    assert case.paused
    page = client.get(response["Location"]).content.decode()
    assert "您的异议已收到" in page and f"受理编号 {objection.pk}" in page


@pytest.mark.django_db
def test_objections_are_rate_limited_per_hour(client, data):
    notice, case = data["current"], data["wang"]
    for _ in range(LIMIT_PER_HOUR):
        assert _post(client, notice, case).status_code == 302
    response = _post(client, notice, case)
    assert response.status_code == 400
    assert "每小时最多向同一嘎查村提交 5 条" in response.content.decode()
    assert Objection.objects.count() == LIMIT_PER_HOUR
    # Another address is not limited by this one.
    other = client.post(
        f"/notices/{notice.pk}/",
        {"case": case.pk, "filer_name": "李四", "filer_contact": "13812345678", "text": "异议"},
        REMOTE_ADDR="198.51.100.1",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_objections_are_rate_limited_per_village_per_day(client, data):
    notice, case = data["current"], data["wang"]
    for _ in range(LIMIT_PER_DAY):
        assert _post(client, notice, case).status_code in (302, 400)
        PublicSubmission.objects.update(at=timezone.now() - datetime.timedelta(hours=2))
    assert Objection.objects.count() == LIMIT_PER_DAY
    response = _post(client, notice, case)
    assert response.status_code == 400
    assert "每天最多向同一嘎查村提交 20 条" in response.content.decode()
    # A day later the address may file again.
    PublicSubmission.objects.update(at=timezone.now() - datetime.timedelta(hours=25))
    assert _post(client, notice, case).status_code == 302


@pytest.mark.django_db
def test_objections_are_refused_outside_the_period(client, data):
    for notice, case in ((data["past"], data["exit"]), (data["announcement"], data["wang"])):
        response = _post(client, notice, case)
        assert response.status_code == 400
        assert "不在公示期内" in response.content.decode()
    assert client.get(f"/notices/{data['future'].pk}/").status_code == 404
    assert _post(client, data["future"], data["wang"]).status_code == 404
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_the_period_follows_the_as_of_date(client, data, settings):
    settings.FUPIN_AS_OF = "2017-07-03"  # the day after the notice ends
    text = client.get(f"/notices/{data['current'].pk}/").content.decode()
    assert "公示期已结束" in text and 'id="objection-form"' not in text
    assert _post(client, data["current"], data["wang"]).status_code == 400
    settings.FUPIN_AS_OF = "2017-07-02"  # its last day
    assert _post(client, data["current"], data["wang"]).status_code == 302


@pytest.mark.django_db
def test_objection_form_is_csrf_protected(data):
    client = Client(enforce_csrf_checks=True)
    response = _post(client, data["current"], data["wang"])
    assert response.status_code == 403
    assert not Objection.objects.exists()
    page = client.get(f"/notices/{data['current'].pk}/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        f"/notices/{data['current'].pk}/",
        {
            "case": data["wang"].pk,
            "filer_name": "张三",
            "filer_contact": "13912345678",
            "text": "异议",
            "csrfmiddlewaretoken": token,
        },
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_index_filters_by_area_names_county_township_village(client, data):
    from fupin.areas.models import Area

    def get(query):
        response = client.get("/notices/" + query)
        assert response.status_code == 200
        return response, {n.title for n in response.context["page"]}

    response, _titles = get("")
    text = response.content.decode()
    county = Area.objects.get(code=CHANGFA[:6])
    # The county list names the counties that published notices; the lists below wait for it.
    assert f'<option value="{county.code}">{county.name}</option>' in text
    assert 'name="township" id="id_township" data-autosubmit disabled' in text
    response, _titles = get(f"?county={county.code}")
    township = Area.objects.get(code=YINDEER)
    assert f'<option value="{YINDEER}">{township.name}</option>' in response.content.decode()
    response, titles = get(f"?county={county.code}&township={YINDEER}&village={CHANGFA}")
    village = Area.objects.get(code=CHANGFA)
    assert f'<option value="{CHANGFA}" selected>{village.name}</option>' in (
        response.content.decode()
    )
    assert titles == {data["current"].title, data["past"].title, data["announcement"].title}
    # A village left over from another township is dropped, not an error: the township filters.
    _response, titles = get(f"?county={county.code}&township={YINDEER}&village=152223999999")
    assert titles == {data["current"].title, data["past"].title, data["announcement"].title}
    _response, titles = get(f"?county={county.code}")
    assert data["current"].title in titles and data["future"].title not in titles
