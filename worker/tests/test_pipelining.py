"""The analysis pool (processes, per-detector time measured inside them), the stage histograms on the metrics
endpoint, and the state store's writer thread."""

from __future__ import annotations

import asyncio
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn import Modality as ChainModality
from dfpn_detectors import Media
from dfpn_worker import Job, Phase, StateStore
from dfpn_worker.analysis import Analyzer
from dfpn_worker.metrics import STAGES, Metrics
from pool_helpers import AllocatingDetector, BurningDetector, SleepingDetector

from helpers import PNG_MAGIC, NodeFactory, register_model, wait_phase

FACE = [ChainModality.FACE_MANIPULATION]
MEDIA = Media(data=PNG_MAGIC + b"pixels" * 100, mime_type=None, name="x.png")
FACE_MASK = int(ChainModality.FACE_MANIPULATION)
TESTS = Path(__file__).resolve().parent


def _histogram(metrics: Metrics, name: str, label: str, value: str) -> tuple[float, float]:
    """(count, sum) of one labelled histogram series."""
    labels = {label: value}
    count = metrics.registry.get_sample_value(f"{name}_count", labels) or 0.0
    total = metrics.registry.get_sample_value(f"{name}_sum", labels) or 0.0
    return count, total


async def test_detector_time_is_measured_in_the_pool_process_without_its_queueing() -> None:
    # Given a pool of ONE process and a detector that takes 0.4 s
    metrics = Metrics()
    analyzer = Analyzer([SleepingDetector("slow", 0.4)], metrics=metrics)
    await analyzer.start_pool("process", workers=1)
    try:
        assert analyzer.processes
        # When three requests are analysed at once (two of them wait in the pool's queue)
        start = time.perf_counter()
        outcomes = await asyncio.gather(*(analyzer.analyze(MEDIA, FACE_MASK) for _ in range(3)))
        elapsed = time.perf_counter() - start
    finally:
        analyzer.close_pool()
    assert [o.model_id for o in outcomes] == ["slow"] * 3 and elapsed >= 1.2  # they did run one after another
    # Then each detector observation is its own run (>= 0.4 s), without the time its request waited in the queue
    count, total = _histogram(metrics, "dfpn_worker_detector_latency_seconds", "model_id", "slow")
    stage_count, stage_total = _histogram(metrics, "dfpn_worker_stage_seconds", "stage", "analyse")
    assert count == 3 and total >= 1.2
    # While the analyse stage (which includes the queueing) also holds the waits: the 2nd request waited for the
    # 1st run, the 3rd for two runs, at least 0.4 + 0.8 s more than the runs themselves
    assert stage_count == 3 and stage_total >= total + 1.1


@pytest.mark.parametrize("kind", ["thread", "process"])
async def test_a_detectors_time_limit_counts_its_run_not_its_wait_for_the_pool(kind: str) -> None:
    # Given a pool of one, a detector that takes 0.4 s and a time limit of 2 s (the margin: a loaded machine's
    # hand-over to a pool process)
    analyzer = Analyzer([SleepingDetector("slow", 0.4)], timeout=2.0)
    await analyzer.start_pool(kind, workers=1)
    try:
        # When fourteen requests arrive at once (the pool has two threads, or one process: the last ones wait 2.4 s
        # or 5.2 s for it, and would be past the limit if the wait counted)
        outcomes = await asyncio.gather(*(analyzer.analyze(MEDIA, FACE_MASK) for _ in range(14)))
    finally:
        analyzer.close_pool()
    # Then every one is the detector's answer: a busy worker does not commit Inconclusive for being busy
    notes = [o.analyses[0].notes for o in outcomes]
    assert not any("timed out" in n for n in notes), notes
    # (control: a detector slower than the limit does time out)
    late = Analyzer([SleepingDetector("late", 3.0)], timeout=2.0)
    await late.start_pool(kind, workers=1)
    try:
        outcome = await late.analyze(MEDIA, FACE_MASK)
    finally:
        late.close_pool()
    assert outcome.analyses[0].notes == "timed out after 2s"


async def test_the_detectors_cpu_time_is_counted_in_the_pool_processes() -> None:
    # Given a pool of two processes and a detector burning 0.5 s of CPU
    metrics = Metrics()
    analyzer = Analyzer([BurningDetector("burn", 0.5)], metrics=metrics)
    await analyzer.start_pool("process", workers=2)
    try:
        # When two requests are analysed
        await asyncio.gather(*(analyzer.analyze(MEDIA, FACE_MASK) for _ in range(2)))
    finally:
        analyzer.close_pool()
    # Then the CPU they spent is counted (measured in the processes: this process spent none of it)
    cpu = metrics.registry.get_sample_value("dfpn_worker_detector_cpu_seconds_total", {"model_id": "burn"})
    assert cpu is not None and 0.95 <= cpu < 1.5


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the allocator settings are glibc's")
async def test_the_pool_processes_reuse_freed_memory_without_page_faults() -> None:
    # Control: a fresh Python process faults image-sized arrays in again after freeing them (glibc's defaults)
    probe = "import sys; sys.path.insert(0, sys.argv[1]); import pool_helpers as h; print(h.page_faults_per_round())"
    fresh = subprocess.run(
        [sys.executable, "-c", probe, str(TESTS)], capture_output=True, text=True, check=True
    )
    assert float(fresh.stdout) > 2_000
    # Given the analysis pool's process, then the same allocations reuse the freed memory
    analyzer = Analyzer([AllocatingDetector("alloc")])
    await analyzer.start_pool("process", workers=1)
    try:
        outcome = await analyzer.analyze(MEDIA, FACE_MASK)
    finally:
        analyzer.close_pool()
    (analysis,) = outcome.analyses
    assert float(analysis.notes) < 100


