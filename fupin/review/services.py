"""Writes of the 回头看 review round: open, record an outcome, add a found household, close,
publish (docs/data-quality.md, "回头看 review round").

Every write: keyword-only arguments, one transaction, the actor's role checked at the record's
area (fupin.accounts.actions), a history row where the record keeps history, and one audit
event. A flagged household's outcome resolves its open flags through fupin.quality's own
services, and a removal opens the exit case through the identification workflow, in the same
transaction.
"""

from __future__ import annotations

import datetime
import zlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, IntegerField, Max, Q, QuerySet, Value
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, allowed
from fupin.accounts.models import Role
from fupin.areas.models import Area, Level
from fupin.areas.scope import user_can_see_code
from fupin.core import clock
from fupin.core.audit import audit, save_with_reason
from fupin.core.clock import as_of
from fupin.registry import codes, rules
from fupin.registry.models import Household

from .models import ReviewItem, ReviewPublication, ReviewRound

ROUND_OPENED = "review.round_opened"
ROUND_CLOSED = "review.round_closed"
ROUND_PUBLISHED = "review.round_published"
OUTCOME_RECORDED = "review.outcome_recorded"
HOUSEHOLD_FOUND = "review.household_found"

MSG_SCOPE = _("旗县“%(code)s”不在您的管辖范围内，或您无权组织回头看")
MSG_COUNTY = _("旗县：请选择一个旗县")
MSG_NAME = _("名称：不能为空，最长100个字符")
MSG_YEAR = _("年度：应为2014至%(last)d之间的年份")
MSG_DATES = _("结束日期：不能早于开始日期")
MSG_DATE_MISSING = _("%(field)s：请填写日期（年-月-日）")
MSG_RATE = _("抽查比例：应为0至100之间的数（百分比）")
MSG_CLOSED = _("该回头看已结束，不能再录入核查结果")
MSG_ALREADY_CLOSED = _("该回头看已经结束")
MSG_NOT_CLOSED = _("回头看结束后才能发布结果")
MSG_OUTCOME = _("核查结果：请选择剔除、信息更正或核实无误")
MSG_OUTCOME_DONE = _("核查结果：该户已录入核查结果（%(outcome)s）")
MSG_OUTCOME_DATE = _("核查日期：不能早于回头看开始日期，也不能晚于今天")
MSG_CORRECTED_NOTE = _("核查说明：信息更正须说明更正了什么，或填写更正记录链接")
MSG_EVIDENCE = _("核实佐证：该户有待核实疑点，认定疑点不属实须上传佐证")
MSG_NEEDS_TEAM = _("核查结果：该户有待核实疑点或须开具退出案件，须由驻村工作队录入")
MSG_NOT_ALLOWED = _("您无权录入该嘎查村的核查结果")
MSG_FOUND_NAME = _("户主姓名：不能为空，最长50个字符")
MSG_FOUND_VILLAGE = _("嘎查村：不属于本次回头看的旗县，或不在您的管辖范围内")
MSG_FOUND_REGISTERED = _("证件号码：%(id)s 已在建档立卡名录中（户编号 %(number)s）")
MSG_FOUND_TWICE = _("证件号码：%(id)s 已在本次回头看中补录")

# The sample's hash: (household id × a large odd multiplier + the seed's offset) modulo a prime,
# read as a fraction of the prime. Plain integer arithmetic, so SQLite and PostgreSQL draw the
# same households, and a test can redraw them in Python.
_MULTIPLIER = 2654435761
_PRIME = 1000003


def sample_bucket(household_id: int, seed: int) -> int:
    return (household_id * _MULTIPLIER + seed * 7919) % _PRIME


def sample_threshold(rate: Decimal) -> int:
    return int(Decimal(_PRIME) * rate / 100)


def default_seed(county: str, year: int) -> int:
    return zlib.crc32(f"{county}-{year}".encode())


DATE_LABELS = {"starts_on": _("开始日期"), "ends_on": _("结束日期")}


def _date(value, field: str, problems: dict) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        problems[field] = [MSG_DATE_MISSING % {"field": DATE_LABELS[field]}]
        return None


def flagged(county: str) -> QuerySet:
    """The ids of the households of ``county`` with an open flag (fupin.quality)."""
    from fupin.quality.models import Flag

    return (
        Flag.objects.within(county)
        .filter(status=Flag.Status.OPEN)
        .values("household_id")
        .distinct()
    )


def sampled(review_round: ReviewRound) -> QuerySet[Household]:
    """The round's sample: the county's households with no open flag whose hash falls under
    the rate."""
    threshold = sample_threshold(review_round.sample_rate)
    return (
        Household.objects.within(review_round.county_id)
        .exclude(pk__in=flagged(review_round.county_id))
        .annotate(
            bucket=Mod(
                F("id") * Value(_MULTIPLIER) + Value(review_round.seed * 7919),
                Value(_PRIME),
                output_field=IntegerField(),
            )
        )
        .filter(bucket__lt=threshold)
    )


