#!/usr/bin/env python3
"""anchorpy against the DFPN program: load idl/dfpn.json (Anchor's 0.30+ IDL, as committed) with anchorpy, build
`initialize_config`, `set_paused` and `register_challenger` with anchorpy's instruction coder, send them to the built
dfpn.so in solders' embedded LiteSVM and decode the `Config` and `Challenger` accounts with anchorpy's account coder.

Only the program's upgrade authority may `initialize_config`, so the program is deployed with the upgradeable
loader and the authority as its upgrade authority (the ProgramData account and the program's own account, which
names it, are passed explicitly, like every other account).

The anchorpy here is `anchorpy3` (the maintained fork of anchorpy that reads Anchor 0.30+ IDLs; it installs the
`anchorpy` module). It cannot be installed next to the SDK: its borsh-construct 0.1.0 needs construct-typing < 0.6,
solana-py >= 0.36.10 needs >= 0.6.2 (0.41: >= 0.8.1), and it imports `spl.token`, which solana-py 0.41 no longer
ships; with solana 0.36.6 it gets solders 0.26 (sdk-python/README.md, "anchorpy"). So this runs in its own venv:
`make test-anchorpy`. Exit 0 on success.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from anchorpy import Context, Idl, Program, Provider, Wallet
from solana.rpc.async_api import AsyncClient
from solders.account import Account
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import Message
from solders.pubkey import Pubkey
from solders.rent import Rent
from solders.transaction import Transaction

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PROGRAM = Pubkey.from_string("11111111111111111111111111111111")
BPF_LOADER_UPGRADEABLE = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")


def deploy_upgradeable(svm: LiteSVM, program_id: Pubkey, so: Path, authority: Pubkey) -> Pubkey:
    """Deploy `so` at `program_id` as the upgradeable loader does, with `authority` as the upgrade authority;
    returns the ProgramData address. (solders 0.26's `add_program_from_file` deploys with the non-upgradeable
    BPFLoader2, which has no ProgramData account for `initialize_config` to check.)"""
    program_data = Pubkey.find_program_address([bytes(program_id)], BPF_LOADER_UPGRADEABLE)[0]
    # UpgradeableLoaderState::ProgramData: u32 tag 3, u64 slot, Option<Pubkey> upgrade authority, then the ELF.
    data = (3).to_bytes(4, "little") + bytes(8) + b"\x01" + bytes(authority) + so.read_bytes()
    rent = svm.minimum_balance_for_rent_exemption
    svm.set_account(program_data, Account(rent(len(data)), data, BPF_LOADER_UPGRADEABLE, False, 0))
    # UpgradeableLoaderState::Program: u32 tag 2, the ProgramData address.
    program = (2).to_bytes(4, "little") + bytes(program_data)
    svm.set_account(program_id, Account(rent(len(program)), program, BPF_LOADER_UPGRADEABLE, True, 0))
    return program_data


def main() -> int:
    idl = Idl.from_json((ROOT / "idl/dfpn.json").read_text())
    program_id = Pubkey.from_string("14UaT5Z7TsogWsWyzf45m9PNXcSeH29esMMsJ8NRFFnp")
    authority = Keypair()
    # The provider is never used to talk to a cluster: instructions are built offline and sent to LiteSVM.
    program = Program(idl, program_id, Provider(AsyncClient("http://127.0.0.1:1"), Wallet(authority)))

    svm = LiteSVM()
    # solders 0.26's LiteSVM has the pre-SIMD-0194 Rent sysvar (3480 lamports/byte-year, threshold 2.0); the
    # program (pinocchio 0.12) reads the new layout (lamports per byte, threshold 1.0), as solders 0.29's LiteSVM
    # and current clusters have it. Set the same rent in the new form: the minimum balances are unchanged.
    svm.set_rent(Rent(6_960, 1.0, 50))
    svm.airdrop(authority.pubkey(), 10_000_000_000)
    program_data = deploy_upgradeable(svm, program_id, ROOT / "target/deploy/dfpn.so", authority.pubkey())
    clock = svm.get_clock()
    clock.unix_timestamp = int(time.time())
    svm.set_clock(clock)

    def pda(seed: bytes) -> Pubkey:
        return Pubkey.find_program_address([seed], program_id)[0]

    config, treasury, insurance = pda(b"config"), pda(b"treasury"), pda(b"insurance")

    def send(instruction: object, what: str) -> None:
        svm.expire_blockhash()
        blockhash = svm.latest_blockhash()
        message = Message.new_with_blockhash([instruction], authority.pubkey(), blockhash)  # type: ignore[list-item]
        result = svm.send_transaction(Transaction([authority], message, blockhash))
        if not hasattr(result, "signature"):
            raise SystemExit(f"{what} failed: {result}")
        print(f"{what}: ok ({result.signature()})")

    params = program.type["ConfigParams"](
        base_fees=[2_000_000, 3_000_000, 3_000_000, 8_000_000, 4_000_000],
        worker_surcharge_bps=2_500,
        non_reveal_slash_bps=30_000,
        max_weight_bps=8_000,
        reputation_alpha_bps=1_000,
        min_stake=1_000_000_000,
        unbonding_secs=86_400,
        min_deadline_secs=60,
        reveal_window_secs=20,
        min_consensus_weight=5_000,
        max_deadline_secs=86_400,
        no_consensus_fee_bps=2_000,
        seat_bond_multiplier=10,
        challenge_slash_bps=200,
        min_workers_floor=5,
        draw_stake_cap=10_000_000_000,
    )
    init = program.instruction["initialize_config"](
        params,
        ctx=Context(
            accounts={
                "authority": authority.pubkey(),
                "config": config,
                "treasury": treasury,
                "insurance": insurance,
                "system_program": SYSTEM_PROGRAM,
                "program_data": program_data,
                "program": program_id,
            }
        ),
    )
    send(init, "initialize_config (anchorpy-built)")
    pause = program.instruction["set_paused"](
        True, ctx=Context(accounts={"authority": authority.pubkey(), "config": config})
    )
    send(pause, "set_paused(true) (anchorpy-built)")

    account = svm.get_account(config)
    assert account is not None, "no config account"
    decoded = program.account["Config"].coder.accounts.decode(bytes(account.data))
    print(f"Config decoded by anchorpy: authority={decoded.authority} paused={decoded.paused}")
    assert decoded.authority == authority.pubkey(), decoded
    assert decoded.paused == 1, decoded
    assert list(decoded.params.base_fees) == list(params.base_fees), decoded
    # A challenger registered with anchorpy's builder (an instruction from #15), its account decoded by anchorpy
    key = Keypair().pubkey()
    challenger = Pubkey.find_program_address([b"challenger", bytes(key)], program_id)[0]
    register = program.instruction["register_challenger"](
        key,
        ctx=Context(
            accounts={
                "authority": authority.pubkey(),
                "config": config,
                "challenger": challenger,
                "system_program": SYSTEM_PROGRAM,
            }
        ),
    )
    send(register, "register_challenger (anchorpy-built)")
    account = svm.get_account(challenger)
    assert account is not None, "no challenger account"
    registered = program.account["Challenger"].coder.accounts.decode(bytes(account.data))
    print(f"Challenger decoded by anchorpy: authority={registered.authority} challenges={registered.challenges}")
    assert registered.authority == key and registered.challenges == 0, registered
    asyncio.run(program.close())
    print("anchorpy check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
