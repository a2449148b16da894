"""The areas API: divisions in the caller's scope and the yearly figures per area.

Thin by design (docs/architecture.md, "Inside an app"): the list reads through
:func:`fupin.areas.selectors.areas_accessible_to`, one area through
:func:`~fupin.areas.selectors.access_area` (the same 404 for missing and out of scope), , and
:class:`AreaFigureView`, the one shape of every ``/api/areas/<code>/<figures>/`` endpoint (the
registry's yearly figures are :class:`fupin.registry.api.AreaStatsView`).
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.core.api_errors import ERROR_SCHEMA, VALIDATION_ERROR_SCHEMA
from fupin.core.clock import current_year
from fupin.core.pagination import ID_MAX, ApiPagination, as_int

from . import summaries
from .models import Area, Level
from .params import (
    AREA_CODE_PATTERN,
    MONTH_PATTERN,
    QUARTER_PATTERN,
    is_api_year,
    matches,
)
from .params import YEAR_MAX as YEAR_MAX
from .params import YEAR_MIN as YEAR_MIN
from .scope import scope_safe_class
from .selectors import access_area, areas_accessible_to

# Error messages are constants so the tests assert them; translated into the caller's language.
MSG_BAD_YEAR = _("年度无效：应为 %(low)s 至 %(high)s 之间的四位年份")
MSG_BAD_CODE = _("区划代码无效：应为 2、4、6、9 或 12 位数字")
MSG_BAD_LEVEL = _("级别无效：应为 %(choices)s 之一")
MSG_BAD_MONTH = _("格式应为 YYYY-MM")
MSG_BAD_QUARTER = _("格式应为 YYYY-Qn，例如 2017-Q2")


def parse_year(value: str | None, *, default: int | None = None, name: str = "year") -> int | None:
    """Return ``value`` as a year, ``default`` when absent; a 400 with the reason if bad."""
    if value is None or value == "":
        return default
    year = as_int(value)
    if year is None or not is_api_year(year):
        raise ValidationError({name: [bad_year_message()]})
    return year


def bad_year_message() -> str:
    """The reason of a 400 for a bad year, in the active language."""
    return gettext(MSG_BAD_YEAR) % {"low": YEAR_MIN, "high": YEAR_MAX}


def parse_code(value: str | None, *, name: str) -> str | None:
    """Return ``value`` as an area code (the digits of one level); a 400 if it is not one."""
    if value is None or value == "":
        return None
    if not matches(AREA_CODE_PATTERN, value):
        raise ValidationError({name: [gettext(MSG_BAD_CODE)]})
    return value


def parse_month(value: str | None, *, name: str = "month") -> str | None:
    """Return ``value`` as a month ``YYYY-MM`` (or None when absent); a 400 if it is not one."""
    if value is None or value == "":
        return None
    if not matches(MONTH_PATTERN, value):
        raise ValidationError({name: [gettext(MSG_BAD_MONTH)]})
    return value


def parse_quarter(value: str | None, *, name: str = "quarter") -> str | None:
    """Return ``value`` as a quarter ``YYYY-Qn`` (or None when absent); a 400 if it is not one."""
    if value is None or value == "":
        return None
    if not matches(QUARTER_PATTERN, value):
        raise ValidationError({name: [gettext(MSG_BAD_QUARTER)]})
    return value


def parse_id(value) -> int | None:
    """Return a path's record id as an int, or None when no record can have it (a 404)."""
    number = as_int(str(value))
    return number if number is not None and 1 <= number <= ID_MAX else None


def parse_choice(value: str | None, choices, *, name: str, message: str) -> str | None:
    """Return ``value`` if it is one of ``choices`` (a TextChoices class); a 400 otherwise."""
    if value is None or value == "":
        return None
    if value not in choices.values:
        raise ValidationError({name: [gettext(message) % {"choices": "、".join(choices.values)}]})
    return value


# The schema of each checked parameter, the same bounds as the parse helpers above.
YEAR_SCHEMA = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
CODE_SCHEMA = {"type": "string", "pattern": AREA_CODE_PATTERN}
MONTH_SCHEMA = {"type": "string", "pattern": MONTH_PATTERN}
QUARTER_SCHEMA = {"type": "string", "pattern": QUARTER_PATTERN}
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": ID_MAX}


def year_parameter(description) -> OpenApiParameter:
    """``?year=`` with its bounds and the endpoint's own description (its default year)."""
    return OpenApiParameter("year", YEAR_SCHEMA, description=description)


def code_parameter(name: str, description) -> OpenApiParameter:
    """A query parameter holding an area code, with the codes' pattern."""
    return OpenApiParameter(name, CODE_SCHEMA, description=description)


