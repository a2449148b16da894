"""The round's figures, counted from its items (never typed in): per village, per township and
for the county — items, visited, removed, added, corrected, confirmed, share visited."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from fupin.areas.models import Area

from .models import ReviewItem, ReviewRound

KEYS = ("items", "visited", "removed", "added", "corrected", "confirmed")
Outcome = ReviewItem.Outcome


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _row(values: dict) -> dict:
    row = {k: int(values.get(k) or 0) for k in KEYS}
    row["visited_share"] = _share(row["visited"], row["items"])
    return row


def by_village(items: QuerySet[ReviewItem]) -> dict[str, dict]:
    """``{village code: figures}`` of the items (one grouped query)."""
    rows = (
        items.order_by()
        .values("village_id")
        .annotate(
            items=Count("pk"),
            visited=Count("pk", filter=~Q(outcome=Outcome.PENDING)),
            removed=Count("pk", filter=Q(outcome=Outcome.REMOVED)),
            added=Count("pk", filter=Q(outcome=Outcome.ADDED)),
            corrected=Count("pk", filter=Q(outcome=Outcome.CORRECTED)),
            confirmed=Count("pk", filter=Q(outcome=Outcome.CONFIRMED)),
        )
    )
    return {r["village_id"]: _row(r) for r in rows}


def _sum(rows) -> dict:
    total = {k: 0 for k in KEYS}
    for row in rows:
        for k in KEYS:
            total[k] += row[k]
    return _row(total)


def content(review_round: ReviewRound, items: QuerySet[ReviewItem]) -> dict:
    """Everything the round's page, xlsx and PDF show, as JSON: the figures per township (with
    its villages) and for the county. Stored as is when the round is published."""
    villages = by_village(items)
    codes = set(villages) | {code[:9] for code in villages}
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    townships: dict[str, list] = {}
    for code in sorted(villages):
        townships.setdefault(code[:9], []).append(
            {"code": code, "name": names.get(code, code), **villages[code]}
        )
    rows = []
    for code, members in townships.items():
        rows.append(
            {"code": code, "name": names.get(code, code), **_sum(members), "villages": members}
        )
    return {
        "round": {
            "pk": review_round.pk,
            "name": review_round.name,
            "year": review_round.year,
            "county": review_round.county_id,
            "county_name": review_round.county.name,
            "starts_on": review_round.starts_on.isoformat(),
            "ends_on": review_round.ends_on.isoformat(),
            "closed_on": review_round.closed_on.isoformat() if review_round.closed_on else None,
            "sample_rate": str(review_round.sample_rate),
        },
        "total": _sum(villages.values()),
        "townships": rows,
    }
