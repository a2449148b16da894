"""Writes of the outreach ledgers: one record from a page, or a checked file set-based.

Every write checks the ledger's role at the record's area (and, for an edit, at the area it
had), runs the same checks as the import (:func:`problems`, whose messages both show), writes
its history rows (django-simple-history) and one audit event in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fupin.accounts.models import User
from fupin.areas.models import Area, Level
from fupin.assistance.models import Cadre, Link, MeasureType
from fupin.core.audit import audit
from fupin.core.clock import as_of
from fupin.safetynet.models import Policy

from .models import LiaisonVisit, PolicyDocument, PolicyLecture, StudyTrip, TownshipSubsidy
from .permissions import can_edit

FIRST_DATE = datetime.date(2014, 1, 1)
IMPORT_BATCH = 1000

MSG_NOT_ALLOWED = _("您没有在该区划填报此台账的权限")
MSG_AREA = _("区划代码“%(value)s”不存在或不在您的管辖范围内")
MSG_AREA_LEVEL = _("调研对象应为苏木乡镇或嘎查村（不是户）")
MSG_BEFORE_FIRST = _("日期不能早于2014年1月1日")
MSG_FUTURE = _("日期不能晚于 %(today)s")
MSG_END_BEFORE_START = _("返回日期不能早于出发日期")
MSG_SOLVED_OVER_RAISED = _("解决问题数不能多于发现问题数")
MSG_DUPLICATE = _("已有相同记录（%(key)s）")
MSG_CADRE = _("未找到该干部，或不在您的管辖范围内")
MSG_CADRE_AMBIGUOUS = _("同名干部有多人，请填写干部编号或证件号码")
MSG_CADRE_NAME = _("干部编号与姓名不符")
MSG_CADRE_OUTSIDE = _("该干部不在导入区划内")
MSG_YEAR = _("年度应在2014至%(year)s之间")
MSG_MEASURE = _("“%(value)s”不是帮扶措施类型")
MSG_POLICY = _("“%(value)s”不是保障政策")
MSG_PERSONS = _("人数不能少于带队干部人数（%(cadres)s）")

# The audit events (stored data).
SAVED = "outreach.%s_saved"
IMPORTED = "outreach.%s_imported"
EXPORTED = "outreach.%s_exported"

MODELS: dict[str, type[Model]] = {
    "lectures": PolicyLecture,
    "trips": StudyTrip,
    "visits": LiaisonVisit,
    "subsidies": TownshipSubsidy,
    "documents": PolicyDocument,
}
# The fields that identify a record of each ledger: a second record with the same values is
# refused, and an import updates the record it names.
KEYS = {
    "lectures": ("area_id", "date", "topic"),
    "trips": ("area_id", "start_date", "destination"),
    "visits": ("cadre_id", "area_id", "date"),
    "subsidies": ("cadre_id", "year"),
    "documents": ("issuer", "title"),
}
# The fields a record's values set (besides the key).
FIELDS = {
    "lectures": ("place", "speaker", "audience", "note"),
    "trips": ("end_date", "topic", "persons", "note"),
    "visits": ("link_id", "problems_raised", "problems_solved", "note"),
    "subsidies": ("area_id", "amount", "note"),
    "documents": (
        "area_id",
        "doc_number",
        "date",
        "summary",
        "full_text",
        "measure_types",
        "safetynet_policies",
    ),
}


def problems(kind: str, values: dict) -> list[tuple[str, str]]:
    """The checks a record of ``kind`` must pass beyond its cells' formats, as
    ``(field, message)``: dates in 2014 … today, a trip returning after it left, no more
    problems solved than raised."""
    out: list[tuple[str, str]] = []
    today = as_of()
    for field in ("date", "start_date", "end_date"):
        day = values.get(field)
        if day is None:
            continue
        if day < FIRST_DATE:
            out.append((field, str(MSG_BEFORE_FIRST)))
        elif day > today:
            out.append((field, str(MSG_FUTURE % {"today": today.isoformat()})))
    start, end = values.get("start_date"), values.get("end_date")
    if kind == "trips" and start and end and end < start:
        out.append(("end_date", str(MSG_END_BEFORE_START)))
    cadres = values.get("cadre_ids") or []
    if kind == "trips" and values.get("persons") is not None and values["persons"] < len(cadres):
        out.append(("cadre_ids", str(MSG_PERSONS % {"cadres": len(cadres)})))
    if kind == "visits" and values.get("problems_solved", 0) > values.get("problems_raised", 0):
        out.append(("problems_solved", str(MSG_SOLVED_OVER_RAISED)))
    year = values.get("year")
    if kind == "subsidies" and year is not None and not 2014 <= year <= today.year:
        out.append(("year", str(MSG_YEAR % {"year": today.year})))
    if kind == "documents":
        out += [
            ("measure_types", str(MSG_MEASURE % {"value": v}))
            for v in values.get("measure_types") or []
            if v not in MeasureType.values
        ]
        out += [
            ("safetynet_policies", str(MSG_POLICY % {"value": v}))
            for v in values.get("safetynet_policies") or []
            if v not in Policy.values
        ]
    return out


def _links(cadre_ids) -> dict[int, list[tuple]]:
    """The 两联一包 links of the cadres, by cadre (one query)."""
    out: dict[int, list[tuple]] = {}
    rows = Link.objects.filter(cadre_id__in=set(cadre_ids)).order_by("-area_id", "pk")
    for pk, cadre, code, start, end in rows.values_list(
        "pk", "cadre_id", "area_id", "start_date", "end_date"
    ):
        out.setdefault(cadre, []).append((pk, code, start, end))
    return out


def _link(links: list[tuple], area_code: str, day: datetime.date) -> int | None:
    for pk, code, start, end in links:
        if area_code.startswith(code) and start <= day and (end is None or end >= day):
            return pk
    return None


def link_for(cadre_id: int, area_code: str, day: datetime.date) -> int | None:
    """The cadre's 两联一包 link that the visit serves: one at the visited area or above it
    (a leader's township holds the village visited), open on the day."""
    return _link(_links([cadre_id]).get(cadre_id, []), area_code, day)


def _check_area(actor: User, kind: str, code: str) -> None:
    if not can_edit(actor, kind, code):
        raise PermissionDenied(MSG_NOT_ALLOWED)


def _key_text(kind: str, values: dict) -> str:
    return "，".join(str(values.get(f, "")) for f in KEYS[kind])


@transaction.atomic
def record_save(*, actor: User, kind: str, values: dict, record: Any = None) -> Any:
    """Create a record of ledger ``kind`` (``record`` None) or change ``record`` to ``values``
    (its key fields and :data:`FIELDS`). Refused unless the actor may write the ledger at the
    record's area, before and after."""
    model = MODELS[kind]
    values = dict(values)
    trip_cadres = values.pop("cadre_ids", None)
    if trip_cadres:
        found = Cadre.objects.accessible_to(actor).filter(pk__in=trip_cadres).count()
        if found != len(set(trip_cadres)):
            raise ValidationError({"cadre_ids": MSG_CADRE})
    if "cadre_id" in values:
        cadre_area = (
            Cadre.objects.accessible_to(actor)
            .filter(pk=values["cadre_id"])
            .values_list("area_id", flat=True)
            .first()
        )
        if cadre_area is None:
            raise ValidationError({"cadre_id": MSG_CADRE})
        if kind == "subsidies":
            values["area_id"] = cadre_area
    if not Area.objects.filter(code=values["area_id"]).accessible_to(actor).exists():
        raise ValidationError({"area_id": MSG_AREA % {"value": values["area_id"]}})
    if kind == "visits":
        area = Area.objects.filter(code=values["area_id"]).values_list("level", flat=True).first()
        if area not in (Level.TOWNSHIP, Level.VILLAGE):
            raise ValidationError({"area": MSG_AREA_LEVEL})
        values["link_id"] = link_for(values["cadre_id"], values["area_id"], values["date"])
    if record is not None:
        _check_area(actor, kind, record.area_id)
    _check_area(actor, kind, values["area_id"])
    checked = problems(kind, {**values, "cadre_ids": trip_cadres})
    if checked:
        raise ValidationError({field: message for field, message in checked})
    same = model._default_manager.filter(**{f: values[f] for f in KEYS[kind]})
    if record is not None:
        same = same.exclude(pk=record.pk)
    if same.exists():
        raise ValidationError(MSG_DUPLICATE % {"key": _key_text(kind, values)})
    if record is None:
        record = model(**values)
    else:
        for field, value in values.items():
            setattr(record, field, value)
    record.full_clean(validate_unique=False)
    record.save()
    if trip_cadres is not None:
        record.cadres.set(trip_cadres)
    audit(actor, SAVED % kind, record.pk, area=record.area_id)
    return record


@transaction.atomic
def ledger_import(
    *, actor: User, kind: str, area_code: str, rows: Iterable[dict], filename: str
) -> dict[str, int]:
    """Write the checked ``rows`` (values by field) of an imported file, set-based: a row
    names its record by the ledger's key; new keys are created, changed values updated, the
    rest left alone (so the same file twice changes nothing). Return the counts."""
    model = MODELS[kind]
    rows = list(rows)
    _check_area(actor, kind, area_code)
    for code in {r["area_id"] for r in rows}:
        if not code.startswith(area_code):
            raise PermissionDenied(MSG_NOT_ALLOWED)
        _check_area(actor, kind, code)
    key_fields, fields = KEYS[kind], FIELDS[kind]
    if kind == "visits":
        links = _links(r["cadre_id"] for r in rows)
        for r in rows:
            r["link_id"] = _link(links.get(r["cadre_id"], []), r["area_id"], r["date"])
    # A trip's cadres (many-to-many) are set after its row is written.
    trip_cadres = [set(r.pop("cadre_ids", None) or ()) for r in rows]
    existing: dict[tuple, Model] = {}
    for start in range(0, len(rows), IMPORT_BATCH):
        chunk = Q(pk__in=[])
        for r in rows[start : start + IMPORT_BATCH]:
            chunk |= Q(**{f: r[f] for f in key_fields})
        for record in model._default_manager.select_for_update().filter(chunk):
            existing[tuple(getattr(record, f) for f in key_fields)] = record
    had: dict[int, set[int]] = {}
    if kind == "trips":
        through = StudyTrip.cadres.through
        for trip, cadre in through.objects.filter(
            studytrip_id__in=[r.pk for r in existing.values()]
        ).values_list("studytrip_id", "cadre_id"):
            had.setdefault(trip, set()).add(cadre)
    created, changed, m2m = [], [], []
    for r, cadres in zip(rows, trip_cadres, strict=True):
        found = existing.get(tuple(r[f] for f in key_fields))
        if found is None:
            created.append(model(**r))
            m2m.append((created[-1], cadres))
            continue
        if any(getattr(found, f) != r[f] for f in fields) or (
            kind == "trips" and had.get(found.pk, set()) != cadres
        ):
            for f in fields:
                setattr(found, f, r[f])
            changed.append(found)
            m2m.append((found, cadres))
    reason = f"导入 {filename}"  # the history reason (stored data)
    if created:
        bulk_create_with_history(
            created,
            model,
            batch_size=IMPORT_BATCH,
            default_user=actor,
            default_change_reason=reason,
        )
    if changed:
        bulk_update_with_history(
            changed,
            model,
            list(fields),
            batch_size=IMPORT_BATCH,
            default_user=actor,
            default_change_reason=reason,
        )
    if kind == "trips":
        through = StudyTrip.cadres.through
        through.objects.filter(studytrip_id__in=[t.pk for t in changed]).delete()
        through.objects.bulk_create(
            [through(studytrip_id=t.pk, cadre_id=c) for t, cadres in m2m for c in sorted(cadres)],
            batch_size=IMPORT_BATCH,
        )
    counts = {
        "created": len(created),
        "changed": len(changed),
        "unchanged": len(rows) - len(created) - len(changed),
    }
    audit(actor, IMPORTED % kind, area_code, file=filename, **counts)
    return counts


@transaction.atomic
def document_save(
    *,
    actor: User,
    values: dict,
    rule_sets: Iterable = (),
    pdf=None,
    record: PolicyDocument | None = None,
) -> PolicyDocument:
    """Save a policy document (:func:`record_save`), its PDF when one is given and the rule
    sets it grounds."""
    document = record_save(actor=actor, kind="documents", values=values, record=record)
    assert isinstance(document, PolicyDocument)
    if pdf:
        document.pdf.save(pdf.name, pdf, save=True)
    document.rule_sets.set(list(rule_sets))
    return document
