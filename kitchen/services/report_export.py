"""The report as an Excel workbook: one sheet per view, native Excel charts, the weights on their
own sheet. Written by XlsxWriter, in memory: a report of every organisation is a few hundred KB.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from kitchen.labels import label
from kitchen.services.reports import COLUMNS, PARTS, Report, column_value, default_weights

FORMATS = {"count": "0", "rate": "0.0%", "hours": "0.0", "index": "0.0"}
CHART_ROWS = 20  # the charts show the first twenty organisations; the tables show all


def workbook(report: Report) -> bytes:
    """The report's XLSX file."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format({"bold": True, "bg_color": "#DDE7F0", "text_wrap": True}),
        **{kind: book.add_format({"num_format": fmt}) for kind, fmt in FORMATS.items()},
    }
    _ranking(book, report, styles)
    _parts(book, report, styles)
    _monthly(book, report, styles)
    _downloads(book, report, styles)
    _groups(book, report, styles)
    _answers(book, report, styles)
    _weights(book, report, styles)
    book.close()
    return buffer.getvalue()


def _title(sheet: Any, report: Report, text: object, styles: dict[str, Any]) -> None:
    sheet.write(0, 0, f"{text} · {report.period.label}", styles["title"])


def _ranking(book: Any, report: Report, styles: dict[str, Any]) -> None:
    sheet = book.add_worksheet(str(_l("Ranking")))
    _title(sheet, report, _l("Member organisations ranked by the evaluation index"), styles)
    heads = [_l("Rank"), _l("Organisation"), _l("Kind"), _l("Region")] + [c.label for c in COLUMNS]
    sheet.write_row(2, 0, [str(h) for h in heads], styles["head"])
    for n, row in enumerate(report.rows, start=3):
        sheet.write_row(n, 0, [row.rank, row.name, label(row.kind), row.region])
        for offset, column in enumerate(COLUMNS, start=4):
            value = column_value(row, column.key)
            if value is None:
                sheet.write_blank(n, offset, None)
            else:
                sheet.write_number(n, offset, value, styles[column.kind])
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 3, 14)
    sheet.set_column(4, 3 + len(COLUMNS), 11)
    sheet.freeze_panes(3, 2)
    if report.rows:
        last = 2 + min(len(report.rows), CHART_ROWS)
        chart = book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": str(_l("Evaluation index")),
                "categories": [sheet.name, 3, 1, last, 1],
                "values": [sheet.name, 3, 4, last, 4],
            }
        )
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        chart.set_title({"name": str(_l("Evaluation index"))})
        chart.set_size({"width": 720, "height": 24 * min(len(report.rows), CHART_ROWS) + 120})
        sheet.insert_chart(3 + len(report.rows) + 2, 1, chart)


def _parts(book: Any, report: Report, styles: dict[str, Any]) -> None:
    sheet = book.add_worksheet(str(_l("Index parts")))
    _title(sheet, report, _l("Scores of each part (0–100) and the index"), styles)
    heads = [_l("Rank"), _l("Organisation")] + [p.label for p in PARTS] + [_l("Evaluation index")]
    sheet.write_row(2, 0, [str(h) for h in heads], styles["head"])
    for n, row in enumerate(report.rows, start=3):
        sheet.write_row(n, 0, [row.rank, row.name])
        for offset, part in enumerate(PARTS, start=2):
            sheet.write_number(n, offset, row.scores[part.key], styles["index"])
        sheet.write_number(n, 2 + len(PARTS), row.index, styles["index"])
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2 + len(PARTS), 12)
    sheet.freeze_panes(3, 2)


def _monthly(book: Any, report: Report, styles: dict[str, Any]) -> None:
    sheet = book.add_worksheet(str(_l("By month")))
    _title(sheet, report, _l("Items submitted and adopted per month"), styles)
    sheet.write_row(
        2, 0, [str(_l("Month")), str(_l("Items sent")), str(_l("Adopted"))], styles["head"]
    )
    for n, (month, sent, adopted) in enumerate(report.monthly, start=3):
        sheet.write_row(n, 0, [format_date(month, "yyyy-MM"), sent, adopted])
    sheet.set_column(0, 2, 12)
    last = 2 + len(report.monthly)
    chart = book.add_chart({"type": "column"})
    for col, name in ((1, _l("Items sent")), (2, _l("Adopted"))):
        chart.add_series(
            {
                "name": str(name),
                "categories": [sheet.name, 3, 0, last, 0],
                "values": [sheet.name, 3, col, last, col],
            }
        )
    chart.set_title({"name": str(_l("Items submitted and adopted per month"))})
    sheet.insert_chart(2, 4, chart)


