"""The two fixed interfaces of the cadre roster, on the same selectors as the pages:

* ``/api/areas/<code>/evaluations/?year=Y`` — the year's evaluations by outcome;
* ``/api/areas/<code>/team-structure/?level=township|county&from=YYYY-MM-DD&to=YYYY-MM-DD`` —
  the four shares of the leadership teams serving on each day and their change.

Shares are percentages (0–100) and changes percentage points / percent, rendered as strings
of decimals with two places (``"40.00"``); see ``docs/cadres.md``.
"""

from __future__ import annotations

import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.api import BAD_REQUEST, NOT_FOUND, YEAR_PARAMETER, parse_year
from fupin.areas.scope import scope_safe_class
from fupin.areas.selectors import access_area
from fupin.core.clock import as_of, current_year

from .selectors import INDICATORS, add_years, evaluation_counts, team_structure

MSG_BAD_DATE = "日期格式应为 YYYY-MM-DD"
MSG_BAD_LEVEL = "班子层级应为 township（苏木乡镇）或 county（旗县市）"


class EvaluationCountsSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="考核年度")
    commended = serializers.IntegerField(help_text="评选表彰人数")
    promoted = serializers.IntegerField(help_text="提拔重用人数")
    recalled = serializers.IntegerField(help_text="组织召回人数")
    admonished = serializers.IntegerField(help_text="诫勉谈话人数")
    trained = serializers.IntegerField(help_text="培训提高人数")
    none = serializers.IntegerField(help_text="无结果运用的人数")
    total = serializers.IntegerField(help_text="考核总人数")


def _share(help_text):
    return serializers.DecimalField(
        max_digits=9, decimal_places=2, allow_null=True, help_text=help_text
    )


# "from" is a Python keyword: the fields are declared through a mapping.
IndicatorSerializer = type(
    "TeamIndicatorSerializer",
    (serializers.Serializer,),
    {
        "from": _share("起始日比例（%，无人时为 null）"),
        "to": _share("终止日比例（%）"),
        "change_pp": _share("变化（百分点）"),
        "change_relative": _share("相对变化（%，起始比例为 0 时为 null）"),
        "count_from": serializers.IntegerField(help_text="起始日符合条件的人数"),
        "count_to": serializers.IntegerField(help_text="终止日符合条件的人数"),
    },
)


PeopleSerializer = type(
    "TeamPeopleSerializer",
    (serializers.Serializer,),
    {
        "from": serializers.IntegerField(help_text="起始日在任人数"),
        "to": serializers.IntegerField(help_text="终止日在任人数"),
    },
)


TeamStructureSerializer = type(
    "TeamStructureSerializer",
    (serializers.Serializer,),
    {
        "area": serializers.CharField(help_text="区划代码"),
        "level": serializers.CharField(help_text="township 或 county"),
        "from": serializers.DateField(help_text="起始日"),
        "to": serializers.DateField(help_text="终止日"),
        "people": PeopleSerializer(help_text="各日在任的班子成员人数（一人多职计一次）"),
        **{
            key: IndicatorSerializer(help_text=text)
            for key, text in zip(
                INDICATORS,
                ("35周岁以下", "40岁左右（38–42 周岁）", "大专以上学历", "2年以上基层工作经历"),
                strict=True,
            )
        },
    },
)


def parse_day(value: str | None, *, name: str, default: datetime.date) -> datetime.date:
    if value is None or value == "":
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [MSG_BAD_DATE]}) from None


@scope_safe_class
class AreaEvaluationsView(APIView):
    @extend_schema(
        summary="区划年度干部考核结果运用人数（与考核页同一口径）",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="区划代码"),
            YEAR_PARAMETER,
        ],
        responses={200: EvaluationCountsSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, code):
        year = parse_year(request.query_params.get("year"), default=current_year())
        area = access_area(request.user, code)
        counts = evaluation_counts(request.user, area.code, year)
        return Response(EvaluationCountsSerializer({"year": year, **counts}).data)


@scope_safe_class
class AreaTeamStructureView(APIView):
    @extend_schema(
        summary="领导班子结构两日对比（与班子结构页同一口径）",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="区划代码"),
            OpenApiParameter(
                "level", str, enum=["township", "county"], description="班子层级（默认 township）"
            ),
            OpenApiParameter("from", datetime.date, description="起始日（默认：系统日期前推两年）"),
            OpenApiParameter("to", datetime.date, description="终止日（默认：系统日期）"),
        ],
        responses={200: TeamStructureSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, code):
        params = request.query_params
        level = params.get("level") or "township"
        if level not in ("township", "county"):
            raise ValidationError({"level": [MSG_BAD_LEVEL]})
        today = as_of()
        day_to = parse_day(params.get("to"), name="to", default=today)
        day_from = parse_day(params.get("from"), name="from", default=add_years(day_to, -2))
        area = access_area(request.user, code)
        data = team_structure(request.user, area.code, level, day_from, day_to)
        return Response(TeamStructureSerializer(data).data)
