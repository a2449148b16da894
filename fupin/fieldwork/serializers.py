"""Serializers of the field API (docs/api.md "Field work"): what the phone app reads and sends.

The request serializers only parse (types, choices, lengths); every rule of who may write what,
and when, is in :mod:`fupin.fieldwork.services`. The response serializers are typed, so the
OpenAPI schema describes each body field by field.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fupin.areas.params import AREA_CODE_PATTERN
from fupin.core.pagination import ID_MAX

from .models import CheckIn, Concern, Photo, Visit

FLAG_HELP = _(
    "标记：backdated（补录）、far（距村过远）、no_location（无位置）、photo_reused（照片重复使用）"
)


def _id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def _code_field(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(AREA_CODE_PATTERN, max_length=12, **kwargs)


# ------------------------------------------------------------------------------------ /api/me/


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    area = serializers.CharField()
    area_name = serializers.CharField()


class MeCadreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    phone = serializers.CharField()
    village = serializers.CharField(allow_null=True, help_text=_("驻村或结对户所在嘎查村代码"))
    village_name = serializers.CharField()


class BackdateDaysSerializer(serializers.Serializer):
    visit = serializers.IntegerField()
    check_in = serializers.IntegerField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = RoleSerializer(many=True)
    cadre = MeCadreSerializer(allow_null=True)
    scope = serializers.ListField(child=serializers.CharField())
    today = serializers.DateField(help_text=_("系统日期（记录按此日期）"))
    backdate_days = BackdateDaysSerializer()
    unread = serializers.IntegerField(help_text=_("收件箱未读数"))


# -------------------------------------------------------------------------- /api/me/households/


class CardMemberSerializer(serializers.Serializer):
    name = serializers.CharField()
    relation_label = serializers.CharField()
    sex_label = serializers.CharField()
    age = serializers.IntegerField()
    id_number_masked = serializers.CharField()


class CardMeasureSerializer(serializers.Serializer):
    type_label = serializers.CharField()
    content = serializers.CharField()
    state_label = serializers.CharField()


class CardPlanSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    measures = CardMeasureSerializer(many=True)


class CardVisitSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    kind_label = serializers.CharField()
    cadre_name = serializers.CharField()
    content = serializers.CharField()


class CardCadreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()


class HouseholdCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    head_name = serializers.CharField()
    village = serializers.CharField()
    village_name = serializers.CharField()
    phone = serializers.CharField()
    attribute = serializers.CharField()
    attribute_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    members = CardMemberSerializer(many=True)
    plan = CardPlanSerializer(allow_null=True)
    last_visits = CardVisitSerializer(many=True, help_text=_("最近 3 次走访"))
    pairing_cadres = CardCadreSerializer(many=True)
    visit_url = serializers.CharField()


class HouseholdCardListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = HouseholdCardSerializer(many=True)


# ------------------------------------------------------------------------------------- records


class PhotoRefSerializer(serializers.ModelSerializer):
    record_uuid = serializers.UUIDField()
    duplicate = serializers.BooleanField(help_text=_("同一照片已用于其他记录"))

    class Meta:
        model = Photo
        fields = ["id", "sha256", "record_uuid", "duplicate"]
        read_only_fields = fields


class FlagsMixin(serializers.Serializer):
    flags = serializers.ListField(
        child=serializers.CharField(), source="flag_list", read_only=True, help_text=FLAG_HELP
    )
    photos = serializers.SerializerMethodField()

    @extend_schema_field(PhotoRefSerializer(many=True))
    def get_photos(self, obj) -> list[dict]:
        # A record just written has no photo yet (they follow it): no query; a batch looked
        # its stored records' photos up at once (``photo_refs``).
        if not obj.uuid or getattr(obj, "fresh", False):
            return []
        rows = getattr(obj, "photo_refs", None)
        if rows is None:
            rows = Photo.objects.filter(record_uuid=obj.uuid).order_by("pk")
        return PhotoRefSerializer(rows, many=True).data


class VisitSerializer(FlagsMixin, serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id")
    cadre = serializers.IntegerField(source="cadre_id")

    class Meta:
        model = Visit
        fields = [
            "id",
            "uuid",
            "household",
            "cadre",
            "visited_on",
            "kind",
            "content",
            "backdated",
            "flags",
            "photos",
        ]
        read_only_fields = fields


class CheckInSerializer(FlagsMixin, serializers.ModelSerializer):
    village = serializers.CharField(source="village_id")
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    lon = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    accepted = serializers.BooleanField(help_text=_("有标记的打卡经苏木乡镇认可后计入驻村天数"))

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "uuid",
            "village",
            "day",
            "lat",
            "lon",
            "distance_m",
            "flags",
            "accepted",
            "photos",
        ]
        read_only_fields = fields


class ConcernSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id", allow_null=True)
    village = serializers.CharField(source="village_id")

    class Meta:
        model = Concern
        fields = ["id", "uuid", "state", "text", "category", "household", "village"]
        read_only_fields = fields


# ------------------------------------------------------------------------------------ requests


class VisitInputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text=_("客户端生成；同一 uuid 再次提交返回已存记录"))
    household = _id_field()
    cadre = _id_field(required=False, help_text=_("走访干部；默认为本人"))
    visited_on = serializers.DateField(required=False, help_text=_("默认今天"))
    kind = serializers.ChoiceField(choices=Visit.Kind.choices, default=Visit.Kind.HOME)
    content = serializers.CharField(max_length=5000, allow_blank=True, default="")
    backdate_reason = serializers.CharField(max_length=200, allow_blank=True, default="")


class CheckInInputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text=_("客户端生成；同一 uuid 再次提交返回已存记录"))
    village = _code_field(required=False, help_text=_("默认为本人驻村的嘎查村"))
    day = serializers.DateField(required=False, help_text=_("默认今天"))
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    lon = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
    )
    note = serializers.CharField(max_length=200, allow_blank=True, default="")
    backdate_reason = serializers.CharField(max_length=200, allow_blank=True, default="")

    def to_internal_value(self, data):
        # A phone's position has more decimals than the column keeps: round, do not refuse.
        if isinstance(data, dict):  # a body that is no object is refused by the parent
            data = data.copy()
            for name in ("lat", "lon"):
                value = data.get(name)
                if isinstance(value, float | int) and not isinstance(value, bool):
                    data[name] = round(float(value), 6)
        return super().to_internal_value(data)


class ConcernInputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text=_("客户端生成；同一 uuid 再次提交返回已存记录"))
    household = _id_field(required=False, help_text=_("贫困户（与 village 二选一）"))
    village = _code_field(required=False, help_text=_("嘎查村代码（与 household 二选一）"))
    text = serializers.CharField(max_length=2000)
    category = serializers.ChoiceField(
        choices=Concern.Category.choices, default=Concern.Category.OTHER
    )


class PhotoInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("JPEG 或 PNG"))
    record_uuid = serializers.UUIDField(help_text=_("已同步的走访或打卡的 uuid"))
    sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", help_text=_("上传文件内容的 SHA-256（十六进制）")
    )
