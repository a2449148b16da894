"""Write side of field work: keyword-only, atomic, scope-checked, audited."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import functools
import hashlib
import secrets
import uuid as uuid_module
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, allowed
from fupin.accounts.models import Role, User
from fupin.areas.models import Area
from fupin.areas.periods import Kind as PeriodKind
from fupin.areas.periods import closes_covering_many, period_check, period_check_close
from fupin.areas.scope import user_can_see_code
from fupin.assistance.models import Cadre
from fupin.core import clock, dates
from fupin.core.audit import audit, audit_many
from fupin.core.clock import as_of
from fupin.core.uploads import check_upload_size
from fupin.notify.services import notify
from fupin.notify.services import text as notify_text
from fupin.registry.models import Household

from . import permissions
from .geo import haversine_m
from .models import (
    NEXT_LEVEL,
    CheckIn,
    Concern,
    ConcernEvent,
    FeedbackVia,
    Flag,
    Level,
    Photo,
    ReviewMeeting,
    Visit,
    cadence,
)

S = Concern.State


MSG_SCOPE = _("该记录不在您的权限范围内")
MSG_STATE = _("状态 %(state)s 不能转为 %(to)s")
MSG_HOUSEHOLD_VILLAGE = _("户不属于该村")
MSG_ANSWER_REQUIRED = _("答复不能为空")
MSG_ESCALATE_CLOSED = _("只有未办结的诉求可以上报")
MSG_ESCALATE_TOP = _("已是最高层级")
MSG_ESCALATE_EARLY = _("未超期且未超出本级权限，不能上报")
MSG_ROLE = _("您的角色不能进行此操作")
MSG_FEEDBACK_PAPER = _("请上传群众签字的反馈单")
MSG_FEEDBACK_NOT_ANSWERED = _("该诉求尚未答复")
MSG_FEEDBACK_PRESENT = _("只有群众在场时才能代为记录满意度")
MSG_CHECKED_IN = _("今天已经打过卡")
MSG_ACCEPT_REASON = _("请填写认可理由")
MSG_ACCEPT_UNFLAGGED = _("该打卡没有标记，无需认可")
MSG_ACCEPT_DONE = _("该打卡已被认可")
MSG_PHOTO_SHA = _("sha256 与上传文件的内容不符")
MSG_PHOTO_TYPE = _("照片须为 JPEG 或 PNG 文件")
MSG_PHOTO_RECORD = _("没有该 uuid 的走访或打卡记录（请先同步记录）")

MSG_NOTIFY_ASSIGNED = _("交办给您一件民情诉求，请于%(deadline)s前办理")

R = TypeVar("R", bound=models.Model)


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied(MSG_ROLE)


def _check_scope(user: User, code: str) -> None:
    if not user_can_see_code(user, code):
        raise PermissionDenied(MSG_SCOPE)


def _event(
    concern: Concern,
    *,
    user: User | None,
    from_state: str,
    note: str = "",
    day: datetime.date | None = None,
) -> None:
    ConcernEvent.objects.create(
        concern=concern,
        village_id=concern.village_id,
        day=day or as_of(),
        user=user if getattr(user, "is_authenticated", False) else None,
        from_state=from_state,
        to_state=concern.state,
        level=concern.level,
        note=note,
    )


def _move(
    user: User,
    concern: Concern,
    *,
    allowed: tuple[str, ...],
    to: str,
    note: str = "",
    **changes: object,
) -> Concern:
    _check_scope(user, concern.village_id)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.state not in allowed:
        raise ValidationError(MSG_STATE % {"state": concern.state, "to": to})
    before = concern.state
    concern.state = to
    for field, value in changes.items():
        setattr(concern, field, value)
    concern.save()
    _event(concern, user=user, from_state=before, note=note)
    audit(user, f"concern.{to}", concern.pk, village=concern.village_id)
    return concern


def _replay(
    user: User, model: type[R], uuid: uuid_module.UUID | str | None, village: str
) -> R | None:
    """The record a client already sent with ``uuid`` (marked ``replayed``), or None.

    A replay writes nothing and leaves no audit event: the phone resends what it is not sure
    was stored, so the same uuid is the same record even when the body differs. The record is
    of the same village, the partition key of the national layout (docs/scale.md): it is
    looked up there, not nation-wide."""
    if not uuid:
        return None
    row = model._default_manager.filter(uuid=uuid, village_id=village).first()
    if row is None:
        return None
    return _replayed(user, row)


def _replayed(user: User, row: R) -> R:
    """A stored record sent again: in the user's scope, marked ``replayed``."""
    _check_scope(user, row.village_id)  # type: ignore[attr-defined]
    row.replayed = True  # type: ignore[attr-defined]
    return row


