"""The local network's known-answer challenger (`dfpn-localnet up --challenger`) on a real `solana-test-validator`:
governance registers the client wallet as a challenger, a `dfpn-challenger run` process submits a challenge from
the generated corpus (media in Kubo), a `dfpn-worker run` process with its real `ai-metadata-rules` detector
answers it, the challenger reveals the label and finalizes, and its report credits the worker.

The worker declares AiGeneratedImage, as test_network_e2e.py's do; it is retired (unstaked) afterwards, so their
requests never draw it.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from dfpn import LAMPORTS_PER_SOL, Modality
from dfpn import instructions as ix
from dfpn.generated.types import Worker
from dfpn.pda import challenger_address, worker_address
from dfpn.rpc import RpcTransport
from dfpn.wallet import write_keypair
from dfpn_localnet import Kubo
from dfpn_localnet.challenger import launch_challenger
from dfpn_localnet.cli import run as localnet_cli
from dfpn_localnet.cli import wants_challenger
from dfpn_localnet.workers import launch_workers
from solders.keypair import Keypair

from conftest import Endpoint

MODALITY = [Modality.AI_GENERATED_IMAGE]


async def test_the_local_challenger_judges_a_challenge_answered_by_a_worker_process(
    validator: Endpoint, kubo: Kubo, tmp_path: Path
) -> None:
    # Given a worker process with its real detector, and a funded client wallet
    workers = await launch_workers(
        validator.url,
        1,
        tmp_path / "workers",
        detectors=[["ai-metadata-rules"]],
        modalities=MODALITY,
        ipfs_api=kubo.api_url,
        developer=Keypair(),
    )
    client = write_keypair(tmp_path / "client.json")
    async with RpcTransport(validator.url) as rpc:
        await rpc.airdrop(client.pubkey(), 10 * LAMPORTS_PER_SOL)
        try:
            # When the local challenger starts for one challenge (registered by the configuration authority)
            challenger = await launch_challenger(
                validator.url,
                tmp_path / "challenger",
                authority=validator.authority,
                keypair=tmp_path / "client.json",
                ipfs_api=kubo.api_url,
                modalities=MODALITY,
                min_workers=1,
                interval=0.2,
                count=1,
            )
            try:
                code = await asyncio.to_thread(challenger.wait, 240)
            except subprocess.TimeoutExpired:
                challenger.stop()
                raise
            log = challenger.log.read_text()
            assert code == 0, log
            # Then the client wallet is a registered challenger
            assert await rpc.get_account(challenger_address(client.pubkey())) is not None
            # And its report shows the challenge judged by its label (a generated image: Manipulated) and the
            # worker right, paid and not slashed
            report = json.loads(challenger.report.read_text())
            assert (report["judged"], report["labels"], report["phases"]) == (
                1,
                {"Manipulated": 1},
                {"resolved": 1},
            )
            (row,) = report["workers"]
            assert row["worker"] == str(workers[0].pubkey)
            assert (row["challenges"], row["correct"], row["accuracy"]) == (1, 1, 1.0)
            assert row["paid_lamports"] > 0 and row["slashed_lamports"] == 0
            assert "challenge" in log and "resolved (label Manipulated)" in log
        finally:
            for w in workers:
                w.stop()
            # Retire the worker: the session's later requests for AiGeneratedImage must not draw it
            account = await rpc.get_account(worker_address(workers[0].pubkey))
            assert account is not None
            stake = Worker.from_account_data(account.data).stake
            await rpc.send_transaction(
                [ix.request_unstake(authority=workers[0].pubkey, amount=stake)], [workers[0].keypair]
            )


def test_the_challenger_runs_by_default_with_workers_and_can_be_turned_off() -> None:
    assert wants_challenger(None, 3) and not wants_challenger(None, 0)
    assert not wants_challenger(False, 3) and wants_challenger(True, 3)


def test_up_refuses_a_challenger_without_workers(capsys: pytest.CaptureFixture[str]) -> None:
    assert localnet_cli(["up", "--challenger"]) == 2
    assert "--challenger needs --workers N" in capsys.readouterr().err
