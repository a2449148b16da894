"""Clarity cards (明白卡, docs/domain.md §3.4): one printable page per household, A4 or A5.

A card shows the household (village, township, number, head), its members with masked ID
numbers, attribute and causes, this year's measures (一户一法, when the plans app provides
them), the latest income record up to the year, the paired cadres with unit and phone, the
supervision hotline and a signature line for the head and the cadre.

Set-based: :func:`build_cards` reads any number of households with a fixed handful of
queries (households with village and township, members, incomes, active pairings with their
cadres, measures), and :func:`render_cards_pdf` makes one HTML document with a page break
per card and hands it to WeasyPrint once (Noto CJK through fontconfig, nothing fetched), so
a village of ~100 households is one PDF of ~100 pages.

Each card carries a QR code (segno, an inline SVG that WeasyPrint draws as vectors) of the
absolute address of the household's visit form in the phone app, ``/m/visit/<id>/``, with
that address printed small under it: scanned on the door, it opens the form for that
household. The base of the address is ``FUPIN_PUBLIC_URL``, else the request's own host
(:func:`public_base_url`); the ``cards`` command, which has no request, uses the setting.

Callers pass an already scoped household queryset (``Household.objects.accessible_to``).
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import segno
from django.apps import apps
from django.conf import settings
from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from fupin.areas.selectors import is_bilingual
from fupin.core.collector import collector_paused
from fupin.core.masking import mask_id_number
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord, Member

from .models import Pairing

# 全国扶贫监督举报电话 (State Council Leading Group Office of Poverty Alleviation).
HOTLINE = "12317"
SIZES = ("A4", "A5")
# The base of the QR codes' address when neither the setting nor a request gives one.
FALLBACK_BASE_URL = "http://localhost:8000"
# Members + measures beyond which a card is set in a smaller type to stay on one page.
DENSE_ROWS = {"A4": 14, "A5": 7}

# The order members are listed in: head first, then spouse, then the rest by birth.
_RELATION_ORDER = {codes.Relation.HEAD: 0, codes.Relation.SPOUSE: 1}


@dataclasses.dataclass
class CardMember:
    name: str
    relation: str
    id_masked: str
    sex: str
    age: int
    health: str
    labour: str
    school: str
    name_mn: str = ""  # in Mongolian script, printed on a bilingual card


@dataclasses.dataclass
class CardIncome:
    year: int
    wage: Decimal
    business: Decimal
    property: Decimal
    transfer: Decimal
    costs: Decimal
    net: Decimal
    per_capita: Decimal | None
    members_count: int


@dataclasses.dataclass
class CardMeasure:
    kind: str
    content: str
    amount: Decimal | None
    cadre: str
    status: str


@dataclasses.dataclass
class CardCadre:
    name: str
    unit: str
    title: str
    phone: str


@dataclasses.dataclass
class Card:
    household_id: int
    number: str
    head_name: str
    village: str
    township: str
    county: str
    attribute: str
    status: str
    main_cause: str
    other_causes: list[str]
    members_count: int
    members: list[CardMember]
    income: CardIncome | None
    measures: list[CardMeasure] | None  # None: the plans app has no measures yet
    cadres: list[CardCadre]
    dense: bool = False
    # The visit form's absolute address and its QR code (an inline SVG).
    visit_url: str = ""
    qr: SafeString = SafeString("")
    # Mongolian beside the Chinese (fupin.areas.selectors.is_bilingual of the village).
    bilingual: bool = False
    village_mn: str = ""


def public_base_url(request=None) -> str:
    """The site's public base URL: ``FUPIN_PUBLIC_URL``, else the request's scheme and host."""
    base = getattr(settings, "FUPIN_PUBLIC_URL", "") or ""
    if not base and request is not None:
        base = request.build_absolute_uri("/")
    return (base or FALLBACK_BASE_URL).rstrip("/")


def visit_url(household_id: int, base_url: str) -> str:
    """The absolute address of the phone app's visit form for the household."""
    return f"{base_url.rstrip('/')}/m/visit/{household_id}/"


