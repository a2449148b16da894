"""``/api/areas/<code>/compliance/?month=YYYY-MM``: the same selector as the compliance page."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import BAD_REQUEST, CODE_PARAMETER, NOT_FOUND, AreaFigureView
from fupin.areas.scope import scope_safe_class

from .selectors import ComplianceCounts, MonthClose, compliance_counts, month_close


class ComplianceSerializer(DataclassSerializer):
    class Meta:
        dataclass = ComplianceCounts
        fields = (
            "pairings_behind",
            "residents_under_20_days",
            "reviews_missed",
            "concerns_overdue",
        )


def parse_month(value: str | None) -> str | None:
    if not value:
        return None
    try:
        year, month = (int(p) for p in value.split("-"))
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise ValueError
    except ValueError:
        raise ValidationError({"month": [gettext("格式应为 YYYY-MM")]}) from None
    return f"{year:04d}-{month:02d}"


@extend_schema_view(
    get=extend_schema(
        summary=_("区划月度帮扶工作合规情况（与合规页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter("month", str, description=_("月份 YYYY-MM（默认：系统日期所在月）")),
        ],
        responses={200: ComplianceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaComplianceView(AreaFigureView):
    takes_year = False

    def parse(self, params):
        self.month = parse_month(params.get("month"))

    def figures(self, user, area, year):
        return ComplianceSerializer(compliance_counts(user, area.code, self.month)).data


class MonthCloseSerializer(DataclassSerializer):
    class Meta:
        dataclass = MonthClose


@extend_schema_view(
    get=extend_schema(
        summary=_("区划该月帮扶工作是否已关账，以及关账后的更正（显示在合规数字旁）"),
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter("month", str, description=_("月份 YYYY-MM（默认：系统日期所在月）")),
        ],
        responses={200: MonthCloseSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaComplianceCloseView(AreaFigureView):
    takes_year = False

    def parse(self, params):
        self.month = parse_month(params.get("month"))

    def figures(self, user, area, year):
        return MonthCloseSerializer(month_close(user, area.code, self.month)).data
