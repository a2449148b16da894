"""Walk every URL pattern as a user of another village and look for leaks (docs/architecture.md rule 2).

Every pattern is requested with the objects of 长发村 (CHANGFA) filled into its arguments and
with 长发村's code and names in the query string. The user of 哈达那拉嘎查 must get 403/404 (or an
empty answer), and no response may carry a household number, a name or an ID number of
长发村, nor a non-zero count for it. A new URL whose arguments this walk cannot fill fails the
test, so the walk grows with the project.
"""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from fupin.areas.scope import SELF_SCOPED_NAMESPACES, view_scope_mark
from fupin.registry.models import ImportJob
from tests.factories import CHANGFA, HADANALA, make_household, make_user


def _patterns(resolver=None, prefix="", namespaces=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespaces


def test_every_view_is_marked_scope_safe_or_public():
    unmarked = [
        route
        for route, entry, namespaces in _patterns()
        if not SELF_SCOPED_NAMESPACES.intersection(namespaces)
        and not view_scope_mark(entry.callback)
    ]
    assert unmarked == []


def test_unmarked_views_are_refused(rf):
    from django.http import HttpResponse

    from fupin.areas.scope import ScopeSafeViewMiddleware

    def view(request):
        return HttpResponse("secret")

    request = rf.get("/x/")
    request.resolver_match = None
    response = ScopeSafeViewMiddleware(lambda r: None).process_view(request, view, (), {})
    assert response.status_code == 403


@pytest.fixture
def changfa():
    household = make_household(
        CHANGFA, members=3, head_name="长发户主甲", number="152223100234X001", year=2016
    )
    member = household.members.order_by("pk").first()
    owner = make_user("township_officer", "152223100")
    job = ImportJob.objects.create(
        user=owner,
        scope_code=CHANGFA,
        original_name="changfa.xlsx",
        year=2017,
        file="imports/changfa.xlsx",
    )
    return {
        "household": household,
        "member": member,
        "job": job,
        **_changfa_cases(household),
        **_changfa_assistance(household, member),
        **_changfa_fieldwork(household),
        **_changfa_party(household, member),
        **_changfa_funds(household),
        **_changfa_social(household, member),
        **_changfa_leaders(household),
        **_changfa_duties(household, member),
        **_changfa_cadres(member),
        **_changfa_reports(household),
        **_changfa_counties(household),
        **_changfa_outreach(household),
        **_changfa_quality(household, member),
        **_changfa_review(household),
    }


# -- counties ------------------------------------------------------------------------------
def _changfa_counties(household):
    """A third-party assessment of 扎赉特旗 whose sample holds the household."""
    import datetime

    from fupin.counties.models import AssessmentRound, SampledHousehold

    round_ = AssessmentRound.objects.create(
        county_id="152223", year=2017, kind="pre", seed=1, drawn_on=datetime.date(2017, 6, 30)
    )
    sample = SampledHousehold.objects.create(
        round=round_, village_id=CHANGFA, stratum="poor", position=1, household=household
    )
    return {"counties_round": round_, "counties_sample": sample}


def _changfa_outreach(household):
    """A lecture held at 长发村, its speaker and topic the household head's name."""
    import datetime

    from fupin.outreach.models import PolicyLecture

    lecture = PolicyLecture.objects.create(
        area_id=CHANGFA,
        date=datetime.date(2016, 5, 4),
        place="长发村委会",
        speaker=household.head_name,
        topic=household.head_name,
        audience=60,
    )
    return {"outreach_lecture": lecture}


# -- reports -------------------------------------------------------------------------------
def _changfa_reports(household):
    """长发村's published weekly report: its pairing list names the household's head."""
    import datetime
    import tempfile

    from django.test import override_settings

    from fupin.areas.models import Area
    from fupin.reports.services import report_publish

    with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="fupin-walk-")):
        report = report_publish(
            actor=None,
            area=Area.objects.get(pk=CHANGFA),
            kind="weekly",
            day=datetime.date(2017, 6, 30),
        )
    assert household.head_name in str(report.content)
    return {"report": report}