def qr_svg(data: str) -> SafeString:
    """``data`` as a QR code: an inline SVG sized by its viewBox (the template sets the size)."""
    code = segno.make(data, error="m", micro=False)
    # segno writes only the path of the dark modules: nothing from ``data`` but its bits.
    return mark_safe(code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-code"))  # noqa: S308


def _measure_model():
    """The plans app's Measure (一户一法), or None while it does not exist."""
    try:
        return apps.get_model("assistance", "Measure")
    except LookupError:
        return None


def _measures_by_household(household_ids, year: int) -> dict[int, list[CardMeasure]] | None:
    """Return the year's measures per household (one query), or None without a Measure model."""
    model = _measure_model()
    if model is None:
        return None
    rows = (
        model.objects.filter(plan__household_id__in=household_ids, year=year)
        .select_related("responsible")
        .annotate(card_household=F("plan__household_id"))
        .order_by("pk")
    )
    result: dict[int, list[CardMeasure]] = {}
    for m in rows:
        result.setdefault(m.card_household, []).append(
            CardMeasure(
                kind=m.get_type_display(),
                content=m.description,
                amount=m.amount,
                cadre=m.responsible.name if m.responsible is not None else "",
                status=m.get_status_display(),
            )
        )
    return result


def card_households(households, year: int, today: datetime.date) -> list[Household]:
    """Return ``households`` with everything a card shows prefetched (a handful of queries)."""
    active = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    rows = list(
        households.select_related("village", "village__parent", "village__parent__parent").order_by(
            "number"
        )
    )
    # The households' villages beside their ids: the partition key of the national layout,
    # so that one card or a village's cards read one county's partitions (docs/scale.md).
    villages = sorted({h.village_id for h in rows})
    prefetch_related_objects(
        rows,
        # A member who died, married out or moved away is no longer on the card.
        Prefetch(
            "members",
            queryset=Member.objects.filter(left_on__isnull=True, village_id__in=villages).order_by(
                "birth_date", "pk"
            ),
        ),
        Prefetch(
            "incomes",
            queryset=IncomeRecord.objects.filter(year__lte=year, village_id__in=villages).order_by(
                "-year"
            ),
            to_attr="card_incomes",
        ),
        Prefetch(
            "pairings",
            queryset=Pairing.objects.filter(active, cadre__active=True)
            .select_related("cadre")
            .order_by("start_date", "pk"),
            to_attr="card_pairings",
        ),
    )
    return rows


def _card(household: Household, today: datetime.date, measures) -> Card:
    members = sorted(
        household.members.all(),
        key=lambda m: (_RELATION_ORDER.get(m.relation, 2), m.birth_date, m.pk),
    )
    income = household.card_incomes[0] if household.card_incomes else None
    village = household.village
    township = village.parent
    county = township.parent if township is not None else None
    seen = set()
    cadres = []
    for pairing in household.card_pairings:
        if pairing.cadre_id in seen:
            continue
        seen.add(pairing.cadre_id)
        c = pairing.cadre
        cadres.append(CardCadre(name=c.name, unit=c.unit, title=c.title, phone=c.phone))
    cause_labels = {value: str(label) for value, label in codes.Cause.choices}
    card_measures = None if measures is None else measures.get(household.pk, [])
    card = Card(
        household_id=household.pk,
        number=household.number,
        head_name=household.head_name,
        village=village.name,
        township=township.name if township is not None else "",
        county=county.name if county is not None else "",
        attribute=household.attribute_label,
        status=household.get_status_display(),
        main_cause=household.get_main_cause_display(),
        other_causes=[
            cause_labels.get(c, c)
            for c in household.other_causes or []
            if c != household.main_cause
        ],
        members_count=household.members_count,
        members=[
            CardMember(
                name=m.name,
                relation=m.get_relation_display(),
                id_masked=mask_id_number(m.id_number),
                sex=m.get_sex_display(),
                age=m.age_on(today),
                health=m.get_health_display(),
                labour=m.get_labour_display(),
                school=m.get_school_status_display(),
                name_mn=m.name_mn,
            )
            for m in members
        ],
        income=None
        if income is None
        else CardIncome(
            year=income.year,
            wage=income.wage_income,
            business=income.business_income,
            property=income.property_income,
            transfer=income.transfer_income,
            costs=income.business_costs,
            net=income.net_income,
            per_capita=income.net_income_per_capita,
            members_count=income.members_count,
        ),
        measures=card_measures,
        cadres=cadres,
        village_mn=village.name_mn,
    )
    return card


def build_cards(
    households, *, year: int, today: datetime.date, size: str = "A4", base_url: str = ""
) -> list[Card]:
    """Return the cards of ``households`` (a scoped queryset), in household-number order;
    ``base_url`` is the base of the QR codes' address (default :func:`public_base_url`)."""
    rows = card_households(households, year, today)
    measures = _measures_by_household([h.pk for h in rows], year) if rows else None
    cards = [_card(h, today, measures) for h in rows]
    base_url = base_url or public_base_url()
    bilingual = {code: is_bilingual(code) for code in {h.village_id for h in rows}}
    for card, household in zip(cards, rows, strict=True):
        card.bilingual = bilingual[household.village_id]
        card.dense = len(card.members) + len(card.measures or []) > DENSE_ROWS[size]
        card.visit_url = visit_url(card.household_id, base_url)
        card.qr = qr_svg(card.visit_url)
    return cards


def render_cards_html(
    cards: list[Card], *, year: int, today: datetime.date, size: str = "A4", empty: str = ""
) -> str:
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    return render_to_string(
        "assistance/card.html",
        {
            "cards": cards,
            "year": year,
            "today": today,
            "size": size,
            "hotline": HOTLINE,
            "empty": empty,
            "bilingual": any(card.bilingual for card in cards),
        },
    )


def render_cards_pdf(
    cards: list[Card], *, year: int, today: datetime.date, size: str = "A4", empty: str = ""
) -> bytes:
    from fupin.core.pdf import render_pdf

    html = render_cards_html(cards, year=year, today=today, size=size, empty=empty)
    with collector_paused():  # WeasyPrint's millions of objects (fupin.core.collector)
        return render_pdf(html)


def village_households(village_code: str, households=None):
    """The households whose cards a village prints: every registered household of it."""
    qs = Household.objects.all() if households is None else households
    return qs.filter(village_id=village_code)