def _insert_items(review_round: ReviewRound, households: QuerySet, reason: str) -> int:
    """INSERT … SELECT the households as items of the round: one statement, whatever the
    county's size."""
    rows = households.annotate(
        c_round=Value(review_round.pk, output_field=IntegerField()),
        c_village=F("village_id"),
        c_household=F("id"),
        c_reason=Value(reason),
        c_blank=Value(""),
    ).values_list("c_round", "c_village", "c_household", "c_reason", "c_blank")
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ("review_round_id", "village_id", "household_id", "reason", "outcome")
    blanks = ("note", "correction_link", "found_name", "found_id_number")
    picked = ("c_round", "c_village", "c_household", "c_reason", "c_blank") + ("c_blank",) * 4
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(ReviewItem._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns + blanks)}) "
            f"SELECT {', '.join('s.' + quote(c) for c in picked)} FROM ({select}) s",
            params,
        )
        return cursor.rowcount


@transaction.atomic
def round_open(
    *,
    actor,
    county: str,
    year,
    name: str,
    starts_on,
    ends_on,
    sample_rate,
    seed: int | None = None,
) -> ReviewRound:
    """Open a review round for ``county`` and ``year``: every household of the county with an
    open flag and the sample of the others become its items (two INSERT … SELECT)."""
    county = (county or "").strip()
    area = Area.objects.filter(code=county, level=Level.COUNTY).first()
    if area is None:
        raise ValidationError({"county": [MSG_COUNTY]})
    if not user_can_see_code(actor, county) or not allowed(actor, Action.REVIEW_MANAGE, county):
        raise PermissionDenied(MSG_SCOPE % {"code": county})
    problems: dict[str, list] = {}
    name = (name or "").strip()
    if not name or len(name) > 100:
        problems["name"] = [MSG_NAME]
    last = as_of().year
    try:
        year = int(year)
        if not 2014 <= year <= last:
            raise ValueError
    except (TypeError, ValueError):
        problems["year"] = [MSG_YEAR % {"last": last}]
    starts = _date(starts_on, "starts_on", problems)
    ends = _date(ends_on, "ends_on", problems)
    if starts and ends and ends < starts:
        problems["ends_on"] = [MSG_DATES]
    try:
        rate = Decimal(str(sample_rate).strip().rstrip("%"))
        if not 0 <= rate <= 100:
            raise InvalidOperation
        rate = rate.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        problems["sample_rate"] = [MSG_RATE]
    if problems:
        raise ValidationError(problems)
    assert starts is not None and ends is not None
    review_round = ReviewRound(
        county=area,
        year=year,
        name=name,
        starts_on=starts,
        ends_on=ends,
        sample_rate=rate,
        seed=default_seed(county, year) if seed is None else seed,
        opened_by=actor,
    )
    save_with_reason(review_round, actor=actor, reason="发起回头看")  # history reason: stored data
    households = Household.objects.within(county)
    flags = _insert_items(
        review_round, households.filter(pk__in=flagged(county)), ReviewItem.Reason.FLAG
    )
    sample = _insert_items(review_round, sampled(review_round), ReviewItem.Reason.SAMPLE)
    audit(
        actor,
        ROUND_OPENED,
        review_round.pk,
        county=county,
        year=year,
        rate=str(rate),
        flagged=flags,
        sampled=sample,
    )
    return review_round


def _lock_open(review_round: ReviewRound) -> ReviewRound:
    found = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not found.is_open:
        raise ValidationError(MSG_CLOSED)
    return found


def _outcome_date(value, review_round: ReviewRound) -> datetime.date:
    today = as_of()
    if value in (None, ""):
        return today
    problems: dict = {}
    day = value if isinstance(value, datetime.date) else None
    if day is None:
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            problems["outcome_on"] = [MSG_OUTCOME_DATE]
    if day is not None and not review_round.starts_on <= day <= today:
        problems["outcome_on"] = [MSG_OUTCOME_DATE]
    if problems:
        raise ValidationError(problems)
    assert day is not None
    return day


def _check_recorder(actor, village: str) -> None:
    if not user_can_see_code(actor, village) or not allowed(actor, Action.REVIEW_OUTCOME, village):
        raise PermissionDenied(MSG_NOT_ALLOWED)


def _exit_case(actor, household: Household, reason: str):
    """The household's open exit case of the year, filed (identification workflow) if none."""
    from fupin.identification import services as case_services
    from fupin.identification.models import Case

    year = as_of().year
    case = Case.objects.filter(
        household_id=household.pk, kind=Case.Kind.EXIT, year=year, outcome=Case.Outcome.OPEN
    ).first()
    if case is None:
        case = case_services.case_create(
            actor=actor,
            kind=Case.Kind.EXIT,
            village=household.village_id,
            year=year,
            applicant_name=household.head_name,
            household=household,
            reason=reason,
        )
    return case


