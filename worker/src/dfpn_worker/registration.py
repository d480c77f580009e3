"""The worker's registration on-chain, and what it allows the node to do.

- `register_worker` registers the worker (stake, modalities, models) or brings an existing registration up to the
  config (`update_worker` when the modalities or models differ, `add_stake` when the stake is below the configured
  one); `register_models` registers the detectors' model ids on development networks.
- A worker declares model ADDRESSES (`["model", developer, model_id]`): `model_refs` maps each detector's model
  id to the address the config names (`model_developer` / `models`), and `check_models` verifies each one holds
  that id and is active.
- `Standing` is the node's view of its registration: the network config, the worker account, the models it
  declared, and the modalities it serves — declared on-chain, configured, and covered by a detector whose model is
  declared. `join_blocked_reason` says why a worker may join nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LAMPORTS_PER_SOL, LocalNetwork, Transport
from dfpn import Modality as ChainModality
from dfpn import instructions as ix
from dfpn.borsh import BorshError
from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated import constants as generated_constants
from dfpn.generated.types import Config, Model, Worker
from dfpn.pda import config_address, decode_model_id, model_address, worker_address
from dfpn_detectors import Detector, Evidence
from dfpn_worker.analysis import Analyzer, modality_mask
from dfpn_worker.config import WorkerConfig, pascal_name
from dfpn_worker.errors import WorkerError

#: Most models a worker declares on-chain (the Worker account's `models` array).
MAX_WORKER_MODELS = generated_constants.MAX_WORKER_MODELS


# ---- what the worker declares ------------------------------------------------------------------------------


def declared_mask(config: WorkerConfig, detectors: Sequence[Detector]) -> int:
    """The modalities the worker declares: the configured ones, else everything its declared models' detectors
    cover (a commit must name a declared model covering the request's modalities)."""
    if config.modalities:
        return ChainModality.mask(config.chain_modalities)
    declared = set(model_ids(config, detectors))
    return modality_mask(d for d in detectors if d.model_id in declared)


def model_ids(config: WorkerConfig, detectors: Sequence[Detector]) -> list[str]:
    """The model ids the worker declares on-chain: `declare_models` when set (each must be one of its detectors'),
    else at most `MAX_WORKER_MODELS` of its detectors' chosen for coverage (`choose_detectors`). Every detector
    runs and votes; only a declared model can be credited in a commit."""
    ids = list(dict.fromkeys(d.model_id for d in detectors))
    if not config.declare_models:
        return [d.model_id for d in choose_detectors(detectors)]
    wanted = list(dict.fromkeys(config.declare_models))
    unknown = [m for m in wanted if m not in ids]
    if unknown:
        raise WorkerError(
            f"declare_models names {unknown}, which no configured detector has (detectors: {ids})"
        )
    if len(wanted) > MAX_WORKER_MODELS:
        raise WorkerError(f"a worker declares at most {MAX_WORKER_MODELS} models on-chain: {wanted}")
    return wanted


def choose_detectors(detectors: Sequence[Detector], limit: int = MAX_WORKER_MODELS) -> list[Detector]:
    """At most `limit` detectors to declare, chosen greedily for modality coverage (each pick adds the most
    modalities not yet covered; ties and the remaining slots in load order)."""
    chosen: list[Detector] = []
    covered = 0
    while len(chosen) < limit:
        rest = [d for d in detectors if d not in chosen]
        if not rest:
            break
        best = max(rest, key=lambda d: bin(modality_mask([d]) & ~covered).count("1"))
        if modality_mask([best]) & ~covered == 0:
            chosen += rest[: limit - len(chosen)]
            break
        chosen.append(best)
        covered |= modality_mask([best])
    return [d for d in detectors if d in chosen]


def diverse_detector_sets(detectors: Sequence[Detector], count: int) -> list[list[Detector]]:
    """Detector sets for `count` workers of one operator (a local network) that differ, so that their answers are
    not the same by construction: worker 0 runs every detector; worker i > 0 leaves out one forensic detector,
    in turn, among those whose modalities another forensic detector of the set also covers (so every worker still
    covers every modality its detectors cover together)."""
    forensic = [d for d in detectors if d.evidence in (Evidence.FORENSIC, Evidence.SUPPORTING)]

    def redundant(d: Detector) -> bool:
        others = [o for o in forensic if o is not d and o.evidence == Evidence.FORENSIC]
        return all(any(m in o.modalities for o in others) for m in d.modalities)

    optional = [d for d in forensic if redundant(d)]
    sets = [list(detectors)]
    for i in range(1, count):
        left_out = optional[(i - 1) % len(optional)] if optional else None
        sets.append([d for d in detectors if d is not left_out])
    return sets[:count]


def model_refs(
    config: WorkerConfig, authority: Pubkey, ids: Iterable[str], program_id: Pubkey
) -> dict[str, Pubkey]:
    """The address the config names for each model id (see `WorkerConfig.model_address`)."""
    return {m: config.model_address(m, authority, program_id) for m in dict.fromkeys(ids)}


def declared_models(worker: Worker) -> list[Pubkey]:
    """The model addresses the worker account declares."""
    return list(worker.models[: worker.model_count])


# ---- reading the chain ---------------------------------------------------------------------------------------


async def fetch_worker(transport: Transport, authority: Pubkey) -> Worker | None:
    account = await transport.get_account(worker_address(authority, transport.program_id))
    if account is None or account.owner != transport.program_id:
        return None
    return Worker.from_account_data(account.data)


async def fetch_config(transport: Transport) -> Config:
    """The network's configuration; an account at the config address that the program does not own is refused
    like a missing one (anyone can put lamports or data at an address they do not control)."""
    address = config_address(transport.program_id)
    account = await transport.get_account(address)
    if account is None or account.owner != transport.program_id:
        raise DFPNError(ErrorCode.CONFIG_NOT_FOUND, f"no DFPN configuration at {address} on {transport.name}")
    return Config.from_account_data(account.data)


def worker_summary(worker: Worker) -> dict[str, Any]:
    return {
        "authority": str(worker.authority),
        "stakeLamports": worker.stake,
        "bondedLamports": worker.bonded,
        "unbondingLamports": worker.unbonding_amount,
        "unbondingEndsAt": worker.unbonding_ends_at or None,
        "rewardsLamports": worker.rewards,
        "reputation": worker.reputation,
        "activeSeats": worker.active_seats,
        "modalities": [pascal_name(m) for m in ChainModality.from_mask(worker.modalities)],
        "models": [str(m) for m in declared_models(worker)],
        "jobsDone": worker.jobs_done,
        "jobsAgreed": worker.jobs_agreed,
        "slashedLamports": worker.slashed_total,
    }


# ---- registering ---------------------------------------------------------------------------------------------


async def fund_if_local(transport: Transport, authority: Pubkey) -> None:
    """The embedded network starts empty: give the worker's key lamports there (never elsewhere)."""
    if isinstance(transport, LocalNetwork) and transport.balance(authority) < 2 * LAMPORTS_PER_SOL:
        transport.airdrop(authority, 20 * LAMPORTS_PER_SOL)


async def register_models(transport: Transport, keypair: Keypair, detectors: Sequence[Detector]) -> list[str]:
    """Development and test networks only: register each detector's model id with this key as developer and
    payout wallet when it is not registered yet (on a real network the model's developer does this). The
    models' addresses are `["model", this key, id]`: a worker declares them when its config names no other
    `model_developer`."""
    done = []
    for d in detectors:
        address = model_address(keypair.pubkey(), d.model_id, transport.program_id)
        if d.model_id in done or await transport.get_account(address) is not None:
            continue
        await transport.send_transaction(
            [
                ix.register_model(
                    developer=keypair.pubkey(),
                    model_id=d.model_id,
                    payout_wallet=keypair.pubkey(),
                    modalities=modality_mask([d]),
                    program_id=transport.program_id,
                )
            ],
            [keypair],
        )
        done.append(d.model_id)
    return done


async def register_worker(
    transport: Transport, keypair: Keypair, config: WorkerConfig, detectors: Sequence[Detector]
) -> dict[str, Any]:
    """Register the worker (stake, modalities, models), or bring an existing registration up to the config:
    `update_worker` when the modalities or models differ, `add_stake` when the stake is below `stake`."""
    authority = keypair.pubkey()
    mask = declared_mask(config, detectors)
    refs = model_refs(config, authority, model_ids(config, detectors), transport.program_id)
    chain = await fetch_config(transport)
    await check_models(transport, refs)
    models = list(refs.values())
    worker = await fetch_worker(transport, authority)
    if worker is None:
        actions = [await _register_new(transport, keypair, config, chain, mask, models)]
    else:
        actions = await _update_registration(transport, keypair, config, worker, mask, models)
    after = await fetch_worker(transport, authority)
    assert after is not None
    return {**worker_summary(after), "actions": actions or ["already registered as configured"]}


async def check_models(transport: Transport, refs: Mapping[str, Pubkey]) -> None:
    """Every model the worker declares is registered at its address, under its id, and active."""
    for model_id, address in refs.items():
        account = await transport.get_account(address)
        if account is None or account.owner != transport.program_id:
            raise WorkerError(
                f"model {model_id!r} is not registered at {address} on {transport.name}: its developer registers "
                "it, and the config names that developer (`model_developer`) or the model's address (`models`) "
                "(on a dev network: `dfpn-worker register --register-models` registers it with the worker's key)"
            )
        try:
            model = Model.from_account_data(account.data)
        except BorshError as e:
            raise WorkerError(f"{address} is not a model account ({model_id!r}): {e}") from e
        registered = decode_model_id(model.model_id)
        if registered != model_id:
            raise WorkerError(
                f"the model at {address} is {registered!r}, not {model_id!r}: fix `models` in the config"
            )
        if not model.active:
            raise WorkerError(f"model {model_id!r} ({address}) is deactivated on {transport.name}")


async def _register_new(
    transport: Transport,
    keypair: Keypair,
    config: WorkerConfig,
    chain: Config,
    mask: int,
    models: list[Pubkey],
) -> str:
    stake = config.stake_lamports
    if stake < chain.params.min_stake:
        raise WorkerError(
            f"stake {config.stake} SOL is below the network minimum "
            f"{chain.params.min_stake / LAMPORTS_PER_SOL:g} SOL"
        )
    instruction = ix.register_worker(
        authority=keypair.pubkey(),
        stake=stake,
        modalities=mask,
        models=models,
        program_id=transport.program_id,
    )
    await transport.send_transaction([instruction], [keypair])
    return f"registered with {stake} lamports"


async def _update_registration(
    transport: Transport,
    keypair: Keypair,
    config: WorkerConfig,
    worker: Worker,
    mask: int,
    models: list[Pubkey],
) -> list[str]:
    authority = keypair.pubkey()
    actions: list[str] = []
    if worker.modalities != mask or declared_models(worker) != models:
        await transport.send_transaction(
            [
                ix.update_worker(
                    authority=authority, modalities=mask, models=models, program_id=transport.program_id
                )
            ],
            [keypair],
        )
        actions.append("updated modalities and models")
    if worker.stake < config.stake_lamports:
        extra = config.stake_lamports - worker.stake
        await transport.send_transaction(
            [ix.add_stake(authority=authority, amount=extra, program_id=transport.program_id)], [keypair]
        )
        actions.append(f"added {extra} lamports of stake")
    return actions


# ---- what the registration allows ----------------------------------------------------------------------------


@dataclass
class Standing:
    """This worker's registration as the node last read it, and what follows from it."""

    chain_config: Config | None = None
    worker: Worker | None = None
    #: The model ids the worker declared on-chain (those of its configured models whose addresses it declares).
    declared_models: list[str] = field(default_factory=list)
    #: The address of each configured model, by model id.
    model_refs: dict[str, Pubkey] = field(default_factory=dict)
    #: The modalities the node serves (0 until the worker account was read).
    supported_mask: int = 0


def served_mask(
    worker: Worker, detectors: Sequence[Detector], analyzer: Analyzer, config: WorkerConfig
) -> int:
    """The modalities the node serves: declared on-chain, covered by a detector whose model can be committed
    (declared), and configured when `modalities` is set."""
    mask = worker.modalities & modality_mask(d for d in detectors if analyzer.committable(d))
    if config.modalities:
        mask &= sum({int(m) for m in config.chain_modalities})
    return mask


def join_blocked_reason(worker: Worker | None, chain_config: Config | None) -> str | None:
    """Why this worker cannot join anything now (None: it can)."""
    if worker is None:
        return "not registered"
    if worker.unbonding_amount > 0:
        return "unbonding (request_unstake was sent; a worker with unbonding stake cannot join)"
    if chain_config is not None and worker.stake < chain_config.params.min_stake:
        return f"stake {worker.stake} below the network minimum {chain_config.params.min_stake}"
    return None


__all__ = [
    "MAX_WORKER_MODELS",
    "Standing",
    "check_models",
    "choose_detectors",
    "declared_mask",
    "declared_models",
    "diverse_detector_sets",
    "fetch_config",
    "fetch_worker",
    "fund_if_local",
    "join_blocked_reason",
    "model_ids",
    "model_refs",
    "register_models",
    "register_worker",
    "served_mask",
    "worker_summary",
]
