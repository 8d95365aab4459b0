"""The report pages, the XLSX, the command line and the API read the same figures."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import openpyxl
from flask import Flask
from flask.testing import FlaskClient

from kitchen.extensions import db
from kitchen.models import ReportWeight, Role
from kitchen.services import reports, tokens
from tests import factories
from tests.conftest import LoginAs
from tests.reports.conftest import History

PERIOD = "2026Q4"


class RankingCells(HTMLParser):
    """The ranking table's cells: {org id: {column key: text}}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, dict[str, str]] = {}
        self._row: int | None = None
        self._key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("data-testid") == "ranking-row":
            self._row = int(found["data-org"] or 0)
            self.rows[self._row] = {}
        elif tag == "td" and self._row is not None and found.get("data-key"):
            self._key = found["data-key"]
            self.rows[self._row][self._key] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._key = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row is not None and self._key is not None:
            self.rows[self._row][self._key] += data.strip()


def page_cells(html: str) -> dict[int, dict[str, str]]:
    parser = RankingCells()
    parser.feed(html)
    return parser.rows


def shown(value: float | int | None, kind: str) -> str:
    """How the page writes a figure."""
    if value is None:
        return "–"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind in ("hours", "index"):
        return f"{value:.1f}"
    return str(value)


def test_the_centre_page_shows_the_figures(
    client: FlaskClient, login_as: LoginAs, history: History
) -> None:
    login_as(user=history.users["curator"])
    response = client.get(f"/reports/?period={PERIOD}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2026年第4季度" in html and "评价指数" in html and "采用率" in html
    cells = page_cells(html)
    report = reports.build(reports.Period("quarter", 2026, 4))
    assert set(cells) == {r.organization_id for r in report.rows}
    for row in report.rows:
        for column in reports.COLUMNS:
            if column.key in reports.SUMMARY:
                assert cells[row.organization_id][column.key] == shown(
                    reports.column_value(row, column.key), column.kind
                ), column.key
    assert cells[history.orgs["a"]]["index"] == "90.0"
    # Each chart's table is on the page, and the options the script draws.
    for table in ("monthly", "downloads", "regions", "kinds", "answers"):
        assert f'data-testid="table-{table}"' in html
        assert f'data-chart="{table}"' in html
    assert 'id="report-charts"' in html and "<script>" not in html


def test_the_xlsx_equals_the_page(client: FlaskClient, login_as: LoginAs, history: History) -> None:
    login_as(user=history.users["curator"])
    cells = page_cells(client.get(f"/reports/?period={PERIOD}").get_data(as_text=True))
    response = client.get(f"/reports/export.xlsx?period={PERIOD}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["排名", "指数构成", "按月", "下载", "地区与类型", "征集响应", "权重"]
    sheet = book["排名"]
    heads = [c.value for c in sheet[3]]
    assert heads[:5] == ["排名", "单位", "类型", "地区", "评价指数"]
    keys = ["rank", "name", "kind", "region"] + [c.key for c in reports.COLUMNS]
    kinds = {c.key: c.kind for c in reports.COLUMNS}
    ids = {r.name: r.organization_id for r in reports.build(reports.parse_period(PERIOD)).rows}
    rows = list(sheet.iter_rows(min_row=4, max_row=3 + len(cells), values_only=True))
    assert len(rows) == len(cells) == 3
    for values in rows:
        by_key = dict(zip(keys, values, strict=False))
        on_page = cells[ids[by_key["name"]]]
        for key in reports.SUMMARY:
            assert shown(by_key[key], kinds[key]) == on_page[key], key
    # Native charts, and the weights on their own sheet.
    assert len(sheet._charts) == 1 and len(book["按月"]._charts) == 1
    weights = {
        row[1]: row[2] for row in book["权重"].iter_rows(min_row=4, values_only=True) if row[1]
    }
    assert weights == reports.default_weights()
    answers = list(book["征集响应"].iter_rows(min_row=3, values_only=True))
    assert answers[0][1] == reports.open_campaigns(reports.parse_period(PERIOD))[0].name


def test_a_contributor_sees_only_their_own(
    client: FlaskClient, login_as: LoginAs, history: History
) -> None:
    login_as(user=history.users["ca"])
    own = f"/reports/org/{history.orgs['a']}?period={PERIOD}"
    response = client.get(f"/reports/?period={PERIOD}")
    assert response.status_code == 302 and response.headers["Location"].endswith(own)
    html = client.get(own).get_data(as_text=True)
    assert "本季度被下载 6 次，被 2 家单位采用。" in html
    assert "评价指数 90.0，在 3 家会员单位中排名第 1。" in html
    assert client.get(f"/reports/org/{history.orgs['b']}?period={PERIOD}").status_code == 403
    assert client.get(f"/reports/org/{history.orgs['b']}/items?figure=approved").status_code == 403
    assert client.get(f"/reports/export.xlsx?period={PERIOD}").status_code == 403
    # The drill-down lists the items behind a figure.
    listing = client.get(
        f"/reports/org/{history.orgs['a']}/items?period={PERIOD}&figure=downloaded"
    )
    titles = re.findall(r'href="/items/(\d+)"', listing.get_data(as_text=True))
    assert sorted(map(int, titles)) == sorted([history.items["a1"], history.items["a2"]])


def test_drill_down_from_each_figure(
    client: FlaskClient, login_as: LoginAs, history: History
) -> None:
    login_as(user=history.users["curator"])
    expected = {
        "submitted": {"a2", "a3"},
        "approved": {"a2"},
        "featured": {"a2"},
        "returned": {"a2"},
        "downloaded": {"a1", "a2"},
        "used": {"a2"},
        "answered": {"a2"},
    }
    for figure, names in expected.items():
        html = client.get(
            f"/reports/org/{history.orgs['a']}/items?period={PERIOD}&figure={figure}"
        ).get_data(as_text=True)
        found = {int(n) for n in re.findall(r'href="/items/(\d+)"', html)}
        assert found == {history.items[n] for n in names}, figure


def test_admins_edit_the_weights_on_the_page(
    client: FlaskClient, login_as: LoginAs, history: History
) -> None:
    login_as(Role.ADMIN)
    page = client.get("/reports/weights").get_data(as_text=True)
    assert "评价指数权重" in page and 'value="25' in page
    form = {key: "0" for key in reports.PART_KEYS} | {"uses": "3"}
    bad = client.post("/reports/weights", data=form | {"approved": "-5"})
    assert bad.status_code == 400 and "请填写 0 到 100 之间的数" in bad.get_data(as_text=True)
    assert db.session.query(ReportWeight).count() == 0
    zeros = client.post("/reports/weights", data=dict.fromkeys(reports.PART_KEYS, "0"))
    assert zeros.status_code == 400 and "至少一项权重须大于零" in zeros.get_data(as_text=True)
    assert client.post("/reports/weights", data=form).status_code == 302
    assert reports.weights()["uses"] == 3.0 and reports.weights()["approved"] == 0.0
    html = client.get(f"/reports/?period={PERIOD}").get_data(as_text=True)
    assert page_cells(html)[history.orgs["a"]]["index"] == "100.0"


def test_the_command_line_prints_and_writes(app: Flask, history: History, tmp_path) -> None:
    target = tmp_path / "报告.xlsx"
    result = app.test_cli_runner().invoke(
        args=["kitchen", "report", "--period", PERIOD, "--xlsx", str(target)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "2026年第4季度" in lines[0] and "3 organisations" in lines[0]
    assert lines[2].split()[:2] == ["1", "90.0"] and lines[2].endswith("甲省科学技术协会")
    book = openpyxl.load_workbook(target)
    assert book["排名"]["B4"].value == "甲省科学技术协会"
    bad = app.test_cli_runner().invoke(args=["kitchen", "report", "--period", "2026Q7"])
    assert bad.exit_code != 0 and "2026Q4" in bad.output


def test_the_api_report(app: Flask, client: FlaskClient, history: History) -> None:
    def get(user, query: str = f"?period={PERIOD}"):
        _token, plain = tokens.create_token(user, "报表")
        return client.get(f"/api/v1/reports{query}", headers={"Authorization": f"Bearer {plain}"})

    whole = get(history.users["curator"]).get_json()
    assert whole["period"] == {
        "code": PERIOD,
        "kind": "quarter",
        "start": "2026-10-01",
        "end": "2027-01-01",
    }
    report = reports.build(reports.parse_period(PERIOD))
    assert whole["organizations"] == [reports.as_dict(r) for r in report.rows]
    assert whole["organizations"][0]["index"] == 90.0 and whole["ranked"] == 3
    own = get(history.users["cb"]).get_json()
    assert [r["organization_id"] for r in own["organizations"]] == [history.orgs["b"]]
    assert own["organizations"][0]["rank"] == 2
    assert get(history.users["journalist"]).status_code == 403
    refused = get(history.users["curator"], "?period=2026Q0")
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "period"


def test_campaign_pages_name_who_did_not_answer(
    client: FlaskClient, login_as: LoginAs, history: History
) -> None:
    login_as(user=history.users["curator"])
    html = client.get(f"/campaigns/{history.campaigns['k1']}").get_data(as_text=True)
    answered = re.findall(r'data-testid="answered"><td>([^<]+)</td>', html)
    silent = re.findall(r'data-testid="not-answered" class="text-muted"><td>([^<]+)</td>', html)
    assert answered == ["中国乙学会", "甲省科学技术协会"] or sorted(answered) == sorted(
        ["中国乙学会", "甲省科学技术协会"]
    )
    assert silent == ["丙市科学技术协会"]
    assert "报送数" in html and "待审核" not in html.split('data-testid="answers"')[1][:400]
    # Partner media are not asked to answer calls.
    assert "科技日报社" not in html


def test_page_figures_survive_an_inactive_organisation(
    client: FlaskClient, login_as: LoginAs, history: History
) -> None:
    from kitchen.models import Organization

    db.session.get(Organization, history.orgs["c"]).active = False
    db.session.commit()
    login_as(user=history.users["curator"])
    cells = page_cells(client.get(f"/reports/?period={PERIOD}").get_data(as_text=True))
    # C sent nothing and is disabled: no longer ranked; A and B keep their figures.
    assert set(cells) == {history.orgs["a"], history.orgs["b"]}
    assert factories  # the module's factories stay importable for the other tests
