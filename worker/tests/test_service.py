"""Running as a service: graceful shutdown with hand-over, metrics and health endpoint, structured logs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from pathlib import Path

import httpx

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn import Modality as ChainModality
from dfpn import instructions as ix
from dfpn_detectors import Verdict
from dfpn_worker import Phase
from dfpn_worker.logs import setup_logging

from helpers import (
    BlockingDetector,
    FixedDetector,
    NodeFactory,
    counter,
    finish_after_grace,
    register_model,
    request_account,
    wait_for,
)

M = Verdict.MANIPULATED
FACE = [ChainModality.FACE_MANIPULATION]


async def test_a_graceful_stop_finishes_the_commit_in_progress_and_hands_over_the_reveal(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker in the middle of analysing a request for two workers
    register_model(network, "fixed-a")
    detector = BlockingDetector("fixed-a", M, 90)
    keypair, config = await make_node.register("w1", [detector])
    node = make_node.node(keypair, config, [detector])
    other = await make_node("w2", [FixedDetector("fixed-a", M, 80)])
    sub = await client.submit_request(media, modalities=FACE, min_workers=2, deadline_seconds=120)
    task = make_node.start(node)
    await wait_for(detector.started.is_set, what="the analysis")
    # When it is asked to stop (SIGTERM) and the analysis then completes
    node.stop()
    await asyncio.sleep(0.05)
    assert not task.done()  # still finishing the in-flight analysis
    detector.release.set()
    await asyncio.wait_for(task, 5)
    # Then the commit was sent before it stopped, and the reveal (not yet possible) is handed over
    job = node.state.get(sub.id)
    assert job is not None and job.phase is Phase.COMMITTED and not job.finished
    assert request_account(network, sub.id).commits == 1
    # And the next start picks it up and reveals once the reveal phase opens
    node.state.close()
    restarted = make_node.node(keypair, config, [FixedDetector("fixed-a", M, 90)])
    make_node.start(restarted)
    make_node.start(other)
    done = await finish_after_grace(network, restarted, sub.id)
    assert done.phase is Phase.DONE and done.reveal_tx is not None


async def test_metrics_and_health_are_served_over_http(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker with its metrics endpoint on a free port, having worked one request
    register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)], metrics_port=0)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    task = make_node.start(node)
    await finish_after_grace(network, node, sub.id)
    assert node.server is not None
    base = f"http://127.0.0.1:{node.server.port}"
    # When Prometheus scrapes /metrics and a probe calls /healthz
    async with httpx.AsyncClient(timeout=5) as http:
        metrics = await http.get(f"{base}/metrics")
        health = await http.get(f"{base}/healthz")
        missing = await http.get(f"{base}/nope")
        # Then the counters and the detector latency histogram are there
        assert metrics.status_code == 200
        text = metrics.text
        for line in (
            "dfpn_worker_requests_seen_total 1.0",
            "dfpn_worker_requests_joined_total 1.0",
            "dfpn_worker_requests_committed_total 1.0",
            "dfpn_worker_requests_revealed_total 1.0",
            'dfpn_worker_detector_latency_seconds_count{model_id="fixed-a"} 1.0',
        ):
            assert line in text, line
        assert "dfpn_worker_requests_missed_total" in text
        # And health is OK with the worker's identity
        assert health.status_code == 200
        body = health.json()
        assert body["ok"] is True and body["worker"] == str(node.authority) and body["inFlight"] == 0
        assert missing.status_code == 404
        # When the worker stops, Then the endpoint closes with it
        node.stop()
        await asyncio.wait_for(task, 5)
    assert node.server is None


async def test_a_worker_that_is_unbonding_joins_nothing(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a registered worker that requested to unstake
    register_model(network, "fixed-a")
    keypair, config = await make_node.register("w1", [FixedDetector("fixed-a", M, 90)])
    network.process([ix.request_unstake(authority=keypair.pubkey(), amount=1)], [keypair])
    node = make_node.node(keypair, config, [FixedDetector("fixed-a", M, 90)])
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When it polls, Then it was not drawn (the program draws no unbonding worker) and its health says why
    await node.start()
    await node.poll_once()
    assert node.state.get(sub.id) is None and request_account(network, sub.id).joined == 0
    assert "unbonding" in str(node.health()[1]["joinBlocked"])
    await node.shutdown()


async def test_logs_are_one_json_object_per_line_with_the_events_fields(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given the JSON log format
    stream = io.StringIO()
    setup_logging("INFO", "json", stream)
    try:
        register_model(network, "fixed-a")
        node = await make_node("w1", [FixedDetector("fixed-a", M, 90)])
        sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
        # When the worker works a request
        make_node.start(node)
        await finish_after_grace(network, node, sub.id)
    finally:
        logging.getLogger().handlers.clear()
    # Then every line is JSON and the lifecycle events carry the request id
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    events = [e["event"] for e in lines if e.get("request") == sub.id]
    assert events[:5] == ["joined", "analysed", "committed", "revealed", "finalized"]
    analysed = next(e for e in lines if e.get("event") == "analysed")
    assert analysed["verdict"] == "Manipulated" and analysed["model_id"] == "fixed-a"
    assert {"ts", "level", "logger", "msg"} <= set(analysed)
    assert counter(node, "dfpn_worker_requests_finalized_total") == 1
