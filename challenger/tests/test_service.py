"""The challenger on the real program (dfpn.so in LiteSVM, `dfpn.LocalNetwork`) with test workers that look at the
media: challenges are submitted with a committed label, drawn seats answer, the label is revealed and the program
pays the workers that matched it and slashes the one that did not; the report shows who was right. The state
survives a restart: a salt written before a crash still opens its challenge afterwards."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, LocalNetwork, Modality, Verdict
from dfpn.events import parse_logs
from dfpn.generated.types import ChallengeRevealed, Request, RequestSubmitted, Worker
from dfpn.pda import worker_address
from dfpn_challenger import (
    Challenger,
    ChallengerConfig,
    ChallengerError,
    ChallengeStore,
    Outcome,
    Phase,
    load_corpus,
)

from helpers import Crew, colour_truth, contrary, honest, new_keypair, register_challenger

#: Seed 2 draws Authentic, Manipulated, Authentic, Manipulated items for the first four challenges.
FAST = ChallengerConfig(interval=0.01, seed=2, deadline_seconds=120)


def worker_account(network: LocalNetwork, key: str) -> Worker:
    account = network.account(worker_address(Pubkey.from_string(key)))
    assert account is not None
    return Worker.from_account_data(account.data)


def request_of(network: LocalNetwork, address: str) -> Request:
    account = network.account(Pubkey.from_string(address))
    assert account is not None
    return Request.from_account_data(account.data)


async def events_of(network: LocalNetwork, request: str) -> list[object]:
    found: list[object] = []
    for signature in reversed(await network.signatures_for_address(Pubkey.from_string(request))):
        record = await network.get_transaction(signature)
        found += parse_logs(record.logs if record else ())
    return found


async def test_challenges_end_to_end_pay_the_right_workers_and_slash_the_wrong_one(
    network: LocalNetwork, crew: Crew, corpus_dir: Path, short_dir: Path
) -> None:
    # Given a challenger key registered by governance, a labelled corpus and three drawn-seat workers: two that
    # look at the media honestly and one that always answers the opposite
    wallet = new_keypair(network)
    register_challenger(network, wallet.pubkey())
    honest_keys = {m.key for m in crew.members.values() if m.detector is honest}
    wrong_key = next(m.key for m in crew.members.values() if m.detector is contrary)
    stakes = {k: worker_account(network, k).stake for k in [*honest_keys, wrong_key]}
    corpus = load_corpus(corpus_dir)
    with ChallengeStore(short_dir / "state", str(wallet.pubkey())) as store:
        async with (
            AsyncDFPNClient(network, wallet, poll_interval=0.01) as client,
            Challenger(client, corpus, store, config=FAST) as challenger,
        ):
            # When it runs four challenges
            report = await asyncio.wait_for(challenger.run(count=4), 30)
            records = store.all()
    # Then four challenges were judged by their label, both labels among them
    assert [r.phase for r in records] == [Phase.RESOLVED] * 4
    assert all(r.label_revealed and r.closed for r in records)
    assert report.judged == 4 and set(report.labels) == {"Authentic", "Manipulated"}
    # And each was made new: the request's content hash is the transformed media's, not the corpus file's
    for r in records:
        submitted = next(e for e in await events_of(network, r.request) if isinstance(e, RequestSubmitted))
        assert submitted.content_hash.hex() == r.media_sha256 != r.original_sha256
        assert hashlib.sha256(Path(r.media_path).read_bytes()).hexdigest() == r.media_sha256
        assert colour_truth(Path(r.media_path).read_bytes()) is r.label  # the label still holds for the media
        assert r.modalities == (Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE)
        revealed = [e for e in await events_of(network, r.request) if isinstance(e, ChallengeRevealed)]
        assert revealed == [ChallengeRevealed(request=Pubkey.from_string(r.request), label=r.label.code)]
        # And the request was closed (rent back to the challenger)
        assert network.account(Pubkey.from_string(r.request)) is None
    # And the report shows the honest workers always right and the contrary one always wrong
    rows = {w.worker: w for w in report.workers}
    assert set(rows) == {*honest_keys, wrong_key}
    for key in honest_keys:
        assert (rows[key].challenges, rows[key].correct, rows[key].accuracy) == (4, 4, 1.0)
        assert rows[key].slashed_lamports == 0 and rows[key].paid_lamports > 0
    wrong = rows[wrong_key]
    assert (wrong.challenges, wrong.wrong, wrong.correct, wrong.accuracy) == (4, 4, 0, 0.0)
    assert wrong.accuracy is not None and wrong.accuracy < 1
    assert wrong.false_authentic + wrong.false_manipulated == 4 and wrong.paid_lamports == 0
    # And the program slashed it: its stake fell by exactly what the report counts (2 % per failed challenge)
    after = worker_account(network, wrong_key)
    assert wrong.slashed_lamports > 0
    assert stakes[wrong_key] - after.stake == wrong.slashed_lamports == after.slashed_total
    for key in honest_keys:
        account = worker_account(network, key)
        assert (account.stake, account.slashed_total) == (stakes[key], 0)
        assert account.rewards == rows[key].paid_lamports


async def test_a_committed_worker_that_never_reveals_is_reported_and_slashed(
    network: LocalNetwork, corpus_dir: Path, short_dir: Path
) -> None:
    # Given two honest workers and one that commits and then never reveals
    reports = short_dir / "r"
    reports.mkdir()
    team = await Crew.register(network, reports, [(honest, False), (honest, False), (honest, True)])
    silent = next(m.key for m in team.members.values() if m.withhold)
    wallet = new_keypair(network)
    register_challenger(network, wallet.pubkey())
    task = asyncio.create_task(team.run())
    try:
        with ChallengeStore(short_dir / "state", str(wallet.pubkey())) as store:
            async with (
                AsyncDFPNClient(network, wallet, poll_interval=0.01) as client,
                Challenger(client, load_corpus(corpus_dir), store, config=FAST) as challenger,
            ):
                record = await challenger.submit(await challenger.prepare())
                follow = asyncio.create_task(challenger.follow(record))
                # When every seat committed and two revealed, the request waits for its deadline
                async with asyncio.timeout(30):
                    while request_of(network, record.request).reveals < 2:
                        await asyncio.sleep(0.01)
                await asyncio.sleep(0.2)
                assert request_of(network, record.request).commits == 3 and not follow.done()
                # And the deadline passes
                network.set_time((record.deadline or 0) + 1)
                done = await asyncio.wait_for(follow, 10)
                report = challenger.report()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    # Then the challenger revealed its label and finalized; the silent worker is "no reveal" and was slashed
    assert done.phase is Phase.RESOLVED and done.label_revealed
    outcomes = {s.worker: s.outcome for s in done.seats}
    assert outcomes[silent] is Outcome.NO_REVEAL
    assert sorted(o for k, o in outcomes.items() if k != silent) == [Outcome.CORRECT, Outcome.CORRECT]
    row = next(w for w in report.workers if w.worker == silent)
    assert (row.no_reveal, row.accuracy) == (1, 0.0)
    assert row.slashed_lamports == worker_account(network, silent).slashed_total > 0


async def test_a_salt_written_before_a_crash_still_opens_the_challenge_after_a_restart(
    network: LocalNetwork, crew: Crew, corpus_dir: Path, short_dir: Path
) -> None:
    # Given a challenger that prepared a challenge (secret on disk) and whose submission landed, and that died
    # before it could record the submission
    wallet = new_keypair(network)
    register_challenger(network, wallet.pubkey())
    corpus = load_corpus(corpus_dir)
    state = short_dir / "state"
    async with AsyncDFPNClient(network, wallet, poll_interval=0.01) as client:
        with ChallengeStore(state, str(wallet.pubkey())) as store:
            async with Challenger(client, corpus, store, config=FAST) as first:
                prepared = await first.prepare()
            # (what the dead process had sent: the same call `submit` makes)
            await client.submit_request(
                prepared.media_path,
                modalities=list(prepared.modalities),
                nonce=prepared.nonce,
                attestation=prepared.attestation,
                deadline_seconds=120,
            )
        # When a new process opens the same state
        with ChallengeStore(state, str(wallet.pubkey())) as store:
            recovered = store.get(prepared.request)
            # Then the salt is there
            assert (
                recovered is not None
                and recovered.salt == prepared.salt
                and recovered.phase is Phase.PREPARED
            )
            async with Challenger(client, corpus, store, config=FAST) as second:
                # And resuming finds the request on-chain, follows it, and reveals the label after the workers
                await second.resume()
                await asyncio.wait_for(second.drain(), 20)
                done = store.get(prepared.request)
    assert done is not None and done.phase is Phase.RESOLVED and done.label_revealed and done.closed
    revealed = [e for e in await events_of(network, done.request) if isinstance(e, ChallengeRevealed)]
    assert revealed == [ChallengeRevealed(request=Pubkey.from_string(done.request), label=done.label.code)]
    assert sorted(s.outcome for s in done.seats) == [Outcome.CORRECT, Outcome.CORRECT, Outcome.WRONG]


async def test_a_challenge_prepared_but_never_sent_is_submitted_after_a_restart(
    network: LocalNetwork, crew: Crew, corpus_dir: Path, short_dir: Path
) -> None:
    # Given a challenger that died after writing a challenge and before sending anything
    wallet = new_keypair(network)
    register_challenger(network, wallet.pubkey())
    corpus = load_corpus(corpus_dir)
    async with AsyncDFPNClient(network, wallet, poll_interval=0.01) as client:
        with ChallengeStore(short_dir / "state", str(wallet.pubkey())) as store:
            async with Challenger(client, corpus, store, config=FAST) as first:
                prepared = await first.prepare()
        assert network.account(Pubkey.from_string(prepared.request)) is None
        # When the service runs again for one challenge
        with ChallengeStore(short_dir / "state", str(wallet.pubkey())) as store:
            async with Challenger(client, corpus, store, config=FAST) as second:
                await asyncio.wait_for(second.run(count=1), 30)
            records = store.all()
    # Then that challenge (same request, same secret) was submitted and judged, not a new one
    assert [r.request for r in records] == [prepared.request]
    assert (
        records[0].phase is Phase.RESOLVED and records[0].label_revealed and records[0].salt == prepared.salt
    )


async def test_a_key_that_is_not_a_registered_challenger_is_refused_before_spending(
    network: LocalNetwork, corpus_dir: Path, short_dir: Path
) -> None:
    wallet = new_keypair(network)
    with ChallengeStore(short_dir / "state", str(wallet.pubkey())) as store:
        async with (
            AsyncDFPNClient(network, wallet) as client,
            Challenger(client, load_corpus(corpus_dir), store, config=FAST) as challenger,
        ):
            before = network.balance(wallet.pubkey())
            with pytest.raises(ChallengerError, match="is not a registered challenger"):
                await challenger.run(count=1)
            assert network.balance(wallet.pubkey()) == before and store.all() == []
            # Positive control: once governance registered it, the check passes
            register_challenger(network, wallet.pubkey())
            await challenger.ensure_registered()


async def test_at_rate_one_half_every_ordinary_request_brings_one_challenge(
    network: LocalNetwork, crew: Crew, corpus_dir: Path, short_dir: Path
) -> None:
    # Given a challenger at q = 0.5 (a challenge per ordinary request observed) and an ordinary client
    wallet = new_keypair(network)
    register_challenger(network, wallet.pubkey())
    config = ChallengerConfig(rate=0.5, observe_interval=0.02, seed=3, deadline_seconds=120)
    media = short_dir / "ordinary.png"
    media.write_bytes((corpus_dir / "authentic" / "a0.png").read_bytes())
    with ChallengeStore(short_dir / "state", str(wallet.pubkey())) as store:
        async with (
            AsyncDFPNClient(network, wallet, poll_interval=0.01) as client,
            AsyncDFPNClient(network, poll_interval=0.01) as ordinary,
            Challenger(client, load_corpus(corpus_dir), store, config=config) as challenger,
        ):
            runner = asyncio.create_task(challenger.run(count=2))
            await asyncio.sleep(0.1)
            # Nothing happens without ordinary traffic
            assert store.all() == []
            # When two ordinary requests are submitted
            for _ in range(2):
                sub = await ordinary.submit_request(media, modalities=[Modality.IMAGE_AUTHENTICITY])
                await ordinary.wait_for_result(sub.id, timeout=10)
            report = await asyncio.wait_for(runner, 20)
    # Then two challenges followed, and were judged
    assert report.judged == 2 and len(report.workers) == 3
    assert all(w.challenges == 2 for w in report.workers)


async def test_a_challenge_whose_request_is_gone_fails_instead_of_retrying_forever(
    network: LocalNetwork, corpus_dir: Path, short_dir: Path
) -> None:
    # Given a state that says a challenge was submitted, at an address where no request exists
    wallet = new_keypair(network)
    register_challenger(network, wallet.pubkey())
    with ChallengeStore(short_dir / "state", str(wallet.pubkey())) as store:
        async with (
            AsyncDFPNClient(network, wallet, poll_interval=0.01) as client,
            Challenger(client, load_corpus(corpus_dir), store, config=FAST) as challenger,
        ):
            prepared = await challenger.prepare()
            store.put(prepared.replace(phase=Phase.SUBMITTED, deadline=network.now() + 120))
            # When the service resumes it
            await challenger.resume()
            await asyncio.wait_for(challenger.drain(), 10)
            # Then it is marked failed, saying why
            failed = store.get(prepared.request)
    assert failed is not None and failed.phase is Phase.FAILED
    assert failed.error is not None and "no longer exists" in failed.error


def test_seat_outcomes_classify_every_seat_state() -> None:
    from dfpn import SeatState
    from dfpn_challenger.service import _outcome

    m, a = Verdict.MANIPULATED, Verdict.AUTHENTIC
    assert _outcome(SeatState.REVEALED, m, m) is Outcome.CORRECT
    assert _outcome(SeatState.REVEALED, a, m) is Outcome.WRONG
    assert _outcome(SeatState.REVEALED, Verdict.INCONCLUSIVE, m) is Outcome.WRONG
    assert _outcome(SeatState.COMMITTED, None, m) is Outcome.NO_REVEAL
    assert _outcome(SeatState.JOINED, None, m) is Outcome.NO_COMMIT
    assert _outcome(SeatState.DRAWN, None, m) is Outcome.NO_COMMIT
