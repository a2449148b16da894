"""Hand-built data in 音德尔镇: three villages taking part, with known visits, concerns,
meetings and tasks (the other villages of the township are marked as not taking part).

* A 长发村 (CHANGFA): 2 pairings, both visited in the week of 2017-06-30; no overdue concern;
  a village review meeting on 2017-06-20; its branch held every meeting due; task done.
* B 团结村 (…200): 2 pairings, one visited; no concern; no review; no branch; task at 50 %
  (deadline in December, not overdue).
* C 东方红村 (…201): 2 pairings, none visited; one concern overdue; no review; a branch that
  held nothing; task at 0 % past its deadline (overdue).
"""

from __future__ import annotations

import datetime

import pytest

from fupin.areas.models import Area
from fupin.assistance.models import Cadre, Link, Pairing
from fupin.duties.models import Duty, Subject, Task
from fupin.fieldwork.models import Concern, ReviewMeeting, Visit
from fupin.party.models import PartyMeeting, PartyOrganization
from tests.factories import CHANGFA, YINDEER, make_household

D = datetime.date
A, B, C = CHANGFA, "152223100200", "152223100201"
VILLAGES = (A, B, C)
VISITED = {A: 2, B: 1, C: 0}


def _village(code: str, tag: str) -> dict:
    secretary = Cadre.objects.create(
        name=f"书记{tag}", area_id=code, unit="派出单位", post=Cadre.Post.FIRST_SECRETARY
    )
    pairings = []
    for i in range(2):
        household = make_household(code, year=2017, head_name=f"户主{tag}{i}")
        cadre = Cadre.objects.create(
            name=f"干部{tag}{i}", area_id=code, unit="单位", post=Cadre.Post.DEPARTMENT_CADRE
        )
        pairings.append(
            Pairing.objects.create(
                cadre=cadre, household=household, village_id=code, start_date=D(2017, 1, 1)
            )
        )
    for p in pairings[: VISITED[code]]:
        Visit.objects.create(
            cadre=p.cadre, household=p.household, village_id=code, visited_on=D(2017, 6, 28)
        )
    Link.objects.create(
        kind=Link.Kind.DEPARTMENT_VILLAGE,
        area_id=code,
        department=f"包联单位{tag}",
        start_date=D(2016, 1, 1),
    )
    return {"secretary": secretary, "pairings": pairings}


@pytest.fixture
def township(db):
    Area.objects.filter(code__startswith=YINDEER, level="village").exclude(
        code__in=VILLAGES
    ).update(participates=False)
    leader = Cadre.objects.create(
        name="联系领导甲", area_id=YINDEER[:6], unit="旗委", post=Cadre.Post.COUNTY_LEADER
    )
    Link.objects.create(
        kind=Link.Kind.LEADER_TOWNSHIP, area_id=YINDEER, cadre=leader, start_date=D(2016, 1, 1)
    )
    data = {code: _village(code, tag) for code, tag in zip(VILLAGES, "ABC", strict=True)}
    owner = data[C]["secretary"]
    concern = Concern.objects.create(
        household=data[C]["pairings"][0].household,
        village_id=C,
        source="visit",
        raised_on=D(2017, 6, 1),
        text="饮水困难",
        category="other",
        state="assigned",
        owner=owner,
        deadline=D(2017, 6, 10),
    )
    ReviewMeeting.objects.create(area_id=A, level="village", held_on=D(2017, 6, 20))
    branch_a = PartyOrganization.objects.create(kind="branch", name="长发村党支部", area_id=A)
    for kind, day in (
        ("committee_meeting", D(2017, 6, 10)),
        ("members_meeting", D(2017, 5, 12)),
        ("lesson", D(2017, 5, 20)),
    ):
        PartyMeeting.objects.create(
            organization=branch_a, area_id=A, kind=kind, held_on=day, topic="学习"
        )
    branch_c = PartyOrganization.objects.create(kind="branch", name="东方红村党支部", area_id=C)
    duty = Duty.objects.create(subject=Subject.objects.get(name="驻村第一书记"), title="职责")
    tasks = {}
    for code, progress, deadline in (
        (A, 100, D(2017, 6, 15)),
        (B, 50, D(2017, 12, 31)),
        (C, 0, D(2017, 6, 15)),
    ):
        tasks[code] = Task.objects.create(
            duty=duty,
            area_id=code,
            year=2017,
            title=f"任务{code[-3:]}",
            owner=data[code]["secretary"],
            deadline=deadline,
            weight=10,
            progress=progress,
        )
    return {"villages": data, "concern": concern, "branch_c": branch_c, "tasks": tasks}
