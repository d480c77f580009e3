"""A worker killed at any point between joining and revealing reveals what it committed after a restart.

The embedded chain lives in the test process, so the "process" that dies is a WorkerNode: its task is cancelled
(or a `Crash` is raised inside it at an exact instant) and the object dropped; a fresh WorkerNode then starts from
the same state directory. The real-process version (SIGKILL of `dfpn-worker run`) is in test_process_kill.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn import Modality as ChainModality
from dfpn import Verdict as ChainVerdict
from dfpn.generated.instructions import COMMIT_RESULT_DISCRIMINATOR, REVEAL_RESULT_DISCRIMINATOR
from dfpn_detectors import Verdict
from dfpn_worker import Phase

from helpers import (
    FaultyTransport,
    FixedDetector,
    NodeFactory,
    finish_after_grace,
    register_model,
    request_account,
    stop_task,
    wait_for,
    wait_phase,
)

M, A = Verdict.MANIPULATED, Verdict.AUTHENTIC
FACE = [ChainModality.FACE_MANIPULATION]


async def test_a_worker_abandoned_after_commit_reveals_the_stored_preimage_on_restart(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given two registered workers, a request drawing both, and the first worker committing Manipulated 77
    register_model(network, "fixed-a")
    keypair, config = await make_node.register("w1", [FixedDetector("fixed-a", M, 77)])
    other = await make_node("w2", [FixedDetector("fixed-a", M, 95)])
    sub = await client.submit_request(media, modalities=FACE, min_workers=2, deadline_seconds=120)
    first = make_node.node(keypair, config, [FixedDetector("fixed-a", M, 77)])
    task = make_node.start(first)
    committed = await wait_phase(first, sub.id, Phase.COMMITTED)
    # When that worker's process dies between commit and reveal
    await stop_task(task)
    first.state.close()
    del first
    # And the second worker commits, which opens the reveal phase
    make_node.start(other)
    await wait_phase(other, sub.id, Phase.REVEALED, Phase.DONE)
    # And the first worker restarts from the same state directory, with a detector that now answers otherwise
    restarted = make_node.node(keypair, config, [FixedDetector("fixed-a", A, 10)])
    make_node.start(restarted)
    # Then it reveals the preimage it committed before the crash (not a new analysis), and the request finalizes
    job = await finish_after_grace(network, restarted, sub.id)
    assert job.phase is Phase.DONE
    assert (job.verdict, job.confidence, job.salt, job.report_hash) == (
        committed.verdict,
        committed.confidence,
        committed.salt,
        committed.report_hash,
    )
    result = await client.wait_for_result(sub.id, timeout=5)
    mine = next(w for w in result.worker_results if w.worker == str(keypair.pubkey()))
    assert (mine.verdict, mine.confidence, mine.report_verified) == (ChainVerdict.MANIPULATED, 77, True)
    assert result.verdict is ChainVerdict.MANIPULATED and result.audit.reveal_count == 2


@pytest.mark.parametrize("after_send", [False, True], ids=["before-commit-sent", "after-commit-landed"])
async def test_a_crash_around_the_commit_transaction_still_ends_in_a_reveal(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory, after_send: bool
) -> None:
    # Given a worker whose process will die exactly when it sends its commit (before it is sent, or after it
    # landed but before the worker recorded it)
    register_model(network, "fixed-a")
    detectors = [FixedDetector("fixed-a", M, 64)]
    keypair, config = await make_node.register("w1", detectors)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    faulty = FaultyTransport(network)
    faulty.crash_on(COMMIT_RESULT_DISCRIMINATOR, after_send=after_send)
    node = make_node.node(keypair, config, detectors, transport=faulty)
    task = make_node.start(node)
    await wait_for(lambda: faulty.crash is None, what="the crash")
    await stop_task(task)
    # Then the preimage and salt were durable before the commit was attempted
    job = node.state.get(sub.id)
    assert job is not None and job.phase is Phase.PREPARED and job.has_preimage
    assert request_account(network, sub.id).commits == (1 if after_send else 0)
    # When the worker restarts from its state directory
    restarted = make_node.node(keypair, config, detectors)
    make_node.start(restarted)
    # Then it commits (or recognises its landed commitment) and reveals exactly the stored preimage
    done = await finish_after_grace(network, restarted, sub.id)
    assert done.phase is Phase.DONE and done.commitment == job.commitment
    r = request_account(network, sub.id)
    assert (r.commits, r.reveals, r.verdict, r.confidence) == (1, 1, 2, 64)


async def test_a_crash_after_the_reveal_landed_is_not_a_second_reveal(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker that dies right after its reveal landed, before recording it
    register_model(network, "fixed-a")
    detectors = [FixedDetector("fixed-a", A, 70)]
    keypair, config = await make_node.register("w1", detectors)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    faulty = FaultyTransport(network)
    faulty.crash_on(REVEAL_RESULT_DISCRIMINATOR, after_send=True)
    node = make_node.node(keypair, config, detectors, transport=faulty)
    task = make_node.start(node)
    await wait_for(lambda: faulty.crash is None, what="the crash")
    await stop_task(task)
    assert (job := node.state.get(sub.id)) is not None and job.phase is Phase.COMMITTED
    # When it restarts, Then it sees its seat revealed, finalizes (once anyone may) and finishes
    restarted = make_node.node(keypair, config, detectors)
    make_node.start(restarted)
    done = await finish_after_grace(network, restarted, sub.id)
    assert done.phase is Phase.DONE and done.outcome == "finalized: Authentic 70 (Unanimous); agreed"
    assert done.reveal_tx is None  # it did not (could not) reveal twice


async def test_a_worker_that_lost_its_state_re_derives_its_commitment_and_reveals(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker that committed for a request of two workers, then lost its process and its disk
    register_model(network, "fixed-a")
    detectors = [FixedDetector("fixed-a", M, 81)]
    keypair, config = await make_node.register("w1", detectors)
    other = await make_node("w2", [FixedDetector("fixed-a", M, 91)])
    sub = await client.submit_request(media, modalities=FACE, min_workers=2, deadline_seconds=120)
    node = make_node.node(keypair, config, detectors)
    task = make_node.start(node)
    await wait_phase(node, sub.id, Phase.COMMITTED)
    await stop_task(task)
    node.state.close()
    shutil.rmtree(config.state_dir)
    shutil.rmtree(config.report_dir)
    # When it restarts with an empty state directory and the same (deterministic) detector and key
    restarted = make_node.node(keypair, config, detectors)
    make_node.start(restarted)
    make_node.start(other)
    # Then it finds its committed seat, re-derives salt (from its key) and report (canonical JSON), and reveals
    job = await finish_after_grace(network, restarted, sub.id)
    assert job.phase is Phase.DONE
    r = request_account(network, sub.id)
    assert (r.commits, r.reveals, r.verdict) == (2, 2, 2)
