"""Filters for the histories the pages show: who acted (with the unit) and a state's label."""

from django import template

from fupin.accounts.actors import actor_label, choice_label

register = template.Library()


@register.filter
def actor(user) -> str:
    """``{{ event.user|actor }}``: 姓名（角色 · 区划）, or 系统."""
    return actor_label(user)


@register.filter
def label_of(value, field_path: str) -> str:
    """``{{ event.to_state|label_of:"fieldwork.Concern.state" }}``: the state's label."""
    return choice_label(value, field_path)