def _changfa_cadres(member):
    """长发村's village secretary (named like a member) with a post, a work team, an
    evaluation and a training record; a township leader of 音德尔镇 with the same name."""
    import datetime

    from fupin.assistance.models import Cadre
    from fupin.cadres.models import CadrePost, CadreRecord, Evaluation, WorkTeam

    start = datetime.date(2015, 1, 1)
    cadre = Cadre.objects.create(
        name=member.name,
        area_id=CHANGFA,
        unit="长发村党支部",
        post=Cadre.Post.VILLAGE_CADRE,
        birth_date=datetime.date(1985, 1, 1),
        education=Cadre.Education.BACHELOR,
    )
    team = WorkTeam.objects.create(
        village_id=CHANGFA,
        sending_unit="长发派出单位",
        leader=cadre,
        start_date=start,
        planned_end=datetime.date(2016, 1, 1),
    )
    post = CadrePost.objects.create(
        cadre=cadre, kind="work_team", area_id=CHANGFA, team=team, start_date=start
    )
    Evaluation.objects.create(
        cadre=cadre, year=2016, area_id=CHANGFA, score=90, grade="excellent", outcome="commended"
    )
    record = CadreRecord.objects.create(
        cadre=cadre, kind="training", date=start, area_id=CHANGFA, note=member.name
    )
    leader = Cadre.objects.create(
        name=member.name, area_id=CHANGFA[:9], unit="音德尔镇", post=Cadre.Post.TOWNSHIP_CADRE
    )
    CadrePost.objects.create(
        cadre=leader, kind="township_leader", area_id=CHANGFA[:9], start_date=start
    )
    return {
        "cadres_cadre": cadre,
        "cadres_team": team,
        "cadres_post": post,
        "cadres_record": record,
        "cadres_evaluation": Evaluation.objects.get(cadre=cadre),
    }


# -- duties and command ----------------------------------------------------------------------
def _changfa_duties(household, member):
    """长发村's duty task with a progress report, and its work team, all named by its secrets."""
    import datetime

    from fupin.command.models import CommandMember, CommandUnit
    from fupin.duties.models import Duty, Subject, Task, TaskProgress

    duty = Duty.objects.create(subject=Subject.objects.get(name="驻村第一书记"), title="职责")
    task = Task.objects.create(
        duty=duty,
        area_id=CHANGFA,
        year=2016,
        title=household.head_name,
        owner_unit=member.name,
        deadline=datetime.date(2016, 3, 1),
        weight=10,
    )
    report = TaskProgress.objects.create(
        task=task,
        area_id=CHANGFA,
        reported_on=datetime.date(2016, 2, 1),
        percent=20,
        note=household.number,
    )
    unit = CommandUnit.objects.create(
        kind="vertical_work_team", name=household.head_name, area_id=CHANGFA
    )
    person = CommandMember.objects.create(unit=unit, area_id=CHANGFA, name=member.name, role="队员")
    return {
        "duties_task": task,  # seen by 长发村: test_changfa_sees_its_duties_and_work_team
        "duties_report": report,
        "command_unit": unit,
        "command_member": person,
    }


def _changfa_party(household, member):
    """长发村's branch, a member named like the household's member, a meeting with an absence."""
    import datetime

    from fupin.party.models import MeetingAbsence, PartyMeeting, PartyMember, PartyOrganization

    branch = PartyOrganization.objects.create(kind="branch", name="长发村党支部", area_id=CHANGFA)
    party_member = PartyMember.objects.create(
        name=member.name, sex="M", organization=branch, area_id=CHANGFA, post="member"
    )
    meeting = PartyMeeting.objects.create(
        organization=branch,
        area_id=CHANGFA,
        kind="members_meeting",
        held_on=datetime.date(2017, 5, 12),
        topic=household.head_name,
    )
    MeetingAbsence.objects.create(
        meeting=meeting, member=party_member, area_id=CHANGFA, reason="work_away"
    )
    return {"party_org": branch, "party_member": party_member, "party_meeting": meeting}


def _changfa_leaders(household):
    """A leader of 长发村 (a Party member named like the household's head) driving it."""
    import datetime

    from fupin.leaders.models import EntrepreneurLeader, LeaderIncome, LeaderLink
    from fupin.party.models import PartyMember, PartyOrganization

    branch = PartyOrganization.objects.create(kind="branch", name="长发村支部", area_id=CHANGFA)
    member = PartyMember.objects.create(
        name=household.head_name, sex="M", organization=branch, area_id=CHANGFA
    )
    leader = EntrepreneurLeader.objects.create(
        party_member=member,
        area_id=CHANGFA,
        business_name=household.head_name,
        kind="cooperative",
        industry="肉牛养殖",
    )
    link = LeaderLink.objects.create(
        leader=leader,
        household=household,
        village_id=CHANGFA,
        kind="employ",
        since=datetime.date(2015, 1, 1),
    )
    LeaderIncome.objects.create(link=link, village_id=CHANGFA, year=2016, amount=1000)
    return {"leader": leader, "leader_link": link}


