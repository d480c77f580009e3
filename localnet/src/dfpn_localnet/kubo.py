"""A local IPFS node: a Kubo daemon (built from the Go module proxy by scripts/install-kubo.sh) in its own
repository, offline, API and gateway on 127.0.0.1. The SDK and the worker talk to its HTTP RPC with httpx."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx
from dfpn.errors import DFPNError, ErrorCode

from dfpn_localnet.validator import free_port_pair

logger = logging.getLogger(__name__)

_INSTALL = Path(__file__).resolve().parents[3] / "scripts" / "install-kubo.sh"


def find_kubo() -> Path:
    """$DFPN_IPFS_BIN, `ipfs` on PATH, or the cached build of install-kubo.sh's pinned version."""
    if env := os.environ.get("DFPN_IPFS_BIN"):
        return Path(env)
    if _INSTALL.is_file():
        version = _INSTALL.read_text().split("KUBO_VERSION=${KUBO_VERSION:-", 1)[1].split("}", 1)[0]
        cache = Path(os.environ.get("DFPN_TOOLCHAIN_CACHE") or Path.home() / ".cache" / "dfpn-toolchain")
        binary = cache / f"kubo-{version}" / "ipfs"
        if binary.is_file():
            return binary
    raise DFPNError(ErrorCode.STORAGE_UNAVAILABLE, "Kubo (ipfs) not found: run scripts/install-kubo.sh")


@dataclass
class Kubo:
    """`with Kubo() as ipfs:` → `ipfs.api_url` (DFPN_IPFS_API for the SDK and the worker)."""

    binary: Path | None = None
    api_url: str = ""
    gateway_url: str = ""
    process: subprocess.Popen[bytes] | None = None
    _repo: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def start(self, timeout: float = 60.0) -> Kubo:
        binary = self.binary or find_kubo()
        self._repo = tempfile.TemporaryDirectory(prefix="dfpn-ipfs-")
        repo = Path(self._repo.name)
        env = {**os.environ, "IPFS_PATH": str(repo)}

        def ipfs(*args: str) -> None:
            subprocess.run([str(binary), *args], env=env, check=True, capture_output=True, timeout=60)

        ipfs("init", "--profile", "test")
        api, gateway = free_port_pair(), free_port_pair()
        ipfs("config", "Addresses.API", f"/ip4/127.0.0.1/tcp/{api}")
        ipfs("config", "Addresses.Gateway", f"/ip4/127.0.0.1/tcp/{gateway}")
        ipfs("config", "--json", "Addresses.Swarm", json.dumps([f"/ip4/127.0.0.1/tcp/{api + 1}"]))
        ipfs("config", "--json", "Bootstrap", "[]")
        log = (repo / "daemon.log").open("wb")
        self.process = subprocess.Popen(
            [str(binary), "daemon", "--offline"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.api_url, self.gateway_url = f"http://127.0.0.1:{api}", f"http://127.0.0.1:{gateway}"
        give_up = time.monotonic() + timeout
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                break
            try:
                if httpx.post(f"{self.api_url}/api/v0/id", timeout=2).status_code == 200:
                    logger.info("Kubo up: API %s", self.api_url)
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        text = (repo / "daemon.log").read_text(errors="replace")
        self.stop()
        raise DFPNError(ErrorCode.STORAGE_UNAVAILABLE, f"the ipfs daemon did not start:\n{text}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._repo is not None:
            self._repo.cleanup()
            self._repo = None

    def __enter__(self) -> Kubo:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


__all__ = ["Kubo", "find_kubo"]
