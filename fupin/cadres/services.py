"""Writes of the cadre roster: keyword-only, atomic, scope- and role-checked, audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.assistance.models import Cadre
from fupin.core.audit import audit
from fupin.core.clock import as_of

from .models import RESIDENT_KINDS, CadrePost, CadreRecord, EndReason, Evaluation
from .permissions import can_edit
from .selectors import serving_q

EVALUATION_RECORDED = "cadres.evaluation_recorded"
RECORD_ADDED = "cadres.record_added"
CADRE_RECALLED = "cadres.recalled"

MSG_NO_RIGHT = _("您没有在该区划管理干部的权限")
MSG_DUPLICATE = _("{name} 的 {year} 年度考核已录入，不能重复录入")
MSG_YEAR = _("考核年度应在 2013 年至 {last} 年之间")
MSG_SCORE = _("考核得分应在 0 至 100 之间")
MSG_NOT_SERVING = _("该任职已结束，不能召回")
MSG_NOT_RESIDENT = _("只有第一书记、驻村工作队员和下派后备干部可以召回")
MSG_RECALL_DATE = _("召回日期不能早于任职日期，也不能晚于今天")
MSG_RECORD_KIND = _("召回请使用“召回”操作")
MSG_FUTURE = _("日期不能晚于今天")


def _check_right(actor: User, code: str) -> None:
    if not can_edit(actor, code):
        raise PermissionDenied(MSG_NO_RIGHT)


def evaluation_area(cadre: Cadre, year: int) -> str:
    """The area where the cadre served in ``year``: its latest post begun by the year's end
    and not ended before it began; the cadre's own area when it has none."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    post = (
        CadrePost.objects.filter(cadre=cadre, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .order_by("-start_date", "-pk")
        .first()
    )
    return post.area_id if post else cadre.area_id


@transaction.atomic
def evaluation_record(
    *,
    actor: User,
    cadre: Cadre,
    year: int,
    score: Decimal,
    grade: str,
    outcome: str,
    note: str = "",
) -> Evaluation:
    """Record the cadre's evaluation for ``year``; an outcome of recall also recalls the
    cadre from its serving resident posts (as of today), in the same transaction."""
    area = evaluation_area(cadre, year)
    _check_right(actor, area)
    if not 2013 <= year <= as_of().year:
        raise ValidationError({"year": MSG_YEAR.format(last=as_of().year)})
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationError({"score": MSG_SCORE})
    duplicate = ValidationError({"year": MSG_DUPLICATE.format(name=cadre.name, year=year)})
    if Evaluation.objects.filter(cadre=cadre, year=year).exists():
        raise duplicate
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                cadre=cadre,
                year=year,
                area_id=area,
                score=score,
                grade=grade,
                outcome=outcome,
                note=note.strip(),
                created_by=actor,
            )
    except IntegrityError:
        raise duplicate from None
    if outcome == Evaluation.Outcome.RECALLED:
        serving = CadrePost.objects.filter(serving_q(as_of()), cadre=cadre, kind__in=RESIDENT_KINDS)
        for post in serving:
            cadre_recall(actor=actor, post=post, note=note or str(_("年度考核结果：组织召回")))
    audit(actor, EVALUATION_RECORDED, evaluation.pk, cadre=cadre.pk, year=year, outcome=outcome)
    return evaluation


@transaction.atomic
def record_create(
    *, actor: User, cadre: Cadre, kind: str, date: datetime.date, area_code: str, note: str = ""
) -> CadreRecord:
    """Add a training, admonishment or adjustment record (a recall goes through
    :func:`cadre_recall`, which also ends the post)."""
    _check_right(actor, area_code)
    if kind == CadreRecord.Kind.RECALL:
        raise ValidationError({"kind": MSG_RECORD_KIND})
    if date > as_of():
        raise ValidationError({"date": MSG_FUTURE})
    record = CadreRecord.objects.create(
        cadre=cadre, kind=kind, date=date, area_id=area_code, note=note.strip(), created_by=actor
    )
    audit(actor, RECORD_ADDED, record.pk, cadre=cadre.pk, kind=kind)
    return record


@transaction.atomic
def cadre_recall(
    *, actor: User, post: CadrePost, date: datetime.date | None = None, note: str = ""
) -> CadreRecord:
    """组织召回: end the resident post (end reason recalled) and write the recall record; the
    cadre is no longer 在岗 when no other post is left serving."""
    post = CadrePost.objects.select_for_update().select_related("cadre").get(pk=post.pk)
    _check_right(actor, post.area_id)
    date = date or as_of()
    if post.kind not in RESIDENT_KINDS:
        raise ValidationError(MSG_NOT_RESIDENT)
    if post.end_date is not None and post.end_date < date:
        raise ValidationError(MSG_NOT_SERVING)
    if date < post.start_date or date > as_of():
        raise ValidationError(MSG_RECALL_DATE)
    post.end_date = date
    post.end_reason = EndReason.RECALLED
    post.save(update_fields=["end_date", "end_reason"])
    record = CadreRecord.objects.create(
        cadre=post.cadre,
        kind=CadreRecord.Kind.RECALL,
        date=date,
        area_id=post.area_id,
        note=note.strip(),
        created_by=actor,
    )
    still = CadrePost.objects.filter(cadre=post.cadre).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=date)
    )
    if not still.exists() and post.cadre.active:
        Cadre.objects.filter(pk=post.cadre_id).update(active=False)
    audit(actor, CADRE_RECALLED, post.pk, cadre=post.cadre_id, area=post.area_id, date=str(date))
    return record
