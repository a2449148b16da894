"""The reports as JSON: a draft computed now, or a published version's stored content.

``GET /api/areas/<code>/report/?kind=&period=`` — the draft (the page's generator);
``GET /api/reports/<pk>/`` — a published version, exactly as stored (frozen).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    AreaFigureView,
    id_parameter,
    parse_id,
)
from fupin.areas.scope import scope_safe_class
from fupin.core.clock import as_of

from . import periods
from .content import ReportError, build
from .selectors import access_report


class ReportUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True, help_text=_("综合名次（不参与排名为空）"))
    composite = serializers.CharField(allow_null=True, help_text=_("综合分（各指标名次的平均数）"))
    flag = serializers.CharField(help_text=_("red / yellow / green，不参与排名且无硬性问题为空"))
    reasons = serializers.ListField(child=serializers.CharField(), help_text=_("旗帜原因"))
    values = serializers.DictField(help_text=_("各指标数值（键见 indicators）"))
    indicator_ranks = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("各排名指标的名次")
    )
    links = serializers.DictField(
        child=serializers.CharField(), help_text=_("各数字对应的记录列表")
    )
    owners = serializers.DictField(
        child=serializers.CharField(),
        help_text=_("leader 联系领导/包联单位，first_secretary 第一书记"),
    )


class ReportIndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    better = serializers.CharField(help_text=_("high 越高越好 / low 越低越好 / info 不排名"))
    hard = serializers.BooleanField(help_text=_("硬性指标：大于0即标红"))


class ReportContentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    area = serializers.DictField()
    unit_level = serializers.CharField()
    period = serializers.DictField(help_text="first, last, label, key, reference_day, to_date")
    year = serializers.IntegerField()
    as_of = serializers.CharField()
    generated_at = serializers.CharField()
    sections = serializers.ListField(child=serializers.CharField())
    indicators = ReportIndicatorSerializer(many=True)
    ranked = serializers.ListField(child=serializers.CharField())
    units = ReportUnitSerializer(many=True)
    totals = serializers.DictField()
    laggards = serializers.ListField(child=serializers.DictField(), help_text=_("红旗单位及原因"))
    flag_counts = serializers.DictField(child=serializers.IntegerField())
    rule = serializers.CharField(help_text=_("排名与旗帜规则"))
    pairings_behind = serializers.DictField(required=False, help_text=_("周报告：本周未走访结对"))
    concerns = serializers.DictField(required=False, help_text=_("周报告：超期诉求"))
    dispatch = serializers.DictField(required=False, help_text=_("月调度、季观摩：调度清单"))
    changes = serializers.DictField(required=False, help_text=_("季观摩：与上季度比较"))


class PublishedReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField()
    content = ReportContentSerializer(help_text=_("发布时冻结的内容"))


@extend_schema_view(
    get=extend_schema(
        summary=_("报告草稿：周报告/旬通报/月调度/季观摩（与页面同一生成器）"),
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter(
                "kind", str, enum=list(periods.KINDS), description=_("报告类型（默认 dekad）")
            ),
            OpenApiParameter("period", datetime.date, description=_("期内任一日期，默认系统日期")),
        ],
        responses={200: ReportContentSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaReportView(AreaFigureView):
    """A draft report of an area for the period containing a day (computed now)."""

    takes_year = False

    def parse(self, params):
        self.kind = params.get("kind") or periods.DEKAD
        if self.kind not in periods.KINDS:
            raise ValidationError(
                {"kind": [gettext("报告类型无效，应为 weekly、dekad、monthly 或 quarterly。")]}
            )
        value = params.get("period") or ""
        try:
            self.day = datetime.date.fromisoformat(value) if value else as_of()
        except ValueError:
            raise ValidationError({"period": [gettext("日期格式应为 YYYY-MM-DD。")]}) from None

    def figures(self, user, area, year):
        try:
            return build(user, area, self.kind, self.day)
        except ReportError as error:
            raise ValidationError({"period": [str(error)]}) from None


@scope_safe_class
class PublishedReportView(APIView):
    """A published report version, exactly as stored."""

    @extend_schema(
        summary=_("已发布报告（冻结内容）"),
        parameters=[id_parameter("id", _("报告版本的编号"))],
        responses={200: PublishedReportSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        if parse_id(pk) is None:
            raise NotFound
        report = access_report(request.user, pk)
        return Response(
            {
                "id": report.pk,
                "version": report.version,
                "status": report.status,
                "published_at": report.published_at,
                "content": report.content,
            }
        )
