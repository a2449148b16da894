"""The field work API: ``/api/areas/<code>/compliance/?month=YYYY-MM`` (the same selector as the
compliance page), and the field app's ``/api/me/``, ``/api/me/households/`` and writes
(``/api/visits/``, ``/api/checkins/``, ``/api/concerns/``, ``/api/photos/``)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_dataclasses.serializers import DataclassSerializer

from fupin.areas.api import (
    BAD_REQUEST,
    CODE_PARAMETER,
    MONTH_PARAMETER,
    NOT_FOUND,
    AreaFigureView,
    parse_month,
)
from fupin.areas.models import Area
from fupin.areas.scope import scope_safe_class
from fupin.assistance.models import Cadre
from fupin.core.api_errors import ERROR_SCHEMA, VALIDATION_ERROR_SCHEMA
from fupin.core.clock import as_of
from fupin.registry.models import Household

from . import permissions, services
from . import selectors as field_selectors
from .permissions import linked_cadre
from .selectors import ComplianceCounts, MonthClose, compliance_counts, month_close
from .serializers import (
    CheckInInputSerializer,
    CheckInSerializer,
    ConcernInputSerializer,
    ConcernSerializer,
    HouseholdCardListSerializer,
    MeSerializer,
    PhotoInputSerializer,
    PhotoRefSerializer,
    VisitInputSerializer,
    VisitSerializer,
)

VALIDATION_ERROR = OpenApiResponse(
    response=VALIDATION_ERROR_SCHEMA, description=_("请求无效：各字段名对应原因")
)
FORBIDDEN = OpenApiResponse(response=ERROR_SCHEMA, description=_("您的角色不能进行此操作"))


class ComplianceSerializer(DataclassSerializer):
    class Meta:
        dataclass = ComplianceCounts
        fields = (
            "pairings_behind",
            "residents_under_20_days",
            "reviews_missed",
            "concerns_overdue",
        )


@extend_schema_view(
    get=extend_schema(
        summary=_("区划月度帮扶工作合规情况（与合规页同一口径）"),
        parameters=[
            CODE_PARAMETER,
            MONTH_PARAMETER,
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
            MONTH_PARAMETER,
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


# -- the field API: the phone app's reads and writes (docs/api.md "Field work") ---------------
#
# The views parse the body and call the services; the services hold every rule (who may write,
# which dates, one check-in a day, the geofence, the photos' evidence) and the idempotency on
# the client's uuid: a record already stored answers 200 with the stored record.

MSG_NOT_FOUND = _("记录不存在或不在您的权限范围内")
MSG_HOUSEHOLD = _("贫困户不存在或不在您的权限范围内")
MSG_CADRE = _("帮扶干部不存在或不在您的权限范围内")
MSG_NO_CADRE = _("您的账号未关联帮扶干部。")
MSG_NO_VILLAGE = _("请指定嘎查村（village）")
MSG_VILLAGE = _("嘎查村不存在或不在您的权限范围内")
MSG_CONCERN_PLACE = _("请指定贫困户（household）或嘎查村（village）")
MSG_NO_LIST = _("只有驻村工作队和结对帮扶干部有本人的户列表")

WRITE_ERRORS = {
    400: VALIDATION_ERROR,
    403: FORBIDDEN,
    404: NOT_FOUND,
}


def _django_errors(error: DjangoValidationError) -> dict:
    """A service's ValidationError as the API's 400 body: each field with its reasons."""
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"detail": " ".join(str(m) for m in error.messages)}


def call_service(function, **kwargs):
    """Run a write service: its ValidationError is a 400 naming the fields, its refusal a 403,
    a record it cannot find (or outside the scope) a 404."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(_django_errors(error)) from None
    except ObjectDoesNotExist as error:
        raise NotFound(str(error) or gettext(MSG_NOT_FOUND)) from None


def _answer(serializer_class, row) -> Response:
    replayed = getattr(row, "replayed", False)
    return Response(
        serializer_class(row).data,
        status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
    )


def _own_cadre(request, field: str = "cadre") -> Cadre:
    cadre = linked_cadre(request.user)
    if cadre is None:
        raise ValidationError({field: [gettext(MSG_NO_CADRE)]})
    return cadre


def _field_write_schema(summary, request, response) -> dict:
    return {
        "summary": summary,
        "request": request,
        "responses": {200: response, 201: response, **WRITE_ERRORS},
    }


@extend_schema(
    summary=_("本人：账号、角色、关联的帮扶干部和权限范围"), responses={200: MeSerializer}
)
@scope_safe_class
class MeView(APIView):
    def get(self, request):
        return Response(MeSerializer(field_selectors.me(request.user)).data)