@transaction.atomic
def item_outcome(
    *,
    actor,
    item: ReviewItem,
    outcome: str,
    outcome_on=None,
    note: str = "",
    correction_link: str = "",
    evidence=None,
) -> ReviewItem:
    """Record the visit's outcome of one item, and resolve the household's open flags.

    * ``removed`` (剔除) — every open flag is confirmed (fupin.quality.services.flag_confirm:
      a death closes the member, any other rule files the exit case); a household still poor
      then has its exit case filed if no flag filed it;
    * ``corrected`` (信息更正) — a death flag is confirmed (closing the member is the
      correction), the other flags are dismissed with the note and the evidence;
    * ``confirmed`` (核实无误) — every open flag is dismissed with the note and the evidence.
    """
    from fupin.quality import services as quality_services
    from fupin.quality.models import Flag

    item = (
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("household")
        .get(pk=item.pk)
    )
    _check_recorder(actor, item.village_id)
    review_round = _lock_open(item.review_round)
    problems: dict[str, list] = {}
    choices = (
        ReviewItem.Outcome.REMOVED,
        ReviewItem.Outcome.CORRECTED,
        ReviewItem.Outcome.CONFIRMED,
    )
    if item.outcome:
        raise ValidationError(
            {"outcome": [MSG_OUTCOME_DONE % {"outcome": item.get_outcome_display()}]}
        )
    household = item.household
    if outcome not in choices or household is None:
        raise ValidationError({"outcome": [MSG_OUTCOME]})
    day = _outcome_date(outcome_on, review_round)
    note = (note or "").strip()
    correction_link = (correction_link or "").strip()[:200]
    if outcome == ReviewItem.Outcome.CORRECTED and not (note or correction_link):
        problems["note"] = [MSG_CORRECTED_NOTE]
    flags = list(
        Flag.objects.filter(
            household_id=household.pk, village_id=item.village_id, status=Flag.Status.OPEN
        ).order_by("pk")
    )
    dismissing = [
        f
        for f in flags
        if outcome == ReviewItem.Outcome.CONFIRMED
        or (outcome == ReviewItem.Outcome.CORRECTED and f.rule_code != "death")
    ]
    if dismissing and not evidence:
        problems["evidence"] = [MSG_EVIDENCE]
    if problems:
        raise ValidationError(problems)
    files_case = outcome == ReviewItem.Outcome.REMOVED and household.status in codes.POOR_STATUSES
    team = actor.has_role_at({Role.VILLAGE_TEAM}, item.village_id)
    if (flags or files_case) and not team:
        raise ValidationError({"outcome": [MSG_NEEDS_TEAM]})
    said = note or correction_link or str(ReviewItem.Outcome(outcome).label)
    for flag in flags:
        if flag in dismissing:
            quality_services.flag_dismiss(
                actor=actor, flag=flag, reason=f"回头看：{said}", evidence=evidence
            )
        else:
            confirmed = quality_services.flag_confirm(actor=actor, flag=flag, note=note)
            item.case_id = item.case_id or confirmed.case_id
    if files_case:
        household.refresh_from_db()
        if household.status in codes.POOR_STATUSES:
            item.case = _exit_case(actor, household, f"回头看剔除：{said}")
    item.outcome = outcome
    item.outcome_on = day
    item.outcome_by = actor
    item.note = note
    item.correction_link = correction_link
    save_with_reason(item, actor=actor, reason=f"回头看核查：{ReviewItem.Outcome(outcome).label}")
    audit(
        actor,
        OUTCOME_RECORDED,
        item.pk,
        round=review_round.pk,
        household=item.household_id,
        outcome=outcome,
        flags=[f.pk for f in flags],
        case=item.case_id,
    )
    return item


