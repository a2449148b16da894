"""The public concern form of a bilingual village shows Mongolian beside the Chinese."""

import pytest

from fupin.areas.models import Area
from tests.factories import CHANGFA
from tests.identification.test_bilingual import LIANFA

pytestmark = pytest.mark.django_db
LIANFA_MN = "ᠯᠢᠶᠠᠨ ᠹᠠ"  # a test value only: 联发 as Mongolian letters, not a checked spelling


def test_a_horqin_village_form_is_bilingual(client):
    Area.objects.filter(code=LIANFA).update(name_mn=LIANFA_MN)
    page = client.get(f"/concerns/raise/{LIANFA}/").content.decode()
    assert "writing-mode: vertical-lr" in page
    assert LIANFA_MN in page


def test_a_jalaid_village_form_is_chinese_only(client):
    Area.objects.filter(code=CHANGFA).update(name_mn=LIANFA_MN)
    page = client.get(f"/concerns/raise/{CHANGFA}/").content.decode()
    assert "writing-mode" not in page and LIANFA_MN not in page
