"""The README's curl commands work as printed (a Chinese query once failed with 400)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kitchen.models import ItemStatus, Role
from kitchen.services import tokens
from tests import factories
from tests.support.live import LiveApp

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def live(app: Flask) -> Iterator[LiveApp]:
    server = LiveApp(app)
    yield server
    server.stop()


def _readme_lines(fragment: str) -> list[str]:
    return [
        line.strip()
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("curl ") and fragment in line
    ]


def test_the_readme_search_and_report_commands_answer(live: LiveApp, drain) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    factories.make_item(status=ItemStatus.APPROVED, title="弘扬科学家精神")
    drain()
    _token, plain = tokens.create_token(factories.make_user(Role.CURATOR), "README")
    lines = _readme_lines("/api/v1/search") + _readme_lines("/api/v1/reports")
    assert len(lines) == 2
    for line in lines:
        command = shlex.split(
            line.replace("$TOKEN", plain).replace("http://127.0.0.1:5000", live.url)
        )
        answer = subprocess.run(
            [*command[:1], "-sS", "-o", "/dev/null", "-w", "%{http_code}", *command[1:]],
            capture_output=True,
            text=True,
            check=True,
        )
        assert answer.stdout == "200", (line, answer.stdout, answer.stderr)
