"""``fupin import FILE [--year Y] [--user USERNAME]`` and ``fupin import --template OUT``.

Without ``--user`` the command acts as the system: ``actor=None``, unrestricted scope, history
rows without a user (the operator at the console is trusted, as with ``fupin areas load``).
On refusal the error workbook is written beside the input (``a.csv`` → ``a.errors.xlsx``), the
first errors are printed and the command exits non-zero.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fupin.core import clock, sheets
from fupin.registry import exporting, importing

SHOW_ERRORS = 20


class Command(BaseCommand):
    help = "导入贫困户成员表或收入表（.xlsx/.csv），全部通过才写入；或生成导入模板。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--year", type=int, help="成员表的数据年度（默认：系统当前年度）")
        parser.add_argument("--user", help="以该用户身份导入（默认：系统，不限范围）")
        parser.add_argument("--scope", help="只接受该区划代码范围内的行")
        parser.add_argument(
            "--historical",
            metavar="REASON",
            help="标记为历史数据导入（新识别、脱贫不经识别流程；仅盟扶贫办或系统），须写明原因",
        )
        parser.add_argument(
            "--template",
            metavar="OUT",
            help="生成导入模板：OUT 以 .xlsx 或 .csv 结尾；文件名含 income 时为收入表模板",
        )

    def handle(self, *args, **options):
        if options["template"]:
            return self._template(Path(options["template"]))
        if not options["file"]:
            raise CommandError("请指定要导入的文件，或用 --template OUT 生成模板")
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户不存在：{options['user']}") from None
        year = options["year"] or clock.current_year()

        from tqdm import tqdm

        bar = tqdm(total=0, unit="行", disable=options["verbosity"] == 0, file=self.stderr._out)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            result = importing.import_file(
                actor=actor,
                path=path,
                year=year,
                scope_code=options["scope"],
                progress=progress,
                historical=options["historical"],
            )
        except (PermissionDenied, ValueError) as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"警告：{warning}"))
        if not result.ok:
            errors_path = sheets.error_workbook_path(path)
            sheets.write_error_workbook(result, errors_path)
            for message in result.messages(SHOW_ERRORS):
                self.stdout.write(message)
            raise CommandError(
                f"文件被拒绝：{len(result.errors)} 行有错误，未写入任何数据。"
                f"错误清单：{errors_path}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入 {path.name}（{result.kind}，{result.rows} 行，数据年度 {year}）"
            )
        )
        for key, value in result.counts.items():
            self.stdout.write(f"  {importing.COUNT_LABELS.get(key, key)}（{key}）：{value}")

    def _template(self, out: Path):
        kind = "income" if "income" in out.name.lower() or "收入" in out.name else "members"
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in exporting.FORMATS:
            raise CommandError("模板文件名应以 .xlsx 或 .csv 结尾")
        content, _type, _name = exporting.template_file(kind, fmt)
        out.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"已生成{kind}模板：{out}"))
