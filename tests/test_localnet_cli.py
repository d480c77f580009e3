"""`dfpn-localnet up --workers 1` as the README shows it: a validator with the program, Kubo, a worker process and a
funded client wallet; the `dfpn` command line submits over JSON-RPC and gets the verdict; Ctrl-C stops it all."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

from dfpn_localnet import free_port_pair
from dfpn_localnet.cli import worker_detector_sets
from dfpn_localnet.demo import sample_image

from conftest import start_localnet_up, wait_until_up


def test_up_with_a_worker_serves_the_dfpn_cli_until_interrupted(tmp_path: Path) -> None:
    port = free_port_pair()
    state = tmp_path / "net"
    log = tmp_path / "up.log"
    up = start_localnet_up(state, log, port)
    try:
        # Given the network is up (it prints its URLs, the client wallet, Kubo and the worker)
        text = wait_until_up(up, log, 240)
        assert f"RPC http://127.0.0.1:{port}" in text and f"websocket ws://127.0.0.1:{port + 1}" in text
        ipfs_api = re.search(r"DFPN_IPFS_API=(\S+)", text)
        assert ipfs_api is not None and "dfpn-worker run --config" in text
        # When the dfpn command line submits a generated image over JSON-RPC and waits
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
        # Then the worker process analysed it and the verdict comes back
        assert done.returncode == 0, done.stdout + done.stderr
        result = json.loads(done.stdout)
        assert result["verdict"] == "Manipulated" and result["audit"]["revealCount"] == 1
        assert result["workerResults"][0]["modelId"] == "ai-metadata-rules"
    finally:
        # And Ctrl-C stops the validator, Kubo and the worker, exiting 0
        up.send_signal(signal.SIGINT)
        assert up.wait(60) == 0, log.read_text()


def test_up_gives_each_worker_its_detector_set() -> None:
    # Given the installed detectors, When `up` picks the workers' sets by default
    default = worker_detector_sets("", "", 3)
    # Then worker 1 runs every installed detector that loads, and the others each leave out a different one
    assert "jpeg-ghost" in default[0] and "c2pa-provenance" in default[0]
    assert len({tuple(s) for s in default}) == 3 and all(set(s) < set(default[0]) for s in default[1:])
    # And --detectors gives all the same set, --detector-sets one set per worker, cycling
    assert worker_detector_sets("ela,jpeg-ghost", "", 2) == [["ela", "jpeg-ghost"]] * 2
    assert worker_detector_sets("ela", "a,b; c", 3) == [["a", "b"], ["c"], ["a", "b"]]
