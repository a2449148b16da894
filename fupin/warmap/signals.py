"""Household fields the war map counts but the registry's rollups skip (cause, exit plan)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from fupin.registry.models import Household

from . import rollups

WATCHED = {"main_cause", "planned_exit_year", "exit_year", "status", "members_count", "village"}


@receiver(post_save, sender=Household)
def household_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # A full save already refreshed through the registry's hook; only narrow saves reach here.
    if raw or update_fields is None or "identified_year" in update_fields:
        return
    if WATCHED & set(update_fields):
        rollups.refresh([instance.village_id])