def _fill_leaders(objects, before: str) -> str:
    if before.startswith("leaders/links/"):
        return str(objects["leader_link"].pk)
    return str(objects["leader"].pk)


def _changfa_quality(household, member):
    """扎赉特旗's deaths list naming a 长发村 member, and the flag it raised."""
    import datetime

    from fupin.quality.models import DepartmentList, Flag, ListRow

    department_list = DepartmentList.objects.create(
        kind="deaths",
        source="民政部门",
        list_date=datetime.date(2017, 3, 31),
        scope_code=CHANGFA[:6],
        file_name="deaths.xlsx",
        file_hash="0" * 64,
        imported_on=datetime.datetime(2017, 4, 1, tzinfo=datetime.UTC),
        rows=1,
    )
    row = ListRow.objects.create(
        department_list=department_list,
        row=2,
        id_number=member.id_number,
        id_normalized=member.id_number,
        name=member.name,
        death_date=datetime.date(2017, 3, 1),
        detail="2017-03-01 死亡",
        match_key="k" * 40,
    )
    flag = Flag.objects.create(
        kind="comparison",
        rule_code="death",
        rule_version=1,
        match_key=row.match_key,
        village_id=CHANGFA,
        household=household,
        member=member,
        reason="2017-03-01 死亡（民政部门死亡名单 2017-03）",
        year=2017,
        raised_on=datetime.date(2017, 4, 1),
        list_row=row,
    )
    return {"department_list": department_list, "flag": flag}


def _changfa_review(household):
    """扎赉特旗's 回头看 round holding the household, closed and published."""
    import datetime

    from fupin.review import services as review_services
    from fupin.review.models import ReviewItem, ReviewRound

    review_round = ReviewRound.objects.create(
        county_id=CHANGFA[:6],
        year=2016,
        name="回头看",
        starts_on=datetime.date(2016, 3, 1),
        ends_on=datetime.date(2016, 6, 30),
        sample_rate=5,
        seed=1,
        closed_on=datetime.date(2016, 7, 1),
    )
    item = ReviewItem.objects.create(
        review_round=review_round,
        village_id=CHANGFA,
        household=household,
        reason="sample",
        outcome="confirmed",
        note=household.head_name,
    )
    publication = review_services.publish_frozen(review_round, actor=None, pdf=False)
    return {"review_round": review_round, "review_item": item, "review_publication": publication}


def _fill_review(objects, before: str) -> str:
    if before.startswith("review/items/"):
        return str(objects["review_item"].pk)
    if before.startswith("review/published/"):
        return str(objects["review_publication"].pk)
    return str(objects["review_round"].pk)


def _fill_party(objects, before: str) -> str:
    if before.startswith("party/organizations/"):
        return str(objects["party_org"].pk)
    if before.startswith("party/meetings/"):
        return str(objects["party_meeting"].pk)
    return str(objects["party_member"].pk)


def _changfa_funds(household):
    """扎赉特旗's fund allocated to a 长发村 project whose beneficiary is the household."""
    import datetime

    from fupin.funds import services

    office = make_user("county_office", CHANGFA[:6])
    day = datetime.date(2017, 3, 1)
    fund = services.fund_record(
        actor=office,
        name="长发资金",
        source="three_to",
        level="region",
        area=CHANGFA[:6],
        amount="10000",
        received_on=day,
    )
    project = services.project_create(
        actor=office, area=CHANGFA, name="长发项目", type="industry_base", status="in_progress"
    )
    services.allocation_create(actor=office, fund=fund, project=project, amount="5000", date=day)
    share = services.village_share_add(
        actor=office, project=project, village=CHANGFA, amount="5000"
    )
    services.household_shares_create(
        actor=office,
        village_share=share,
        households=[household],
        benefit_model="asset_income",
        amount_each="3000",
        since=day,
    )
    services.dividends_pay(actor=office, project=project, year=2016, paid_on=day, amount_each="50")
    return {"funds_fund": fund, "funds_project": project}


