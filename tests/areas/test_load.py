"""Loading division files: all or nothing, idempotent, csv or csv.gz, errors named by row."""

import gzip

import pytest
from django.core.management import CommandError, call_command

from fupin.areas.models import Area
from fupin.areas.services import AreaFileError, areas_load, read_division_file

pytestmark = pytest.mark.django_db

GOOD = """code,name,level,parent_code
65,新疆维吾尔自治区,province,
6531,喀什地区,prefecture,65
653101,喀什市,county,6531
653101001,恰萨街道,township,653101
653101001001,阿瓦提社区居委会,village,653101001
653101001200,多来特巴格村委会,village,653101001
"""


def _write(tmp_path, text, name="d.csv"):
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_real_hinggan_divisions_are_loaded():
    assert Area.objects.filter(code__startswith="1522").count() == 1217
    assert Area.objects.filter(code__startswith="1522", level="village").count() == 1120
    changfa = Area.objects.get(code="152223100234")
    assert (changfa.name, changfa.parent_id, changfa.participates) == (
        "长发村委会", "152223100", True,
    )  # fmt: skip
    # Residents' committees (codes 001–199) are urban and do not take part by default.
    assert Area.objects.get(code="152223100021").participates is False


def test_a_file_loads_and_loading_it_again_changes_nothing(tmp_path):
    path = _write(tmp_path, GOOD, "d.csv.gz")
    first = areas_load(path=path)
    assert (first.rows, first.created, first.updated) == (6, 6, 0)
    again = areas_load(path=path)
    assert (again.created, again.updated) == (0, 6)
    assert Area.objects.get(code="653101001200").parent_id == "653101001"


def test_a_renamed_area_is_updated_but_its_participation_kept(tmp_path):
    areas_load(path=_write(tmp_path, GOOD))
    Area.objects.filter(code="653101001200").update(participates=False)
    areas_load(path=_write(tmp_path, GOOD.replace("多来特巴格村委会", "多来特巴格村")))
    area = Area.objects.get(code="653101001200")
    assert (area.name, area.participates) == ("多来特巴格村", False)


def test_a_bad_file_loads_nothing_and_names_every_bad_row(tmp_path):
    bad = GOOD + "6531019,坏代码,village,653101\n65310100100,x,village,653101001\n"
    bad += "653101001002,,village,653101001\n653101001003,错级,township,653101001\n"
    bad += "653102001001,错上级,village,653101001\n"
    with pytest.raises(AreaFileError) as excinfo:
        areas_load(path=_write(tmp_path, bad))
    errors = excinfo.value.errors
    assert any(e.startswith("第8行：字段“code”") for e in errors)
    assert any(e.startswith("第9行：字段“code”") for e in errors)
    assert any(e.startswith("第10行：字段“name”") for e in errors)
    assert any(e.startswith("第11行：字段“level”") for e in errors)
    assert any(e.startswith("第12行：字段“parent_code”") for e in errors)
    assert not Area.objects.filter(code__startswith="65").exists()


def test_a_parent_missing_from_file_and_database_is_refused(tmp_path):
    text = "code,name,level,parent_code\n653101001009,孤儿村,village,653101001\n"
    with pytest.raises(AreaFileError) as excinfo:
        read_division_file(_write(tmp_path, text))
    assert "上级区划“653101001”不在文件中，也不在数据库中" in excinfo.value.errors[0]


def test_the_cli_refuses_a_bad_header(tmp_path, capsys):
    path = _write(tmp_path, "id,name\n1,x\n")
    with pytest.raises(CommandError, match="未载入任何数据"):
        call_command("areas_load", str(path), verbosity=0)
    assert "文件表头应为 code,name,level,parent_code" in capsys.readouterr().err


def test_within_loads_one_area_of_a_larger_file_and_still_checks_every_row(tmp_path):
    path = _write(tmp_path, GOOD + "66,新疆生产建设兵团,province,\n")
    result = areas_load(path=path, within="653101001")
    assert result.rows == 6  # the township, its two villages and its three ancestors
    assert Area.objects.filter(code__startswith="653101001").count() == 3
    assert Area.objects.filter(code__in=["65", "6531", "653101"]).count() == 3
    assert not Area.objects.filter(code="66").exists()
    bad = _write(tmp_path, GOOD + "66,,province,\n", name="bad.csv")
    with pytest.raises(AreaFileError):
        areas_load(path=bad, within="65")
