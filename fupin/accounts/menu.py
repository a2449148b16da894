"""The site's navigation as one table: each entry, its page (URL name) and who can use it.

An entry is shown to a user who may use its page: ``roles`` lists the roles that may open a
page not meant for everyone (the import pages are the importers'), and ``action`` names the
write a page exists for (fupin.accounts.actions, the table every service checks), so 记录走访
is drawn only for those who may record a visit. An entry with neither is every signed-in
user's (the scope limits what the page then shows). ``public`` entries are drawn for visitors
too. base.html draws the menu from :func:`menu_for`; tests/accounts/test_menu.py checks that
every entry names a page, and tests/e2e/test_role_walk.py opens every entry as each demo role.

The views keep their own checks: hiding an entry is a courtesy, refusing is the service's.
"""

from __future__ import annotations

import dataclasses

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from .actions import Action, allowed
from .models import Role


@dataclasses.dataclass(frozen=True)
class Entry:
    label: str
    url: str  # the page's URL name
    roles: frozenset[Role] | None = None
    action: Action | None = None
    public: bool = False


@dataclasses.dataclass(frozen=True)
class Group:
    label: str
    entries: tuple[Entry | None, ...]  # None draws a divider


def _(text: str) -> str:
    # The menu's own context: the English labels are shorter than the pages' titles, so that
    # the navigation fits one line at 1,400 px.
    return pgettext_lazy("menu", text)


# The import pages: the roles that import the registry (fupin.registry.import_views).
_IMPORTERS = frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE, Role.TOWNSHIP_OFFICER})

# The data-quality page's readers (fupin.quality.quality_urls): the levels that steer the
# checking of the villages' data.
_QUALITY_READERS = frozenset({Role.LEAGUE_HQ, Role.COUNTY_OFFICE, Role.TOWNSHIP_OFFICER})

# The 回头看 round's page (fupin.review): the levels that open it and the teams that visit.
_REVIEW_TAKERS = _QUALITY_READERS | {Role.VILLAGE_TEAM}

MENU: tuple[Entry | Group, ...] = (
    Entry(_("总览"), "areas:home"),
    Entry(_("挂图作战"), "warmap:warmap"),
    Entry(_("报告通报"), "reports:archive"),
    Entry(_("贫困户"), "registry:household_list"),
    Entry(_("识别退出"), "identification:case_list"),
    Group(
        _("评估监测"),
        (
            Entry(_("年度评估"), "assessment:assessment"),
            Entry(_("返贫监测"), "assessment:monitoring"),
            Entry(_("贫困村出列"), "villages:list"),
            Entry(_("贫困县摘帽"), "counties:list"),
        ),
    ),
    Group(
        _("帮扶"),
        (
            Entry(_("走村不漏户"), "assistance:coverage"),
            Entry(_("一户一法检查"), "assistance:plan_checks"),
            Entry(_("结对导入"), "assistance:pairing_import", action=Action.IMPORT_REGISTRY),
        ),
    ),
    Group(
        _("走访民情"),
        (
            Entry(_("我的帮扶"), "fieldwork:my"),
            Entry(_("记录走访"), "fieldwork:visit-new", action=Action.VISIT_RECORD),
            Entry(_("驻村打卡"), "fieldwork:checkin", action=Action.CHECK_IN_RECORD),
            Entry(_("民情诉求"), "fieldwork:concerns"),
            Entry(_("民情议事"), "fieldwork:reviews"),
            Entry(_("落实情况"), "fieldwork:compliance"),
        ),
    ),
    Group(
        _("党建"),
        (
            Entry(_("党组织与党员"), "party:organizations"),
            Entry(_("三会一课落实"), "party:compliance"),
            None,
            Entry(_("干部名册"), "cadres:roster"),
            Entry(_("驻村工作队"), "cadres:teams"),
            Entry(_("年度考核"), "cadres:evaluations"),
            Entry(_("班子结构"), "cadres:structure"),
            None,
            Entry(_("任务清单"), "duties:list"),
            Entry(_("清单制排名"), "duties:ranking"),
            Entry(_("超期任务"), "duties:overdue"),
            None,
            Entry(_("作战体系"), "command:structure"),
            None,
            Entry(_("政策宣讲"), "outreach:lectures"),
            Entry(_("外出学习"), "outreach:trips"),
            Entry(_("联系点调研"), "outreach:visits"),
            Entry(_("乡镇工作补贴"), "outreach:subsidies"),
            Entry(_("政策文件"), "outreach:documents"),
        ),
    ),
    Group(
        _("资金项目"),
        (
            Entry(_("资金到位与下达"), "funds:fund_list"),
            Entry(_("扶贫项目"), "funds:project_list"),
            Entry(_("资金项目汇总"), "funds:summary"),
            None,
            Entry(_("集体经济清零递增"), "collective:board"),
            None,
            Entry(_("兜底保障"), "safetynet:overview"),
            None,
            Entry(_("党员致富带头人"), "leaders:index"),
        ),
    ),
    Group(
        _("数据"),
        (
            Entry(_("行政区划"), "areas:browser"),
            Entry(_("数据导入"), "registry:import_upload", roles=_IMPORTERS),
            Entry(_("部门比对"), "quality:lists", action=Action.QUALITY_LIST_IMPORT),
            Entry(_("疑点核实"), "quality:flags"),
            Entry(_("数据质量"), "dataquality:page", roles=_QUALITY_READERS),
            Entry(_("回头看"), "review:rounds", roles=_REVIEW_TAKERS),
        ),
    ),
    Entry(_("公示公告"), "notices:index", public=True),
)


def can_use(user, entry: Entry) -> bool:
    """Tell whether ``user`` may open ``entry``'s page (anywhere in the user's scope)."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if not signed_in:
        return entry.public
    if user.is_superuser:
        return True
    if entry.roles is not None and not user.has_role_anywhere(entry.roles):
        return False
    return entry.action is None or allowed(user, entry.action)


@dataclasses.dataclass(frozen=True)
class Item:
    label: str
    href: str = ""
    children: tuple[Item | None, ...] = ()
    url_name: str = ""


def menu_for(user, menu: tuple[Entry | Group, ...] = MENU) -> list[Item]:
    """The entries ``user`` may use, in the table's order; a group left empty is dropped, and
    so are dividers at a group's edges or next to each other."""
    out: list[Item] = []
    for node in menu:
        if isinstance(node, Entry):
            if can_use(user, node):
                out.append(_item(node))
            continue
        children: list[Item | None] = []
        for entry in node.entries:
            if entry is None:
                if children and children[-1] is not None:
                    children.append(None)
            elif can_use(user, entry):
                children.append(_item(entry))
        while children and children[-1] is None:
            children.pop()
        if children:
            out.append(Item(str(node.label), children=tuple(children)))
    return out


def _item(entry: Entry) -> Item:
    return Item(str(entry.label), reverse(entry.url), url_name=entry.url)


def entries(menu: tuple[Entry | Group, ...] = MENU) -> list[Entry]:
    """Every entry of the table, groups opened."""
    out: list[Entry] = []
    for node in menu:
        if isinstance(node, Entry):
            out.append(node)
        else:
            out.extend(e for e in node.entries if e is not None)
    return out
