"""The sync worker: one sync at a time, debounced triggers, retries with backoff, and the status it shows."""

import threading
import time

from gridworker.domain.models import Outbox
from gridworker.services import register
from gridworker.store.meta import next_hlc
from gridworker.sync.backoff import Backoff, parse_retry_after
from gridworker.sync.engine import SyncResult
from gridworker.sync.errors import Offline
from gridworker.store.sync_tables import SyncConflict
from gridworker.sync.worker import SyncWorker, read_status


class FakeEngine:
    """Counts rounds and how many ran at the same moment; fails the first `failures` rounds as offline."""

    def __init__(self, seconds: float = 0.05, failures: int = 0):
        self.seconds = seconds
        self.failures = failures
        self.rounds = 0
        self.running = 0
        self.most_at_once = 0
        self.lock = threading.Lock()
        self.done = threading.Event()

    def sync_once(self) -> SyncResult:
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(self.seconds)
        with self.lock:
            self.running -= 1
            self.rounds += 1
            failed = self.rounds <= self.failures
        self.done.set()
        if failed:
            return SyncResult(state="offline", error=Offline("ConnectionError"))
        return SyncResult(complete=True)

    def close(self) -> None:
        pass


def wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_never_two_syncs_at_once(store, account):
    engine = FakeEngine(seconds=0.05)
    worker = SyncWorker(account, store, engine=engine, debounce_s=0.0)
    threads = [threading.Thread(target=worker.sync_now) for _ in range(5)]
    for t in threads:
        t.start()
    for _ in range(5):
        worker.trigger(0)
    for t in threads:
        t.join()
    wait_for(lambda: engine.rounds >= 6)
    worker.close()
    assert engine.most_at_once == 1
    assert engine.rounds >= 6


def test_triggers_within_the_debounce_time_make_one_sync(store, account):
    engine = FakeEngine()
    worker = SyncWorker(account, store, engine=engine, debounce_s=1.0)
    for _ in range(20):
        worker.trigger()
    wait_for(lambda: engine.rounds == 1)
    time.sleep(1.5)
    worker.close()
    assert engine.rounds == 1


def test_a_failed_sync_is_retried_by_itself_and_the_status_follows(store, account):
    engine = FakeEngine(failures=1)
    worker = SyncWorker(account, store, engine=engine)
    worker.backoff = Backoff(base=0.05, cap=0.1)
    seen = []
    worker.add_listener(seen.append)
    result = worker.sync_now()
    assert result.error is not None
    status = worker.status()
    assert status.online is False and status.next_retry_s is not None
    wait_for(lambda: engine.rounds == 2)
    wait_for(lambda: worker.status().online is True)
    worker.close()
    assert any(s.syncing for s in seen) and seen[-1].online is True


def test_status_counts_what_is_waiting(store, account):
    area = register.register_area(store, code="G01", name="一网格", level="grid")
    register.register_building(store, {"name": "1号楼", "area_id": area.id})
    with store.write() as s:
        s.add(Outbox(entity="building", record_id="x", op="upsert", fields={}, hlc=next_hlc(s), state="rejected", result={}))
        s.add(SyncConflict(mutation_id="m", entity="building", record_id="x", field="name", mine="a", theirs="b", winner="theirs"))
    st = read_status(account, store)
    assert (st.pending, st.rejected, st.conflicts, st.photos_waiting) == (1, 1, 1, 0)
    assert st.state == "not signed in" and st.last_success is None


def test_backoff_grows_with_jitter_and_honours_retry_after():
    b = Backoff(base=1.0, cap=8.0)
    waits = [b.failed() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(c / 10 <= w <= c for w, c in zip(waits, ceilings))
    assert b.failed(retry_after=30) == 30
    b.succeeded()
    assert b.failed() <= 1.0
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None
