"""Reads of the review round, all through the scoped managers: a county office or league HQ
reads its counties' rounds; a township officer or village team reads only the items of its
own area, and the rounds those items belong to."""

from __future__ import annotations

from django.db.models import QuerySet

from fupin.areas.scope import narrowed_to_own_households
from fupin.registry.models import Household

from .models import ReviewItem, ReviewPublication, ReviewRound


def county_rounds(user) -> QuerySet[ReviewRound]:
    """The rounds of the counties in the user's scope (their figures, close, publish)."""
    return ReviewRound.objects.accessible_to(user).select_related("county")


def rounds(user) -> QuerySet[ReviewRound]:
    """The rounds the user sees: its counties' own, and those with items in its area."""
    mine = ReviewItem.objects.accessible_to(user).values("review_round_id")
    return (
        (ReviewRound.objects.accessible_to(user) | ReviewRound.objects.filter(pk__in=mine))
        .select_related("county")
        .order_by("-year", "county_id", "-pk")
    )


def items(user, review_round: ReviewRound | None = None) -> QuerySet[ReviewItem]:
    found = ReviewItem.objects.accessible_to(user).select_related(
        "review_round", "household", "village"
    )
    if review_round is not None:
        found = found.filter(review_round=review_round)
    if narrowed_to_own_households(user):
        # A pairing cadre reads its own households only, as everywhere (fupin.areas.scope).
        found = found.filter(household__in=Household.objects.accessible_to(user).values("pk"))
    return found


def publications(user, review_round: ReviewRound) -> QuerySet[ReviewPublication]:
    return all_publications(user).filter(review_round=review_round)


def all_publications(user) -> QuerySet[ReviewPublication]:
    return ReviewPublication.objects.accessible_to(user).order_by("review_round", "-version")


def item_flags(user, item: ReviewItem):
    """The household's flags (every status), read through fupin.quality's scoped query."""
    from fupin.quality import queries as quality_queries

    if item.household_id is None:
        return []
    return list(
        quality_queries.flags(user, item.village_id, status="")
        .filter(household_id=item.household_id)
        .order_by("pk")
    )