def _create_once(
    model: type[R], uuid, village: str, create: Callable[[], R], on_conflict=None
) -> R:
    """Run ``create`` in a savepoint; when a concurrent request stored the same uuid first
    (the unique constraint answers), return that row of ``village``, marked ``replayed``."""
    try:
        with transaction.atomic():
            row = create()
        row.fresh = True  # type: ignore[attr-defined]
        return row
    except IntegrityError:
        stored = (
            model._default_manager.filter(uuid=uuid, village_id=village).first() if uuid else None
        )
        if stored is None:
            if on_conflict is not None:
                on_conflict()
            raise
        stored.replayed = True  # type: ignore[attr-defined]
        return stored


def _visit_rules(
    user: User,
    cadre: Cadre,
    household: Household,
    visited_on: datetime.date | None,
    reason: str,
    *,
    paired: Callable[[datetime.date], bool] | None = None,
) -> dates.RecordDate:
    """Every check of a new visit before it is written, in order: the scope, the role, the
    date window and its reason, then who may record on that day (the pairing). ``paired``
    answers the pairing from rows a batch looked up already."""
    _check_scope(user, household.village_id)
    _require(permissions.can_record_visit_at(user, household.village_id))
    day = dates.record_date(dates.Kind.VISIT, visited_on, reason=reason, field="visited_on")
    # Who may record depends on the pairing on the visit's (checked) day.
    _require(
        permissions.can_record_visit(
            user, cadre, household, day.date, paired=None if paired is None else paired(day.date)
        )
    )
    return day


def _visit_row(
    user: User,
    cadre: Cadre,
    household: Household,
    day: dates.RecordDate,
    *,
    kind: str,
    content: str,
    uuid: uuid_module.UUID | str | None,
) -> Visit:
    # By key: a batch builds a hundred rows, and the related objects are not read back.
    return Visit(
        uuid=uuid or None,
        cadre_id=cadre.pk,
        household_id=household.pk,
        village_id=household.village_id,
        visited_on=day.date,
        backdated=day.backdated,
        backdate_reason=day.reason,
        kind=kind,
        content=content,
        created_by_id=user.pk if user.is_authenticated else None,
    )


def _save(row: R) -> R:
    row.save()
    return row


VISIT_LOGGED = "visit.logged"


@transaction.atomic
def visit_log(
    *,
    user: User,
    cadre: Cadre,
    household: Household,
    visited_on: datetime.date | None = None,
    kind: str = Visit.Kind.HOME,
    content: str = "",
    concerns: Iterable[dict] = (),
    backdate_reason: str = "",
    correction_reason: str = "",
    uuid: uuid_module.UUID | str | None = None,
) -> Visit:
    """Log a visit; ``concerns`` is a list of ``{"text", "category"}`` raised in the same call.

    The date is today's, or a backdated one within the window with a reason (fupin.core.dates).
    A ``uuid`` already stored returns that visit (``replayed``), writing nothing. A batch from
    a client is :func:`visits_log_many`, with the same rules.
    """
    replayed = _replay(user, Visit, uuid, household.village_id)
    if replayed is not None:
        return replayed
    day = _visit_rules(user, cadre, household, visited_on, backdate_reason or correction_reason)
    row = _visit_row(user, cadre, household, day, kind=kind, content=content, uuid=uuid)
    visit = _create_once(Visit, uuid, household.village_id, lambda: _save(row))
    if getattr(visit, "replayed", False):
        return visit
    # A closed month takes the visit only as a correction (fupin.areas.periods).
    period_check(
        PeriodKind.FIELDWORK_MONTH,
        visit.village_id,
        visit.visited_on,
        correction_reason,
        record=visit,
        actor=user,
    )
    for item in concerns:
        concern_raise(
            user=user,
            village_code=household.village_id,
            household=household,
            text=item["text"],
            category=item.get("category", Concern.Category.OTHER),
            raised_by=cadre,
            visit=visit,
        )
    audit(user, VISIT_LOGGED, visit.pk, village=visit.village_id)
    return visit


