"""The worker under the conditions it must survive: killed mid-batch, several processes writing
and searching at once, e-mail through a real SMTP server that comes and goes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, select

import config
from kitchen import create_app
from kitchen.extensions import db
from kitchen.models import Item, ItemStatus, Job, JobKind, Notification, Role, User
from kitchen.services import indexing, library, submission, worker, workflow
from kitchen.services.workflow import Move
from tests import factories

SETTINGS = (
    "SQLALCHEMY_DATABASE_URI",
    "UPLOADS_DIR",
    "SEARCH_INDEX_DIR",
    "INSTANCE_DIR",
    "SEARCH_BACKEND",
)


def _settings(app: Flask) -> dict[str, Any]:
    return {name: app.config[name] for name in SETTINGS}


def _app(settings: dict[str, Any]) -> Flask:
    settings_object = config.TestConfig()
    for name, value in settings.items():
        setattr(settings_object, name, value)
    return create_app(settings_object)


def _drain_then_die(settings: dict[str, Any]) -> None:
    """A worker process killed (SIGKILL) after writing the index, before deleting its rows."""
    app = _app(settings)
    with app.app_context():
        from kitchen.services import jobs

        def killed(*_args: object) -> None:
            os.kill(os.getpid(), signal.SIGKILL)

        jobs.settle = killed  # type: ignore[assignment]
        worker.drain()


def _spawn(target, *args: object) -> multiprocessing.Process:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    return process


def test_a_worker_killed_after_writing_the_index_loses_nothing(app: Flask, drain) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED, title="深海探测的年轻人")
    curator = factories.make_user(Role.CURATOR)
    drain()
    workflow.apply(curator, item, Move.APPROVE)
    process = _spawn(_drain_then_die, _settings(app))
    process.join(timeout=120)
    assert process.exitcode == -signal.SIGKILL
    db.session.rollback()
    assert db.session.scalar(select(func.count(Job.id))) == 1  # the row outlived the worker
    drain()  # the next worker does it again: harmless
    assert db.session.scalar(select(func.count(Job.id))) == 0
    journalist = factories.make_user(Role.JOURNALIST)
    assert [h.id for h in library.search(journalist, "深海探测").hits] == [item.id]
    assert indexing.check().clean


def _write_and_drain(settings: dict[str, Any], contributor_id: int, curator_id: int, n: int):
    """One "web worker and background worker" process: create, submit, approve, drain."""
    app = _app(settings)
    with app.app_context():
        for number in range(n):
            contributor = db.session.get(User, contributor_id)
            data = submission.ItemData(
                kind="story",
                title=f"进程{os.getpid()}的第{number}篇科学家故事",
                body="扎根基层的科技工作者",
                credit_line="测试",
            )
            item = submission.create_item(contributor, data)
            submission.submit_item(contributor, item)
            workflow.apply(db.session.get(User, curator_id), item, Move.APPROVE)
            if number % 3 == 0:
                worker.drain([JobKind.INDEX])
        worker.drain([JobKind.INDEX])


def test_four_writer_processes_and_concurrent_readers_lose_nothing(app: Flask, drain) -> None:
    contributor = factories.make_user(Role.CONTRIBUTOR)
    curator = factories.make_user(Role.CURATOR)
    journalist = factories.make_user(Role.JOURNALIST)
    per_process = 8
    processes = [
        _spawn(_write_and_drain, _settings(app), contributor.id, curator.id, per_process)
        for _ in range(4)
    ]
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        with app.app_context():
            reader = db.session.get(User, journalist.id)
            while not stop.is_set():
                try:
                    library.search(reader, "科学家故事")
                    db.session.rollback()
                except BaseException as exc:  # any error at all fails the test
                    errors.append(exc)
                    return

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    for process in processes:
        process.join(timeout=300)
    stop.set()
    for thread in readers:
        thread.join()
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    assert errors == []
    drain()
    approved = db.session.scalar(
        select(func.count(Item.id)).where(Item.status == ItemStatus.APPROVED)
    )
    assert approved == 4 * per_process
    assert library.search(journalist, "科学家故事").total == approved
    assert indexing.check().clean


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Inbox:
    """An SMTP server's handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope.original_content)
        return "250 OK"


