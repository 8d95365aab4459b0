"""The report's charts as ECharts options (plain data: the page's script only draws them).

Each chart has its table beside it on the page; these options are drawn from the same figures.
Tooltips render as rich text on the canvas, so no inline style reaches the page (CSP).
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from kitchen.labels import label
from kitchen.services.reports import PARTS, OrgReport, Report

FONTS = '"PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif'
COLOURS = ["#2f6f9f", "#2f7d5b", "#d08c2f", "#8a5a9e", "#b5453c", "#5b8c85"]
TOP = 15  # organisations shown in a bar chart; the table lists all


def _base(title: object) -> dict[str, Any]:
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "textStyle": {"fontFamily": FONTS},
        "color": COLOURS,
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "renderMode": "richText"},
        "grid": {"left": 8, "right": 16, "top": 48, "bottom": 40, "containLabel": True},
        "animation": False,
    }


def monthly(rows: list[tuple[Any, int, int]], title: object) -> dict[str, Any]:
    """Submitted (bars) and adopted (line) per month."""
    option = _base(title)
    option.update(
        legend={"bottom": 0},
        xAxis={"type": "category", "data": [format_date(m, "yyyy-MM") for m, _, _ in rows]},
        yAxis={"type": "value", "minInterval": 1},
        series=[
            {"name": str(_l("Items sent")), "type": "bar", "data": [s for _, s, _ in rows]},
            {"name": str(_l("Adopted")), "type": "line", "data": [a for _, _, a in rows]},
        ],
    )
    return option


def downloads(report: Report) -> dict[str, Any]:
    """Downloads by others per organisation, stacked by who took them."""
    rows = sorted(report.rows, key=lambda r: (-r.downloads, r.name))[:TOP]
    rows = [r for r in rows if r.downloads] or rows[:1]
    option = _base(_l("Downloads of each organisation's items by others"))
    stacks = (
        (_l("By media"), [r.media_downloads for r in rows]),
        (_l("By other members"), [r.reuse_downloads for r in rows]),
        (
            _l("By the centre"),
            [r.downloads - r.media_downloads - r.reuse_downloads for r in rows],
        ),
    )
    option.update(
        legend={"bottom": 0},
        xAxis={"type": "value", "minInterval": 1},
        yAxis={"type": "category", "inverse": True, "data": [r.name for r in rows]},
        series=[
            {"name": str(name), "type": "bar", "stack": "total", "data": data}
            for name, data in stacks
        ],
    )
    return option


def groups(pairs: list[tuple[str, float]], title: object) -> dict[str, Any]:
    """The mean index of each group (region or kind of organisation)."""
    option = _base(title)
    option.update(
        xAxis={
            "type": "category",
            "data": [name for name, _ in pairs],
            "axisLabel": {"interval": 0, "rotate": 30 if len(pairs) > 6 else 0},
        },
        yAxis={"type": "value", "max": 100},
        series=[{"name": str(_l("Mean index")), "type": "bar", "data": [v for _, v in pairs]}],
    )
    return option


def answers(report: Report) -> dict[str, Any]:
    """The call answer map: organisations × open calls, items sent."""
    names = [r.name for r in report.rows]
    calls = [c.name for c in report.campaigns]
    cells = [
        [x, y, report.answers.get(row.organization_id, {}).get(campaign.id, 0)]
        for y, row in enumerate(report.rows)
        for x, campaign in enumerate(report.campaigns)
    ]
    option = _base(_l("Items sent for each call open in the period"))
    option["tooltip"] = {"position": "top", "renderMode": "richText"}
    option.update(
        grid={"left": 8, "right": 16, "top": 48, "bottom": 72, "containLabel": True},
        xAxis={"type": "category", "data": calls, "axisLabel": {"interval": 0, "rotate": 30}},
        yAxis={"type": "category", "data": names, "inverse": True},
        visualMap={
            "min": 0,
            "max": max([c[2] for c in cells], default=0) or 1,
            "calculable": False,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "itemHeight": 80,
            "inRange": {"color": ["#f4f6f8", "#2f7d5b"]},
        },
        series=[
            {
                "name": str(_l("Items sent")),
                "type": "heatmap",
                "data": cells,
                "label": {"show": True},
            }
        ],
    )
    return option


def parts(org: OrgReport) -> dict[str, Any]:
    """One organisation's score on each part of the index."""
    option = _base(_l("Scores of each part (0–100)"))
    option.update(
        xAxis={"type": "value", "max": 100},
        yAxis={"type": "category", "inverse": True, "data": [str(p.label) for p in PARTS]},
        series=[
            {
                "name": str(_l("Score")),
                "type": "bar",
                "data": [org.row.scores[p.key] for p in PARTS],
            }
        ],
    )
    return option


def centre_charts(report: Report) -> dict[str, dict[str, Any]]:
    """Every chart of the centre's report page, by the id of its place on the page."""
    return {
        "monthly": monthly(report.monthly, _l("Items submitted and adopted per month")),
        "downloads": downloads(report),
        "regions": groups(
            [(str(name), mean) for name, _, mean in report.regions], _l("Mean index by region")
        ),
        "kinds": groups(
            [(label(kind), mean) for kind, _, mean in report.kinds],
            _l("Mean index by kind of organisation"),
        ),
        "answers": answers(report),
    }


def organization_charts(org: OrgReport) -> dict[str, dict[str, Any]]:
    """The charts of one organisation's page."""
    return {
        "monthly": monthly(org.monthly, _l("Items submitted and adopted per month")),
        "parts": parts(org),
    }
