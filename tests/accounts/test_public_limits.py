"""Public forms: limits keyed on address and village, the real address behind trusted proxies
only, a daily cap per village, and a captcha after the first submissions from an address."""

from __future__ import annotations

import re

import pytest
from captcha.models import CaptchaStore
from django.test import Client, RequestFactory

from fupin.accounts.addresses import client_ip
from fupin.fieldwork.models import Concern
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU

pytestmark = pytest.mark.django_db

SPAMMER = "203.0.113.66"
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.FUPIN_PUBLIC_LIMIT_PER_HOUR = 5
    settings.FUPIN_PUBLIC_LIMIT_PER_DAY = 20
    settings.FUPIN_PUBLIC_VILLAGE_DAILY_CAP = 200
    settings.FUPIN_PUBLIC_CAPTCHA_AFTER = 1000
    settings.FUPIN_TRUSTED_PROXIES = []


def _raise(client, village, **meta):
    meta.setdefault("REMOTE_ADDR", SPAMMER)
    return client.post(
        f"/concerns/raise/{village}/", {"text": "路灯坏了", "category": "other"}, **meta
    )


def test_one_address_flooding_one_village_does_not_silence_another():
    client = Client()
    for _ in range(5):
        assert _raise(client, CHANGFA).status_code == 200
    refused = _raise(client, CHANGFA)
    assert refused.status_code == 400
    assert "每小时最多向同一嘎查村提交 5 条" in refused.content.decode()
    # Village B, in another county, still takes the same address's concern.
    assert _raise(client, HADANALA).status_code == 200
    assert Concern.objects.filter(village_id=HADANALA).count() == 1


def test_a_village_has_a_daily_cap_for_all_addresses(settings):
    settings.FUPIN_PUBLIC_VILLAGE_DAILY_CAP = 3
    client = Client()
    for i in range(3):
        assert _raise(client, CHANGFA, REMOTE_ADDR=f"198.51.100.{i}").status_code == 200
    refused = _raise(client, CHANGFA, REMOTE_ADDR="198.51.100.99")
    assert refused.status_code == 400
    assert "已达上限（3 条）" in refused.content.decode()
    assert _raise(client, SHUANGYUSHU, REMOTE_ADDR="198.51.100.99").status_code == 200


def test_a_spoofed_forwarded_header_from_an_untrusted_peer_is_ignored(settings):
    client = Client()
    for i in range(5):
        forged = f"192.0.2.{i}"
        assert _raise(client, CHANGFA, HTTP_X_FORWARDED_FOR=forged).status_code == 200
    assert _raise(client, CHANGFA, HTTP_X_FORWARDED_FOR="192.0.2.77").status_code == 400

    # Behind a trusted proxy, each client is told apart by its forwarded address.
    settings.FUPIN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for i in range(6):
        response = _raise(
            client, SHUANGYUSHU, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        )
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (SPAMMER, "1.2.3.4", SPAMMER),  # untrusted peer: header ignored
        (PROXY, "", PROXY),  # trusted proxy, no header
        (PROXY, "198.51.100.7", "198.51.100.7"),
        # The client put a forged hop first; the right-most untrusted one is the real one.
        (PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (PROXY, "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two proxies
        (PROXY, "not-an-address", PROXY),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, remote, forwarded, expected):
    settings.FUPIN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _solve(page) -> dict:
    text = page.content.decode()
    key = re.search(r'name="captcha_0"[^>]*value="(\w+)"|value="(\w+)"[^>]*name="captcha_0"', text)
    hashkey = key.group(1) or key.group(2)
    return {"captcha_0": hashkey, "captcha_1": CaptchaStore.objects.get(hashkey=hashkey).response}


def test_a_captcha_appears_after_the_first_submissions_from_an_address(settings):
    settings.FUPIN_PUBLIC_CAPTCHA_AFTER = 2
    client = Client()
    url = f"/concerns/raise/{CHANGFA}/"
    before = Concern.objects.filter(village_id=CHANGFA).count()  # the demo's, in this package
    assert "captcha_1" not in client.get(url, REMOTE_ADDR=SPAMMER).content.decode()
    for _ in range(2):
        assert _raise(client, CHANGFA).status_code == 200
    page = client.get(url, REMOTE_ADDR=SPAMMER)
    assert "captcha_1" in page.content.decode()
    # Another address is not asked.
    assert "captcha_1" not in client.get(url, REMOTE_ADDR="198.51.100.3").content.decode()

    assert _raise(client, CHANGFA).status_code == 400  # no answer
    wrong = {"captcha_0": _solve(page)["captcha_0"], "captcha_1": "WRONG"}
    data = {"text": "路灯坏了", "category": "other"}
    assert client.post(url, {**data, **wrong}, REMOTE_ADDR=SPAMMER).status_code == 400
    page = client.get(url, REMOTE_ADDR=SPAMMER)
    image = re.search(r'src="(/captcha/image/\w+/)"', page.content.decode()).group(1)
    assert client.get(image).status_code == 200  # served by fupin itself
    solved = client.post(url, {**data, **_solve(page)}, REMOTE_ADDR=SPAMMER)
    assert solved.status_code == 200
    assert Concern.objects.filter(village_id=CHANGFA).count() == before + 3
