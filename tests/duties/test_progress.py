"""The progress report: the form's validation (future date, > 100, going back without a note,
before the last report), the right to report (scope and role), and the task kept in step."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.duties import services
from fupin.duties.models import Duty, Subject, Task, TaskProgress
from tests.factories import CHANGFA, HADANALA, YINDEER, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def task():
    duty = Duty.objects.create(
        subject=Subject.objects.get(name="驻村第一书记"), title="推动精准扶贫"
    )
    return Task.objects.create(
        duty=duty,
        area_id=CHANGFA,
        year=2017,
        title="逐户核实帮扶计划",
        deadline=datetime.date(2017, 9, 30),
        weight=Decimal("10"),
    )


def _post(client, task, **data):
    return client.post(f"/duties/tasks/{task.pk}/", data)


def test_a_report_updates_the_task(client, task):
    client.force_login(make_user("village_team", CHANGFA))
    response = _post(client, task, reported_on="2017-06-01", percent="40", note="已核实 12 户")
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == 40 and task.completed_on is None
    response = _post(client, task, reported_on="2017-06-20", percent="100", note="")
    task.refresh_from_db()
    assert (task.progress, task.completed_on) == (100, datetime.date(2017, 6, 20))
    assert list(task.reports.values_list("percent", flat=True)) == [40, 100]
    page = client.get(f"/duties/tasks/{task.pk}/").content.decode()
    assert "已核实 12 户" in page and 'id="progress-form"' in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reported_on": "2017-07-01", "percent": "50"}, "reported_on", "不能晚于今天"),
        ({"reported_on": "2017-06-01", "percent": "101"}, "percent", "0 至 100"),
        ({"reported_on": "2017-06-01", "percent": "-5"}, "percent", "0 至 100"),
        ({"reported_on": "2017-06-10", "percent": "30"}, "note", "请说明原因"),
        ({"reported_on": "2017-05-01", "percent": "70"}, "reported_on", "不能早于上次填报日期"),
    ],
)
def test_the_form_refuses_bad_reports(client, task, data, field, message):
    user = make_user("village_team", CHANGFA)
    services.task_progress_report(
        user=user, task=task, reported_on=datetime.date(2017, 6, 5), percent=60, note=""
    )
    client.force_login(user)
    response = _post(client, task, **data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    task.refresh_from_db()
    assert task.progress == 60
    assert TaskProgress.objects.filter(task=task).count() == 1


def test_going_back_with_a_note_is_accepted(task):
    user = make_user("village_team", CHANGFA)
    day = datetime.date(2017, 6, 5)
    services.task_progress_report(user=user, task=task, reported_on=day, percent=60)
    with pytest.raises(ValidationError) as error:
        services.task_progress_report(user=user, task=task, reported_on=day, percent=50)
    assert services.MSG_BACKWARDS.format(last=60) in error.value.message_dict["note"]
    services.task_progress_report(
        user=user, task=task, reported_on=day, percent=50, note="复核发现 3 户需重新核实"
    )
    task.refresh_from_db()
    assert task.progress == 50


def test_outside_scope_or_without_the_role_is_refused(client, task):
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/duties/tasks/{task.pk}/").status_code == 404
    assert _post(client, task, reported_on="2017-06-01", percent="10").status_code == 404
    # In scope but a role that may not report: the page shows, the form does not, POST is 403.
    reader = make_user("supervisor", YINDEER)
    client.force_login(reader)
    page = client.get(f"/duties/tasks/{task.pk}/")
    assert page.status_code == 200 and 'id="progress-form"' not in page.content.decode()
    assert _post(client, task, reported_on="2017-06-01", percent="10").status_code == 403
    with pytest.raises(PermissionDenied):
        services.task_progress_report(
            user=make_user("village_team", HADANALA),
            task=task,
            reported_on=datetime.date(2017, 6, 1),
            percent=10,
        )
    assert not TaskProgress.objects.exists()


def test_a_task_must_sit_at_its_subjects_level(task):
    task.area_id = YINDEER
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "area" in error.value.message_dict
    task.area_id = CHANGFA
    task.score = Decimal("11")
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "score" in error.value.message_dict


def test_the_level_above_scores_a_task_not_the_unit_itself(client, task):
    own = make_user("village_team", CHANGFA)
    client.force_login(own)
    page = client.get(f"/duties/tasks/{task.pk}/").content.decode()
    assert 'id="assess-form"' not in page
    assert _post(client, task, action="assess", score="8").status_code == 403
    with pytest.raises(PermissionDenied):
        services.task_assess(user=own, task=task, score=Decimal("8"))

    client.force_login(make_user("township_officer", YINDEER))
    assert 'id="assess-form"' in client.get(f"/duties/tasks/{task.pk}/").content.decode()
    response = _post(client, task, action="assess", score="12")
    assert response.status_code == 400
    assert "应在 0 至分值 10.00 之间" in " ".join(response.context["assess_form"].errors["score"])
    assert _post(client, task, action="assess", score="8.5").status_code == 302
    task.refresh_from_db()
    assert task.score == Decimal("8.5")
    assert _post(client, task, action="assess", score="").status_code == 302
    task.refresh_from_db()
    assert task.score is None
