"""The division file's optional Mongolian name (``name_mn``): checked, normalised, kept."""

import pytest
from django.core.exceptions import ValidationError

from fupin.areas.models import Area
from fupin.areas.services import AreaFileError, areas_load
from fupin.core import mongolian

pytestmark = pytest.mark.django_db

HINGGAN_MN = "ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ"  # Hinggan aimag, the league


def _load(tmp_path, text):
    path = tmp_path / "mn.csv"
    path.write_text(text, encoding="utf-8")
    return areas_load(path=path)


def test_the_optional_column_sets_the_mongolian_name(tmp_path):
    _load(
        tmp_path,
        f"code,name,level,parent_code,name_mn\n1522,兴安盟,prefecture,15,  {HINGGAN_MN} \n",
    )
    assert Area.objects.get(code="1522").name_mn == HINGGAN_MN


def test_a_file_without_the_column_keeps_the_name(tmp_path):
    Area.objects.filter(code="1522").update(name_mn=HINGGAN_MN)
    _load(tmp_path, "code,name,level,parent_code\n1522,兴安盟,prefecture,15\n")
    assert Area.objects.get(code="1522").name_mn == HINGGAN_MN


@pytest.mark.parametrize("bad,script", [("ᠬᠢᠩᠭᠠᠨ Хянган", "Cyrillic"), ("Hinggan", "Latin")])
def test_other_scripts_are_refused_naming_the_row_and_nothing_is_loaded(tmp_path, bad, script):
    text = (
        "code,name,level,parent_code,name_mn\n"
        f"1522,兴安盟,prefecture,15,{HINGGAN_MN}\n"
        f"152221,科尔沁右翼前旗,county,1522,{bad}\n"
    )
    with pytest.raises(AreaFileError) as error:
        _load(tmp_path, text)
    assert len(error.value.errors) == 1
    message = error.value.errors[0]
    assert message.startswith("第3行：字段“name_mn”：") and script in message
    assert Area.objects.get(code="1522").name_mn == ""


def test_the_admin_form_normalises_and_refuses_like_the_file():
    field = Area._meta.get_field("name_mn")
    assert field.clean(f" {HINGGAN_MN}  ", None) == HINGGAN_MN
    with pytest.raises(ValidationError, match="Latin"):
        field.clean("Hinggan", None)
    assert mongolian.check(HINGGAN_MN) == (HINGGAN_MN, None)
