"""``fupin imports purge`` and ``fupin imports recover``: the upkeep of the import jobs.

``purge`` deletes the uploads of refused and failed imports and every error workbook older
than ``FUPIN_IMPORT_RETENTION_DAYS`` (or ``--days``); ``fupin serve`` runs it at start-up,
and cron may run it daily (docs/operations.md). ``recover`` fails the jobs a dead worker
left "running": with ``--all`` every running job (no worker is alive: ``fupin serve`` runs it
before starting them), otherwise those past the time limit (``fupin worker`` at start-up).
"""

from django.core.management.base import BaseCommand

from fupin.registry import tasks


class Command(BaseCommand):
    help = (
        "导入任务维护：purge 删除过期的被拒文件和错误清单；recover 将中止的任务标为出错。"
        "Import upkeep: purge old refused files and error workbooks; fail jobs of dead workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["purge", "recover"])
        parser.add_argument("--days", type=int, default=None, help="保留天数（purge）")
        parser.add_argument(
            "--all", action="store_true", help="所有处理中的任务都已中止（recover，无后台进程时）"
        )

    def handle(self, *args, action, days, all, **options):
        if action == "purge":
            deleted = tasks.purge_old_files(days=days)
            self.stdout.write(f"已删除 {deleted} 个过期的导入文件和错误清单。")
        else:
            failed = tasks.fail_stale_jobs(every_running=all)
            self.stdout.write(f"已将 {failed} 个中止的导入任务标为出错。")