def _downloads(book: Any, report: Report, styles: dict[str, Any]) -> None:
    sheet = book.add_worksheet(str(_l("Downloads")))
    _title(sheet, report, _l("Downloads of each organisation's items by others"), styles)
    heads = [_l("Organisation"), _l("By media"), _l("By other members"), _l("By the centre")]
    sheet.write_row(2, 0, [str(h) for h in heads], styles["head"])
    rows = sorted(report.rows, key=lambda r: (-r.downloads, r.name))
    for n, row in enumerate(rows, start=3):
        centre = row.downloads - row.media_downloads - row.reuse_downloads
        sheet.write_row(n, 0, [row.name, row.media_downloads, row.reuse_downloads, centre])
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 3, 14)
    if rows:
        last = 2 + min(len(rows), CHART_ROWS)
        chart = book.add_chart({"type": "bar", "subtype": "stacked"})
        for col in (1, 2, 3):
            chart.add_series(
                {
                    "name": [sheet.name, 2, col],
                    "categories": [sheet.name, 3, 0, last, 0],
                    "values": [sheet.name, 3, col, last, col],
                }
            )
        chart.set_y_axis({"reverse": True})
        chart.set_title({"name": str(_l("Downloads of each organisation's items by others"))})
        chart.set_size({"width": 720, "height": 24 * min(len(rows), CHART_ROWS) + 120})
        sheet.insert_chart(2, 5, chart)


def _groups(book: Any, report: Report, styles: dict[str, Any]) -> None:
    sheet = book.add_worksheet(str(_l("By region and kind")))
    _title(sheet, report, _l("Mean evaluation index by region and by kind of organisation"), styles)
    blocks = (
        (_l("Region"), [(str(name), n, mean) for name, n, mean in report.regions]),
        (_l("Kind"), [(label(kind), n, mean) for kind, n, mean in report.kinds]),
    )
    top = 2
    for heading, rows in blocks:
        sheet.write_row(
            top,
            0,
            [str(heading), str(_l("Organisations")), str(_l("Mean index"))],
            styles["head"],
        )
        for n, (name, count, mean) in enumerate(rows, start=top + 1):
            sheet.write_row(n, 0, [name, count])
            sheet.write_number(n, 2, mean, styles["index"])
        if rows:
            chart = book.add_chart({"type": "column"})
            chart.add_series(
                {
                    "name": str(_l("Mean index")),
                    "categories": [sheet.name, top + 1, 0, top + len(rows), 0],
                    "values": [sheet.name, top + 1, 2, top + len(rows), 2],
                }
            )
            chart.set_legend({"none": True})
            chart.set_title({"name": f"{_l('Mean index')} · {heading}"})
            sheet.insert_chart(top, 4, chart)
        top += max(len(rows) + 3, 17)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 2, 12)


def _answers(book: Any, report: Report, styles: dict[str, Any]) -> None:
    sheet = book.add_worksheet(str(_l("Call answers")))
    _title(sheet, report, _l("Items sent for each call open in the period"), styles)
    heads = [str(_l("Organisation"))] + [c.name for c in report.campaigns]
    sheet.write_row(2, 0, heads, styles["head"])
    for n, row in enumerate(report.rows, start=3):
        answered = report.answers.get(row.organization_id, {})
        sheet.write_row(n, 0, [row.name] + [answered.get(c.id, 0) for c in report.campaigns])
    if report.rows and report.campaigns:
        sheet.conditional_format(
            3,
            1,
            2 + len(report.rows),
            len(report.campaigns),
            {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#2F7D5B"},
        )
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, max(1, len(report.campaigns)), 16)
    sheet.freeze_panes(3, 1)


def _weights(book: Any, report: Report, styles: dict[str, Any]) -> None:
    sheet = book.add_worksheet(str(_l("Weights")))
    _title(sheet, report, _l("Weights of the evaluation index"), styles)
    heads = [_l("Part"), _l("Key"), _l("Weight"), _l("Default weight"), _l("How it scores")]
    sheet.write_row(2, 0, [str(h) for h in heads], styles["head"])
    defaults = default_weights()
    for n, part in enumerate(PARTS, start=3):
        how = _l("100 × rate") if part.rate else _l("100 × value ÷ the highest value")
        sheet.write_row(
            n,
            0,
            [str(part.label), part.key, report.weights[part.key], defaults[part.key], str(how)],
        )
    sheet.write(
        4 + len(PARTS),
        0,
        str(_l("Index = Σ weight × score ÷ Σ weights")),
    )
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 3, 12)
    sheet.set_column(4, 4, 32)
