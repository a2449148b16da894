"""What the page's charts draw, as one JSON document (``json_script``): the selectors' figures,
the drill-down URLs and the translated labels (the JavaScript holds no text of its own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.areas.models import Level

from .panels import wan


def _num(value):
    # Display only: ECharts takes numbers; the page's tables show the exact decimals.
    return None if value is None else float(value)


def _sankey(funds: dict) -> dict:
    """Nodes and links of the funds Sankey, in 万元 (node names are unique by prefix)."""
    rest = _("未安排（余额）")
    nodes, links = {}, []

    def node(key, label):
        nodes.setdefault(key, label)
        return key

    for r in funds["source_holder"]:
        links.append(
            {
                "source": node("s:" + r["source"], r["source_label"]),
                "target": node("h:" + r["holder"], r["holder_name"]),
                "value": wan(r["amount"]),
            }
        )
    for r in funds["holder_type"]:
        links.append(
            {
                "source": node("h:" + r["holder"], r["holder_name"]),
                "target": node("t:" + r["type"], r["type_label"]),
                "value": wan(r["amount"]),
            }
        )
    for r in funds["type_place"]:
        links.append(
            {
                "source": node("t:" + r["type"], r["type_label"]),
                "target": node("p:" + r["place"], r["place_name"]),
                "value": wan(r["amount"]),
            }
        )
    for h in funds["holders"]:
        if h["remainder"] > 0:
            links.append(
                {
                    "source": node("h:" + h["holder"], h["holder_name"]),
                    "target": node("t:", rest),
                    "value": wan(h["remainder"]),
                }
            )
    return {
        "nodes": [{"name": key, "label": label} for key, label in nodes.items()],
        "links": [link for link in links if link["value"] > 0],
    }


def chart_data(data: dict) -> dict:
    dist = data["distribution"]
    s = data["series"]
    return {
        "year": data["year"],
        "area": data["area"]["code"],
        "warmap_url": reverse("warmap:warmap"),
        "households_url": reverse("registry:household_list"),
        "geojson_url": reverse("areas:counties_geojson"),
        "choropleth": dist["choropleth"],
        "child_is_village": dist["child_level"] == Level.VILLAGE,
        "children": [
            {
                "code": c["code"],
                "name": c["name"],
                "poor_persons": c["poor_persons"],
                "poor_households": c["poor_households"],
                "incidence": _num(c["incidence"]),
            }
            for c in dist["children"]
        ],
        "causes": [
            {"label": c["label"], "households": c["households"], "persons": c["persons"]}
            for c in data["causes"]["causes"]
        ],
        "measures": [
            {
                "label": m["label"],
                "measures": m["measures"],
                "done": m["done"],
                "households": m["households"],
            }
            for m in data["measures"]["types"]
        ],
        "series": {
            "years": s["years"],
            "path_years": s["path_years"],
            "units": [
                {
                    "name": u["name"],
                    "actual": [r["poor_persons"] for r in u["actual"]],
                    "incidence": [_num(r["incidence"]) for r in u["actual"]],
                    "planned": [r["poor_persons"] for r in u["planned"]],
                }
                for u in s["units"]
            ],
        },
        "division": [
            {
                "name": r["name"],
                "target": r["target_households"],
                "exited": r["exited_households"],
                "progress": _num(r["progress"]),
            }
            for r in data["division"]["rows"]
        ],
        "funds": _sankey(data["funds"]),
        "command": data["command"]["chart"],
        "labels": {
            "target": _("目标户数"),
            "exited": _("脱贫户数"),
            "progress": _("进度（%）"),
            "wan": _("万元"),
            "poor_persons": _("贫困人口"),
            "poor_households": _("贫困户"),
            "incidence": _("贫困发生率（%）"),
            "households": _("户数"),
            "persons": _("人数"),
            "measures": _("措施数"),
            "done": _("已完成"),
            "reached": _("覆盖户数"),
            "planned": _("计划"),
            "actual": _("实际"),
            "year": _("年度"),
        },
    }
