"""Who acted, as a history shows it: the person's name and the unit they acted for.

A record keeps its user; the unit is the user's role and the area it is held over (the first
assignment, by role and area), so "郑亚辉（第一书记/驻村工作队/嘎查村两委 · 长发村委会）".
A record without a user was written by the system (an import, the demo, a migration).
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext


def unit_of(user) -> str:
    """The user's unit: role label and area name of the first assignment, or ""."""
    if user is None:
        return ""
    cached = getattr(user, "_fupin_unit", None)
    if cached is None:
        first = user.role_assignments.select_related("area").order_by("role", "area_id").first()
        cached = f"{first.get_role_display()} · {first.area.name}" if first else ""
        if not cached and user.is_superuser:
            cached = gettext("系统管理员")
        user._fupin_unit = cached
    return cached


def actor_label(user) -> str:
    """The person and unit who acted, or 系统 for a record the system wrote."""
    if user is None:
        return gettext("系统")
    unit = unit_of(user)
    name = str(user)
    if not unit or unit in name:
        return name
    return gettext("%(name)s（%(unit)s）") % {"name": name, "unit": unit}


def choice_label(value, field_path: str) -> str:
    """The display label of a stored choice, by ``app_label.Model.field``; the value itself
    when the field has no such choice (a state a later version no longer names)."""
    if value in (None, ""):
        return ""
    app_label, model_name, field_name = field_path.split(".")
    field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    return str(dict(field.flatchoices).get(value, value))