def _changfa_social(household, member):
    """长发村's collective income, a household's share of it and a member's policy enrolment."""
    from fupin.collective.models import CollectiveDistribution, CollectiveIncome
    from fupin.safetynet.models import PolicyEnrolment

    income = CollectiveIncome.objects.create(
        village_id=CHANGFA, year=2016, source="resource", amount="80000"
    )
    share = CollectiveDistribution.objects.create(
        village_id=CHANGFA, year=2016, household=household, amount="500"
    )
    enrolment = PolicyEnrolment.objects.create(
        member=member, household=household, village_id=CHANGFA, year=2016, policy="health"
    )
    return {"collective_income": income, "collective_share": share, "enrolment": enrolment}


def _changfa_fieldwork(household):
    """A concern of 长发村's household raised on a visit, a pairing and a check-in."""
    import datetime

    from fupin.assistance.models import Cadre, Pairing
    from fupin.fieldwork.models import CheckIn, Concern, ReviewMeeting, Visit

    cadre = Cadre.objects.create(
        name="长发干部", area_id=CHANGFA, unit="单位", post=Cadre.Post.FIRST_SECRETARY
    )
    Pairing.objects.create(
        cadre=cadre,
        household=household,
        village_id=CHANGFA,
        start_date=datetime.date(2017, 1, 1),
    )
    visit = Visit.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, visited_on=datetime.date(2017, 6, 1)
    )
    CheckIn.objects.create(cadre=cadre, village_id=CHANGFA, day=datetime.date(2017, 6, 1))
    ReviewMeeting.objects.create(
        area_id=CHANGFA, level="village", held_on=datetime.date(2017, 6, 1)
    )
    concern = Concern.objects.create(
        household=household,
        village_id=CHANGFA,
        source="visit",
        visit=visit,
        raised_on=datetime.date(2017, 6, 1),
        text=household.head_name,
        category="other",
        state="assigned",
        deadline=datetime.date(2017, 6, 2),
    )
    return {"concern": concern}


def _changfa_assistance(household, member):
    """长发村's cadre (a registered-poor member), link, pairing, plan and measure."""
    import datetime

    from fupin.assistance.models import AssistancePlan, Cadre, Link, Measure, Pairing

    start = datetime.date(2017, 1, 1)
    cadre = Cadre.objects.create(
        name=member.name,
        area_id=CHANGFA,
        unit="长发村委会",
        post=Cadre.Post.VILLAGE_CADRE,
        id_number=member.id_number,
    )
    link = Link.objects.create(
        kind=Link.Kind.DEPARTMENT_VILLAGE,
        area_id=CHANGFA,
        department="长发包联单位",
        start_date=start,
    )
    pairing = Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=start
    )
    plan = AssistancePlan.objects.create(household=household, village_id=CHANGFA, year=2017)
    measure = Measure.objects.create(plan=plan, village_id=CHANGFA, type="industry", year=2017)
    return {
        "assistance_cadre": cadre,
        "assistance_link": link,
        "assistance_pairing": pairing,
        "assistance_plan": plan,
        "assistance_measure": measure,
    }


def _changfa_cases(household):
    """An exit case of 长发村's household, with an open objection, and 扎赉特旗's round."""
    import datetime

    from fupin.identification.models import AdjustmentRound, Case, Notice, Objection

    county = make_user("county_office", CHANGFA[:6])
    adjustment_round = AdjustmentRound.objects.create(
        county_id=CHANGFA[:6], year=2017, opened_on=datetime.date(2017, 3, 1), opened_by=county
    )
    case = Case.objects.create(
        kind=Case.Kind.EXIT,
        village_id=CHANGFA,
        year=2017,
        adjustment_round=adjustment_round,
        household=household,
        applicant_name=household.head_name,
        state="notice",
        created_by=county,
        created_on=datetime.date(2017, 6, 1),
    )
    # A pk no public-notice route of the walk fills in (those routes get 404 by design).
    notice = Notice.objects.create(
        pk=10**6,
        kind=Notice.Kind.NOTICE,
        level=Notice.Level.VILLAGE,
        case_kind=Case.Kind.EXIT,
        area_id=CHANGFA,
        title="长发村公示",
        published_on=datetime.date(2017, 6, 28),
        ends_on=datetime.date(2017, 7, 4),
        created_by=county,
    )
    notice.cases.add(case)
    objection = Objection.objects.create(
        notice=notice,
        case=case,
        village_id=CHANGFA,
        filer_name="村民",
        filer_contact="13800000000",
        text=household.head_name,
    )
    return {"case": case, "objection": objection, "round": adjustment_round}


