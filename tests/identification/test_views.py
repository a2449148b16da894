"""Case pages: the chain through the browser forms, the scope, only the owner's action."""

import pytest

from fupin.identification.models import Case
from tests.factories import CHANGFA, HADANALA, make_user

from .helpers import MEETING, new_case, users

pytestmark = pytest.mark.django_db


def member_rows(app):
    data = {"m-TOTAL_FORMS": str(len(app["members"])), "m-INITIAL_FORMS": "0"}
    data["m-MAX_NUM_FORMS"] = "1000"
    for i, m in enumerate(app["members"]):
        for field in ("name", "id_number", "relation", "ethnicity", "education"):
            data[f"m-{i}-{field}"] = m[field]
        data.update(
            {
                f"m-{i}-school_status": m["school_status"],
                f"m-{i}-health": m["health"],
                f"m-{i}-labour": m["labour"],
                f"m-{i}-migrant_months": m["migrant_months"],
                f"m-{i}-medical_insurance": "on",
            }
        )
    return data


def test_application_form_files_a_case(client):
    from .helpers import application

    u = users()
    client.force_login(u["village"])
    assert client.get("/cases/new/").status_code == 200
    app = application()
    data = {
        "village": CHANGFA,
        "year": 2017,
        "attribute": "general",
        "main_cause": "illness",
        "safe_water": "on",
        **member_rows(app),
    }
    response = client.post("/cases/new/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    case = Case.objects.get()
    assert case.applicant_name == "乌力吉·巴特尔"
    assert len(case.application["members"]) == 2


def test_untouched_extra_member_rows_are_ignored(client):
    """The page offers blank member rows; left blank, as a browser submits them, they are
    not members (the required selects start empty)."""
    from .helpers import application

    client.force_login(users()["village"])
    app = application()
    data = {
        "village": CHANGFA, "year": 2017, "attribute": "general", "main_cause": "illness",
        "safe_water": "on", **member_rows(app),
    }  # fmt: skip
    from django import forms

    from fupin.identification.forms import MemberFormSet

    extra = len(app["members"])
    data["m-TOTAL_FORMS"] = str(extra + 2)
    blank = MemberFormSet(prefix="m").empty_form
    for i in (extra, extra + 1):  # what a browser sends for an untouched row
        for name, field in blank.fields.items():
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.MultipleChoiceField
            ):
                value = str(field.choices[0][0])  # a select submits its first option
            elif isinstance(field, forms.BooleanField):
                value = "on" if field.initial else ""
            else:
                value = "" if field.initial is None else str(field.initial)
            if value:
                data[f"m-{i}-{name}"] = value
    response = client.post("/cases/new/", data)
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert len(Case.objects.get().application["members"]) == extra


def test_case_page_shows_the_action_to_its_owner_only(client, settings):
    u = users()
    case = new_case(u["village"])
    client.force_login(u["village"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="next-action"' in page
    response = client.post(f"/cases/{case.pk}/act/", {"decision": "approve", **MEETING})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "democratic_review"
    client.force_login(u["township"])
    assert 'id="next-action"' not in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.post(f"/cases/{case.pk}/act/", {"decision": "approve"}).status_code == 403


def test_another_villages_user_gets_404(client):
    u = users()
    case = new_case(u["village"])
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/", {"decision": "approve"}).status_code == 404
    assert client.get(f"/cases/{case.pk + 1000}/").status_code == 404
    assert case.applicant_name not in client.get("/cases/").content.decode()


def test_list_filters_and_rounds_page(client):
    u = users()
    new_case(u["village"])
    client.force_login(u["county"])
    assert "乌力吉·巴特尔" in client.get("/cases/?kind=identification&year=2017").content.decode()
    assert "乌力吉·巴特尔" not in client.get("/cases/?kind=exit").content.decode()
    response = client.post("/rounds/", {"county": "152223", "year": 2017})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "乌力吉·巴特尔" in page


def test_the_case_page_shows_the_household_applied_for(client):
    u = users()
    case = new_case(u["village"])
    client.force_login(u["village"])
    response = client.get(f"/cases/{case.pk}/")
    applied = response.context["applied"]
    assert [m["name"] for m in applied["members"]] == [
        m["name"] for m in case.application["members"]
    ]
    assert applied["members"][0]["relation"] == "户主"
    assert 'id="applied-members"' in response.content.decode()


def test_the_assessment_feeds_exit_cases(client):
    """Households the year's assessment found eligible become exit cases, once, with the
    assessment's numbers as the proposal's reason."""
    from fupin.assessment.services import assessment_run
    from fupin.registry import codes
    from tests.factories import make_household

    income = {
        "year": 2016, "wage_income": 9000, "business_income": 3000, "property_income": 0,
        "transfer_income": 600, "business_costs": 600,
    }  # fmt: skip
    ready = make_household(CHANGFA, members=3, year=2015, income=income)
    poor = make_household(CHANGFA, members=3, year=2015, income={**income, "wage_income": 0})
    for household in (ready, poor):
        household.statuses.update(status=codes.Status.POOR)
    assessment_run(year=2016)
    u = users()
    client.force_login(u["village"])
    response = client.post(
        "/cases/exits-from-assessment/", {"village": CHANGFA, "year": 2016}, follow=True
    )
    assert response.status_code == 200
    [case] = Case.objects.filter(kind=Case.Kind.EXIT, year=2016)
    assert case.household_id == ready.pk
    assert "4,000.00 元，高于 2,952.00 元" in case.steps.get().reason
    client.post("/cases/exits-from-assessment/", {"village": CHANGFA, "year": 2016})
    assert Case.objects.filter(kind=Case.Kind.EXIT, year=2016).count() == 1
    client.force_login(make_user("village_team", HADANALA))
    response = client.post("/cases/exits-from-assessment/", {"village": CHANGFA, "year": 2016})
    assert response.status_code == 403
