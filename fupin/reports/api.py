"""The reports as JSON: a draft computed now, or a published version's stored content.

``GET /api/areas/<code>/report/?kind=&period=`` — the draft (the page's generator);
``GET /api/reports/<pk>/`` — a published version, exactly as stored (frozen).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
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
from fupin.core.figures import FigureSerializer

from . import periods
from .content import ReportError
from .selectors import PublishedReport, ReportContent, access_report, report_draft


class ReportContentSerializer(FigureSerializer):
    class Meta:
        dataclass = ReportContent


# The schema of a published version; the view gives its stored content as it is.
class PublishedReportSerializer(FigureSerializer):
    class Meta:
        dataclass = PublishedReport


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
            draft = report_draft(user, area, self.kind, self.day)
        except ReportError as error:
            raise ValidationError({"period": [str(error)]}) from None
        return ReportContentSerializer(draft).data


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
