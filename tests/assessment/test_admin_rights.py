"""Who may change the assessment's reference data and checks in the admin."""

import pytest
from django.contrib.auth.models import Permission

from fupin.assessment.models import CountyCheck, RuleSet
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _staff(role, code, *models):
    user = make_user(role, code, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessment", content_type__model__in=models
        )
    )
    return user


def test_only_the_league_changes_rule_versions_and_a_change_is_a_new_version(client):
    client.force_login(_staff("county_office", "152223", "ruleset"))
    assert client.get("/admin/assessment/ruleset/add/").status_code == 403

    league = _staff("league_hq", "1522", "ruleset")
    client.force_login(league)
    current = RuleSet.current()
    url = f"/admin/assessment/ruleset/{current.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data["village_incidence_max"] = "2.00"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert RuleSet.current().version == current.version + 1
    assert RuleSet.objects.get(pk=current.pk).village_incidence_max == current.village_incidence_max


def test_a_supervisor_enters_checks_only_for_counties_in_scope(client):
    client.force_login(_staff("supervisor", "152223", "countycheck"))
    form = client.get("/admin/assessment/countycheck/add/").context["adminform"].form
    assert [c for c, _ in form.fields["county"].choices if c] == ["152223"]
    data = {"year": 2016, "missed_rate": "1.0", "wrong_exit_rate": "0.5", "approval_rate": "95"}
    response = client.post("/admin/assessment/countycheck/add/", {**data, "county": "152201"})
    assert response.status_code == 200  # refused by the form: not a choice
    assert not CountyCheck.objects.exists()
