"""The demo's 回头看 review round: one round of 扎赉特旗 (152223) for 2016, closed and
published (docs/data-quality.md, "回头看 review round").

Its items are drawn as a county office's opening draws them (the households with an open flag
and a 5 % sample of the others, two INSERT … SELECT), its outcomes from the seeded generator:
a flag for a death → corrected, another flag → mostly removed, some confirmed (a confirmed
flag → removed or corrected, a dismissed one → confirmed, where the flag is already resolved);
a sampled household → mostly confirmed, a few corrected, a couple left unvisited; and two
missed households found. The outcomes are written in bulk, a few UPDATEs, and touch neither
the flags nor the cases: the demo's flags stay open for the flags page. The figures come from
the items, published as a report is (content and xlsx; the PDF laid out on download).
"""

from __future__ import annotations

import dataclasses
import datetime
import random

from django.utils import timezone

from fupin.accounts.models import User
from fupin.core.idnumber import make_id_number
from fupin.quality.models import Flag
from fupin.registry.models import Member
from fupin.review import services
from fupin.review.models import ReviewItem, ReviewPublication, ReviewRound

COUNTY = "152223"
YEAR = 2016
STARTS = datetime.date(2016, 3, 1)
ENDS = datetime.date(2016, 6, 30)
CLOSED = datetime.date(2016, 7, 15)
PUBLISHED = datetime.datetime(2016, 7, 20, 10, 0)
FOUND_NAMES = ("包金山", "白乌云")


@dataclasses.dataclass
class ReviewResult:
    items: int = 0
    flagged: int = 0
    sampled: int = 0


def demo_review_reset() -> None:
    for qs in (
        ReviewPublication._base_manager.all(),
        ReviewItem.history.model._base_manager.all(),
        ReviewItem._base_manager.all(),
        ReviewRound.history.model._base_manager.all(),
        ReviewRound._base_manager.all(),
    ):
        qs._raw_delete(qs.db)


def _outcome(rng: random.Random, reason: str, flag: tuple[str, str] | None) -> str:
    o = ReviewItem.Outcome
    if flag is not None:
        rule, status = flag
        if status == Flag.Status.CONFIRMED:
            return o.REMOVED if rng.random() < 0.7 else o.CORRECTED
        if status == Flag.Status.DISMISSED or rule == "duplicate":
            return o.CONFIRMED
        if rule == "death":
            return o.CORRECTED
        return o.REMOVED if rng.random() < 0.7 else o.CONFIRMED
    draw = rng.random()
    if draw < 0.02:
        return o.PENDING
    return o.CORRECTED if draw < 0.1 else o.CONFIRMED


def demo_review(*, seed: int, progress=None) -> ReviewResult:
    """Write the round, its items, their outcomes and its publication."""
    rng = random.Random(f"{seed}-review")
    county_office = User.objects.filter(username=f"county_office-{COUNTY}").first()
    review_round = ReviewRound.objects.create(
        county_id=COUNTY,
        year=YEAR,
        name="2016年建档立卡“回头看”",
        starts_on=STARTS,
        ends_on=ENDS,
        sample_rate=5,
        seed=services.default_seed(COUNTY, YEAR),
        opened_by=county_office,
    )
    households = services.Household.objects.within(COUNTY)
    flagged = services._insert_items(
        review_round,
        households.filter(pk__in=services.flagged(COUNTY)),
        ReviewItem.Reason.FLAG,
    )
    sampled = services._insert_items(
        review_round, services.sampled(review_round), ReviewItem.Reason.SAMPLE
    )
    # A household's flag that speaks for it: the first by key, of those of the county.
    flags: dict[int, tuple[str, str]] = {}
    for household, rule, status in (
        Flag.objects.within(COUNTY)
        .order_by("pk")
        .values_list("household_id", "rule_code", "status")
    ):
        flags.setdefault(household, (rule, status))
    groups: dict[tuple[str, datetime.date], list[int]] = {}
    span = (ENDS - STARTS).days
    for pk, reason, household in (
        ReviewItem.objects.filter(review_round=review_round)
        .order_by("pk")
        .values_list("pk", "reason", "household_id")
    ):
        outcome = _outcome(rng, reason, flags.get(household))
        day = STARTS + datetime.timedelta(days=rng.randrange(span)) if outcome else None
        groups.setdefault((outcome, day), []).append(pk)
    notes = {
        ReviewItem.Outcome.REMOVED: "入户核查：不符合建档立卡标准，予以剔除",
        ReviewItem.Outcome.CORRECTED: "入户核查：家庭成员信息已更正",
        ReviewItem.Outcome.CONFIRMED: "入户核查：信息无误",
    }
    for (outcome, day), pks in groups.items():
        if outcome:
            ReviewItem.objects.filter(pk__in=pks).update(
                outcome=outcome, outcome_on=day, note=notes[outcome]
            )
    villages = list(
        ReviewItem.objects.filter(review_round=review_round)
        .order_by("village_id")
        .values_list("village_id", flat=True)
        .distinct()
    )
    found = []
    registered = set(Member.objects.within(COUNTY).values_list("id_number", flat=True))
    for position, name in enumerate(FOUND_NAMES):
        village = villages[rng.randrange(len(villages))] if villages else None
        if village is None:
            break
        birth = datetime.date(1958 + 11 * position, 3 + position, 12)
        number = make_id_number(COUNTY, birth, 400 + position, "M" if position == 0 else "F")
        if number in registered:
            continue
        found.append(
            ReviewItem(
                review_round=review_round,
                village_id=village,
                reason=ReviewItem.Reason.FOUND,
                outcome=ReviewItem.Outcome.ADDED,
                outcome_on=STARTS + datetime.timedelta(days=rng.randrange(span)),
                note="入户核查中发现的漏评户，待旗县组织识别申请",
                found_name=name,
                found_id_number=number,
            )
        )
    ReviewItem.objects.bulk_create(found)
    ReviewRound.objects.filter(pk=review_round.pk).update(closed_on=CLOSED, closed_by=county_office)
    review_round.refresh_from_db()
    services.publish_frozen(
        review_round,
        actor=county_office,
        now=timezone.make_aware(PUBLISHED),
        pdf=False,
    )
    result = ReviewResult(items=flagged + sampled + len(found), flagged=flagged, sampled=sampled)
    if progress:
        progress(
            f"回头看：{result.items} 个核查对象（疑点户 {flagged}，抽查 {sampled}，补录 {len(found)}）"
        )
    return result
