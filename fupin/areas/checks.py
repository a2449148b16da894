"""System check: every area-keyed model reads through the scope (see :mod:`fupin.areas.scope`).

A model is area-keyed when it is :class:`~fupin.areas.models.Area` itself, has a foreign key
to it, or declares ``scope_field``. Such a model must name its code column in
``scope_field`` and have a default manager with ``accessible_to``; otherwise a new model
could be listed without the scope, and start-up is refused.

A model whose area foreign key does not decide who may see the row (a user's role
assignments, which define the scope) says so with ``scope_exempt = "<reason>"``. The history
tables of django-simple-history are exempt: their rows are read only through a record's
``history``, after the record itself was reached through the scope.
"""

from __future__ import annotations

from django.apps import apps
from django.core import checks
from simple_history.models import HistoricalChanges


def is_area_keyed(model) -> bool:
    area = apps.get_model("areas", "Area")
    if model is area or getattr(model, "scope_field", None):
        return True
    return any(
        field.concrete and (field.many_to_one or field.one_to_one) and field.related_model is area
        for field in model._meta.get_fields()
    )


def check_model_scope(model) -> list[checks.CheckMessage]:
    """Return the errors of one model (empty when it is scoped, exempt or not area-keyed)."""
    if getattr(model, "scope_exempt", None) or issubclass(model, HistoricalChanges):
        return []
    if not is_area_keyed(model):
        return []
    errors = []
    if not getattr(model, "scope_field", None):
        errors.append(
            checks.Error(
                f"{model._meta.label} is keyed by area but declares no scope_field.",
                hint="Name the column that holds the area code in scope_field "
                "and use ScopedManager (fupin.areas.scope).",
                obj=model,
                id="areas.E001",
            )
        )
    if not hasattr(model._default_manager, "accessible_to"):
        errors.append(
            checks.Error(
                f"{model._meta.label}'s default manager has no accessible_to().",
                hint="Set objects = ScopedManager() (fupin.areas.scope) as the first manager.",
                obj=model,
                id="areas.E002",
            )
        )
    return errors


def check_scoped_models(app_configs=None, **kwargs):
    configs = app_configs or apps.get_app_configs()
    errors = []
    for config in configs:
        for model in config.get_models():
            errors.extend(check_model_scope(model))
    return errors