def _fill(route: str, objects) -> str | None:
    """Return the path for ``route`` with 长发村's objects, or None for a non-GET-able route."""
    household, member, job = objects["household"], objects["member"], objects["job"]
    route = route.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\Z", "")
    route = re.sub(r"\(\?P<format>[^)]*\)", "", route)  # DRF format suffix variants
    route = route.replace(".<format>", "").replace("<drf_format_suffix:format>", "")

    def value(name: str, before: str) -> str:
        if name == "pk" and before.startswith("duties/tasks/"):
            return str(objects["duties_task"].pk)
        if name == "pk" and before.startswith(("reports/", "api/reports/")):
            return str(objects["report"].pk)
        if name == "pk" and before.startswith("quality/lists/"):
            return str(objects["department_list"].pk)
        if name == "pk" and before.startswith("quality/flags/"):
            return str(objects["flag"].pk)
        if name == "pk" and before.startswith("review/"):
            return _fill_review(objects, before)
        if name == "pk" or name == "id":
            if before.startswith("party/"):
                return _fill_party(objects, before)
            if before.startswith("funds/"):
                return str(objects["funds_fund"].pk)
            if before.startswith("projects/"):
                return str(objects["funds_project"].pk)
            if before.startswith("leaders/"):
                return _fill_leaders(objects, before)
            if before.startswith("outreach/"):
                return str(objects["outreach_lecture"].pk)
            if before.startswith("notices/"):
                # Public notices: no notice of 长发村 exists here, so the page answers 404.
                return str(household.pk)
            if "member" in before:
                return str(member.pk)
            if "objection" in before:
                return str(objects["objection"].pk)
            if "cadres/teams/" in before:
                return str(objects["cadres_team"].pk)
            if "cadres/" in before:
                return str(objects["cadres_cadre"].pk)
            if "concerns/" in before:
                return str(objects["concern"].pk)
            if "cases/" in before:
                return str(objects["case"].pk)
            if before.startswith("counties/rounds/"):
                return str(objects["counties_round"].pk)
            if "rounds/" in before:
                return str(objects["round"].pk)
            if "import" in before:
                return str(job.pk)
            if "household" in before:
                return str(household.pk)
            if "admin" in before:
                return str(household.pk)
        if name == "pairing_pk":  # the household page's pairing forms
            return str(objects["assistance_pairing"].pk)
        if name == "link_pk":
            return str(objects["assistance_link"].pk)
        if name == "sample":
            return str(objects["counties_sample"].pk)
        if name == "code":
            return CHANGFA
        if name == "kind":
            if before.startswith("outreach/"):
                return "lectures"
            if before.startswith("warmap/ledgers/"):  # i7-panels: the war map's ledgers
                return "households"
            return "beneficiaries" if before.startswith("funds/") else "members"
        if name == "fmt":
            return "xlsx"
        if name == "object_id":
            for model, pk in (
                ("duties/taskprogress/", objects["duties_report"].pk),
                ("duties/task/", objects["duties_task"].pk),
                ("command/commandunit/", objects["command_unit"].pk),
                ("command/commandmember/", objects["command_member"].pk),
                ("assistance/cadre/", objects["assistance_cadre"].pk),
                ("cadres/workteam/", objects["cadres_team"].pk),
                ("cadres/cadrepost/", objects["cadres_post"].pk),
                ("cadres/evaluation/", objects["cadres_evaluation"].pk),
                ("cadres/cadrerecord/", objects["cadres_record"].pk),
                ("assistance/link/", objects["assistance_link"].pk),
                ("assistance/pairing/", objects["assistance_pairing"].pk),
                ("assistance/assistanceplan/", objects["assistance_plan"].pk),
                ("assistance/measure/", objects["assistance_measure"].pk),
                ("registry/member/", member.pk),
                ("registry/importjob/", job.pk),
                ("registry/statusrecord/", household.statuses.first().pk),
                ("registry/household/", household.pk),
                ("areas/area/", CHANGFA),
                ("collective/collectiveincome/", objects["collective_income"].pk),
                ("collective/collectivedistribution/", objects["collective_share"].pk),
                ("safetynet/policyenrolment/", objects["enrolment"].pk),
            ):
                if model in before:
                    return str(pk)
            return str(household.pk)
        if name in ("app_label",):
            return "registry"
        if name == "model_name":
            return "household"
        if name in ("content_type_id",):
            return "1"
        if name in ("url", "path", "uidb64", "token", "history_id", "key"):
            return "1"
        raise AssertionError(f"the scope walk cannot fill <{name}> in {route}: extend _fill")

    def substitute(match):
        name = match.group("name")
        return value(name, route[: match.start()])

    # Regex groups first: their "(?P<name>" would otherwise match the converter pattern.
    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", substitute, route)
    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", substitute, path)
    if "(" in path or "?" in path.split("/")[-1]:
        return None
    return "/" + path


