from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
LIVEKIT_VERSION = os.environ.get("LIVEKIT_SERVER_VERSION", "v1.13.5")


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def livekit_server_binary() -> str | None:
    env = os.environ.get("LIVEKIT_SERVER_BIN")
    if env:
        return env
    cache = Path(os.environ.get("DFPN_TOOLCHAIN_CACHE") or Path.home() / ".cache" / "dfpn-toolchain")
    cached = cache / f"livekit-{LIVEKIT_VERSION}" / "bin" / "livekit-server"
    if cached.is_file():
        return str(cached)
    return shutil.which("livekit-server")


@pytest.fixture(scope="session")
def livekit_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A livekit-server in --dev mode (keys devkey/secret) on loopback ports."""
    binary = livekit_server_binary()
    if binary is None:
        pytest.skip("no livekit-server: run realtime/scripts/install-livekit-server.sh")
    http, tcp, udp = free_port(), free_port(), free_port(socket.SOCK_DGRAM)
    body = (
        f"port: {http}\nrtc:\n  tcp_port: {tcp}\n  udp_port: {udp}\n  use_external_ip: false\n"
        "logging:\n  level: info\n"
    )
    log = tmp_path_factory.mktemp("livekit") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [binary, "--dev", "--bind", "127.0.0.1", "--node-ip", "127.0.0.1", "--config-body", body],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{http}/"
    try:
        for _ in range(600):  # up to a minute on a busy machine
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"livekit-server exited: {log.read_text()[-2000:]}")
                time.sleep(0.1)
        else:
            pytest.fail(f"livekit-server did not start: {log.read_text()[-2000:]}")
        yield f"ws://127.0.0.1:{http}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def marker_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory that, on PYTHONPATH (with tests/), installs the test detector ``test-marker`` under the
    ``dfpn.detectors`` entry points, the way a real detector package registers itself."""
    root = tmp_path_factory.mktemp("plugin")
    (root / "dfpn_rt_testplugin.py").write_text(
        "from helpers import MarkerDetector\n\n\ndef make(config):\n    return MarkerDetector()\n"
    )
    dist = root / "dfpn_rt_testplugin-0.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: dfpn-rt-testplugin\nVersion: 0.0.0\n")
    (dist / "entry_points.txt").write_text("[dfpn.detectors]\ntest-marker = dfpn_rt_testplugin:make\n")
    return root
