"""Submitting requests to the real program in LiteSVM: escrow, fee equality, errors reached through the program."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import (
    LAMPORTS_PER_SOL,
    AsyncDFPNClient,
    DFPNClient,
    DFPNError,
    ErrorCode,
    LocalNetwork,
    Modality,
    RequestStatus,
    Verdict,
)
from dfpn.generated.types import Request
from dfpn.pda import config_address

from helpers import Answer, TestWorker, request_account

M = Modality


async def test_submit_escrows_max_fee_and_records_the_request(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path
) -> None:
    # Given a funded client and a media file
    before = network.balance(client.wallet.pubkey())
    # When submitting it with a max fee above the fee
    sub = await client.submit_request(
        media, modalities=[M.FACE_MANIPULATION], min_workers=3, max_fee=0.05, deadline_seconds=300
    )
    # Then the request account holds its rent plus the whole max fee in escrow
    address = Pubkey.from_string(sub.id)
    rent = await network.minimum_balance_for_rent_exemption(Request.SIZE)
    assert network.balance(address) == rent + 50_000_000
    record = network._records[sub.signature]
    assert network.balance(client.wallet.pubkey()) == before - rent - 50_000_000 - record.fee
    # And the request records the hash of the media, its file:// URI, the fee and the deadlines
    r = request_account(network, address)
    assert r.content_hash == hashlib.sha256(media.read_bytes()).digest()
    assert sub.content_hash == r.content_hash.hex()
    assert sub.storage_uri == media.resolve().as_uri() and "%20" in sub.storage_uri
    assert (r.fee, r.escrow) == (sub.fee_lamports, sub.max_fee_lamports) == (4_500_000, 50_000_000)
    assert r.deadline == network.now() + 300 and r.commit_deadline == r.deadline - 20
    # And get_request shows it open
    info = await client.get_request(sub.id)
    assert info.status is RequestStatus.OPEN
    assert info.storage_uri == sub.storage_uri and info.modalities == [M.FACE_MANIPULATION]


@pytest.mark.parametrize(
    ("modalities", "min_workers"),
    [
        ([M.FACE_MANIPULATION, M.IMAGE_AUTHENTICITY], 3),
        ([M.IMAGE_AUTHENTICITY], 1),
        ([M.VOICE_CLONING], 2),
        ([M.VIDEO_AUTHENTICITY, M.AI_GENERATED_IMAGE], 7),
        (list(Modality), 10),
        ([M.AI_GENERATED_IMAGE, M.VOICE_CLONING], 4),
    ],
)
async def test_estimate_fee_equals_what_the_program_records(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, modalities: list[Modality], min_workers: int
) -> None:
    # Given the on-chain configuration, When estimating a fee
    estimate = await client.estimate_fee_lamports(modalities, min_workers)
    # And submitting that request with exactly the estimate as max fee (default max_fee)
    sub = await client.submit_request(media, modalities=modalities, min_workers=min_workers)
    # Then the program accepted it (not MaxFeeTooLow) and recorded exactly the estimate, to the lamport
    r = request_account(network, Pubkey.from_string(sub.id))
    assert r.fee == estimate == r.escrow
    # And one lamport less is refused by the program with MAX_FEE_TOO_LOW
    with pytest.raises(DFPNError) as err:
        await client.submit_request(
            media, modalities=modalities, min_workers=min_workers, max_fee=f"{(estimate - 1) / 1e9:.9f}"
        )
    assert err.value.code is ErrorCode.MAX_FEE_TOO_LOW and err.value.program_code == 6023


async def test_estimate_fee_follows_an_updated_config(network: LocalNetwork, client: AsyncDFPNClient) -> None:
    # Given the authority raises the surcharge on-chain
    from dataclasses import replace

    from dfpn import instructions as ix

    base_fees = (10_000, 20_000, 30_000, 40_000, 1_000_000_000_000)
    params = replace(network.params, worker_surcharge_bps=3_333, base_fees=base_fees)
    network.process(
        [ix.update_config(authority=network.authority.pubkey(), params=params)], [network.authority]
    )
    # When estimating, Then the new config is what the estimate reads
    assert await client.estimate_fee_lamports([M.VOICE_CLONING, M.IMAGE_AUTHENTICITY], 4) == (
        1_000_000_010_000 + 1_000_000_010_000 * 3 * 3_333 // 10_000
    )


async def test_get_config_reads_only_the_programs_own_config_account(
    network: LocalNetwork, client: AsyncDFPNClient
) -> None:
    # Given the configuration the program created
    from solders.account import Account

    address = config_address()
    real = network.account(address)
    assert real is not None and (await client.get_config()).params == network.params
    # When another program owns an account at the config address holding a byte-for-byte copy of it
    network.svm.set_account(address, Account(real.lamports, real.data, Keypair().pubkey(), False, 0))
    # Then it is not the configuration: CONFIG_NOT_FOUND, for the fee estimate too
    with pytest.raises(DFPNError) as err:
        await client.get_config()
    assert err.value.code is ErrorCode.CONFIG_NOT_FOUND
    with pytest.raises(DFPNError) as estimate:
        await client.estimate_fee([M.FACE_MANIPULATION], 1)
    assert estimate.value.code is ErrorCode.CONFIG_NOT_FOUND


async def test_get_config_on_a_network_without_configuration_is_config_not_found() -> None:
    # Given the program deployed but not configured, When reading the configuration, Then CONFIG_NOT_FOUND
    bare = LocalNetwork(initialize=False)
    async with AsyncDFPNClient(bare) as client:
        with pytest.raises(DFPNError) as err:
            await client.get_config()
    assert err.value.code is ErrorCode.CONFIG_NOT_FOUND


def test_deadline_too_short_comes_from_the_program(sync_client: DFPNClient, media: Path) -> None:
    # Given the reference minimum deadline of 60 s
    # When submitting with a 59 s deadline
    with pytest.raises(DFPNError) as err:
        sync_client.submit_request(
            media, modalities=[M.FACE_MANIPULATION], min_workers=1, deadline_seconds=59
        )
    # Then the program refused it with DeadlineTooShort, mapped to DEADLINE_TOO_SHORT with advice
    assert err.value.code is ErrorCode.DEADLINE_TOO_SHORT
    assert err.value.program_code == 6022
    assert "deadline_seconds" in str(err.value)
    assert any("custom program error" in line for line in err.value.logs)
    # And 60 s is accepted
    assert sync_client.submit_request(
        media, modalities=[M.FACE_MANIPULATION], min_workers=1, deadline_seconds=60
    )


def test_insufficient_funds_comes_from_the_program(network: LocalNetwork, media: Path) -> None:
    # Given a wallet holding less than max fee + rent
    poor = network.funded_keypair(10_000_000)
    # When submitting with a max fee of 0.01 SOL (rent alone is ~0.02 SOL)
    with DFPNClient(network, poor) as client, pytest.raises(DFPNError) as err:
        client.submit_request(media, modalities=[M.FACE_MANIPULATION], min_workers=1, max_fee=0.01)
    # Then the program refused it with InsufficientFunds (6018) and the message says what to do
    assert err.value.code is ErrorCode.INSUFFICIENT_FUNDS
    assert err.value.program_code == 6018
    assert "Fund the wallet or lower max_fee" in str(err.value)
    # And nothing was escrowed
    assert network.balance(poor.pubkey()) == 10_000_000 - 5_000


def test_a_wallet_that_cannot_pay_the_transaction_fee_is_insufficient_funds(
    network: LocalNetwork, media: Path
) -> None:
    # Given a wallet with no lamports at all, When submitting, Then the runtime's refusal is INSUFFICIENT_FUNDS too
    with DFPNClient(network, Keypair()) as client, pytest.raises(DFPNError) as err:
        client.submit_request(media, modalities=[M.FACE_MANIPULATION], min_workers=1)
    assert err.value.code is ErrorCode.INSUFFICIENT_FUNDS
    assert err.value.program_code is None


async def test_no_workers_available_after_too_few_commits(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a request for 3 workers where only one joins and commits
    sub = await client.submit_request(media, modalities=[M.FACE_MANIPULATION], min_workers=3, max_fee=0.02)
    address = Pubkey.from_string(sub.id)
    workers[0].join(address)
    workers[0].commit(address, Answer(Verdict.MANIPULATED, 90))
    workers[1].join(address)  # joins, never commits
    before = network.balance(client.wallet.pubkey())
    # And the commit deadline passes on the cluster clock
    network.set_time(sub.commit_deadline)
    # When waiting for the result
    with pytest.raises(DFPNError) as err:
        await client.wait_for_result(sub.id, timeout=5)
    # Then the client expired the request through the program and got NO_WORKERS_AVAILABLE
    assert err.value.code is ErrorCode.NO_WORKERS_AVAILABLE
    assert "1 of the 3" in str(err.value)
    r = request_account(network, address)
    assert r.status == 2
    # And the whole escrow came back (less the expiry transaction's fee), the seats were released
    assert network.balance(client.wallet.pubkey()) == before + 20_000_000 - 5_000
    # And waiting again reports the same
    with pytest.raises(DFPNError) as again:
        await client.wait_for_result(sub.id, timeout=1)
    assert again.value.code is ErrorCode.NO_WORKERS_AVAILABLE


async def test_finalizing_an_undercommitted_request_is_insufficient_commitments(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    # Given an under-committed request past its commit deadline, and a client that does not crank
    async with AsyncDFPNClient(network, auto_crank=False) as client:
        sub = await client.submit_request(media, modalities=[M.FACE_MANIPULATION], min_workers=2)
        network.advance(400)
        # When finalizing it anyway, Then the program says it can only be expired
        with pytest.raises(DFPNError) as err:
            await client.finalize(sub.id)
        assert err.value.code is ErrorCode.INSUFFICIENT_COMMITMENTS
        # And without auto_crank, wait_for_result times out instead of acting
        with pytest.raises(DFPNError) as timeout:
            await client.wait_for_result(sub.id, timeout=0.2)
        assert timeout.value.code is ErrorCode.TIMEOUT


async def test_content_hash_mismatch(network: LocalNetwork, client: AsyncDFPNClient, media: Path) -> None:
    # Given a submitted request
    sub = await client.submit_request(media, modalities=[M.FACE_MANIPULATION], min_workers=1)
    assert await client.fetch_media(sub.id) == media.read_bytes()
    # When the media changes after submission, Then fetching it for analysis fails with CONTENT_HASH_MISMATCH
    media.write_bytes(b"swapped")
    with pytest.raises(DFPNError) as err:
        await client.fetch_media(sub.id)
    assert err.value.code is ErrorCode.CONTENT_HASH_MISMATCH
    # And a content_hash that does not match the media is refused before sending
    with pytest.raises(DFPNError) as wrong:
        await client.submit_request(
            media, content_hash=bytes(32), modalities=[M.FACE_MANIPULATION], min_workers=1
        )
    assert wrong.value.code is ErrorCode.CONTENT_HASH_MISMATCH


async def test_bad_inputs(client: AsyncDFPNClient, media: Path, tmp_path: Path) -> None:
    # Given a missing file, Then MEDIA_NOT_FOUND
    with pytest.raises(DFPNError) as missing:
        await client.submit_request(tmp_path / "nope.jpg", modalities=[M.FACE_MANIPULATION])
    assert missing.value.code is ErrorCode.MEDIA_NOT_FOUND
    # Given a storage backend the SDK does not have, Then STORAGE_NOT_SUPPORTED names the ones it has and uri=
    with pytest.raises(DFPNError) as unsupported:
        await client.submit_request(media, modalities=[M.FACE_MANIPULATION], storage="gopher")
    assert unsupported.value.code is ErrorCode.STORAGE_NOT_SUPPORTED
    assert "'ipfs'" in str(unsupported.value) and "uri=" in str(unsupported.value)
    # Given a URI the program does not accept, Then the program's INVALID_STORAGE_URI
    with pytest.raises(DFPNError) as bad_uri:
        await client.submit_request(
            uri="ftp://example/x", content_hash=b"\1" * 32, modalities=[M.FACE_MANIPULATION], min_workers=1
        )
    assert bad_uri.value.code is ErrorCode.INVALID_STORAGE_URI
    # Given a content hash that is not 32 bytes of hex, Then INVALID_ARGUMENT
    for bad_hash in ("zz" * 32, "ab" * 31):
        with pytest.raises(DFPNError) as bad:
            await client.submit_request(uri="ipfs://x", content_hash=bad_hash, modalities=[M.VOICE_CLONING])
        assert bad.value.code is ErrorCode.INVALID_ARGUMENT
    # Given a user-uploaded URI and its hash, Then it is recorded as given
    sub = await client.submit_request(
        uri="ipfs://bafkreigh2akiscaildc", content_hash="ab" * 32, modalities=[M.VOICE_CLONING], min_workers=1
    )
    assert (sub.storage_uri, sub.content_hash) == ("ipfs://bafkreigh2akiscaildc", "ab" * 32)
    # Given 11 workers, Then the program refuses them with INVALID_WORKER_COUNT
    with pytest.raises(DFPNError) as count:
        await client.submit_request(media, modalities=[M.FACE_MANIPULATION], min_workers=2, max_workers=11)
    assert count.value.code is ErrorCode.INVALID_WORKER_COUNT
    # Given an unknown request id, Then REQUEST_NOT_FOUND
    with pytest.raises(DFPNError) as unknown:
        await client.get_request(str(config_address()))
    assert unknown.value.code is ErrorCode.REQUEST_NOT_FOUND
    with pytest.raises(DFPNError) as garbage:
        await client.get_request("not-an-address")
    assert garbage.value.code is ErrorCode.INVALID_ARGUMENT


def test_paused_network(network: LocalNetwork, sync_client: DFPNClient, media: Path) -> None:
    # Given the authority paused new requests, When submitting, Then PAUSED
    from dfpn import instructions as ix

    network.process([ix.set_paused(authority=network.authority.pubkey(), paused=True)], [network.authority])
    with pytest.raises(DFPNError) as err:
        sync_client.submit_request(media, modalities=[M.FACE_MANIPULATION], min_workers=1)
    assert err.value.code is ErrorCode.PAUSED


def test_unsupported_network_and_missing_program(tmp_path: Path) -> None:
    with pytest.raises(DFPNError) as net:
        DFPNClient(network="mars", wallet=Keypair())
    assert net.value.code is ErrorCode.NETWORK_NOT_SUPPORTED
    assert "'devnet'" in str(net.value) and "RPC URL" in str(net.value)
    # Without a wallet a devnet client is read-only: a call that signs says so before it sends anything
    with DFPNClient(network="devnet") as reader:
        assert reader.read_only
        with pytest.raises(DFPNError) as no_wallet:
            reader.submit_request(uri="ipfs://x", content_hash=bytes(32), modalities=[M.FACE_MANIPULATION])
        assert no_wallet.value.code is ErrorCode.WALLET_REQUIRED and "wallet=Keypair" in str(no_wallet.value)
    # (control: the same client with a wallet is not read-only)
    with DFPNClient(network="devnet", wallet=Keypair()) as signer:
        assert not signer.read_only and signer.wallet is not None
    with pytest.raises(DFPNError) as prog:
        LocalNetwork(tmp_path / "missing.so")
    assert prog.value.code is ErrorCode.PROGRAM_NOT_FOUND
    assert "make build" in str(prog.value)


def test_local_wallet_is_created_and_funded() -> None:
    with DFPNClient() as client:
        assert isinstance(client.transport, LocalNetwork)
        assert client.transport.balance(client.wallet.pubkey()) == 10 * LAMPORTS_PER_SOL
        assert client.get_config().params.min_deadline_secs == 60
