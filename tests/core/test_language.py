import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default_whatever_the_browser_asks(client):
    client.force_login(make_user())
    response = client.get("/households/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "建档立卡贫困户" in response.content.decode()


def test_the_switch_turns_the_interface_english_and_back(client):
    client.force_login(make_user())
    client.post("/i18n/setlang/", {"language": "en", "next": "/households/"})
    response = client.get("/households/")
    assert response.headers["Content-Language"] == "en"
    assert "Registered poor households" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/households/"})
    assert "建档立卡贫困户" in client.get("/households/").content.decode()