async def test_threads_when_asked_or_when_the_detectors_cannot_reach_a_process() -> None:
    class Local(SleepingDetector):  # defined in a function: cannot be pickled into a pool process
        pass

    analyzer = Analyzer([Local("local", 0.0)])
    await analyzer.start_pool("process", workers=1)
    assert not analyzer.processes  # fell back to threads (with a warning)
    assert (await analyzer.analyze(MEDIA, FACE_MASK)).model_id == "local"
    analyzer.close_pool()
    positive = Analyzer([SleepingDetector("named", 0.0)])  # control: a detector importable by name
    await positive.start_pool("process", workers=1)
    assert positive.processes
    positive.close_pool()


def test_pool_processes_of_a_killed_node_exit() -> None:
    # Given a process with an analysis pool of two processes
    script = textwrap.dedent(
        """
        import asyncio, os, sys, time
        sys.path.insert(0, sys.argv[1])
        from dfpn_worker.analysis import Analyzer
        from pool_helpers import SleepingDetector
        async def main():
            a = Analyzer([SleepingDetector("s", 0.0)])
            await a.start_pool("process", workers=2)
            print(" ".join(str(p) for p in a.executor._processes), flush=True)
            await asyncio.sleep(60)
        asyncio.run(main())
        """
    )
    node = subprocess.Popen([sys.executable, "-c", script, str(TESTS)], stdout=subprocess.PIPE, text=True)
    try:
        assert node.stdout is not None
        pids = [int(p) for p in node.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)  # control: alive while the node lives
        # When the node is SIGKILLed (no chance to stop its pool)
        node.send_signal(signal.SIGKILL)
        node.wait(10)
        # Then its pool processes exit by themselves (they look once a second; the margin is for a loaded machine)
        give_up = time.monotonic() + 30
        while any(_alive(p) for p in pids) and time.monotonic() < give_up:
            time.sleep(0.1)
        assert not any(_alive(p) for p in pids)
    finally:
        node.kill()


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


async def test_every_stage_histogram_has_observations_after_a_request(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker with its metrics endpoint on a free port
    register_model(network, "fixed-a")
    node = await make_node("w1", [SleepingDetector("fixed-a", 0.0)], metrics_port=0)
    await node.start()
    assert node.server is not None
    before = await _scrape(node.server.port)
    assert _stage_count(before, "commit") == 0  # control: nothing observed before a request
    # When it serves one request to its reveal
    make_node.start(node)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    await wait_phase(node, sub.id, Phase.REVEALED, Phase.DONE)
    # Then the scraped endpoint has every stage's histogram with a count > 0, and the detector's
    text = await _scrape(node.server.port)
    assert {stage: _stage_count(text, stage) > 0 for stage in STAGES} == dict.fromkeys(STAGES, True)
    assert 'dfpn_worker_detector_latency_seconds_count{model_id="fixed-a"} 1.0' in text


async def _scrape(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    return raw.partition(b"\r\n\r\n")[2].decode()


def _stage_count(text: str, stage: str) -> float:
    prefix = f'dfpn_worker_stage_seconds_count{{stage="{stage}"}} '
    line = next((x for x in text.splitlines() if x.startswith(prefix)), None)
    return 0.0 if line is None else float(line[len(prefix) :])


async def test_state_writes_run_in_the_writer_thread_and_the_preimage_write_is_fsynced(
    tmp_path: Path,
) -> None:
    store = StateStore(tmp_path, "w")
    writers: list[str] = []
    write = store._write

    def spy(job: Job, durable: bool) -> Job:
        writers.append(threading.current_thread().name)
        return write(job, durable)

    store._write = spy  # type: ignore[method-assign]
    joined = Job(request="r1", phase=Phase.JOINED, commit_deadline=1, deadline=2)
    await store.put_async(joined)
    await store.put_async(joined.replace(phase=Phase.PREPARED, salt=b"s" * 32), durable=True)
    # The loop's thread never wrote; one write of two was fsynced; the database is in WAL mode
    assert writers and all(name.startswith("dfpn-state") for name in writers)
    assert threading.current_thread().name not in writers
    assert (store.writes, store.durable_writes) == (2, 1)
    # And another connection (another process would be the same) reads the prepared row at once
    with sqlite3.connect(store.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        row = other.execute("SELECT phase, salt FROM jobs WHERE request = 'r1'").fetchone()
    assert row == ("prepared", b"s" * 32)
    store.close()


@pytest.mark.parametrize("durable", [False, True])
def test_a_committed_write_survives_sigkill_of_the_writer(tmp_path: Path, durable: bool) -> None:
    # Given a process that writes a row (NORMAL or FULL sync) and is SIGKILLed right after `put` returned
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from dfpn_worker import Job, Phase, StateStore
        s = StateStore(sys.argv[1], "w")
        s.put(Job(request="r", phase=Phase.PREPARED, commit_deadline=1, deadline=2, salt=b"k" * 32), durable={durable})
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False, timeout=60)
    assert done.returncode == -signal.SIGKILL
    # Then a new store finds it (WAL: the committed transaction is in the log the next open replays)
    store = StateStore(tmp_path, "w")
    job = store.get("r")
    store.close()
    assert job is not None and job.phase is Phase.PREPARED and job.salt == b"k" * 32
    assert os.path.exists(tmp_path / "worker.sqlite3")
