"""Typed figures: the selectors return frozen dataclasses, the API serializes them as they are.

A field declared ``field(metadata=serialized(...))`` carries the description (and any other
serializer option) that ``rest_framework_dataclasses.serializers.DataclassSerializer`` gives
its API field, so the OpenAPI schema describes each figure from the structure the selector
returns, not from a second declaration of the same keys.
"""

from __future__ import annotations

from typing import Any


def serialized(help_text: Any = None, **serializer_kwargs: Any) -> dict[str, Any]:
    """The metadata of a dataclass field: its API field's description and options."""
    return {"serializer_kwargs": {"help_text": help_text, **serializer_kwargs}}
