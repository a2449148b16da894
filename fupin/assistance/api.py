"""``/api/areas/<code>/coverage/``: the counts of the coverage page (走村不漏户,户户见干部)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.api import NOT_FOUND
from fupin.areas.scope import scope_safe_class
from fupin.areas.selectors import access_area

from .selectors import coverage


class CoverageSerializer(serializers.Serializer):
    villages_without_link = serializers.IntegerField(help_text="无部门包联的嘎查村数")
    households_without_cadre = serializers.IntegerField(help_text="无结对帮扶责任人的贫困户数")
    cadres_over_cap = serializers.IntegerField(help_text="结对户数超过上限的帮扶干部数")
    cadres_registered_poor = serializers.IntegerField(
        help_text="本人为建档立卡贫困人口的帮扶干部数"
    )


@scope_safe_class
class AreaCoverageView(APIView):
    """The holes of 两联一包 in an area as of the system's date (the coverage page's counts)."""

    @extend_schema(
        summary="区划帮扶覆盖情况（与覆盖页同一口径）",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="区划代码")],
        responses={200: CoverageSerializer, 404: NOT_FOUND},
    )
    def get(self, request, code):
        area = access_area(request.user, code)
        return Response(CoverageSerializer(coverage(request.user, area.code)["counts"]).data)
