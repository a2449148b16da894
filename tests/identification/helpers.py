"""Shared set-up of the identification tests: three users and a valid application."""

from __future__ import annotations

import datetime

from fupin.core.clock import as_of
from fupin.identification import services
from fupin.identification.models import Case
from fupin.registry import codes
from tests.factories import CHANGFA, YINDEER, ZHALAITE, id_number_for, make_user

MEETING = {
    "meeting_date": "2017-06-01",
    "attendees": 40,
    "representatives": 30,
    "votes_for": 28,
    "votes_against": 2,
    "minutes": "经村民代表大会民主评议，同意纳入。",
}


def users():
    return {
        "village": make_user("village_team", CHANGFA),
        "township": make_user("township_officer", YINDEER),
        "county": make_user("county_office", ZHALAITE),
    }


def application(head="乌力吉·巴特尔", members=2):
    people = [
        {
            "name": head,
            "id_number": id_number_for(CHANGFA, birth=datetime.date(1968, 4, 2)),
            "relation": codes.Relation.HEAD,
            "ethnicity": codes.Ethnicity.MONGOL,
            "education": codes.Education.PRIMARY,
            "school_status": codes.SchoolStatus.NONE,
            "health": codes.Health.CHRONIC,
            "labour": codes.Labour.ORDINARY,
            "migrant_months": 0,
            "medical_insurance": True,
        }
    ]
    for i in range(1, members):
        people.append(
            {
                "name": f"{head[:3]}成员{i}",
                "id_number": id_number_for(CHANGFA, birth=datetime.date(1970 + i, 5, 3), sex="F"),
                "relation": codes.Relation.SPOUSE if i == 1 else codes.Relation.SON,
                "ethnicity": codes.Ethnicity.MONGOL,
                "education": codes.Education.JUNIOR,
                "school_status": codes.SchoolStatus.NONE,
                "health": codes.Health.HEALTHY,
                "labour": codes.Labour.ORDINARY,
                "migrant_months": 3,
                "medical_insurance": True,
            }
        )
    return {
        "household": {
            "attribute": codes.Attribute.GENERAL,
            "main_cause": codes.Cause.ILLNESS,
            "other_causes": [],
            "dangerous_housing": False,
            "safe_water": True,
            "phone": "13900000000",
        },
        "members": people,
    }


def new_case(village_user, *, year=2017, **kwargs) -> Case:
    app = kwargs.pop("application", None) or application()
    return services.case_create(
        actor=village_user,
        kind=Case.Kind.IDENTIFICATION,
        village=CHANGFA,
        year=year,
        applicant_name=app["members"][0]["name"],
        application=app,
        **kwargs,
    )


def approve(user, case, record=None, **kwargs) -> Case:
    return services.case_act(actor=user, case=case, decision="approve", record=record, **kwargs)


def after(notice, days=1) -> datetime.date:
    return notice.ends_on + datetime.timedelta(days=days)


def today() -> datetime.date:
    return as_of()
