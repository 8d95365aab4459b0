"""Two app hosts and two workers serve one library on PostgreSQL and S3, and nothing is lost
when one host dies (issue: several servers).

Each host is gunicorn (two workers) plus `kitchen worker`, with folders and a port of its own;
both share a throwaway PostgreSQL server (database and search) and moto's S3 server.
"""

from __future__ import annotations

import io
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.conftest import USE_POSTGRES
from tests.support.hosts import Host, shared_environment
from tests.support.postgres import find_bin_dir, postgres_server

pytestmark = [
    pytest.mark.skipif(find_bin_dir() is None, reason="PostgreSQL server binaries are missing"),
    pytest.mark.skipif(not USE_POSTGRES, reason="runs in make test's PostgreSQL pass"),
]

PASSWORD = "两台主机-Password-2026"
FILE_NAME = "科协宣传照片（两台主机）.jpg"


@pytest.fixture(scope="module")
def hosts(
    tmp_path_factory: pytest.TempPathFactory, s3_endpoint: str
) -> Iterator[tuple[Host, Host, dict[str, str]]]:
    """Hosts A and B on one fresh database and bucket prefix, with one account per role."""
    tmp_path = tmp_path_factory.mktemp("hosts")
    with postgres_server() as url:
        shared = shared_environment(url, s3_endpoint, f"hosts-{uuid.uuid4().hex}/")
        a = Host("A", _folder(tmp_path / "a"), shared)
        b = Host("B", _folder(tmp_path / "b"), shared)
        a.kitchen("init")
        b.kitchen("init")  # the second host finds everything made: nothing to do twice
        people = (
            ("contributor", "北京市科协", "provincial"),
            ("curator", "中国科协科普部", "centre"),
            ("journalist", "科技日报社", "media"),
        )
        commands = [["org", "create", "--name", org, "--kind", kind] for _r, org, kind in people]
        for role, org, _kind in people:
            email = f"{role}@hosts.example.com"
            commands.append(
                [
                    *("user", "create", "--email", email, "--password", PASSWORD),
                    *("--role", role, "--org", org),
                ]
            )
            commands.append(["token", "create", "--email", email])
        outputs = a.kitchen_many(commands)
        tokens = {
            role: outputs[3 + 2 * n + 1].split()[-1] for n, (role, _o, _k) in enumerate(people)
        }
        started: list[Host] = []
        try:
            for host in (a, b):
                host.start()
                started.append(host)
            yield a, b, tokens
        finally:
            for host in started:
                host.stop()


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (30, 120, 200)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _submit(host: Host, session: requests.Session, marker: str, photo: bytes | None = None) -> int:
    body = {
        "kind": "story",
        "title": f"两台主机的故事 {marker}",
        "body": "科技工作者扎根基层，服务群众。" * 10,
        "credit": "北京市科协",
    }
    created = session.post(f"{host.url}/api/v1/items", json=body, timeout=30)
    assert created.status_code == 201, created.text
    item_id = int(created.json()["id"])
    if photo is not None:
        files = {"file": (FILE_NAME, photo, "image/jpeg")}
        sent = session.post(f"{host.url}/api/v1/items/{item_id}/files", files=files, timeout=60)
        assert sent.status_code == 201, sent.text
    submitted = session.post(f"{host.url}/api/v1/items/{item_id}/submit", timeout=30)
    assert submitted.status_code == 200, submitted.text
    return item_id


def _approve(host: Host, session: requests.Session, item_id: int) -> int:
    decision = {"decision": "approve", "comment": "采用"}
    answer = session.post(f"{host.url}/api/v1/items/{item_id}/review", json=decision, timeout=30)
    return answer.status_code


def _found(host: Host, session: requests.Session, text: str) -> list[int]:
    answer = session.get(
        f"{host.url}/api/v1/search", params={"q": text, "per_page": 100}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return [int(hit["id"]) for hit in answer.json()["results"]]


def _eventually(check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def test_an_item_made_on_one_host_is_approved_on_the_other_and_served_by_both(hosts):
    a, b, tokens = hosts
    contributor, curator = _session(tokens["contributor"]), _session(tokens["curator"])
    journalist = _session(tokens["journalist"])
    marker = "hosts" + uuid.uuid4().hex[:8]
    item_id = _submit(a, contributor, marker, _photo())
    assert _approve(b, curator, item_id) == 200
    for host in (a, b):
        assert _eventually(lambda h=host: _found(h, journalist, marker) == [item_id]), host.name
    item = journalist.get(f"{b.url}/api/v1/items/{item_id}", timeout=30).json()
    file_id = item["files"][0]["id"]
    downloads = []
    for host in (a, b):
        answer = journalist.get(f"{host.url}/api/v1/files/{file_id}/original", timeout=60)
        assert answer.status_code == 200, (host.name, answer.text[:200])
        assert "filename*=UTF-8''" in answer.headers["Content-Disposition"]
        Image.open(io.BytesIO(answer.content)).verify()  # a whole picture (credit written in)
        downloads.append(answer.content)
    assert downloads[0] == downloads[1]

    def read() -> bool:  # a worker reads the photo's words from a scratch copy meanwhile
        answer = journalist.get(f"{b.url}/api/v1/items/{item_id}", timeout=30).json()
        text = answer["files"][0]["text"]
        return text is None or text["state"] != "pending"

    assert _eventually(read, timeout=120)
    for host in (a, b):  # neither host keeps the file on its own disk
        assert not any(p.is_file() for p in (host.folder / "uploads").rglob("*"))
        assert not any(p.is_file() for p in (host.folder / "search_index").rglob("*.seg"))


def test_kill_9_of_one_host_loses_no_approval(hosts):
    a, b, tokens = hosts
    contributor, curator = _session(tokens["contributor"]), _session(tokens["curator"])
    journalist = _session(tokens["journalist"])
    marker = "kill" + uuid.uuid4().hex[:8]
    items = [_submit(a if n % 2 else b, contributor, f"{marker} n{n}") for n in range(30)]
    approved: set[int] = set()
    stop = threading.Event()

    def approve_on_a() -> None:
        for item_id in items[:20]:
            if stop.is_set():
                return
            try:
                if _approve(a, curator, item_id) == 200:
                    approved.add(item_id)
            except requests.RequestException:
                return  # the host died under the request

    thread = threading.Thread(target=approve_on_a)
    thread.start()
    _eventually(lambda: len(approved) >= 8, timeout=60)
    a.kill()  # gunicorn's master and workers and A's worker, mid-stream
    stop.set()
    thread.join(timeout=60)
    for item_id in items:  # what A did not approve, B does
        if item_id not in approved and _approve(b, curator, item_id) == 200:
            approved.add(item_id)
    # An approval A committed as it died never told its client, and B refuses it again (409):
    # the item says it is approved all the same.
    for item_id in items:
        state = curator.get(f"{b.url}/api/v1/items/{item_id}", timeout=30).json()["status"]
        assert state == "approved", item_id
    assert _eventually(lambda: sorted(_found(b, journalist, marker)) == sorted(items), 90)
    check = _eventually(lambda: b.kitchen("index", "check", check=False).returncode == 0, 90)
    assert check, b.kitchen("index", "check", check=False).stdout
    a.start()  # the host comes back and serves the same library at once
    assert sorted(_found(a, journalist, marker)) == sorted(items)
    assert a.kitchen("index", "check", check=False).returncode == 0