def id_parameter(name: str, description) -> OpenApiParameter:
    """A record id in the path, bounded as the database holds it."""
    return OpenApiParameter(name, ID_SCHEMA, OpenApiParameter.PATH, description=description)


YEAR_PARAMETER = year_parameter(_("统计年度（2014–2099），默认为系统当前年度"))
# A real division as the example, so the schema's examples (and the fuzz run that replays
# them) reach an area's figures, not only the 404 of a code that names nothing.
CODE_PARAMETER = OpenApiParameter(
    "code",
    CODE_SCHEMA,
    OpenApiParameter.PATH,
    description=_("区划代码"),
    examples=[OpenApiExample("152223", value="152223")],
)
MONTH_PARAMETER = OpenApiParameter(
    "month", MONTH_SCHEMA, description=_("月份 YYYY-MM（默认：系统日期所在月）")
)
QUARTER_PARAMETER = OpenApiParameter(
    "quarter", QUARTER_SCHEMA, description=_("季度 YYYY-Qn（默认：系统日期所在季度）")
)

# The error bodies, as DRF renders them: a 400 names each bad parameter with its reasons (or,
# for a body that cannot be read, carries one ``detail``); a 404 (missing or out of scope
# alike) carries one ``detail``. fupin.core.api_errors documents them on every operation.
BAD_REQUEST = OpenApiResponse(
    response=VALIDATION_ERROR_SCHEMA,
    description=_("查询参数无效：各参数名对应原因"),
    examples=[
        OpenApiExample(
            "bad year",
            summary=_("年度无效"),
            value={"year": [lazy(bad_year_message, str)()]},
        )
    ],
)
NOT_FOUND = OpenApiResponse(
    response=ERROR_SCHEMA,
    description=_("不存在或不在本人权限范围内（两者相同）"),
)


class AreaSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Area
        fields = ["code", "name", "level", "level_label", "parent", "participates"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("本人权限范围内的行政区划"),
        parameters=[
            code_parameter("parent", _("上级区划代码")),
            OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values, description=_("级别")),
        ],
        responses={200: AreaSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("一个行政区划（不在权限范围内时为 404）"),
        parameters=[CODE_PARAMETER],
        responses={200: AreaSerializer, 404: NOT_FOUND},
    ),
)
@scope_safe_class
class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Areas in the caller's scope; one area; its yearly figures and its children's."""

    serializer_class = AreaSerializer
    pagination_class = ApiPagination
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{2,12}"

    def get_queryset(self):
        qs = areas_accessible_to(self.request.user).order_by("code")
        params = self.request.query_params
        parent = parse_code(params.get("parent"), name="parent")
        if parent is not None:
            qs = qs.filter(parent_id=parent)
        level = parse_choice(params.get("level"), Level, name="level", message=MSG_BAD_LEVEL)
        if level is not None:
            qs = qs.filter(level=level)
        return qs

    def get_object(self):
        return access_area(self.request.user, self.kwargs["code"])


class AreaFigureView(APIView):
    """The one shape of ``/api/areas/<code>/<figures>/``: the figures of an area (and a year)
    as the caller's scope sees them, from the selector of the page that shows them.

    The order is fixed so every endpoint answers alike: the query is checked first (a bad
    ``?year=`` or other parameter is a 400 with its reason in the caller's language), then
    the area is fetched through :func:`~fupin.areas.selectors.access_area` (the same 404 for
    missing and out of scope), then :meth:`figures` builds the answer.
    """

    #: Whether the endpoint takes ``?year=``; without it :meth:`figures` gets ``None``.
    takes_year = True
    #: A name to keep the answer under for a short while, shared by the callers of one scope
    #: (:mod:`fupin.areas.summaries`); ``None`` computes it for every call.
    kept_as: str | None = None

    def default_year(self) -> int | None:
        """The year when ``?year=`` is absent (the system's current year unless overridden)."""
        return current_year()

    def get(self, request, code):
        params = request.query_params
        year = (
            parse_year(params.get("year"), default=self.default_year()) if self.takes_year else None
        )
        self.parse(params)
        area = access_area(request.user, code)
        if self.kept_as is None:
            return Response(self.figures(request.user, area, year))
        data, _at = summaries.kept(
            self.kept_as,
            request.user,
            area.code,
            year,
            compute=lambda: self.figures(request.user, area, year),
        )
        return Response(data)

    def parse(self, params) -> None:
        """Check the endpoint's other query parameters (kept on ``self``); 400 if bad."""

    def figures(self, user, area: Area, year: int | None) -> dict:
        """Return the serialized figures of ``area`` in ``year``."""
        raise NotImplementedError