MSG_VISIT_HOUSEHOLD = _("贫困户不存在或不在您的权限范围内")
MSG_VISIT_CADRE = _("帮扶干部不存在或不在您的权限范围内")
MSG_VISIT_NO_CADRE = _("您的账号未关联帮扶干部。")


@dataclasses.dataclass
class VisitItem:
    """One visit of a client's batch: the fields of ``POST /api/visits/``. ``cadre`` None is
    the user's own cadre."""

    uuid: uuid_module.UUID
    household: int
    cadre: int | None = None
    visited_on: datetime.date | None = None
    kind: str = Visit.Kind.HOME
    content: str = ""
    backdate_reason: str = ""


@dataclasses.dataclass
class VisitOutcome:
    """What became of one item: the visit (``replayed`` when already stored), or the error
    :func:`visit_log` would have raised for it (ValidationError, PermissionDenied or
    ObjectDoesNotExist), nothing written."""

    uuid: uuid_module.UUID
    visit: Visit | None = None
    error: Exception | None = None


@transaction.atomic
def visits_log_many(*, user: User, items: Iterable[VisitItem]) -> list[VisitOutcome]:
    """Log a client's batch of visits, each accepted or refused on its own, in order, with the
    rules of :func:`visit_log` (:func:`_visit_rules`; the closed months; the uuid: already
    stored, or accepted earlier in the batch, answers the stored visit, writing nothing).

    A fixed number of queries whatever the batch's size: the stored uuids (and their photos),
    the households in scope, the cadres in scope (and the user's own), the pairings, the
    closed months, one insert of the visits and one of their audit events. The household and
    cadre checks are the API's: an unknown household is ObjectDoesNotExist, an unknown cadre a
    ValidationError on ``cadre``. Concerns raised with a visit and corrections into a closed
    month go through :func:`visit_log`."""
    items = list(items)
    # A visit needs only the household's key and village (the rules and the row).
    households = (
        Household.objects.accessible_to(user)
        .only("pk", "village_id")
        .in_bulk({i.household for i in items})
    )
    # A uuid sent again is of the same household, so of its village: looked up with the
    # villages (the partition key of the national layout, docs/scale.md), not nation-wide.
    # An item whose household is out of scope is refused below, stored or not.
    stored = {
        row.uuid: row
        for row in Visit.objects.filter(
            uuid__in={i.uuid for i in items},
            village_id__in=sorted({h.village_id for h in households.values()}),
        )
    }
    _attach_photos(stored.values())
    named = {i.cadre for i in items if i.cadre is not None}
    cadres = Cadre.objects.accessible_to(user).in_bulk(named) if named else {}
    own = None
    if any(i.cadre is None for i in items) and permissions.can_record_visit_anywhere(user):
        own = permissions.linked_cadre(user)

    outcomes = [VisitOutcome(uuid=item.uuid) for item in items]
    parties: dict[int, tuple[Cadre, Household]] = {}
    for index, item in enumerate(items):
        try:
            parties[index] = _visit_parties(user, item, households, cadres, own)
        except (ValidationError, PermissionDenied, ObjectDoesNotExist) as error:
            outcomes[index].error = error
    spans = permissions.pairing_spans((c.pk, h.pk) for c, h in parties.values())
    # A visit is dated as given or today (fupin.core.dates): look up both kinds of day.
    closes = closes_covering_many(
        PeriodKind.FIELDWORK_MONTH,
        (
            (household.village_id, items[index].visited_on or as_of())
            for index, (_cadre, household) in parties.items()
        ),
    )

    new: dict[uuid_module.UUID, Visit] = {}
    for index, (cadre, household) in parties.items():
        item = items[index]
        if item.uuid in stored or item.uuid in new:
            continue
        key = (cadre.pk, household.pk)
        try:
            day = _visit_rules(
                user,
                cadre,
                household,
                item.visited_on,
                item.backdate_reason,
                paired=functools.partial(permissions.paired_on, spans.get(key, ())),
            )
            # A closed month refuses the visit: a client sends no correction reason.
            period_check_close(
                closes.get((household.village_id, day.date)), household.village_id, day.date
            )
        except (ValidationError, PermissionDenied) as error:
            outcomes[index].error = error
            continue
        new[item.uuid] = _visit_row(
            user, cadre, household, day, kind=item.kind, content=item.content, uuid=item.uuid
        )

    written = _create_many(Visit, list(new.values()))
    fresh = set()
    for index in parties:
        outcome = outcomes[index]
        if outcome.error is not None:
            continue
        row = written.get(outcome.uuid) or stored.get(outcome.uuid)
        try:
            if row is None:
                continue
            if getattr(row, "fresh", False) and outcome.uuid not in fresh:
                fresh.add(outcome.uuid)
                outcome.visit = row
            else:
                # Stored before, or the same uuid again in this batch: the stored visit.
                outcome.visit = _replayed(user, copy.copy(row))
        except PermissionDenied as error:
            outcome.error = error
    audit_many(
        user,
        VISIT_LOGGED,
        ((written[key].pk, {"village": written[key].village_id}) for key in fresh),
    )
    return outcomes


