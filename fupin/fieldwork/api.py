"""``/api/areas/<code>/compliance/?month=YYYY-MM``: the same selector as the compliance page."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from fupin.areas.api import BAD_REQUEST, CODE_PARAMETER, NOT_FOUND, AreaFigureView
from fupin.areas.scope import scope_safe_class

from .selectors import compliance_counts


class ComplianceSerializer(serializers.Serializer):
    pairings_behind = serializers.IntegerField(
        help_text=_("本周（截至参考日的 7 天）未联系的结对数")
    )
    residents_under_20_days = serializers.IntegerField(
        help_text=_("本月驻村不足 20 天的驻村干部数")
    )
    reviews_missed = serializers.IntegerField(help_text=_("本月应开未开的研判会（区划×周期）"))
    concerns_overdue = serializers.IntegerField(help_text=_("超期未办结的民情诉求数"))


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
