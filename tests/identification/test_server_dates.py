"""Case steps and notices are dated by the server's clock: the notice period cannot be skipped
by choosing step dates (a step dated into the past or the future, a notice that never ran)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from fupin.core import clock
from fupin.identification import services
from fupin.identification.models import Case, CaseStep, Notice

from .helpers import MEETING, approve, new_case, users

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2017, 6, 30)  # the tests' as-of date


@pytest.mark.parametrize("day", [datetime.date(2017, 1, 1), datetime.date(2017, 7, 30)])
def test_a_step_dated_before_or_after_today_is_refused(day):
    u = users()
    case = new_case(u["village"])
    with pytest.raises(ValidationError) as error:
        approve(u["village"], case, MEETING, acted_on=day)
    assert "acted_on" in error.value.message_dict
    assert "办理日期" in error.value.message_dict["acted_on"][0]
    case.refresh_from_db()
    assert case.state == "applied" and case.steps.count() == 1


def test_the_chain_of_one_day_is_refused_and_the_clock_moves_it(settings):
    u = users()
    case = new_case(u["village"])
    approve(u["village"], case, MEETING)
    case = approve(u["village"], case)  # publishes the village notice, today
    notice = case.notices.get()
    assert notice.published_on == TODAY
    assert notice.ends_on == TODAY + datetime.timedelta(days=6)
    assert case.steps.get(step="democratic_review").acted_on == TODAY
    # The township cannot move on today, nor by dating its step after the period.
    with pytest.raises(ValidationError) as error:
        approve(u["township"], case, {"spot_check": "x"})
    assert error.value.messages == [
        services.MSG_NOTICE_NOT_ENDED % {"ends_on": notice.ends_on.isoformat()}
    ]
    with pytest.raises(ValidationError):
        approve(u["township"], case, {"spot_check": "x"}, acted_on=datetime.date(2017, 7, 30))
    case.refresh_from_db()
    assert case.state == "village_notice"
    # On the system clock, the day after the period, it may.
    settings.FUPIN_AS_OF = "2017-07-07"
    case = approve(u["township"], case, {"spot_check": "x"})
    assert case.state == "township_review"
    assert case.steps.get(step="township_review").acted_on == datetime.date(2017, 7, 7)


def test_a_notice_starts_when_it_is_published_and_cannot_be_dated():
    u = users()
    case = new_case(u["village"])
    approve(u["village"], case, MEETING)
    with pytest.raises(ValidationError) as error:
        services.notice_publish(
            actor=u["village"],
            cases=[case],
            level=Notice.Level.VILLAGE,
            kind=Notice.Kind.NOTICE,
            published_on=datetime.date(2017, 1, 1),
        )
    assert "published_on" in error.value.message_dict
    assert not Notice.objects.exists()


def test_a_backdating_window_for_steps_needs_a_reason_and_keeps_the_clock_check(settings):
    settings.FUPIN_BACKDATE_DAYS = {**settings.FUPIN_BACKDATE_DAYS, "case_step": 3}
    u = users()
    case = new_case(u["village"])
    day = TODAY - datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        approve(u["village"], case, MEETING, acted_on=day)
    assert "backdate_reason" in error.value.message_dict
    case = approve(u["village"], case, MEETING, acted_on=day, backdate_reason="系统故障")
    step = case.steps.get(step="democratic_review")
    assert step.acted_on == day and step.record["backdate_reason"] == "系统故障"
    # The notice step is published today whatever the date asked for.
    case = approve(u["village"], case, acted_on=day, backdate_reason="系统故障")
    assert case.notices.get().published_on == TODAY


def test_the_case_page_ignores_a_posted_date(client):
    u = users()
    case = new_case(u["village"])
    client.force_login(u["village"])
    response = client.post(
        f"/cases/{case.pk}/act/",
        {"decision": "approve", "acted_on": "2017-01-01", **MEETING},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "democratic_review"
    assert case.steps.get(step="democratic_review").acted_on == TODAY
    client.post(f"/cases/{case.pk}/act/", {"decision": "approve", "acted_on": "2017-01-01"})
    assert Case.objects.get(pk=case.pk).notices.get().published_on == TODAY
    # The township's step the same day is refused by the page, with the period's end.
    client.force_login(u["township"])
    response = client.post(
        f"/cases/{case.pk}/act/",
        {"decision": "approve", "spot_check": "x", "acted_on": "2017-07-30"},
        follow=True,
    )
    assert "2017-07-06" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "village_notice"
    assert not CaseStep.objects.filter(case=case, step="township_review").exists()


def test_a_historical_load_dates_steps_itself():
    u = users()
    with clock.historical_load():
        case = new_case(u["village"], acted_on=datetime.date(2017, 4, 10))
        approve(u["village"], case, MEETING, acted_on=datetime.date(2017, 4, 18))
        case = approve(u["village"], case, acted_on=datetime.date(2017, 4, 20))
    assert case.notices.get().published_on == datetime.date(2017, 4, 20)
    assert not clock.in_historical_load()
