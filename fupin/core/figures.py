"""Typed figures: the selectors return frozen dataclasses, the API serializes them as they are.

A field declared ``field(metadata=serialized(...))`` carries the description (and any other
serializer option) that ``rest_framework_dataclasses.serializers.DataclassSerializer`` gives
its API field, so the OpenAPI schema describes each figure from the structure the selector
returns, not from a second declaration of the same keys.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, TypeVar

from django.utils.functional import cached_property
from rest_framework_dataclasses.field_utils import get_dataclass_definition
from rest_framework_dataclasses.serializers import DataclassSerializer

T = TypeVar("T")

# A dataclass's resolved annotations and its serializer's definition never change while the
# process runs; resolving them again for every object of every answer (the string annotations
# compiled each time) was most of the war map API's serializing (bench/README.md).
_type_hints = functools.cache(typing.get_type_hints)
_definition = functools.cache(get_dataclass_definition)

# A field whose metadata holds this key is left out of the JSON when its value is None: the
# figures a structure has only sometimes (see :class:`FigureSerializer`).
OMIT_NONE = "omit_none"


def serialized(help_text: Any = None, **serializer_kwargs: Any) -> dict[str, Any]:
    """The metadata of a dataclass field: its API field's description and options."""
    return {"serializer_kwargs": {"help_text": help_text, **serializer_kwargs}}


def sometimes(help_text: Any = None, **serializer_kwargs: Any) -> dict[str, Any]:
    """:func:`serialized` of a field left out of the JSON when None (give it default None)."""
    return {**serialized(help_text, **serializer_kwargs), OMIT_NONE: True}


def _typed_value(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        kinds = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return _typed_value(kinds[0], value) if len(kinds) == 1 else value
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_typed_value(item, v) for v in value]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return typed(tp, value)
    return value


def typed(cls: type[T], data: dict) -> T:
    """``data`` (nested dicts and lists, as a page reads them) as the dataclass ``cls``;
    absent keys take their defaults, keys ``cls`` does not declare are dropped."""
    hints = _type_hints(cls)
    return cls(
        **{
            f.name: _typed_value(hints[f.name], data[f.name])
            for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            if f.name in data
        }
    )


# Nested dataclasses get this class too, so a field of :func:`sometimes` is left out at any
# depth. A comment, not a docstring: the schema would describe every object with it.
class FigureSerializer(DataclassSerializer):
    @property
    def serializer_dataclass_field(self):
        return FigureSerializer

    @cached_property
    def dataclass_definition(self):
        return _definition(self.dataclass or self.Meta.dataclass)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for item in dataclasses.fields(instance):
            if item.metadata.get(OMIT_NONE) and getattr(instance, item.name) is None:
                del data[item.name]
        return data