def _visit_parties(
    user: User,
    item: VisitItem,
    households: dict[int, Household],
    cadres: dict[int, Cadre],
    own: Cadre | None,
) -> tuple[Cadre, Household]:
    """The item's household (in scope) and visiting cadre (given, or the user's own)."""
    household = households.get(item.household)
    if household is None:
        raise ObjectDoesNotExist(MSG_VISIT_HOUSEHOLD)
    if item.cadre is not None:
        cadre = cadres.get(item.cadre)
        if cadre is None:
            raise ValidationError({"cadre": [str(MSG_VISIT_CADRE)]})
        return cadre, household
    _require(permissions.can_record_visit_anywhere(user))
    if own is None:
        raise ValidationError({"cadre": [str(MSG_VISIT_NO_CADRE)]})
    return own, household


def _attach_photos(rows: Iterable[Visit | CheckIn]) -> None:
    """The photos of stored records in one query (the answer lists them)."""
    by_uuid: dict = {row.uuid: row for row in rows if row.uuid}
    for row in by_uuid.values():
        row.photo_refs = []  # type: ignore[union-attr]
    for photo in Photo.objects.filter(record_uuid__in=by_uuid).order_by("pk") if by_uuid else ():
        by_uuid[photo.record_uuid].photo_refs.append(photo)


def _create_many(model: type[R], rows: list[R]) -> dict:
    """Insert ``rows`` (each with its uuid) at once, marked ``fresh``; when a concurrent
    request stored one of the uuids first, each row is made on its own (:func:`_create_once`)
    so that one is answered ``replayed``. Keyed by uuid."""
    if not rows:
        return {}
    try:
        with transaction.atomic():
            _insert_many(model, rows)
    except IntegrityError:
        return {row.uuid: _create_alone(model, row) for row in rows}  # type: ignore[attr-defined]
    for row in rows:
        row.fresh = True  # type: ignore[attr-defined]
        row.photo_refs = []  # type: ignore[attr-defined]
    return {row.uuid: row for row in rows}  # type: ignore[attr-defined]


