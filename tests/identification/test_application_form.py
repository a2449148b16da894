"""The application form: members added and removed freely, causes as boxes, the import's
checks attached to the member and field they are about."""

import datetime

import pytest

from fupin.core import idnumber
from fupin.identification.models import Case
from fupin.registry import rules
from tests.factories import CHANGFA

from .helpers import application, users
from .test_views import member_rows

pytestmark = pytest.mark.django_db


def _data(app, **extra):
    return {
        "village": CHANGFA,
        "year": 2017,
        "attribute": "general",
        "main_cause": "illness",
        "safe_water": "on",
        **member_rows(app),
        **extra,
    }


def test_the_form_offers_blank_rows_an_add_button_and_cause_boxes(client):
    client.force_login(users()["village"])
    page = client.get("/cases/new/").content.decode()
    assert page.count("data-formset-row") == 3 + 1  # 1 required + 2 blank, and the empty form
    assert 'id="add-member"' in page and "fupin/formset.js" in page
    assert 'type="checkbox" name="other_causes"' in page
    assert 'name="m-__prefix__-name"' in page  # the row the script clones
    # Enter in a field presses the form's first submit button: 提交申请, not 添加成员.
    assert page.index("提交申请</button>") < page.index('id="add-member"')


def test_add_member_without_javascript_renders_one_more_row(client):
    client.force_login(users()["village"])
    app = application(members=2)
    response = client.post("/cases/new/", _data(app, add_member="1"))
    assert response.status_code == 200
    assert response.context["members"].total_form_count() == 3
    assert 'name="m-2-name"' in response.content.decode()
    assert not Case.objects.exists()


def test_seven_members_and_one_removed(client):
    client.force_login(users()["village"])
    app = application(members=7)
    data = _data(app, **{"m-3-DELETE": "on"})
    removed = app["members"][3]["name"]
    response = client.post("/cases/new/", data)
    assert response.status_code == 302, response.content.decode()[-1500:]
    names = [m["name"] for m in Case.objects.get().application["members"]]
    assert len(names) == 6 and removed not in names
    assert all("DELETE" not in m for m in Case.objects.get().application["members"])


def test_other_causes_are_checked_boxes(client):
    client.force_login(users()["village"])
    app = application()
    response = client.post("/cases/new/", _data(app, other_causes=["disaster", "capital"]))
    assert response.status_code == 302
    household = Case.objects.get().application["household"]
    assert household["other_causes"] == ["disaster", "capital"]


def test_a_bad_id_number_is_shown_at_its_member_with_the_imports_reason(client):
    client.force_login(users()["village"])
    app = application(members=2)
    good = app["members"][1]["id_number"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    app["members"][1]["id_number"] = bad
    response = client.post("/cases/new/", _data(app))
    assert response.status_code == 200
    assert not Case.objects.exists()
    _info, problems = rules.check_id_number(bad, today=datetime.date(2017, 6, 30))
    assert problems and problems[0].field == rules.COL_ID
    row = response.context["members"].forms[1]
    assert row.errors["id_number"] == [str(problems[0].reason)]
    assert "证件号码校验位错误" in str(idnumber.MSG_CHECK)
    assert response.context["members"].forms[0].errors == {}


def test_a_working_age_member_without_labour_is_named_at_the_field(client):
    client.force_login(users()["village"])
    app = application(members=2)
    app["members"][1]["labour"] = ""
    response = client.post("/cases/new/", _data(app))
    assert response.status_code == 200
    errors = response.context["members"].forms[1].errors["labour"]
    assert errors and "劳动" in errors[0]


def test_a_cause_without_its_member_is_named_at_the_cause(client):
    client.force_login(users()["village"])
    app = application(members=2)
    response = client.post("/cases/new/", _data(app, main_cause="education"))
    assert response.status_code == 200
    assert response.context["form"].errors["main_cause"] == [str(rules.MSG_CAUSE_STUDENT)]


def test_no_head_is_reported_as_the_import_does(client):
    client.force_login(users()["village"])
    app = application(members=2)
    app["members"][0]["relation"] = "spouse"
    response = client.post("/cases/new/", _data(app))
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any(str(rules.MSG_NO_HEAD) in m for m in shown), shown
