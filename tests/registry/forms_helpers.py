"""Hand-built data of the day-to-day form tests (tests/registry/test_forms_*.py)."""

from __future__ import annotations

import datetime

from fupin.core.models import AuditEvent
from fupin.registry import codes
from fupin.registry.models import Household, Member
from tests.factories import CHANGFA, id_number_for, make_household

TODAY = datetime.date(2017, 6, 30)


def household(village: str = CHANGFA, members: int = 3, **fields) -> Household:
    """A household of ``members`` persons (head, spouse, sons) with its 2017 status row."""
    return make_household(village, members=members, year=2017, **fields)


def members(hh: Household) -> list[Member]:
    return list(hh.members.order_by("pk"))


def new_person(relation=codes.Relation.GRANDSON, birth=datetime.date(2017, 3, 1), **extra):
    """The form fields of a new member (a baby by default)."""
    fields = {
        "name": "新生儿",
        "name_mn": "",
        "id_number": id_number_for(CHANGFA, birth=birth),
        "relation": relation,
        "ethnicity": codes.Ethnicity.HAN,
        "education": "",
        "school_status": "",
        "health": codes.Health.HEALTHY,
        "labour": "",
        "migrant_months": 0,
        "medical_insurance": True,
        "pension": None,
        "phone": "",
    }
    fields.update(extra)
    return fields


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def form_errors(response) -> str:
    """The page's error box as text (the Chinese messages the user reads)."""
    body = response.content.decode()
    start = body.find('id="form-errors"')
    return body[start : body.find("</div>", start)] if start >= 0 else ""
