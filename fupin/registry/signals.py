"""Keep the rollups current after single saves (bulk paths call rollups.refresh themselves)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import rollups
from .models import Household, StatusRecord


@receiver([post_save, post_delete], sender=StatusRecord)
def status_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        rollups.refresh([instance.village_id])


@receiver(post_save, sender=Household)
def household_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # identified_year decides "identified in the year"; other fields do not touch the facts.
    if raw or (update_fields is not None and "identified_year" not in update_fields):
        return
    if instance.statuses.exists():
        rollups.refresh([instance.village_id])


@receiver(post_delete, sender=Household)
def household_deleted(sender, instance, **kwargs):
    rollups.refresh([instance.village_id])
