"""Commits, merges and file cleanup: readers never find a file missing, nothing is lost."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from kitchen.search import SearchQuery
from kitchen.search import writing as writing_module
from kitchen.search.whoosh_adapter import file_segment, read_toc
from kitchen.search.whoosh_backend import WhooshBackend

from .conftest import simple_document


def total(backend: WhooshBackend, text: str) -> int:
    """Hit count for a query."""
    return backend.search(SearchQuery(text=text, facets=False)).total


def _live_segments(backend: WhooshBackend) -> list:
    ix = backend.generations.open(backend.generations.current_name())
    return read_toc(ix)[1]


def _segment_files(backend: WhooshBackend) -> set[str]:
    folder = backend.generations.root / backend.generations.current_name()
    return {seg for p in folder.iterdir() if (seg := file_segment(p.name))}


@pytest.mark.parametrize(
    "title, body, query",
    [
        ("Open science", "Quantum computing in 2026", "quantum"),
        ("2026", "12345 67890", "67890"),
        ("", "", "标题"),  # the title of simple_document is 标题N; the body is empty
    ],
)
def test_documents_in_any_script_are_indexed_alone(backend, title, body, query) -> None:
    doc = simple_document(1, body, title=title or "标题1")
    backend.index([doc])
    assert total(backend, query) == 1


def test_small_segments_are_merged_and_deletions_kept(whoosh_backend) -> None:
    backend = whoosh_backend
    for number in range(1, 31):
        backend.index([simple_document(number, f"第{number}篇 科学家")])
    backend.remove([5, 6])
    backend.index([simple_document(7, "改写 院士")])
    assert len(_live_segments(backend)) < 10
    assert total(backend, "科学家") == 27
    assert total(backend, "院士") == 1
    assert backend.count() == 28


def test_a_searcher_opened_before_a_merge_reads_every_file(tmp_path: Path) -> None:
    path = tmp_path / "index"
    reader_side = WhooshBackend(path, procs=1)
    writer_side = WhooshBackend(path, procs=1)
    for number in range(1, 10):
        writer_side.index([simple_document(number, "老一辈科学家")])
    before = reader_side._current_searcher()
    held = before.reader()
    for number in range(10, 40):  # merges retire the segments `before` reads
        writer_side.index([simple_document(number, "青年科学家")])
    live = {s.segment_id() for s in _live_segments(writer_side)}
    assert len(live) < 15
    assert not live & {r.segment().segment_id() for r, _ in held.leaf_readers()}
    # Stored fields are opened lazily: this is where Whoosh's own cleanup made searches fail.
    assert [held.stored_fields(n)["source"] for n in range(held.doc_count_all())]
    assert total(reader_side, "科学家") == 39


def test_retired_files_go_after_the_grace_period(whoosh_backend, monkeypatch) -> None:
    backend = whoosh_backend
    for number in range(1, 12):
        backend.index([simple_document(number, "科普")])
    live = {s.segment_id() for s in _live_segments(backend)}
    assert _segment_files(backend) > live  # merged-away segments stay for readers, for now
    monkeypatch.setattr(writing_module, "GRACE_SECONDS", -1.0)
    monkeypatch.setattr(writing_module, "TOC_GRACE_SECONDS", -1.0)
    backend.index([simple_document(100, "科普")])
    live = {s.segment_id() for s in _live_segments(backend)}
    assert _segment_files(backend) == live
    folder = backend.generations.root / backend.generations.current_name()
    assert len([p for p in folder.iterdir() if p.name.endswith(".toc")]) == 1
    assert total(backend, "科普") == 12


def test_deletions_made_while_a_merge_builds_are_carried_over(whoosh_backend, monkeypatch) -> None:
    backend = whoosh_backend
    for number in range(1, 10):
        backend.index([simple_document(number, "气象观测员")])
    build = writing_module._build_merged

    def build_while_another_process_deletes(ix, chosen):
        built = build(ix, chosen)
        writing_module.commit(ix, [], [3, 4], 5.0)  # lands between the build and its commit
        return built

    monkeypatch.setattr(writing_module, "_build_merged", build_while_another_process_deletes)
    backend.index([simple_document(10, "气象观测员")])  # the tenth segment: a merge
    monkeypatch.undo()
    assert len(_live_segments(backend)) == 1
    assert total(backend, "气象观测员") == 8
    hits = backend.search(SearchQuery(text="气象观测员", per_page=20)).hits
    assert sorted(h.id for h in hits) == [1, 2, 5, 6, 7, 8, 9, 10]


def _write(path: str, worker: int) -> None:
    backend = WhooshBackend(Path(path), procs=1, lock_timeout=120.0)
    for number in range(20):
        backend.index([simple_document(worker * 1000 + number, f"第{number}轮 科学家")])


def test_threads_search_while_other_processes_write(tmp_path: Path) -> None:
    path = tmp_path / "index"
    backend = WhooshBackend(path, procs=1)
    backend.index([simple_document(1, "科学家")])
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write, args=(str(path), w)) for w in (1, 2)]
    for process in writers:
        process.start()
    errors: list[BaseException] = []
    searchers: set[int] = set()
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            try:
                results = backend.search(SearchQuery(text="科学家", per_page=5))
                assert results.total >= 1 and len(results.hits) >= 1
                searchers.add(id(backend._current_searcher()))
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for process in writers:
        process.join(timeout=300)
    stop.set()
    for thread in threads:
        thread.join()
    assert [p.exitcode for p in writers] == [0, 0]
    assert errors == []
    assert len(searchers) >= 4  # each thread reads with a searcher of its own
    assert total(backend, "科学家") == 41


def test_a_rebuild_that_died_stops_the_journal(whoosh_backend) -> None:
    backend = whoosh_backend
    gens = backend.generations
    (gens.root / "BUILDING").write_text("gen-deadbeef0000")  # left by a killed `kitchen reindex`
    backend.index([simple_document(1, "科学家")])
    assert not (gens.root / "BUILDING").exists()
    assert not (gens.root / "gen-deadbeef0000.journal").exists()
    assert total(backend, "科学家") == 1
