"""Serializers of the registry API (read-only): households, members, yearly income and status.

Each coded field is given as its stored value and, beside it, its Chinese label
(``<field>_label``), the exact label the national system uses (:mod:`fupin.registry.codes`).
Money is a decimal string, never a float.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import codes
from .models import Household, IncomeRecord, Member, StatusRecord


class CauseSerializer(serializers.Serializer):
    """One of the other poverty causes: its code and its label."""

    # A plain string in the schema: an enum here would be a second name for MainCauseEnum,
    # which drf-spectacular warns about (the settings carry no ENUM_NAME_OVERRIDES).
    value = serializers.CharField(help_text=_("致贫原因代码，取值同 main_cause"))
    label = serializers.CharField()

    def to_representation(self, instance):
        return {"value": instance, "label": str(codes.Cause(instance).label)}


class HouseholdListSerializer(serializers.ModelSerializer):
    """A household in a list: no members, no yearly facts (one query per page)."""

    village_code = serializers.CharField(source="village_id", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    attribute_label = serializers.CharField(read_only=True)
    main_cause_label = serializers.CharField(source="get_main_cause_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "village_code",
            "village_name",
            "head_name",
            "members_count",
            "attribute",
            "attribute_label",
            "main_cause",
            "main_cause_label",
            "status",
            "status_label",
            "identified_year",
            "exit_year",
            "planned_exit_year",
        ]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    sex_label = serializers.CharField(source="get_sex_display", read_only=True)
    relation_label = serializers.CharField(source="get_relation_display", read_only=True)
    ethnicity_label = serializers.CharField(source="get_ethnicity_display", read_only=True)
    education_label = serializers.CharField(source="get_education_display", read_only=True)
    school_status_label = serializers.CharField(source="get_school_status_display", read_only=True)
    health_label = serializers.CharField(source="get_health_display", read_only=True)
    labour_label = serializers.CharField(source="get_labour_display", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "id_number",
            "name",
            "sex",
            "sex_label",
            "birth_date",
            "relation",
            "relation_label",
            "ethnicity",
            "ethnicity_label",
            "education",
            "education_label",
            "school_status",
            "school_status_label",
            "health",
            "health_label",
            "labour",
            "labour_label",
            "migrant_months",
            "medical_insurance",
            "pension",
            "phone",
        ]
        read_only_fields = fields


class IncomeSerializer(serializers.ModelSerializer):
    total_income = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text=_("总收入（元）")
    )
    net_income = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        help_text=_("纯收入 = 总收入 − 生产经营性支出"),
    )
    net_income_per_capita = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("人均纯收入（元）= 纯收入 ÷ 当年家庭人口"),
    )

    class Meta:
        model = IncomeRecord
        fields = [
            "year",
            "wage_income",
            "business_income",
            "property_income",
            "transfer_income",
            "business_costs",
            "members_count",
            "total_income",
            "net_income",
            "net_income_per_capita",
        ]
        read_only_fields = fields


class StatusSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    attribute_label = serializers.SerializerMethodField()

    class Meta:
        model = StatusRecord
        fields = ["year", "status", "status_label", "attribute", "attribute_label", "members_count"]
        read_only_fields = fields

    def get_attribute_label(self, record: StatusRecord) -> str:
        return str(codes.attribute_label(record.attribute, record.status))


class HouseholdDetailSerializer(HouseholdListSerializer):
    """A household with its members, its income per year and its status per year."""

    other_causes = CauseSerializer(many=True, read_only=True)
    standard_label = serializers.CharField(source="get_standard_display", read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    incomes = IncomeSerializer(many=True, read_only=True)
    statuses = StatusSerializer(many=True, read_only=True)

    class Meta(HouseholdListSerializer.Meta):
        fields = [
            *HouseholdListSerializer.Meta.fields,
            "other_causes",
            "dangerous_housing",
            "safe_water",
            "has_electricity",
            "farmland_mu",
            "house_area",
            "road_km",
            "phone",
            "standard",
            "standard_label",
            "created_at",
            "updated_at",
            "members",
            "incomes",
            "statuses",
        ]
        read_only_fields = fields
