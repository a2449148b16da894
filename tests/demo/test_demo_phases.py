"""The demo build's phases: timed, reported as plain lines off a terminal, as a bar on one."""

import io

from django.core.management.base import OutputWrapper

from fupin.demo.management.commands.demo import _Reporter
from fupin.demo.phases import Phases


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def _build(phases):
    with phases("生成登记数据"):
        phases.say("已生成：3 户")
    with phases("写入登记数据"):
        pass


def test_phases_keep_wall_and_cpu_seconds_in_order():
    messages = []
    phases = Phases(messages.append)  # a plain callable gets the messages
    _build(phases)
    assert [p.name for p in phases.done] == ["生成登记数据", "写入登记数据"]
    assert all(p.wall >= 0 and p.cpu >= 0 for p in phases.done)
    assert messages == ["已生成：3 户"]


def test_off_a_terminal_each_phase_is_one_plain_line_without_a_bar():
    out = io.StringIO()
    _build(Phases(_Reporter(OutputWrapper(out), 1, 0.0)))
    text = out.getvalue()
    assert "已生成：3 户" in text
    assert " 1 生成登记数据" in text and " 2 写入登记数据" in text
    assert "秒（CPU" in text
    assert "|" not in text and "\r" not in text  # no bar in a CI log


def test_on_a_terminal_a_bar_per_phase_then_its_seconds():
    out = _Terminal()
    _build(Phases(_Reporter(OutputWrapper(out), 1, 0.0)))
    text = out.getvalue()
    assert "|" in text  # the bar
    assert " 2 写入登记数据" in text and "秒（CPU" in text


def test_quiet_at_verbosity_zero():
    out = _Terminal()
    _build(Phases(_Reporter(OutputWrapper(out), 0, 0.0)))
    assert out.getvalue() == ""
