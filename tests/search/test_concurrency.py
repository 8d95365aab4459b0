"""Several processes indexing at once: Whoosh has one writer, so updates wait and none is lost."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from kitchen.search import SearchQuery
from kitchen.search.whoosh_backend import WhooshBackend

from .conftest import simple_document

PROCESSES = 4
DOCS_PER_PROCESS = 12
ROUNDS = ("春季版", "夏季版", "秋季版")  # each update replaces the previous round's text


def _index_in_process(path: str, worker: int) -> None:
    """One "gunicorn worker": index its documents one at a time, updating each ROUNDS times."""
    backend = WhooshBackend(Path(path), procs=1, lock_timeout=120.0)
    for version in ROUNDS:
        for n in range(DOCS_PER_PROCESS):
            doc_id = worker * 1000 + n
            backend.index([simple_document(doc_id, f"{version} 科学家", title=version)])
    backend.remove([worker * 1000 + DOCS_PER_PROCESS - 1])


def test_concurrent_writers_lose_no_update(tmp_path):
    path = tmp_path / "index"
    WhooshBackend(path, procs=1)  # create the index before the workers race for it
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_index_in_process, args=(str(path), worker))
        for worker in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=300)
        assert process.exitcode == 0

    backend = WhooshBackend(path, procs=1)
    expected = PROCESSES * (DOCS_PER_PROCESS - 1)
    assert backend.count() == expected
    results = backend.search(SearchQuery(text="科学家", per_page=100))
    assert results.total == expected
    assert backend.search(SearchQuery(text=ROUNDS[-1], per_page=100)).total == expected
    for version in ROUNDS[:-1]:
        assert backend.search(SearchQuery(text=version)).total == 0
    ids = {hit.id for hit in results.hits}
    assert ids == {w * 1000 + n for w in range(PROCESSES) for n in range(DOCS_PER_PROCESS - 1)}
