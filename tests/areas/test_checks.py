"""The system check refuses an area-keyed model that would not read through the scope."""

# ruff: noqa: DJ008  (throw-away models built to feed the check)

from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from fupin.areas.checks import check_model_scope, check_scoped_models
from fupin.areas.models import Area
from fupin.areas.scope import ScopedManager


class _Meta:
    app_label = "areas"


def _ids(model) -> list[str]:
    return [error.id for error in check_model_scope(model)]


def test_the_project_passes():
    assert check_scoped_models() == []


@isolate_apps("fupin.areas")
def test_area_foreign_key_without_scope_field_is_refused():
    class Plot(models.Model):
        Meta = _Meta
        village = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")

    errors = check_model_scope(Plot)
    assert [e.id for e in errors] == ["areas.E001", "areas.E002"]
    assert all(isinstance(e, checks.Error) for e in errors)


@isolate_apps("fupin.areas")
def test_scope_field_with_a_plain_manager_is_refused():
    class Plot(models.Model):
        Meta = _Meta
        scope_field = "village_id"
        village = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")

    assert _ids(Plot) == ["areas.E002"]


@isolate_apps("fupin.areas")
def test_area_code_column_declared_without_manager_is_refused():
    class Job(models.Model):
        Meta = _Meta
        scope_field = "scope_code"
        scope_code = models.CharField(max_length=12)

    assert _ids(Job) == ["areas.E002"]


@isolate_apps("fupin.areas")
def test_one_to_one_area_key_counts():
    class Period(models.Model):
        Meta = _Meta
        area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+")

    assert _ids(Period) == ["areas.E001", "areas.E002"]


@isolate_apps("fupin.areas")
def test_scoped_exempt_and_unkeyed_models_pass():
    class Plot(models.Model):
        Meta = _Meta
        scope_field = "village_id"
        village = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
        objects = ScopedManager()

    class Grant(models.Model):
        Meta = _Meta
        scope_exempt = "defines the scope"
        area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")

    class Rule(models.Model):
        Meta = _Meta
        name = models.CharField(max_length=10)

    assert _ids(Plot) == _ids(Grant) == _ids(Rule) == []
