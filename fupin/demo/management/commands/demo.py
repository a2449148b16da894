"""``fupin demo``: build the seed-calibrated Hinggan demo registry (see docs/demo.md)."""

from __future__ import annotations

import secrets
import time

from django.core.management.base import BaseCommand, CommandError

from fupin.accounts.models import User
from fupin.areas.models import Area
from fupin.core.building import building_state
from fupin.demo import services, users
from fupin.demo.generator import AS_OF, YEARS
from fupin.demo.phases import Phases
from fupin.registry.stats import area_stats, child_stats

LEAGUE = "1522"


class Command(BaseCommand):
    help = (
        "生成兴安盟演示数据（2017年6月30日的建档立卡数据，按 docs/domain.md §4 的数字校准）。"
        " Build the calibrated Hinggan demo registry."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2017, help="随机种子（默认 2017）")
        parser.add_argument("--password", help="所有演示账号的密码（默认随机生成并显示）")
        parser.add_argument("--if-empty", action="store_true", help="已有贫困户数据时什么也不做")
        parser.add_argument(
            "--reset", action="store_true", help="先删除已有的贫困户数据和演示账号再生成"
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模（默认 1，即全盟；0.02 用于快速试用）"
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="whole",
            help="一次生成全部（默认先生成登记数据和帮扶，其余部分由 fupin serve 在后台生成）",
        )
        parser.add_argument(
            "--rest",
            action="store_true",
            help="现在生成留待后台的部分（案件、干部、党建、资金……），没有则什么也不做",
        )

    def handle(self, *args, seed, password, if_empty, reset, scale, whole, rest, **options):
        if scale <= 0 or scale > 1:
            raise CommandError("--scale 应在 (0, 1] 之间")
        if rest:
            self._rest()
            return
        if services.ensure_areas():
            self.stdout.write("已载入兴安盟行政区划。")
        count = services.registry_count()
        if count:
            if if_empty:
                self.stdout.write(f"已有 {count} 户贫困户数据，未生成演示数据。")
                building = building_state()
                if building is not None:
                    self.stdout.write(
                        f"其余部分尚未生成（{'、'.join(building.pending)}）："
                        "fupin serve 启动后先生成它们，或运行 fupin demo --rest。"
                    )
                if password:
                    n = users.demo_users_set_password(password)
                    self.stdout.write(f"已重设 {n} 个演示账号的密码。")
                self._logins(password if password else None, known=bool(password))
                return
            if not reset:
                raise CommandError(services.MSG_NOT_EMPTY.format(count=count))
            started = time.monotonic()
            services.demo_reset()
            self.stdout.write(f"已清空贫困户数据（{time.monotonic() - started:.1f} 秒）。")
        password = password or secrets.token_urlsafe(9)
        started = time.monotonic()
        phases = Phases(_Reporter(self.stdout, self.verbosity, started))
        with services.fast_writes():
            result = services.demo_build(
                seed=seed,
                scale=scale,
                password=password,
                progress=phases,
                leave_for_later=not whole,
            )
        if self.verbosity >= 1:
            self._phase_table(phases)
        self.stdout.write(
            f"完成：{result.villages} 个嘎查村，{result.households} 户 {result.members} 人，"
            f"年度状态 {result.status_rows} 条，收入 {result.income_rows} 条，"
            f"历史记录 {result.history_rows} 条；用时 {time.monotonic() - started:.1f} 秒。"
            f"系统日期设为 {AS_OF:%Y-%m-%d}。"
        )
        self._archive_queued(result)
        if not whole:
            self.stdout.write(
                f"其余部分（{'、'.join(p.name for p in services.LATER_PARTS)}）留待后台生成："
                "fupin serve 启动后先生成它们（约一分钟），页面上会显示进度；"
                "也可以运行 fupin demo --rest 现在生成。"
            )
        self._logins(password, known=True)
        self._figures()

    def _rest(self) -> None:
        state = building_state()
        if state is None:
            self.stdout.write("演示数据已完整，没有留待生成的部分。")
            return
        started = time.monotonic()
        self.stdout.write(f"生成演示数据的其余部分：{'、'.join(state.pending)}。")
        phases = Phases(_Reporter(self.stdout, self.verbosity, started))
        try:
            with services.fast_writes(shared=True):
                result = services.demo_build_later(progress=phases)
        except Exception as error:
            raise CommandError(f"演示数据的其余部分生成失败：{error}") from error
        if self.verbosity >= 1:
            self._phase_table(phases)
        self.stdout.write(f"演示数据已完整；用时 {time.monotonic() - started:.1f} 秒。")
        if result is not None:
            self._archive_queued(result)

    def _archive_queued(self, result: services.BuildResult) -> None:
        if result.archive_queued:
            self.stdout.write(
                f"2017 年上半年的 {result.archive_queued} 期报告已排队，"
                "由 fupin serve 的后台任务在几分钟内发布到 /reports/。"
            )

    def _phase_table(self, phases: Phases) -> None:
        """The seconds of every phase, wall and CPU, longest first (bench/README.md)."""
        self.stdout.write("各阶段用时（秒，墙钟 / CPU）：")
        for phase in sorted(phases.done, key=lambda p: -p.wall):
            self.stdout.write(
                f"  {_pad(phase.name, 16, left=True)} {phase.wall:7.1f} {phase.cpu:7.1f}"
            )
        self.stdout.write(f"  {_pad('合计', 16, left=True)} {phases.wall:7.1f} {phases.cpu:7.1f}")

    @property
    def verbosity(self) -> int:
        return getattr(self, "_verbosity", 1)

    def execute(self, *args, **options):
        self._verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)

    def _logins(self, password: str | None, *, known: bool) -> None:
        logins = users.demo_logins()
        if not logins:
            self.stdout.write("没有演示账号（数据不是由 fupin demo 生成的）。")
            return
        self.stdout.write("")
        self.stdout.write("演示账号：")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {login.full_name}｜{login.role}｜{login.scope}"
            )
        if known:
            self.stdout.write(f"密码（所有账号相同）：{password}")
        else:
            self.stdout.write("密码未变（未知）；用 fupin demo --if-empty --password 新密码 重设。")

    def _figures(self) -> None:
        viewer = User.objects.filter(username=users.ADMIN).first() or User(is_superuser=True)
        self.stdout.write("")
        self.stdout.write("全盟数字（由 area_stats 从登记数据计算）：")
        header = (
            "年度",
            "新识别人数",
            "贫困人口",
            "脱贫人数",
            "返贫人数",
            "农村人口",
            "贫困发生率",
        )
        self.stdout.write("  " + "  ".join(_pad(h, 10) for h in header))
        for year in YEARS:
            s = area_stats(viewer, LEAGUE, year)
            row = (
                year,
                s.identified_persons,
                s.poor_persons,
                s.exited_persons,
                s.relapsed_persons,
                s.rural_population,
                f"{s.incidence}%",
            )
            self.stdout.write("  " + "  ".join(_pad(v, 10) for v in row))
        league = Area.objects.get(pk=LEAGUE)
        year = AS_OF.year - 1
        self.stdout.write(f"{year} 年末各旗县市：")
        for county, s in child_stats(viewer, league, year):
            self.stdout.write(
                f"  {_pad(county.name, 16, left=True)} 贫困人口 {s.poor_persons:>6}  脱贫 {s.exited_persons:>6}"
                f"  农村人口 {s.rural_population:>7}  发生率 {s.incidence}%"
            )