@extend_schema(
    summary=_("本人的户：结对帮扶干部为今日结对的户，驻村工作队为本村的户（不分页）"),
    responses={200: HouseholdCardListSerializer, 403: FORBIDDEN},
)
@scope_safe_class
class MyHouseholdsView(APIView):
    def get(self, request):
        households = field_selectors.my_households(request.user)
        if households is None:
            raise PermissionDenied(gettext(MSG_NO_LIST))
        cards = field_selectors.household_cards(households)
        return Response(HouseholdCardListSerializer({"count": len(cards), "results": cards}).data)


MSG_BATCH_MAX = _("一次最多提交 %(limit)s 条走访")


class VisitResultSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(allow_null=True, help_text=_("该条的 uuid（无效时为 null）"))
    status = serializers.IntegerField(
        help_text=_("该条的结果，同单条提交的状态码：201 新记录，200 已存记录，400/403/404 拒绝")
    )
    visit = VisitSerializer(allow_null=True)
    errors = serializers.DictField(
        allow_null=True, help_text=_("拒绝的原因：字段名对应原因，或 detail")
    )


def _outcome_answer(
    outcome: services.VisitOutcome, *, serialize: bool = True
) -> tuple[int, dict | None, dict | None]:
    """One batch item as the status, body and errors the single request would answer."""
    error = outcome.error
    if error is None:
        visit = outcome.visit
        code = status.HTTP_200_OK if getattr(visit, "replayed", False) else status.HTTP_201_CREATED
        return code, VisitSerializer(visit).data if serialize else None, None
    if isinstance(error, DjangoValidationError):
        return status.HTTP_400_BAD_REQUEST, None, _django_errors(error)
    if isinstance(error, ObjectDoesNotExist):
        return status.HTTP_404_NOT_FOUND, None, {"detail": str(error) or gettext(MSG_NOT_FOUND)}
    return status.HTTP_403_FORBIDDEN, None, {"detail": str(error) or gettext(services.MSG_ROLE)}


def _visit_answer(visit) -> dict:
    """VisitSerializer's answer for one visit of a batch. A visit just written has no photo
    and every field at hand, so its answer is built directly: DRF's field-by-field
    serialization of a hundred fresh visits cost a fifth of a batch's request
    (bench/bench_sync.py). tests/fieldwork/test_sync_batch.py checks both give the same."""
    if not getattr(visit, "fresh", False):
        return VisitSerializer(visit).data
    return {
        "id": visit.pk,
        "uuid": str(visit.uuid),
        "household": visit.household_id,
        "cadre": visit.cadre_id,
        "visited_on": visit.visited_on.isoformat(),
        "kind": visit.kind,
        "content": visit.content,
        "backdated": visit.backdated,
        "flags": visit.flag_list,
        "photos": [],
    }


def _visit_item(data: dict) -> services.VisitItem:
    return services.VisitItem(
        uuid=data["uuid"],
        household=data["household"],
        cadre=data.get("cadre"),
        visited_on=data.get("visited_on"),
        kind=data["kind"],
        content=data["content"],
        backdate_reason=data["backdate_reason"],
    )


