"""Who may import pairings (结对帮扶批量导入): a registry importer (``IMPORT_REGISTRY``) over an
area in scope."""

from __future__ import annotations

from fupin.accounts.actions import IMPORT_REGISTRY
from fupin.areas.scope import user_can_see_code


def can_import(actor, code: str) -> bool:
    """Tell whether the actor may import the pairings of the area ``code``."""
    return user_can_see_code(actor, code) and actor.has_role_at(IMPORT_REGISTRY, code)