def _insert_many(model: type[R], rows: list[R]) -> None:
    """Insert ``rows`` with one ``executemany`` of values each column prepares itself, then
    read their keys back by uuid: what ``bulk_create`` writes, without compiling a statement
    of a thousand placeholders per batch (most of a synced batch's write,
    bench/bench_sync.py). No signal is sent, as with ``bulk_create``."""
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),  # type: ignore[arg-type]
        ", ".join(["%s"] * len(fields)),
    )
    values = [
        [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    keys = dict(
        model._default_manager.filter(
            uuid__in=[row.uuid for row in rows],  # type: ignore[attr-defined]
            village_id__in=sorted({row.village_id for row in rows}),  # type: ignore[attr-defined]
        ).values_list("uuid", "pk")
    )
    for row in rows:
        row.pk = keys[row.uuid]  # type: ignore[attr-defined]
        row._state.adding = False
        row._state.db = connection.alias


def _create_alone(model: type[R], row: R) -> R:
    # The rolled-back insert may have given the row a key: insert it afresh.
    row.pk = None
    row._state.adding = True
    return _create_once(
        model,
        row.uuid,  # type: ignore[attr-defined]
        row.village_id,  # type: ignore[attr-defined]
        functools.partial(_save, row),
    )


@transaction.atomic
def check_in_record(
    *,
    user: User,
    cadre: Cadre,
    village_code: str,
    day: datetime.date | None = None,
    lat: Decimal | float | None = None,
    lon: Decimal | float | None = None,
    note: str = "",
    backdate_reason: str = "",
    correction_reason: str = "",
    uuid: uuid_module.UUID | str | None = None,
) -> CheckIn:
    """One check-in per cadre and day.

    A second one the same day returns the first when it comes from the page (no ``uuid``); from
    a client with a new ``uuid`` it is refused ("今天已经打过卡"), and a ``uuid`` already stored
    returns that check-in (``replayed``), writing nothing. The position is checked against the
    village's location (:func:`geofence_flags`): a flagged check-in counts toward the resident
    days only once accepted (:func:`check_in_accept`)."""
    replayed = _replay(user, CheckIn, uuid, village_code)
    if replayed is not None:
        return replayed
    _check_scope(user, village_code)
    _require(permissions.can_check_in(user, village_code))
    dated = dates.record_date(
        dates.Kind.CHECK_IN, day, reason=backdate_reason or correction_reason, field="day"
    )
    existing = CheckIn.objects.filter(cadre=cadre, day=dated.date).first()
    if existing is not None:
        if uuid:
            raise ValidationError({"day": [str(MSG_CHECKED_IN)]})
        return existing
    flags, distance = geofence_flags(village_code, lat, lon)

    def create() -> CheckIn:
        row = CheckIn(
            uuid=uuid or None,
            cadre=cadre,
            day=dated.date,
            village_id=village_code,
            lat=lat,
            lon=lon,
            note=note,
            backdated=dated.backdated,
            backdate_reason=dated.reason,
            distance_m=distance,
        )
        for name in flags:
            row.add_flag(name)
        row.save()
        return row

    def same_day() -> None:
        if uuid:
            raise ValidationError({"day": [str(MSG_CHECKED_IN)]})

    row = _create_once(CheckIn, uuid, village_code, create, on_conflict=same_day)
    if getattr(row, "replayed", False):
        return row
    # A closed month takes a new check-in only as a correction (fupin.areas.periods).
    period_check(
        PeriodKind.FIELDWORK_MONTH,
        row.village_id,
        row.day,
        correction_reason,
        record=row,
        actor=user,
    )
    return row


def geofence_flags(
    village_code: str, lat: Decimal | float | None, lon: Decimal | float | None
) -> tuple[list[str], int | None]:
    """The evidence flags of a position and its distance in metres from the village.

    No position: ``no_location``. A village without a location (``fupin areas locate``) gives no
    distance and no flag: there is nothing to measure against."""
    if lat is None or lon is None or lat == "" or lon == "":
        return [Flag.NO_LOCATION], None
    point = Area.objects.filter(code=village_code).values_list("lat", "lon").first()
    if point is None or point[0] is None or point[1] is None:
        return [], None
    distance = round(haversine_m(lat, lon, point[0], point[1]))
    limit = settings.FUPIN_CHECKIN_MAX_KM * 1000
    return ([Flag.FAR] if distance > limit else []), distance


def can_accept_check_in(user: User, check_in: CheckIn) -> bool:
    return user_can_see_code(user, check_in.village_id) and allowed(
        user, Action.CHECK_IN_ACCEPT, check_in.village_id
    )


@transaction.atomic
def check_in_accept(*, user: User, check_in: CheckIn, reason: str) -> CheckIn:
    """A township officer accepts a flagged check-in with a reason: it then counts toward the
    resident days (fupin.fieldwork.selectors.residents_under)."""
    _check_scope(user, check_in.village_id)
    _require(can_accept_check_in(user, check_in))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [str(MSG_ACCEPT_REASON)]})
    row = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    if not row.flags:
        raise ValidationError(MSG_ACCEPT_UNFLAGGED)
    if row.accepted_at is not None:
        raise ValidationError(MSG_ACCEPT_DONE)
    row.accepted_by = user
    row.accepted_at = clock.now()
    row.accept_reason = reason[:200]
    row.save(update_fields=["accepted_by", "accepted_at", "accept_reason"])
    audit(user, "check_in.accepted", row.pk, village=row.village_id, reason=row.accept_reason)
    return row


