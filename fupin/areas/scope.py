"""Scope: the one place that turns a user into the set of records the user may see.

Design (every list, count, chart, export, dropdown, API response and admin page relies on it):

* A user's scope is the set of area-code prefixes of the user's role assignments
  (:class:`fupin.accounts.models.RoleAssignment`), reduced so no prefix lies inside another.
  A superuser's scope is everything (the empty prefix). A user with no assignment sees nothing.
* A prefix becomes a code range — ``code >= '152223' AND code < '152224'`` — so the predicate
  uses the index on the village code on SQLite and PostgreSQL alike (``LIKE`` would not on
  SQLite) and stays a local predicate per shard on Citus.
* Models that hold area-scoped rows (``Area`` itself included) use :class:`ScopedManager`
  and name the column that holds the village (or area) code in ``scope_field``; the system
  check in :mod:`fupin.areas.checks` refuses start-up otherwise. The whole API is two
  queryset methods:

  - ``Model.objects.accessible_to(user)`` — the rows in the user's scope, the only way a
    view, serializer, export, selector or admin reads them;
  - ``.within(code)`` — the rows under area ``code`` (a drill-down, not a permission;
    ``code`` may also be a list of codes — an empty list matches nothing — and ``""``
    means everything).

  Both take an optional ``field`` for a query that must be limited on another code column,
  a joined one included: ``Allocation.objects.accessible_to(user).within(code,
  field="fund__area_id")``. Code outside ``fupin.areas`` never writes the filter itself
  (``tests/areas/test_scope_once.py``); to ask whether a user may see one code, it calls
  :func:`user_can_see_code` or ``fupin.areas.selectors.access_area``.
  :class:`ScopedModelAdmin` reads the same ``scope_field``.
* A user whose only role is the pairing cadre's reads, of the household records
  (:data:`HOUSEHOLD_KEYED`), only those of the households its cadre is paired with today:
  ``accessible_to`` adds :func:`own_households_q`, so no view narrows on its own.
* Views are refused unless marked: :func:`scope_safe` (reads through ``accessible_to`` or an
  ``access_*`` function) or :func:`public` (no records at all, or public notices).
  :class:`ScopeSafeViewMiddleware` enforces it, and ``tests/areas/test_scope_walk.py`` walks
  every URL pattern with a user of another village.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpResponseForbidden
from django.utils.translation import gettext

from fupin.accounts.models import Role
from fupin.core.clock import as_of

EVERYTHING = ""


def prefix_upper_bound(prefix: str) -> str:
    """Return the smallest string greater than every code that starts with ``prefix``.

    Codes are decimal digits, so incrementing the last character is enough ('9' → ':').
    """
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def reduce_prefixes(codes) -> tuple[str, ...]:
    """Drop every code that lies inside another one of the set."""
    kept: list[str] = []
    for code in sorted(set(codes), key=lambda c: (len(c), c)):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return tuple(sorted(kept))


def user_prefixes(user) -> tuple[str, ...]:
    """Return the area-code prefixes the user may see (``("",)`` for everything)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    cached = getattr(user, "_fupin_prefixes", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        prefixes: tuple[str, ...] = (EVERYTHING,)
    else:
        prefixes = reduce_prefixes(area for _role, area in user.assignments())
    user._fupin_prefixes = prefixes
    return prefixes


def prefixes_q(field: str, prefixes) -> Q:
    """Return a filter matching codes in ``field`` that start with one of ``prefixes``.

    No prefixes give a filter that matches nothing; the empty prefix matches everything.
    """
    if EVERYTHING in prefixes:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix_upper_bound(prefix)})
    return q


def code_in_prefixes(code: str, prefixes) -> bool:
    return any(code.startswith(p) for p in prefixes)


def scope_q(user, field: str) -> Q:
    """Return the filter that limits ``field`` (an area code column) to the user's scope."""
    return prefixes_q(field, user_prefixes(user))


def within_q(field: str, code: str) -> Q:
    """Return the filter for ``field`` within area ``code`` (a drill-down, not a permission)."""
    return prefixes_q(field, (code,))


def user_can_see_code(user, code: str) -> bool:
    return code_in_prefixes(code, user_prefixes(user))


def scope_roots(user) -> list[str]:
    """The area codes the user's scope starts from, to show (an API's ``/me``), not to filter:
    a filter is ``accessible_to`` / ``within``. ``[""]`` for everything."""
    return list(user_prefixes(user))


def user_sees_everything(user) -> bool:
    return EVERYTHING in user_prefixes(user)


def user_scope_has_village(user) -> bool:
    """Tell whether one of the user's scope prefixes is a single village."""
    return any(len(p) == 12 for p in user_prefixes(user))