@pytest.fixture
def smtp_server(app: Flask):
    """A real SMTP server on a free loopback port, configured as the app's mail server."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, BASE_URL="https://kitchen.example")
    yield controller, inbox
    if controller.loop.is_running():
        controller.stop()


def test_decisions_are_emailed_by_the_worker_once(app: Flask, drain, smtp_server) -> None:
    controller, inbox = smtp_server
    item = factories.make_item(status=ItemStatus.SUBMITTED, title="社区科普大篷车")
    workflow.apply(factories.make_user(Role.CURATOR), item, Move.APPROVE, "很好")
    assert inbox.messages == []  # the decision's request sent nothing
    drain()
    assert len(inbox.messages) == 1
    mail = message_from_bytes(inbox.messages[0])
    assert "社区科普大篷车" in str(make_header(decode_header(mail["Subject"])))
    assert mail["To"] == item.submitter.email
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "已采用" in body and "很好" in body
    assert f"https://kitchen.example/items/{item.id}" in body
    note = db.session.scalars(select(Notification)).one()
    assert note.emailed_at is not None
    drain()
    assert len(inbox.messages) == 1  # done jobs are gone; a second run sends nothing

    controller.stop()  # the mail server goes away: the job waits and says why
    other = factories.make_item(status=ItemStatus.SUBMITTED, title="另一篇")
    workflow.apply(factories.make_user(Role.CURATOR), other, Move.REJECT, "重复")
    drain()
    (job,) = db.session.scalars(select(Job).where(Job.kind == JobKind.MAIL.value)).all()
    assert job.attempts == 1 and not job.gave_up and job.last_error


def test_without_smtp_no_mail_jobs_are_queued(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    workflow.apply(factories.make_user(Role.CURATOR), item, Move.APPROVE)
    kinds = db.session.scalars(select(Job.kind)).all()
    assert JobKind.MAIL.value not in kinds


def test_an_expert_request_and_its_answer_are_emailed(app: Flask, drain, smtp_server) -> None:
    from kitchen.services import experts

    _controller, inbox = smtp_server
    curator = factories.make_user(Role.CURATOR)
    expert = factories.make_expert(curator, "宣传科 010-6840 0000")
    journalist = factories.make_user(Role.JOURNALIST)
    request = experts.ask(journalist, expert, "台风季的预报难点", "科技日报", None)
    drain()
    (asked,) = [message_from_bytes(m) for m in inbox.messages]
    assert asked["To"] == curator.email
    assert "王建国" in str(make_header(decode_header(asked["Subject"])))
    body = asked.get_payload(decode=True).decode("utf-8")
    assert f"https://kitchen.example/experts/requests/{request.id}" in body
    assert "科技日报" in body and "010-6840" not in body
    experts.answer(curator, request, True, "请联系国家气象中心宣传科。")
    drain()
    told = message_from_bytes(inbox.messages[-1])
    assert told["To"] == journalist.email
    assert "请联系国家气象中心宣传科。" in told.get_payload(decode=True).decode("utf-8")


def test_an_opening_call_and_a_saved_search_are_emailed(app: Flask, drain, smtp_server) -> None:
    from datetime import timedelta

    from kitchen.services import alerts, calls, campaigns

    _controller, inbox = smtp_server
    contributor = factories.make_user(Role.CONTRIBUTOR)
    today = calls.today()
    data = campaigns.CampaignData(
        "kepu-2027", "2027全国科普日", "请报送科普日的照片。", today, today + timedelta(days=9)
    )
    call = campaigns.save_campaign(data, factories.make_user(Role.CURATOR))
    calls.sweep(today)
    drain()
    (opened,) = [message_from_bytes(m) for m in inbox.messages]
    assert opened["To"] == contributor.email
    assert "2027全国科普日" in str(make_header(decode_header(opened["Subject"])))
    body = opened.get_payload(decode=True).decode("utf-8")
    assert "征集已开始" in body and "请报送科普日的照片。" in body
    assert f"https://kitchen.example/campaigns/{call.slug}" in body
    journalist = factories.make_user(Role.JOURNALIST)
    alerts.save(journalist, "科普日", {"q": "科普日"})
    factories.make_item(status=ItemStatus.APPROVED, title="科普日的新照片")
    drain()
    assert alerts.sweep() == 1
    drain()
    found = message_from_bytes(inbox.messages[-1])
    assert found["To"] == journalist.email
    assert "科普日的新照片" in found.get_payload(decode=True).decode("utf-8")
    assert "https://kitchen.example/library/?" in found.get_payload(decode=True).decode("utf-8")