class _Reporter:
    """Shows the build's phases: a tqdm bar per phase on a terminal (its messages as the
    bar's text, its seconds when it ends); on anything else (CI logs, a pipe) one plain line
    per message and per finished phase, no bar."""

    def __init__(self, stdout, verbosity: int, started: float):
        self.stdout = stdout
        self.verbosity = verbosity
        self.started = started
        stream = getattr(stdout, "_out", stdout)
        self.tty = verbosity >= 1 and hasattr(stream, "isatty") and stream.isatty()
        self.stream = stream
        self.bar = None
        self.count = 0

    def start(self, name: str) -> None:
        self.count += 1
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(
                total=1,
                desc=f"{self.count:2d} {name}",
                file=self.stream,
                bar_format="{desc} |{bar:20}| {elapsed} {postfix}",
                leave=False,
            )

    def say(self, message: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(message)
        elif self.verbosity >= 1:
            self.stdout.write(f"  [{time.monotonic() - self.started:6.1f}s] {message}")

    def end(self, phase) -> None:
        line = f"  {self.count:2d} {_pad(phase.name, 16, left=True)} {phase.wall:6.1f} 秒（CPU {phase.cpu:.1f}）"
        if self.bar is not None:
            self.bar.update(1)
            self.bar.close()
            self.bar = None
        if self.verbosity >= 1:
            self.stdout.write(line)


def _pad(value, width: int, *, left: bool = False) -> str:
    """Pad to a display width (a Chinese character takes two columns in a terminal)."""
    text = str(value)
    shown = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)
    space = " " * max(0, width - shown)
    return text + space if left else space + text