def _is_image(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n")


def _photo_record(user: User, record_uuid) -> tuple[str, Visit | CheckIn]:
    """The visit or check-in with ``record_uuid`` in the user's scope, or ObjectDoesNotExist
    (the phone retries once the record has synced)."""
    for kind, model in ((Photo.Record.VISIT, Visit), (Photo.Record.CHECK_IN, CheckIn)):
        row = model.objects.filter(uuid=record_uuid).first()
        if row is not None and user_can_see_code(user, row.village_id):
            return kind, row
    raise ObjectDoesNotExist(MSG_PHOTO_RECORD)


def can_attach_photo(user: User, record: Visit | CheckIn) -> bool:
    """Whoever may record the kind of record there: the village team, or the record's own
    cadre signed in as himself."""
    action = Action.VISIT_RECORD if isinstance(record, Visit) else Action.CHECK_IN_RECORD
    if not (
        user_can_see_code(user, record.village_id) and allowed(user, action, record.village_id)
    ):
        return False
    if user.is_superuser or user.has_role_at({Role.VILLAGE_TEAM}, record.village_id):
        return True
    own = permissions.linked_cadre(user)
    return own is not None and own.pk == record.cadre_id


@transaction.atomic
def photo_attach(*, user: User, file, record_uuid, sha256: str) -> Photo:
    """Store a photo of a synced visit or check-in.

    The server recomputes the SHA-256 and refuses a mismatch; the same (record, sha256) again
    returns the stored photo (``replayed``); the same bytes already attached to another
    record are stored, marked ``duplicate``, and the record is flagged ``photo_reused``."""
    kind, record = _photo_record(user, record_uuid)
    key = record.uuid or uuid_module.UUID(str(record_uuid))
    _require(can_attach_photo(user, record))
    check_upload_size(file)
    digest = hashlib.sha256()
    head = b""
    for chunk in file.chunks():
        if not head:
            head = chunk[:8]
        digest.update(chunk)
    sha = digest.hexdigest()
    if sha != (sha256 or "").strip().lower():
        raise ValidationError({"sha256": [str(MSG_PHOTO_SHA)]})
    if not _is_image(head):
        raise ValidationError({"file": [str(MSG_PHOTO_TYPE)]})
    stored = Photo.objects.filter(record_uuid=key, sha256=sha).first()
    if stored is not None:
        stored.replayed = True  # type: ignore[attr-defined]
        return stored
    duplicate = Photo.objects.filter(sha256=sha).exclude(record_uuid=key).exists()
    file.seek(0)

    def create() -> Photo:
        photo = Photo(
            record_kind=kind,
            record_id=record.pk,
            record_uuid=key,
            village_id=record.village_id,
            sha256=sha,
            size=file.size,
            duplicate=duplicate,
            uploaded_by=user if user.is_authenticated else None,
        )
        suffix = "png" if head.startswith(b"\x89") else "jpg"
        photo.file.save(f"{key}-{sha[:16]}.{suffix}", file, save=False)
        photo.save()
        return photo

    try:
        with transaction.atomic():
            photo = create()
    except IntegrityError:
        photo = Photo.objects.get(record_uuid=key, sha256=sha)
        photo.replayed = True  # type: ignore[attr-defined]
        return photo
    if duplicate and record.add_flag(Flag.PHOTO_REUSED):
        record.save(update_fields=["flags"])
    audit(user, "photo.attached", photo.pk, village=photo.village_id, duplicate=duplicate)
    return photo


@transaction.atomic
def concern_raise(
    *,
    user: User | None,
    village_code: str,
    text: str,
    category: str = Concern.Category.OTHER,
    household: Household | None = None,
    raised_by: Cadre | None = None,
    visit: Visit | None = None,
    filer_contact: str = "",
    source_hash: str = "",
    uuid: uuid_module.UUID | str | None = None,
) -> Concern:
    """Raise a concern; a ``uuid`` already stored returns that concern (``replayed``)."""
    if user is not None and user.is_authenticated and uuid:
        replayed = _replay(user, Concern, uuid, village_code)
        if replayed is not None:
            return replayed
    if user is not None and user.is_authenticated:
        _check_scope(user, village_code)
        _require(permissions.can_raise_concern(user, village_code))
    if household is not None and household.village_id != village_code:
        raise ValidationError(MSG_HOUSEHOLD_VILLAGE)
    source = (
        Concern.Source.VISIT
        if visit
        else Concern.Source.CADRE
        if raised_by
        else Concern.Source.HOUSEHOLD
    )
    concern = _create_once(
        Concern,
        uuid,
        village_code,
        lambda: Concern.objects.create(
            uuid=uuid or None,
            household=household,
            village_id=village_code,
            source=source,
            raised_by=raised_by,
            visit=visit,
            raised_on=as_of(),
            # A concern is due from the day it is raised, so one nobody takes up falls
            # overdue (docs/fieldwork.md, "Counts"); assigning it sets the owner's own.
            deadline=deadline_from(as_of()),
            text=text,
            category=category,
            filer_contact=filer_contact,
            source_hash=source_hash,
            reply_token=secrets.token_urlsafe(16) if source_hash else "",
        ),
    )
    if getattr(concern, "replayed", False):
        return concern
    _event(concern, user=user, from_state="")
    audit(user, "concern.raised", concern.pk, village=village_code)
    return concern


@transaction.atomic
def concern_assign(
    *, user: User, concern: Concern, owner: Cadre, deadline: datetime.date, note: str = ""
) -> Concern:
    _check_scope(user, concern.village_id)
    _require(permissions.can_assign(user, concern))
    concern = _move(
        user,
        concern,
        allowed=(S.RAISED, S.ASSIGNED),
        to=S.ASSIGNED,
        note=note,
        owner=owner,
        deadline=deadline,
    )
    # The owner hears of it (in-app, and by mail or SMS as docs/inbox.md sets out).
    notify(
        owner.user,
        kind="concern.assigned",
        title=notify_text(MSG_NOTIFY_ASSIGNED, deadline=deadline.isoformat()),
        body=concern.text[:200],
        url=reverse("fieldwork:concern", args=[concern.pk]),
        exclude=user,
    )
    return concern


@transaction.atomic
def concern_start(*, user: User, concern: Concern, note: str = "") -> Concern:
    _check_scope(user, concern.village_id)
    _require(permissions.can_start(user, concern))
    return _move(user, concern, allowed=(S.ASSIGNED,), to=S.IN_PROGRESS, note=note)


@transaction.atomic
def concern_answer(*, user: User, concern: Concern, answer: str) -> Concern:
    _check_scope(user, concern.village_id)
    _require(permissions.can_answer(user, concern))
    if not answer.strip():
        raise ValidationError(MSG_ANSWER_REQUIRED)
    return _move(user, concern, allowed=(S.ASSIGNED, S.IN_PROGRESS), to=S.ANSWERED, answer=answer)


@transaction.atomic
def concern_feedback(
    *,
    user: User,
    concern: Concern,
    satisfied: bool,
    via: str,
    paper=None,
    household_present: bool = False,
    note: str = "",
) -> Concern:
    """The household's word: yes closes, no reopens to the owner (assigned).

    Recorded from a signed paper the village team uploads (``via="paper"``, ``paper`` the
    scan), or by the visiting cadre paired with the household while it is present
    (``via="in_person"``, ``household_present=True``). The household's own answer at the
    public page is :func:`concern_feedback_public`."""
    _check_scope(user, concern.village_id)
    if via == FeedbackVia.PAPER:
        _require(permissions.can_feedback_on_paper(user, concern))
        if not paper:
            raise ValidationError(MSG_FEEDBACK_PAPER)
    elif via == FeedbackVia.IN_PERSON:
        _require(permissions.can_feedback_in_person(user, concern, as_of()))
        if not household_present:
            raise ValidationError(MSG_FEEDBACK_PRESENT)
    else:
        raise PermissionDenied(MSG_ROLE)
    return _move(
        user,
        concern,
        allowed=(S.ANSWERED,),
        to=S.CLOSED if satisfied else S.ASSIGNED,
        note=note,
        satisfied=satisfied,
        feedback_on=as_of(),
        feedback_via=via,
        feedback_paper=paper or "",
        household_present=via == FeedbackVia.IN_PERSON,
    )


@transaction.atomic
def concern_feedback_public(*, token: str, satisfied: bool) -> Concern:
    """The household's own word at the reply page it was given when it filed the concern."""
    concern = (
        Concern.objects.select_for_update().filter(reply_token=token).first() if token else None
    )
    if concern is None or concern.state != S.ANSWERED:
        raise ValidationError(MSG_FEEDBACK_NOT_ANSWERED)
    before = concern.state
    concern.state = S.CLOSED if satisfied else S.ASSIGNED
    concern.satisfied = satisfied
    concern.feedback_on = as_of()
    concern.feedback_via = FeedbackVia.HOUSEHOLD
    concern.save()
    _event(concern, user=None, from_state=before)
    audit(None, f"concern.{concern.state}", concern.pk, village=concern.village_id)
    return concern


def deadline_from(day: datetime.date) -> datetime.date:
    """The deadline of a concern raised (or escalated to a new level) on ``day``."""
    return day + datetime.timedelta(days=cadence("concern_days"))


def is_overdue(concern: Concern, day: datetime.date | None = None) -> bool:
    day = day or as_of()
    return concern.state in Concern.OPEN_STATES and bool(
        concern.deadline and concern.deadline < day
    )


@transaction.atomic
def concern_escalate(
    *, user: User, concern: Concern, beyond_power: bool = False, note: str = ""
) -> Concern:
    """Move one level up (village → township → county) when overdue or beyond the level."""
    _check_scope(user, concern.village_id)
    _require(permissions.can_escalate(user, concern))
    if concern.state not in Concern.OPEN_STATES:
        raise ValidationError(MSG_ESCALATE_CLOSED)
    if concern.level not in NEXT_LEVEL:
        raise ValidationError(MSG_ESCALATE_TOP)
    if not (beyond_power or concern.beyond_power or is_overdue(concern)):
        raise ValidationError(MSG_ESCALATE_EARLY)
    return _move(
        user,
        concern,
        allowed=Concern.OPEN_STATES,
        to=S.RAISED,
        note=note,
        level=NEXT_LEVEL[Level(concern.level)],
        beyond_power=False,
        owner=None,
        # The new level gets its own time to act: escalating never clears the deadline.
        deadline=deadline_from(as_of()),
    )


@transaction.atomic
def concerns_escalate_overdue(day: datetime.date | None = None, *, user: User | None = None) -> int:
    """Set-based: every overdue open concern moves one level up; events written in bulk."""
    day = day or as_of()
    moved = 0
    # County first so a concern moved village → township is not moved twice.
    for level in (Level.TOWNSHIP, Level.VILLAGE):
        overdue = Concern.objects.filter(
            level=level, state__in=Concern.OPEN_STATES, deadline__lt=day
        )
        rows = list(overdue.values_list("pk", "village_id", "state"))
        if not rows:
            continue
        new_level = NEXT_LEVEL[level]
        Concern.objects.filter(pk__in=[r[0] for r in rows]).update(
            level=new_level, state=S.RAISED, owner=None, deadline=deadline_from(day)
        )
        ConcernEvent.objects.bulk_create(
            ConcernEvent(
                concern_id=pk,
                village_id=village,
                day=day,
                user=user,
                from_state=state,
                to_state=S.RAISED,
                level=new_level,
                note="超期自动上报",
            )
            for pk, village, state in rows
        )
        moved += len(rows)
    return moved


@transaction.atomic
def review_meeting_record(
    *,
    user: User,
    area_code: str,
    level: str,
    held_on: datetime.date,
    attendees: str = "",
    minutes: str = "",
    concerns: Iterable[Concern] = (),
    backdate_reason: str = "",
    correction_reason: str = "",
) -> ReviewMeeting:
    _check_scope(user, area_code)
    _require(permissions.can_record_meeting(user, area_code, level))
    day = dates.record_date(
        dates.Kind.MEETING, held_on, reason=backdate_reason or correction_reason, field="held_on"
    )
    meeting = ReviewMeeting.objects.create(
        area_id=area_code,
        level=level,
        held_on=day.date,
        backdated=day.backdated,
        backdate_reason=day.reason,
        attendees=attendees,
        minutes=minutes,
        created_by=user if user.is_authenticated else None,
    )
    # A closed month takes the meeting only as a correction (fupin.areas.periods).
    period_check(
        PeriodKind.FIELDWORK_MONTH,
        meeting.area_id,
        meeting.held_on,
        correction_reason,
        record=meeting,
        actor=user,
    )
    concerns = list(concerns)
    for concern in concerns:
        _check_scope(user, concern.village_id)
    meeting.concerns.set(concerns)
    audit(user, "review.recorded", meeting.pk, area=area_code)
    return meeting
