"""Who may import registry files: ``IMPORT_REGISTRY`` over the area (the system, ``None``,
always may: the command line without a user)."""

from __future__ import annotations

from fupin.accounts.actions import IMPORT_REGISTRY
from fupin.accounts.models import User


def can_import_anywhere(actor: User | None) -> bool:
    """Tell whether the actor may import registry files into some area."""
    return actor is None or (actor.is_authenticated and actor.has_role_anywhere(IMPORT_REGISTRY))


def can_import(actor: User | None, code: str) -> bool:
    """Tell whether the actor may import the registry rows of the area ``code``."""
    return actor is None or actor.has_role_at(IMPORT_REGISTRY, code)
