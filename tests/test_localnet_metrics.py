"""`dfpn-localnet up --workers 1 --metrics-port-base P`: the worker process serves its metrics on P (printed), the
`DFPN_WORKER_*` settings that are not per-worker reach it, and after a request every stage histogram has counts."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from dfpn_localnet import free_port_pair
from dfpn_localnet.demo import sample_image
from dfpn_localnet.workers import worker_environment
from dfpn_worker.metrics import STAGES

from conftest import start_localnet_up, wait_until_up


def test_worker_environment_keeps_tunables_and_drops_per_worker_settings() -> None:
    env = worker_environment(
        {
            "DFPN_WORKER_CONCURRENCY": "9",
            "DFPN_WORKER_KEYPAIR": "/k.json",
            "DFPN_WORKER_METRICS_PORT": "1",
            "X": "y",
        }
    )
    assert env == {"DFPN_WORKER_CONCURRENCY": "9", "X": "y"}


def _scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as reply:
        return str(reply.read().decode())


def _stage_counts(text: str) -> dict[str, float]:
    found = re.findall(r'^dfpn_worker_stage_seconds_count\{stage="(\w+)"\} (\S+)$', text, re.M)
    return {stage: float(n) for stage, n in found}


def test_up_exposes_each_workers_metrics_and_passes_worker_settings(tmp_path: Path) -> None:
    port = free_port_pair()
    metrics_port = free_port_pair()
    state = tmp_path / "net"
    log = tmp_path / "up.log"
    env = dict(os.environ)
    # A tunable that must reach the worker, and a per-worker setting that must not (it would move the port)
    env.update(DFPN_WORKER_LOG_LEVEL="DEBUG", DFPN_WORKER_METRICS_PORT=str(metrics_port + 7))
    up = start_localnet_up(state, log, port, "--metrics-port-base", str(metrics_port), env=env)
    try:
        text = wait_until_up(up, log, 240)
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        # Given the printed metrics URL of the worker, serving (every stage declared, nothing observed yet)
        assert f"metrics {url}" in text
        give_up = time.monotonic() + 60
        while True:
            try:
                before = _scrape(url)
                break
            except OSError:
                assert time.monotonic() < give_up
                time.sleep(0.5)
        ipfs_api = re.search(r"DFPN_IPFS_API=(\S+)", text)
        assert ipfs_api is not None
        # When a request is served
        media = sample_image(tmp_path / "generated.png")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "dfpn.cli",
                "submit",
                str(media),
                "--modality",
                "ai-image",
                "--min-workers",
                "1",
                "--deadline",
                "120",
                "--wait",
                "--json",
                "--network",
                f"http://127.0.0.1:{port}",
                "--keypair",
                str(state / "client.json"),
            ],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
            env={"PATH": "", "DFPN_IPFS_API": ipfs_api.group(1), "HOME": str(tmp_path)},
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout)["audit"]["revealCount"] == 1
        # Then every stage histogram has observations (none had any commit before), on the printed port
        after = _stage_counts(_scrape(url))
        assert _stage_counts(before).get("commit", 0.0) == 0.0
        assert {s: after.get(s, 0.0) > 0 for s in STAGES} == dict.fromkeys(STAGES, True)
        # And the tunable reached the worker (debug lines in its log)
        worker_log = next((state / "workers").glob("worker-*/worker.log")).read_text()
        assert '"level": "debug"' in worker_log
    finally:
        up.send_signal(signal.SIGINT)
        assert up.wait(60) == 0, log.read_text()
