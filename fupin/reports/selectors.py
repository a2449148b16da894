"""Reads of reports, scoped: a published version, and a draft's content as the typed
:class:`ReportContent` (the content itself comes from :mod:`.content`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.areas.models import Area
from fupin.core.figures import serialized, sometimes, typed

from .content import build
from .models import Report


def access_report(user, pk) -> Report:
    """The report if the user's scope reaches its area; the same 404 for missing and forbidden."""
    report = Report.objects.accessible_to(user).filter(pk=pk).select_related("area").first()
    if report is None:
        raise Http404(_("报告不存在或不在您的权限范围内"))
    return report


# The content is JSON-ready (dates and decimals are strings): a published version stores it as
# it is. The per-indicator parts are keyed by the indicators the kind of report has.


@dataclass(frozen=True)
class ReportArea:
    code: str
    name: str
    level: str


@dataclass(frozen=True)
class ReportPeriod:
    first: str = field(metadata=serialized(gettext_lazy("期首日（YYYY-MM-DD）")))
    last: str = field(metadata=serialized(gettext_lazy("期末日（YYYY-MM-DD）")))
    label: str
    key: str
    reference_day: str = field(metadata=serialized(gettext_lazy("统计截止日（YYYY-MM-DD）")))
    to_date: bool = field(metadata=serialized(gettext_lazy("期别尚未结束：统计到系统日期")))


@dataclass(frozen=True)
class ReportIndicator:
    key: str
    label: str
    better: str = field(
        metadata=serialized(gettext_lazy("high 越高越好 / low 越低越好 / info 不排名"))
    )
    hard: bool = field(metadata=serialized(gettext_lazy("硬性指标：大于0即标红")))


@dataclass(frozen=True)
class ReportUnit:
    code: str
    name: str
    values: dict[str, Any] = field(
        metadata=serialized(gettext_lazy("各指标数值（键见 indicators）"))
    )
    base: dict[str, int] = field(
        metadata=serialized(gettext_lazy("走访覆盖率的结对户数与未走访户数"))
    )
    links: dict[str, str] = field(metadata=serialized(gettext_lazy("各数字对应的记录列表")))
    owners: dict[str, str] = field(
        metadata=serialized(gettext_lazy("leader 联系领导/包联单位，first_secretary 第一书记"))
    )
    indicator_ranks: dict[str, int] = field(metadata=serialized(gettext_lazy("各排名指标的名次")))
    composite: str | None = field(metadata=serialized(gettext_lazy("综合分（各指标名次的平均数）")))
    rank: int | None = field(metadata=serialized(gettext_lazy("综合名次（不参与排名为空）")))
    flag: str | None = field(
        metadata=serialized(gettext_lazy("red / yellow / green，不参与排名且无硬性问题为空"))
    )
    reasons: list[str] = field(metadata=serialized(gettext_lazy("旗帜原因")))


@dataclass(frozen=True)
class ReportLaggard:
    code: str
    name: str
    reasons: list[str]


@dataclass(frozen=True)
class ReportContent:
    """A report's content: a draft computed now, or what a published version stored."""

    content_version: int
    kind: str
    kind_label: str
    title: str
    area: ReportArea
    unit_level: str
    unit_level_label: str
    period: ReportPeriod
    year: int
    as_of: str
    generated_at: str
    generated_label: str
    sections: list[str]
    indicators: list[ReportIndicator]
    ranked: list[str]
    has_owners: bool = field(metadata=serialized(gettext_lazy("有联系领导或第一书记的单位")))
    units: list[ReportUnit]
    totals: dict[str, Any]
    laggards: list[ReportLaggard] = field(metadata=serialized(gettext_lazy("红旗单位及原因")))
    flag_counts: dict[str, int]
    rule: str = field(metadata=serialized(gettext_lazy("排名与旗帜规则")))
    pairings_behind: dict[str, Any] | None = field(
        default=None, metadata=sometimes(gettext_lazy("周报告：本周未走访结对"))
    )
    concerns: dict[str, Any] | None = field(
        default=None, metadata=sometimes(gettext_lazy("周报告：超期诉求"))
    )
    dispatch: dict[str, Any] | None = field(
        default=None, metadata=sometimes(gettext_lazy("月调度、季观摩：调度清单"))
    )
    changes: dict[str, Any] | None = field(
        default=None, metadata=sometimes(gettext_lazy("季观摩：与上季度比较"))
    )


@dataclass(frozen=True)
class PublishedReport:
    id: int
    version: int
    status: str
    published_at: datetime.datetime
    content: ReportContent = field(metadata=serialized(gettext_lazy("发布时冻结的内容")))


def report_draft(user, area: Area, kind: str, day: datetime.date) -> ReportContent:
    """:func:`.content.build` as the typed structure (raises its ReportError)."""
    return typed(ReportContent, build(user, area, kind, day))
