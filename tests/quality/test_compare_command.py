"""``fupin compare FILE --list KIND``: the import at the console, its summary and workbooks."""

import pytest
from django.core.management import CommandError, call_command

from fupin.quality.models import DepartmentList, Flag
from tests.factories import CHANGFA, make_household
from tests.quality.test_compare import write_list

pytestmark = pytest.mark.django_db


def test_the_command_imports_matches_and_reports(tmp_path, capsys):
    member = make_household(CHANGFA, members=1).members.get()
    rows = [
        {"证件号码": member.id_number, "姓名": member.name, "单位": "某镇中心校", "月工资": "3100"},
        {"证件号码": "152223198001010013", "姓名": "非建档人员", "单位": "某镇卫生院"},
    ]
    path = write_list(tmp_path, "payroll", rows)
    call_command("compare", str(path), "--list", "payroll", "--date", "2017-05-31")
    out = capsys.readouterr().out
    assert "新增疑点（flags_created）：1" in out and "未比中行数（unmatched）：1" in out
    assert (tmp_path / "list.unmatched.xlsx").exists()
    department_list = DepartmentList.objects.get()
    assert department_list.label == "财政部门财政供养人员名单 2017-05"
    assert department_list.scope_code == "" and department_list.imported_by is None
    assert Flag.objects.get().reason == (
        "在某镇中心校领取财政工资，月工资 3100 元（财政部门财政供养人员名单 2017-05）"
    )
    call_command("compare", str(path), "--list", "payroll", "--date", "2017-05-31")
    assert "未重复写入" in capsys.readouterr().out
    assert DepartmentList.objects.count() == 1


def test_a_refused_file_leaves_its_error_workbook(tmp_path):
    path = write_list(tmp_path, "business", [{"证件号码": "1", "姓名": "甲", "企业名称": "某公司"}])
    with pytest.raises(CommandError, match="1 行有错误"):
        call_command("compare", str(path), "--list", "business")
    assert (tmp_path / "list.errors.xlsx").exists()
    assert not DepartmentList.objects.exists()
