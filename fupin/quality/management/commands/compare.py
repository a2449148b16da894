"""``fupin compare FILE --list KIND [--source 民政部门] [--date 2017-03-31] [--scope CODE] [--user U]``.

Imports another department's list (docs/data-quality.md) and matches it against the registry.
Without ``--user`` the command acts as the system (unrestricted). On refusal the error
workbook is written beside the input (``a.csv`` → ``a.errors.xlsx``) and the command exits
non-zero; the rows that name nobody in the registry are written to ``a.unmatched.xlsx``.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fupin.core import sheets
from fupin.quality import queries, services
from fupin.quality.models import ListKind

SHOW_ERRORS = 20
COUNT_LABELS = {
    "rows": "行数",
    "matched": "比中人数",
    "unmatched": "未比中行数",
    "flags_created": "新增疑点",
}


class Command(BaseCommand):
    help = "导入其他部门的比对名单（.xlsx/.csv）并与建档立卡数据比对，全部通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名单文件（.xlsx 或 .csv）")
        parser.add_argument("--list", required=True, choices=ListKind.values, help="名单类型")
        parser.add_argument("--source", help="来源部门（默认按名单类型，如“民政部门”）")
        parser.add_argument("--date", help="名单日期 YYYY-MM-DD（默认：系统当前日期）")
        parser.add_argument("--scope", default="", help="只与该区划代码范围内的成员比对")
        parser.add_argument("--user", help="以该用户身份导入（默认：系统，不限范围）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户不存在：{options['user']}") from None
        list_date = None
        if options["date"]:
            try:
                list_date = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"名单日期“{options['date']}”应为 YYYY-MM-DD") from None
        try:
            result, department_list = services.list_import(
                actor=actor,
                path=path,
                kind=options["list"],
                scope_code=options["scope"],
                source=options["source"],
                list_date=list_date,
            )
        except (PermissionDenied, ValueError) as error:
            raise CommandError(str(error)) from None
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"警告：{warning}"))
        if not result.ok:
            errors_path = sheets.error_workbook_path(path)
            sheets.write_error_workbook(result, errors_path)
            for message in result.messages(SHOW_ERRORS):
                self.stdout.write(message)
            raise CommandError(
                f"文件被拒绝：{len(result.errors)} 行有错误，未写入任何数据。错误清单：{errors_path}"
            )
        self.stdout.write(self.style.SUCCESS(f"已导入 {path.name}（{department_list}）"))
        for key, value in result.counts.items():
            self.stdout.write(f"  {COUNT_LABELS.get(key, key)}（{key}）：{value}")
        if result.counts.get("unmatched"):
            out = path.with_name(f"{path.stem}.unmatched.xlsx")
            out.write_bytes(queries.unmatched_workbook(department_list))
            self.stdout.write(f"  未比中名单：{out}")
