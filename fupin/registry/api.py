"""The registry API (read-only): households in the caller's scope, one household in full.

Every read goes through ``Household.objects.accessible_to(request.user)``
(:mod:`fupin.areas.scope`), so a household outside the caller's scope answers the same 404 as
one that does not exist, and a filter on another area gives an empty list. Filters are
drill-downs *inside* the scope, never a widening of it.

The list is one query per page (plus the count): the village name comes by ``select_related``,
labels are computed from the code lists, members and yearly facts are left to the detail.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    NOT_FOUND,
    YEAR_PARAMETER,
    YEAR_SCHEMA,
    ApiPagination,
    AreaFigureView,
    code_parameter,
    id_parameter,
    parse_choice,
    parse_code,
    parse_id,
    parse_year,
)
from fupin.areas.models import Area
from fupin.areas.scope import scope_safe_class
from fupin.core.figures import serialized

from . import codes, selectors
from .models import Household, Member
from .serializers import HouseholdDetailSerializer, HouseholdListSerializer
from .stats import AreaFigures, area_stats, child_stats

MSG_NOT_FOUND = _("贫困户不存在或不在您的权限范围内")
MSG_BAD_STATUS = _("脱贫状态无效：应为 %(choices)s 之一")
MSG_BAD_ATTRIBUTE = _("贫困户属性无效：应为 %(choices)s 之一")
MSG_BAD_CAUSE = _("致贫原因无效：应为 %(choices)s 之一")

HOUSEHOLD_FILTERS = [
    code_parameter(
        "area",
        _("区划代码（盟、旗县市、苏木乡镇或嘎查村），只列出其下的户；仍限于本人权限范围"),
    ),
    OpenApiParameter(
        "year",
        YEAR_SCHEMA,
        description=_("年度：有该年度状态记录的户；与 status 同用时为该年度末处于该状态的户"),
    ),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=codes.Status.values,
        description=_("脱贫状态；不带 year 时按当前状态"),
    ),
    OpenApiParameter(
        "attribute", OpenApiTypes.STR, enum=codes.Attribute.values, description=_("贫困户属性")
    ),
    OpenApiParameter(
        "cause",
        OpenApiTypes.STR,
        enum=codes.Cause.values,
        description=_("致贫原因（主要或其他致贫原因之一）"),
    ),
    OpenApiParameter(
        "search",
        OpenApiTypes.STR,
        description=_("数字：户编号或任一成员证件号码的开头；其他：任一家庭成员姓名的一部分"),
    ),
]


def household_filter(params) -> selectors.HouseholdFilter:
    """Parse the list filters of :data:`HOUSEHOLD_FILTERS` (400 with a Chinese reason)."""
    year = parse_year(params.get("year"))
    return selectors.HouseholdFilter(
        area=parse_code(params.get("area"), name="area") or "",
        year=year,
        status=parse_choice(
            params.get("status"), codes.Status, name="status", message=MSG_BAD_STATUS
        )
        or "",
        attribute=parse_choice(
            params.get("attribute"), codes.Attribute, name="attribute", message=MSG_BAD_ATTRIBUTE
        )
        or "",
        cause=parse_choice(params.get("cause"), codes.Cause, name="cause", message=MSG_BAD_CAUSE)
        or "",
        q=(params.get("search") or "").strip(),
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("本人权限范围内的贫困户"),
        parameters=HOUSEHOLD_FILTERS,
        responses={200: HouseholdListSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("一户的详细信息：家庭成员、各年度收入与脱贫状态（不在权限范围内时为 404）"),
        parameters=[id_parameter("id", _("户的编号"))],
        responses={200: HouseholdDetailSerializer, 404: NOT_FOUND},
    ),
)
@scope_safe_class
class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    """Households in the caller's scope (a list without members; one household in full)."""

    pagination_class = ApiPagination
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return HouseholdDetailSerializer
        return HouseholdListSerializer

    def get_queryset(self):
        if self.action != "retrieve":
            # The same selector as the page and the export, so their lists agree.
            filters = household_filter(self.request.query_params)
            return selectors.household_list(self.request.user, filters)
        qs = Household.objects.accessible_to(self.request.user).select_related("village")
        return qs.prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("id")),
            "incomes",
            "statuses",
        )

    def get_object(self):
        pk = parse_id(self.kwargs["pk"])
        try:
            if pk is None:
                raise Household.DoesNotExist
            return self.get_queryset().get(pk=pk)
        except Household.DoesNotExist:
            raise NotFound(MSG_NOT_FOUND) from None


@dataclass(frozen=True)
class NamedFigures(AreaFigures):
    """An area's figures with its code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class AreaStats(NamedFigures):
    """An area's figures of a year, with the same figures of each of its children."""

    year: int
    children: list[NamedFigures] = field(metadata=serialized(_("下一级各区划的同口径数字")))


def _named(area: Area, figures: AreaFigures) -> dict:
    return {**asdict(figures), "code": area.code, "name": area.name}


class FiguresSerializer(DataclassSerializer):
    """The figures of :class:`fupin.registry.stats.AreaFigures` for one area and year."""

    class Meta:
        dataclass = AreaFigures


class AreaStatsSerializer(DataclassSerializer):
    class Meta:
        dataclass = AreaStats


@extend_schema_view(
    get=extend_schema(
        summary=_("区划年度统计（与区划总览页同一口径）"),
        parameters=[CODE_PARAMETER, YEAR_PARAMETER],
        responses={200: AreaStatsSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
)
@scope_safe_class
class AreaStatsView(AreaFigureView):
    """The yearly figures of an area and of each of its children."""

    kept_as = "stats-api"  # kept, as the overview page's figures are

    def figures(self, user, area, year):
        stats = AreaStats(
            **_named(area, area_stats(user, area.code, year)),
            year=year,
            children=[
                NamedFigures(**_named(child, figures))
                for child, figures in child_stats(user, area, year)
            ],
        )
        return AreaStatsSerializer(stats).data