@transaction.atomic
def item_found(
    *,
    actor,
    review_round: ReviewRound,
    village: str,
    name: str,
    id_number: str,
    outcome_on=None,
    note: str = "",
) -> ReviewItem:
    """Record a missed household found during the round (新识别/补录): its head's name and ID
    number, its village. It is kept on the round for the county to act on: an identification
    case needs the household's own application (docs/data-quality.md)."""
    village = (village or "").strip()
    if not village.startswith(review_round.county_id) or len(village) != 12:
        if not allowed(actor, Action.REVIEW_OUTCOME):
            raise PermissionDenied(MSG_NOT_ALLOWED)
        raise ValidationError({"village": [MSG_FOUND_VILLAGE]})
    _check_recorder(actor, village)
    review_round = _lock_open(review_round)
    problems: dict[str, list] = {}
    name = (name or "").strip()
    if not name or len(name) > 50:
        problems["found_name"] = [MSG_FOUND_NAME]
    day = _outcome_date(outcome_on, review_round)
    info, id_problems = rules.check_id_number(id_number or "", today=day)
    if id_problems or info is None:
        problems["found_id_number"] = [str(p) for p in id_problems] or [MSG_FOUND_NAME]
    else:
        from fupin.registry.models import Member

        member = Member.objects.filter(id_number=info.number).select_related("household").first()
        if member is not None:
            problems["found_id_number"] = [
                MSG_FOUND_REGISTERED % {"id": info.number, "number": member.household.number}
            ]
        elif ReviewItem.objects.filter(
            review_round=review_round, found_id_number=info.number
        ).exists():
            problems["found_id_number"] = [MSG_FOUND_TWICE % {"id": info.number}]
    if problems:
        raise ValidationError(problems)
    assert info is not None
    if not Area.objects.filter(code=village, level=Level.VILLAGE).exists():
        raise ValidationError({"village": [MSG_FOUND_VILLAGE]})
    item = ReviewItem(
        review_round=review_round,
        village_id=village,
        reason=ReviewItem.Reason.FOUND,
        outcome=ReviewItem.Outcome.ADDED,
        outcome_on=day,
        outcome_by=actor,
        note=(note or "").strip(),
        found_name=name,
        found_id_number=info.number,
    )
    save_with_reason(item, actor=actor, reason="回头看补录")
    audit(actor, HOUSEHOLD_FOUND, item.pk, round=review_round.pk, village=village)
    return item


@transaction.atomic
def round_close(*, actor, review_round: ReviewRound) -> ReviewRound:
    """Close the round: it takes no more outcomes; its figures may then be published."""
    found = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not user_can_see_code(actor, found.county_id) or not allowed(
        actor, Action.REVIEW_MANAGE, found.county_id
    ):
        raise PermissionDenied(MSG_SCOPE % {"code": found.county_id})
    if not found.is_open:
        raise ValidationError(MSG_ALREADY_CLOSED)
    found.closed_on = as_of()
    found.closed_by = actor
    save_with_reason(found, actor=actor, reason="结束回头看")
    audit(actor, ROUND_CLOSED, found.pk, county=found.county_id)
    return found


@transaction.atomic
def round_publish(*, actor, review_round: ReviewRound) -> ReviewPublication:
    """Freeze the closed round's figures as a new version (content, xlsx, PDF); the version
    before is marked superseded."""
    found = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not user_can_see_code(actor, found.county_id) or not allowed(
        actor, Action.REVIEW_MANAGE, found.county_id
    ):
        raise PermissionDenied(MSG_SCOPE % {"code": found.county_id})
    if found.is_open:
        raise ValidationError(MSG_NOT_CLOSED)
    return publish_frozen(found, actor=actor)


def publish_frozen(
    review_round: ReviewRound, *, actor, now: datetime.datetime | None = None, pdf: bool = True
) -> ReviewPublication:
    """Store the round's figures as its next version (the caller checked the actor). Without
    ``pdf`` the PDF is laid out from the frozen content when it is downloaded (the demo)."""
    from . import figures, rendering

    earlier = ReviewPublication.objects.filter(review_round=review_round)
    version = (earlier.aggregate(v=Max("version"))["v"] or 0) + 1
    earlier.filter(superseded=False).update(superseded=True)
    now = now or clock.now()
    content = figures.content(review_round, ReviewItem.objects.filter(review_round=review_round))
    content["version"] = version
    content["published_at"] = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    publication = ReviewPublication(
        review_round=review_round,
        county_id=review_round.county_id,
        version=version,
        content=content,
        published_at=now,
        published_by=actor,
    )
    stem = f"review-{review_round.county_id}-{review_round.year}-{review_round.pk}-v{version}"
    publication.xlsx.save(f"{stem}.xlsx", ContentFile(rendering.render_xlsx(content)), save=False)
    if pdf:
        publication.pdf.save(f"{stem}.pdf", ContentFile(rendering.render_pdf(content)), save=False)
    publication.save()
    audit(actor, ROUND_PUBLISHED, publication.pk, round=review_round.pk, version=version)
    return publication


def items_pending(user) -> QuerySet[ReviewItem]:
    """Items of open rounds waiting for an outcome, in the villages where ``user`` records."""
    villages = [
        code
        for role, code in user.assignments()
        if role in (Role.VILLAGE_TEAM, Role.TOWNSHIP_OFFICER)
    ]
    return (
        ReviewItem.objects.accessible_to(user)
        .within(villages)
        .filter(Q(outcome=""), review_round__closed_on__isnull=True)
    )