VISIT_REQUEST = PolymorphicProxySerializer(
    component_name="VisitInputOrBatch",
    serializers=[VisitInputSerializer, VisitInputSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


@extend_schema(
    summary=_(
        "记录一次走访，或一批走访（JSON 列表，最多 FUPIN_SYNC_BATCH_MAX 条，逐条接受或拒绝）"
        "（同一 uuid 再次提交返回已存记录，状态 200）"
    ),
    description=_(
        "请求体为一个走访对象时，回答该走访（201 新记录，200 已存记录）或错误；"
        "为走访列表时，回答 200 和逐条结果的列表（顺序相同）：uuid、status、visit、errors。"
    ),
    request={"application/json": VISIT_REQUEST},
    responses={
        200: PolymorphicProxySerializer(
            component_name="VisitOrBatchResults",
            serializers=[VisitSerializer, VisitResultSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        201: VisitSerializer,
        **WRITE_ERRORS,
    },
)
@scope_safe_class
class VisitCreateView(APIView):
    def post(self, request):
        if isinstance(request.data, list):
            return self.post_many(request, request.data)
        body = VisitInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        [outcome] = services.visits_log_many(
            user=request.user, items=[_visit_item(body.validated_data)]
        )
        code, visit, errors = _outcome_answer(outcome)
        if code == status.HTTP_400_BAD_REQUEST:
            raise ValidationError(errors)
        if code == status.HTTP_404_NOT_FOUND:
            raise NotFound(errors["detail"])
        if code == status.HTTP_403_FORBIDDEN:
            raise PermissionDenied(errors["detail"])
        return Response(visit, status=code)

    def post_many(self, request, bodies: list):
        """A batch: each item is checked as a single request would be; the answer lists each
        item's status in order (docs/api.md, "Batches")."""
        limit = settings.FUPIN_SYNC_BATCH_MAX
        if len(bodies) > limit:
            raise ValidationError({"detail": gettext(MSG_BATCH_MAX) % {"limit": limit}})
        # One serializer for every item: DRF builds a serializer's fields once per instance.
        reader = VisitInputSerializer()
        answers: list[dict | None] = []
        items = []
        for data in bodies:
            try:
                items.append(_visit_item(reader.run_validation(data)))
            except ValidationError as error:
                uuid = data.get("uuid") if isinstance(data, dict) else None
                detail = (
                    error.detail if isinstance(error.detail, dict) else {"detail": error.detail}
                )
                answers.append(
                    {
                        "uuid": None if "uuid" in detail else uuid,
                        "status": status.HTTP_400_BAD_REQUEST,
                        "visit": None,
                        "errors": detail,
                    }
                )
            else:
                answers.append(None)
        outcomes = services.visits_log_many(user=request.user, items=items)
        visits = iter(_visit_answer(o.visit) for o in outcomes if o.error is None)
        done = iter(outcomes)
        results = []
        for answer in answers:
            if answer is None:
                outcome = next(done)
                code, _body, errors = _outcome_answer(outcome, serialize=False)
                answer = {
                    "uuid": outcome.uuid,
                    "status": code,
                    "visit": next(visits) if outcome.error is None else None,
                    "errors": errors,
                }
            results.append(answer)
        # Each visit is serialized already (VisitResultSerializer documents the shape).
        return Response(results)


@extend_schema(
    **_field_write_schema(
        _("驻村打卡：每人每天一次；按嘎查村位置检查距离（同一 uuid 再次提交返回已存记录）"),
        CheckInInputSerializer,
        CheckInSerializer,
    )
)
@scope_safe_class
class CheckInCreateView(APIView):
    def post(self, request):
        body = CheckInInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user
        if not permissions.can_check_in_anywhere(user):
            raise PermissionDenied(gettext(services.MSG_ROLE))
        cadre = _own_cadre(request)
        village = data.get("village") or field_selectors.cadre_village(cadre, as_of())
        if not village:
            raise ValidationError({"village": [gettext(MSG_NO_VILLAGE)]})
        if not Area.objects.accessible_to(user).filter(code=village, level="village").exists():
            raise NotFound(gettext(MSG_VILLAGE))
        row = call_service(
            services.check_in_record,
            user=user,
            cadre=cadre,
            village_code=village,
            day=data.get("day"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            note=data["note"],
            backdate_reason=data["backdate_reason"],
            uuid=data["uuid"],
        )
        return _answer(CheckInSerializer, row)


@extend_schema(
    **_field_write_schema(
        _("反映一条民情诉求（同一 uuid 再次提交返回已存记录）"),
        ConcernInputSerializer,
        ConcernSerializer,
    )
)
@scope_safe_class
class ConcernCreateView(APIView):
    def post(self, request):
        body = ConcernInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user
        household = None
        if "household" in data:
            household = Household.objects.accessible_to(user).filter(pk=data["household"]).first()
            if household is None:
                raise NotFound(gettext(MSG_HOUSEHOLD))
            village = household.village_id
        elif data.get("village"):
            village = data["village"]
            if not Area.objects.accessible_to(user).filter(code=village, level="village").exists():
                raise NotFound(gettext(MSG_VILLAGE))
        else:
            raise ValidationError({"village": [gettext(MSG_CONCERN_PLACE)]})
        concern = call_service(
            services.concern_raise,
            user=user,
            village_code=village,
            household=household,
            text=data["text"],
            category=data["category"],
            raised_by=linked_cadre(user),
            uuid=data["uuid"],
        )
        return _answer(ConcernSerializer, concern)


@extend_schema(
    summary=_("上传走访或打卡的照片（multipart；服务器复核 SHA-256；同一照片用于其他记录时标记）"),
    request={"multipart/form-data": PhotoInputSerializer},
    responses={200: PhotoRefSerializer, 201: PhotoRefSerializer, **WRITE_ERRORS},
)
@scope_safe_class
class PhotoCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request):
        body = PhotoInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        photo = call_service(
            services.photo_attach,
            user=request.user,
            file=data["file"],
            record_uuid=data["record_uuid"],
            sha256=data["sha256"],
        )
        return _answer(PhotoRefSerializer, photo)
