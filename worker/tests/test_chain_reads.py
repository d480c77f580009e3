"""The node's reads over JSON-RPC against a real validator: one clock read shared by the jobs that ask at once or
within `CLOCK_REUSE`, many accounts in one `getMultipleAccounts`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LocalNetwork
from dfpn.pda import config_address
from dfpn_worker import chain as chain_module
from dfpn_worker.chain import Chain
from dfpn_worker.metrics import Metrics

from helpers import RpcNetwork


def _counting(monkeypatch: pytest.MonkeyPatch, transport: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(transport, name)

    async def counted(*args: Any) -> Any:
        calls.append(1)
        return await real(*args)

    monkeypatch.setattr(transport, name, counted)
    return calls


async def test_jobs_share_one_clock_read_over_rpc(
    rpc_network: RpcNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    rpc = rpc_network.transport
    reads = _counting(monkeypatch, rpc, "unix_timestamp")
    # a window long enough that a loaded machine's round trips cannot outlast it
    reuse = 2.0
    monkeypatch.setattr(chain_module, "CLOCK_REUSE", reuse)
    chain = Chain(rpc, Keypair(), Metrics(), 0.01)
    try:
        # Given twenty jobs that ask for the cluster clock at once
        times = await asyncio.gather(*(chain.now() for _ in range(20)))
        # Then one read answered them all
        assert len(reads) == 1 and len(set(times)) == 1
        # And a job asking again within CLOCK_REUSE is answered from that read
        await chain.now()
        assert len(reads) == 1
        # Control: once CLOCK_REUSE has passed, the clock is read again
        await asyncio.sleep(reuse + 0.05)
        fresh = await chain.now()
        assert len(reads) == 2
        # And the time it gives is the cluster's
        assert abs(fresh - await rpc.unix_timestamp()) <= 1
    finally:
        await chain.close()


async def test_the_embedded_networks_clock_is_read_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the embedded network, whose clock moves only when told to
    network = LocalNetwork()
    reads = _counting(monkeypatch, network, "unix_timestamp")
    chain = Chain(network, Keypair(), Metrics(), 0.01)
    before = await chain.now()
    # When it is moved between two reads, then the second read sees it
    network.advance(30)
    assert await chain.now() == before + 30
    assert len(reads) == 2


async def test_accounts_are_read_a_hundred_per_call(
    rpc_network: RpcNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    rpc = rpc_network.transport
    methods: list[str] = []
    real_call = rpc.call

    async def counted(method: str, *params: Any) -> Any:
        methods.append(method)
        return await real_call(method, *params)

    monkeypatch.setattr(rpc, "call", counted)
    chain = Chain(rpc, Keypair(), Metrics(), 0.01)
    try:
        # Given the program's config account, a funded key (an account the program does not own) and 148 empty
        # addresses
        funded = Keypair()
        await rpc.airdrop(funded.pubkey(), 10**9)
        config = config_address(rpc.program_id)
        addresses = [config, funded.pubkey(), *(Pubkey.new_unique() for _ in range(148))]
        methods.clear()
        # When the node reads them
        found = await chain.accounts(addresses)
        # Then two calls read all 150, and only the program's account is kept
        assert methods == ["getMultipleAccounts", "getMultipleAccounts"]
        assert [a.address for a in found] == [config]
    finally:
        await chain.close()
