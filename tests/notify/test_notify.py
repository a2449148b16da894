"""notify(): the in-app row always, mail and SMS by kind and address, nothing on rollback."""

import pytest
from django.core import mail
from django.db import transaction

from fupin.accounts.models import Role
from fupin.core.clock import historical_load
from fupin.notify import services
from fupin.notify.models import Notification
from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings, tmp_path):
    settings.FUPIN_OUTBOX_DIR = tmp_path / "outbox"
    settings.FUPIN_SMS_SENDER = "fupin.notify.services.outbox_sms"
    settings.FUPIN_NOTIFY_CHANNELS = {"*": ["inapp"], "concern.assigned": ["email", "sms"]}
    return tmp_path / "outbox"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Mail and SMS leave when the write commits: run them as the commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_every_channel_of_the_kind(outbox, commit):
    user = make_user(email="a@example.cn", phone="13900000001")
    with commit():
        rows = services.notify(
            user, kind="concern.assigned", title="交办", body="修缮房屋", url="/concerns/1/"
        )
    assert [n.title for n in rows] == ["交办"]
    assert Notification.objects.get().url == "/concerns/1/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.cn"]
    assert "/concerns/1/" in mail.outbox[0].body
    log = outbox / "sms-20170630.log"
    line = log.read_text(encoding="utf-8")
    assert line.startswith("13900000001\t交办 修缮房屋") and line.endswith("\n")


def test_other_kinds_in_app_only_and_addresses_needed(outbox, commit):
    with commit():
        services.notify(make_user(email="b@example.cn"), kind="case.waiting", title="待审核")
        services.notify(make_user(), kind="concern.assigned", title="没有地址")
    assert Notification.objects.count() == 2
    assert mail.outbox == []
    assert not outbox.exists()


def test_many_users_at_once_and_the_actor_left_out(outbox, commit, django_assert_max_num_queries):
    users = [make_user(phone=f"1390000010{i}") for i in range(5)]
    with commit(), django_assert_max_num_queries(1):
        services.notify(users, kind="concern.assigned", title="群发", exclude=users[0])
    assert Notification.objects.count() == 4
    assert len((outbox / "sms-20170630.log").read_text(encoding="utf-8").splitlines()) == 4


def test_rolled_back_write_sends_nothing(outbox, commit):
    user = make_user(email="c@example.cn", phone="13900000002")
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        services.notify(user, kind="concern.assigned", title="撤销")
        raise RuntimeError
    assert Notification.objects.count() == 0
    assert mail.outbox == [] and not outbox.exists()


def test_a_historical_load_notifies_no_one(outbox):
    with historical_load():
        assert services.notify(make_user(), kind="case.waiting", title="旧事") == []
    assert Notification.objects.count() == 0


def test_a_pluggable_sms_sender(settings, outbox, commit):
    sent.clear()
    settings.FUPIN_SMS_SENDER = "tests.notify.test_notify.record"
    with commit():
        services.notify(make_user(phone="13900000003"), kind="concern.assigned", title="短信")
    assert sent == [("13900000003", "短信")]


sent: list = []


def record(texts):
    sent.extend(texts)


def test_users_with_role_over_an_area():
    township = make_user(Role.TOWNSHIP_OFFICER, YINDEER)
    make_user(Role.TOWNSHIP_OFFICER, HADANALA[:9])
    make_user(Role.COUNTY_OFFICE, ZHALAITE)
    found = services.users_with_role_over({Role.TOWNSHIP_OFFICER}, CHANGFA)
    assert list(found) == [township]


def test_text_is_in_the_site_language():
    from django.utils import translation

    from fupin.fieldwork.services import MSG_NOTIFY_ASSIGNED

    with translation.override("en"):
        assert services.text(MSG_NOTIFY_ASSIGNED, deadline="2017-07-01").startswith("交办")