# -- a pairing cadre's own households ---------------------------------------------------------
#
# A user whose only role is the pairing cadre's (帮扶责任人) reads its village's figures, but of
# the household records only those of the households its cadre (``Cadre.user``) is paired with
# today. The household records are these models, keyed by the column holding the household.
HOUSEHOLD_KEYED = {
    "registry.household": "pk",
    "registry.member": "household_id",
    "registry.incomerecord": "household_id",
    "registry.statusrecord": "household_id",
}


def narrowed_to_own_households(user) -> bool:
    """Tell whether the user holds no role but the pairing cadre's (and is no superuser)."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return False
    roles = {role for role, _area in user.assignments()}
    return roles == {Role.PAIRING_CADRE}


def own_households_q(user, model) -> Q:
    """The filter keeping, of ``model``'s rows, those of the user's own households; no filter
    for a model that is not a household record or a user who is not narrowed."""
    column = HOUSEHOLD_KEYED.get(model._meta.label_lower)
    if column is None or not narrowed_to_own_households(user):
        return Q()
    household = model if column == "pk" else model._meta.get_field("household").related_model
    today = as_of()
    # One filter() call, so the cadre, the start and the end are of the same pairing. The
    # households are looked up within the user's scope too: the partition key, so that the
    # subquery reads the village's partition only on the national layout (docs/scale.md).
    own = household._base_manager.filter(
        scope_q(user, household.scope_field),
        Q(pairings__cadre__user=user, pairings__cadre__active=True)
        & Q(pairings__start_date__lte=today)
        & (Q(pairings__end_date__isnull=True) | Q(pairings__end_date__gte=today)),
    ).values("pk")
    return Q(**{f"{column}__in": own})


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model whose rows belong to an area; see the module docstring."""

    def _scope_field(self, field: str | None) -> str:
        field = field or getattr(self.model, "scope_field", None)
        if not field:
            raise ImproperlyConfigured(f"{self.model.__name__} has no scope_field")
        return field

    def accessible_to(self, user, field: str | None = None):
        """Limit to the user's scope, on ``scope_field`` or on ``field`` if given (and, for a
        pairing cadre, the household records to its own households)."""
        return self.filter(
            scope_q(user, self._scope_field(field)), own_households_q(user, self.model)
        )

    def co_located(self, *relations: str):
        """Join ``relations`` (household-keyed rows of the same village) on the village too:
        the partition key, so that the join reads one county's partitions on the national
        layout and stays on one shard on Citus (docs/scale.md)."""
        key = self._scope_field(None)
        return self.filter(**{f"{r}__{key}": models.F(key) for r in relations})

    def within(self, code, field: str | None = None):
        """Limit to the rows under area ``code`` (a code or a list of codes)."""
        codes = (code,) if isinstance(code, str) else tuple(code)
        return self.filter(prefixes_q(self._scope_field(field), codes))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def scope_safe(view):
    """Mark a view as reading only through ``accessible_to`` / ``access_*``."""
    view.fupin_scope = "scoped"
    return view


def public(view):
    """Mark a view as showing no scoped record (login, language switch, public notices)."""
    view.fupin_scope = "public"
    return view


def view_scope_mark(view) -> str | None:
    for candidate in (view, getattr(view, "cls", None), getattr(view, "view_class", None)):
        mark = getattr(candidate, "fupin_scope", None)
        if mark:
            return mark
    return None


# Namespaces whose views scope themselves: the admin asks ScopedModelAdmin.get_queryset.
SELF_SCOPED_NAMESPACES = {"admin"}


class ScopeSafeViewMiddleware:
    """Refuse any view that is not marked scope-safe or public (CommCare's location-safe)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match and SELF_SCOPED_NAMESPACES.intersection(match.namespaces):
            return None
        if view_scope_mark(view_func):
            return None
        return HttpResponseForbidden(gettext("此页面未标记数据范围（scope），已拒绝访问。"))


def scope_safe_class(cls):
    """Class decorator form of :func:`scope_safe` for class-based and DRF views."""
    cls.fupin_scope = "scoped"
    return cls


def public_class(cls):
    cls.fupin_scope = "public"
    return cls


class ScopedModelAdmin(admin.ModelAdmin):
    """Admin whose list, detail, autocomplete and deletions all read through the scope, whose
    area dropdowns offer only areas in scope, and which refuses to save a row outside it."""

    # An area foreign key named like a level offers only areas of that level.
    AREA_FIELD_LEVELS = {"county": "county", "township": "township", "village": "village"}

    def get_queryset(self, request):
        return super().get_queryset(request).accessible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from .models import Area

        if db_field.related_model is Area and db_field.name not in self.raw_id_fields:
            areas = Area.objects.accessible_to(request.user)
            level = self.AREA_FIELD_LEVELS.get(db_field.name)
            kwargs["queryset"] = areas.filter(level=level) if level else areas
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        code = getattr(obj, self.model.scope_field, None) or ""
        if not user_can_see_code(request.user, code):
            raise PermissionDenied(gettext("该记录不在您的权限范围内"))
        super().save_model(request, obj, form, change)
