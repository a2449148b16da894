"""记录走访 starts from the household, found by a search the server answers in the user's
scope; the cadres offered are the household's; the concern owner picker searches every cadre
in scope (no cap) and shows unit and area; concerns are raised from a household and listed
by village and household."""

import datetime
import re

import pytest

from fupin.assistance.models import Cadre, Pairing
from fupin.fieldwork import forms
from fupin.fieldwork.models import Concern
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, make_household, make_user

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def changfa():
    team = make_user("village_team", CHANGFA)
    household = make_household(CHANGFA, head_name="王淑芬")
    cadre = Cadre.objects.create(name="丁国华", area_id=CHANGFA[:6], unit="县水利局", post="other")
    # Namesakes elsewhere: told apart by unit and area.
    for code, unit in ((CHANGFA[:6], "县教育局"), (SHUANGYUSHU, "镇政府")):
        Cadre.objects.create(name="丁国华", area_id=code, unit=unit, post="other")
    Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=D(2017, 1, 1)
    )
    return team, household, cadre


def test_the_search_finds_by_name_id_tail_number_and_village_in_scope_only(changfa):
    team, household, _cadre = changfa
    other = make_household(HADANALA, head_name="王淑芬")
    tail = household.members.first().id_number[-6:]
    for text in ("淑芬", tail, household.number[-5:], "长发"):
        found = list(forms.search_households(team, text))
        assert household in found and other not in found, text
    assert list(forms.search_households(team, "")) == []
    league = make_user("league_hq", "1522")
    for _ in range(forms.PICKER_LIMIT + 2):
        make_household(CHANGFA, head_name="王某")
    assert len(list(forms.search_households(league, "王某"))) == forms.PICKER_LIMIT


def test_the_visit_page_renders_no_list_and_offers_the_households_cadre(client, changfa):
    team, household, cadre = changfa
    for _ in range(3):
        make_household(CHANGFA)
    client.force_login(team)
    page = client.get("/visits/new/").content.decode()
    assert '<select name="household"' not in page and "丁国华" not in page
    found = client.get("/visits/new/households/", {"q": "王淑芬"}).content.decode()
    assert f"?household={household.pk}" in found and "音德尔镇" in found
    # Without JavaScript the same search is a GET of the page itself.
    page = client.get("/visits/new/", {"q": "王淑芬"}).content.decode()
    assert f"?household={household.pk}" in page
    page = client.get(f"/visits/new/?household={household.pk}").content.decode()
    assert page.count("丁国华") == 1 and "县水利局" in page
    # The household's only cadre comes preselected.
    assert re.search(rf'name="cadre" value="{cadre.pk}"[^>]* checked', page)
    # An id from outside the scope is refused by the form's validation.
    foreign = make_household(HADANALA)
    data = {"cadre": cadre.pk, "household": foreign.pk, "kind": "home", "category": "other"}
    response = client.post("/visits/new/", {**data, "visited_on": "2017-06-30"})
    assert response.status_code == 400
    response = client.post(
        "/visits/new/", {**data, "household": household.pk, "visited_on": "2017-06-30"}
    )
    assert response.status_code == 302


def test_the_owner_picker_searches_every_cadre_in_scope_with_unit(client, changfa):
    team, household, cadre = changfa
    for i in range(250):
        Cadre.objects.create(name=f"干部{i:03d}", area_id=CHANGFA, unit="村委", post="other")
    concern = Concern.objects.create(
        household=household,
        village_id=CHANGFA,
        source="household",
        raised_on=D(2017, 6, 1),
        text="饮水",
        category="other",
    )
    client.force_login(make_user("township_officer", CHANGFA[:9]))
    page = client.get(f"/concerns/{concern.pk}/").content.decode()
    # First offered: the household's paired cadre, not a list of every cadre.
    assert "丁国华 · 县水利局" in page and "干部000" not in page
    options = client.get("/cadres/options/", {"q": "干部249"}).content.decode()
    assert "干部249 · 村委" in options
    # The county sees the three namesakes of its county, each with unit and area.
    client.force_login(make_user("county_office", CHANGFA[:6]))
    options = client.get("/cadres/options/", {"q": "丁国华"}).content.decode()
    assert options.count("丁国华") == 3 and "县教育局" in options and "镇政府" in options
    client.force_login(make_user("township_officer", CHANGFA[:9]))
    page = client.get(f"/concerns/{concern.pk}/", {"owner_q": "干部249"}).content.decode()
    assert "干部249" in page
    last = Cadre.objects.get(name="干部249")
    client.post(
        f"/concerns/{concern.pk}/", {"action": "assign", "owner": last.pk, "deadline": "2017-07-10"}
    )
    assert Concern.objects.get().owner == last


def test_a_concern_is_raised_from_the_household_and_listed_by_household(client, changfa):
    team, household, _cadre = changfa
    other = make_household(CHANGFA)
    Concern.objects.create(
        household=other,
        village_id=CHANGFA,
        source="household",
        raised_on=D(2017, 6, 1),
        text="别家的诉求",
        category="other",
    )
    client.force_login(team)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert f"/concerns/new/?household={household.pk}" in page
    form = client.get(f"/concerns/new/?household={household.pk}").content.decode()
    assert "王淑芬" in form
    response = client.post(
        "/concerns/new/", {"household": household.pk, "text": "房屋漏雨", "category": "housing"}
    )
    assert response.status_code == 302
    concern = Concern.objects.get(text="房屋漏雨")
    assert concern.household == household and concern.village_id == CHANGFA
    listed = client.get("/concerns/", {"household": household.pk}).content.decode()
    assert "房屋漏雨" in listed and "别家的诉求" not in listed
    listed = client.get("/concerns/", {"village": CHANGFA}).content.decode()
    assert "房屋漏雨" in listed and "别家的诉求" in listed
    assert "房屋漏雨" not in client.get("/concerns/", {"village": HADANALA}).content.decode()
    foreign = make_household(HADANALA)
    assert client.get(f"/concerns/new/?household={foreign.pk}").status_code == 404
    response = client.post(
        "/concerns/new/", {"household": foreign.pk, "text": "x", "category": "other"}
    )
    assert response.status_code == 400 and not Concern.objects.filter(text="x").exists()
