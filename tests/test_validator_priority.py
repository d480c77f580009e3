"""The local validator's busy-polling threads yield the CPU to the worker beside it (`dfpn_localnet.Validator`).

While it leads (every slot, on one node), agave's banking scheduler spins on its channel without sleeping: a whole
core. `Validator` gives the spinning threads (`SPINNING_THREADS`) the SCHED_IDLE policy and keeps the validator in
the session that started it, so the kernel's autogroup scheduling does not weigh it as a group of its own; on a
2-core machine `make bench-worker` went from 6.2 to 12.2 requests/s (docs/build.md)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.rpc import RpcTransport
from dfpn_localnet import SPINNING_THREADS, spinning_cpu_seconds, spinning_threads
from solders.keypair import Keypair

from conftest import Endpoint


def spinning_share(pid: int, seconds: float) -> float:
    """Cores' worth of CPU the spinning threads take over `seconds`."""
    return _shares(pid, seconds)[0]


def _shares(pid: int, seconds: float) -> tuple[float, float]:
    """Cores' worth of CPU the spinning threads take over `seconds`, and cores' worth left idle meanwhile."""
    before, idle_before, start = spinning_cpu_seconds(pid), _idle_seconds(), time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - start
    return (spinning_cpu_seconds(pid) - before) / elapsed, (_idle_seconds() - idle_before) / elapsed


def _idle_seconds() -> float:
    """Seconds every core has spent idle since boot (/proc/stat: idle + iowait)."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def local_pid(validator: Endpoint) -> int:
    if validator.pid is None:
        pytest.skip("the validator was started elsewhere")
    return validator.pid


def test_the_spinning_threads_run_at_idle_priority_in_this_session(local_pid: int) -> None:
    # Given the session's validator, When its spinning threads are read
    spinning = spinning_threads(local_pid)
    # Then every spinning thread is there and runs at SCHED_IDLE, the others at the normal policy
    assert set(spinning.values()) == SPINNING_THREADS
    assert all(os.sched_getscheduler(tid) == os.SCHED_IDLE for tid in spinning)
    assert os.sched_getscheduler(local_pid) == os.SCHED_OTHER
    # And the validator is in this session (one autogroup with the tests), in a process group of its own
    assert os.getsid(local_pid) == os.getsid(0)
    assert os.getpgid(local_pid) == local_pid != os.getpgid(0)


def test_under_load_the_spinners_yield_and_the_validator_still_confirms(
    validator: Endpoint, local_pid: int
) -> None:
    # Given the spinners idle-spinning: they take most of the CPU nothing else wants, up to a core (the control;
    # measured against what was free, as the machine may be running more than this test)
    spinning, idle = _shares(local_pid, 2.0)
    if spinning + idle < 0.1:
        pytest.skip("no CPU was free to measure the control against (the machine is busy elsewhere)")
    assert spinning > 0.5 * min(1.0, spinning + idle)
    # When every core runs a busy loop of normal priority
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)
    ]
    try:
        time.sleep(0.5)
        # Then the spinners get almost nothing
        assert spinning_share(local_pid, 3.0) < 0.2
        # And the validator still confirms a transaction
        asyncio.run(_airdrop(validator.url))
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


async def _airdrop(url: str) -> None:
    key = Keypair()
    async with RpcTransport(url) as rpc:
        await rpc.airdrop(key.pubkey(), LAMPORTS_PER_SOL)
        assert await rpc.get_balance(key.pubkey()) == LAMPORTS_PER_SOL
