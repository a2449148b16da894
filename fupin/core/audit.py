"""The audit log of sensitive reads and exports (writes have their own history)."""

from .models import AuditEvent

HOUSEHOLD_VIEWED = "household.viewed"
REGISTRY_EXPORTED = "registry.exported"


def audit(user, action: str, target: str = "", **detail) -> None:
    """Append one event; never updated or deleted by the application."""
    AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        target=str(target)[:100],
        detail=detail,
    )