def _secrets(objects) -> list[str]:
    household = objects["household"]
    secrets = [household.number, household.head_name]
    for member in household.members.all():
        secrets += [member.id_number, member.name]
    return secrets


@pytest.mark.django_db
def test_user_of_another_village_sees_nothing_of_changfa(client, changfa):
    client.force_login(make_user("village_team", HADANALA))
    secrets = _secrets(changfa)
    # Search terms are prefixes of the secrets, so a page that echoes its query leaks nothing
    # while a page that finds the household would show the whole secret.
    household = changfa["household"]
    query = (
        f"?area={CHANGFA}&code={CHANGFA}&parent={CHANGFA}&year=2016"
        f"&q={household.head_name[:-1]}&search={household.number[:-1]}"
    )
    checked = 0
    skipped = []
    for route, _entry, namespaces in _patterns():
        path = _fill(route, changfa)
        if path is None:
            skipped.append(route)
            continue
        response = client.get(path + query)
        checked += 1
        if "admin" in namespaces and not path.startswith(("/admin/login", "/admin/logout")):
            assert response.status_code in (302, 403, 404), path
            continue
        assert response.status_code in (200, 302, 400, 403, 404, 405), (path, response.status_code)
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="ignore")
        for secret in secrets:
            assert secret not in text, f"{path} leaks {secret!r}"
        if response.status_code == 200 and response.get("Content-Type", "").startswith(
            "application/json"
        ):
            _assert_no_counts(json.loads(body), path)
    assert checked > 10
    assert [r for r in skipped if not r.startswith("admin/")] == []


@pytest.mark.django_db
def test_a_staff_user_of_another_village_sees_nothing_of_changfa_in_the_admin(client, changfa):
    from django.contrib.auth.models import Permission

    user = make_user("county_office", HADANALA[:6], is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["registry", "areas"])
    )
    client.force_login(user)
    secrets = _secrets(changfa)
    checked = 0
    for route, _entry, namespaces in _patterns():
        if "admin" not in namespaces or "logout" in route:
            continue
        path = _fill(route, changfa)
        if path is None:
            continue
        response = client.get(path + f"?q={changfa['household'].number[:-1]}")
        checked += 1
        assert response.status_code in (200, 302, 403, 404), (path, response.status_code)
        text = response.content.decode("utf-8", errors="ignore")
        for secret in secrets:
            assert secret not in text, f"{path} leaks {secret!r}"
    assert checked > 20
    # The change list of households counts none of 长发村's.
    response = client.get("/admin/registry/household/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def _assert_no_counts(payload, path):
    if isinstance(payload, dict):
        if "count" in payload:
            assert payload["count"] == 0, f"{path} counts {payload['count']} out-of-scope rows"
        for key in ("poor_persons", "poor_households", "identified_persons"):
            assert payload.get(key, 0) in (0, None), f"{path} leaks {key}"
        for value in payload.values():
            if isinstance(value, (dict, list)):
                _assert_no_counts(value, path)
    elif isinstance(payload, list):
        for item in payload:
            _assert_no_counts(item, path)


@pytest.mark.django_db
def test_the_same_walk_as_the_owner_does_see_changfa(client, changfa):
    """The walk's negative result means something only if the owner sees the data."""
    client.force_login(make_user("village_team", CHANGFA))
    household = changfa["household"]
    assert household.number in client.get(f"/households/{household.pk}/").content.decode()
    assert household.number in client.get(f"/households/?q={household.number}").content.decode()
    case_page = client.get(f"/cases/{changfa['case'].pk}/").content.decode()
    assert household.head_name in case_page
    assert household.head_name in client.get("/cases/").content.decode()


@pytest.mark.django_db
def test_changfa_sees_its_duties_and_work_team(client, changfa):
    """The walk's negative result for the duty and command pages means something."""
    client.force_login(make_user("village_team", CHANGFA))
    name = changfa["household"].head_name
    assert name in client.get(f"/duties/?area={CHANGFA}&year=2016").content.decode()
    assert name in client.get(f"/duties/overdue/?area={CHANGFA}").content.decode()
    assert name in client.get(f"/command/?area={CHANGFA}").content.decode()
