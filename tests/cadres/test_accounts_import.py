"""The roster import gives each cadre of the file its login; a cadre without a mobile number
gets none and is reported by row and column, and the file is imported all the same."""

import datetime

import pytest
from django.test import Client

from fupin.accounts.models import Role, User
from fupin.assistance.importing import import_pairings
from fupin.assistance.models import Cadre, Pairing
from fupin.core.idnumber import make_id_number
from tests.assistance.test_import import _csv
from tests.factories import CHANGFA, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db


def test_the_import_makes_logins_and_reports_the_cadres_without_a_mobile(tmp_path):
    county = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    a, b, c = (make_household(CHANGFA) for _ in range(3))
    existing = User.objects.create_user(username="13900003333", password="own-pass-9")
    landline_id = make_id_number("152223", datetime.date(1981, 3, 3), 9, "M")
    rows = [
        [a.number, "手机干部", "", "139 0000 2222", "扎赉特旗卫健委", "", "2017-03-01"],
        [b.number, "座机干部", landline_id, "0482-8261234", "扎赉特旗教育局", "", ""],
        [c.number, "已有账号", "", "13900003333", "扎赉特旗农牧局", "", ""],
    ]
    result = import_pairings(_csv(tmp_path, rows), actor=county, area_code=ZHALAITE)

    assert result.ok, result.messages()
    assert Pairing.objects.count() >= 3
    assert result.counts["accounts_created"] == 1
    assert result.counts["accounts_linked"] == 1
    assert result.warnings == [
        "第3行“联系电话”：“0482-8261234”不是有效的11位手机号，未开通登录账号"
    ]
    mobile = Cadre.objects.get(name="手机干部")
    assert mobile.user.username == "13900002222" and mobile.user.must_change_password
    assert set(mobile.user.role_assignments.values_list("role", "area_id")) == {
        (Role.PAIRING_CADRE, CHANGFA)
    }
    assert Cadre.objects.get(name="座机干部").user is None
    assert Cadre.objects.get(name="已有账号").user == existing


def test_the_import_page_says_how_many_logins_were_made_and_which_were_not(tmp_path):
    county = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    household = make_household(CHANGFA)
    path = _csv(tmp_path, [[household.number, "座机干部", "", "8261234", "某局", "", ""]])
    client = Client()
    client.force_login(county)
    with open(path, "rb") as upload:
        page = client.post("/pairings/import/", {"area": ZHALAITE, "file": upload})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="import-ok"' in text
    assert "开通干部登录账号 0 个" in text and 'id="import-warnings"' in text
