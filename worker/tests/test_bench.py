"""A short run of the throughput benchmark (worker/bench/throughput.py, `make bench-worker`), so it cannot rot: on
the embedded network, and on a real validator (the session's, marker `rpc`)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dfpn_worker.metrics import STAGES

BENCH = Path(__file__).resolve().parents[1] / "bench" / "throughput.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dfpn_worker_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _check(summary: dict[str, Any], out: Path) -> None:
    assert json.loads(out.read_text()) == summary
    assert summary["finalized"] >= 1 and summary["submit_errors"] == 0
    assert summary["latency_seconds"]["p50"] is not None
    assert {s: summary["stages"].get(s, {}).get("count", 0) > 0 for s in STAGES} == dict.fromkeys(
        STAGES, True
    )
    assert set(summary["detectors"]) == {"ai-metadata-rules", "c2pa-provenance", "jpeg-ghost"}
    assert summary["detector_setting"] == ["ai-metadata-rules", "c2pa-provenance", "jpeg-ghost"]
    assert summary["unfinished"] == sum(summary["unfinished_by_stage"].values())
    assert summary["worker"]["peak_rss_mb"] > 0 and summary["detector_cpu_seconds"] > 0


async def test_the_benchmark_runs_on_the_embedded_network(tmp_path: Path) -> None:
    bench = _bench()
    out = tmp_path / "local.json"
    args = ["--network", "local", "--rate", "4", "--duration", "4", "--warmup", "1", "--drain", "60"]
    args += ["--detectors", "three"]
    summary = await bench.main(bench.parse([*args, "--media", "3", "--out", str(out)]))
    _check(summary, out)


@pytest.mark.rpc
async def test_the_benchmark_runs_on_a_validator(rpc_url: str, tmp_path: Path) -> None:
    bench = _bench()
    out = tmp_path / "validator.json"
    args = ["--network", "validator", "--rpc-url", rpc_url, "--rate", "2", "--duration", "5", "--warmup", "1"]
    args += ["--detectors", "three"]
    summary = await bench.main(bench.parse([*args, "--drain", "120", "--media", "3", "--out", str(out)]))
    _check(summary, out)
    assert summary["worker"]["processes"] >= 2  # the node and its analysis processes
