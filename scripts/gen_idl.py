#!/usr/bin/env python3
"""Write idl/dfpn.json (Anchor IDL spec 0.1.0, as `anchor build` emits since Anchor 0.30).

The program is hand-written on pinocchio, so its interface is declared here once; errors are read from
programs/dfpn/src/error.rs. `programs/dfpn/tests/idl.rs` checks the result against the program's real
discriminators, sizes and error codes, and `make idl-check` fails when this file and the committed IDL differ.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM_ID = "14UaT5Z7TsogWsWyzf45m9PNXcSeH29esMMsJ8NRFFnp"
SYSTEM_PROGRAM = "11111111111111111111111111111111"


def disc(preimage: str) -> list[int]:
    return list(hashlib.sha256(preimage.encode()).digest()[:8])


def const_seed(text: str) -> dict:
    return {"kind": "const", "value": list(text.encode())}


def acc(name: str, *, w: bool = False, s: bool = False, doc: str = "", pda: list | None = None,
        address: str | None = None) -> dict:
    a: dict = {"name": name}
    if doc:
        a["docs"] = [doc]
    if w:
        a["writable"] = True
    if s:
        a["signer"] = True
    if address:
        a["address"] = address
    if pda:
        a["pda"] = {"seeds": pda}
    return a


def arg(name: str, ty) -> dict:
    return {"name": name, "type": ty}


def defined(name: str) -> dict:
    return {"defined": {"name": name}}


def arr(ty, n: int) -> dict:
    return {"array": [ty, n]}


B32 = arr("u8", 32)
SYS = acc("system_program", address=SYSTEM_PROGRAM)
CONFIG_SEEDS = [const_seed("config")]
CONFIG_RO = acc("config", pda=CONFIG_SEEDS)
CONFIG_W = acc("config", w=True, pda=CONFIG_SEEDS)
WORKER_SEEDS = [const_seed("worker"), {"kind": "account", "path": "authority"}]
LOADER_V3 = "BPFLoaderUpgradeab1e11111111111111111111111"


def b58decode(text: str) -> list[int]:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n = 0
    for ch in text:
        n = n * 58 + alphabet.index(ch)
    return list(n.to_bytes(32, "big"))


# The program's ProgramData account: PDA of the program id under the upgradeable loader.
PROGRAM_DATA = acc("program_data", doc="This program's ProgramData account; its upgrade authority must sign.")
PROGRAM_DATA["pda"] = {"seeds": [{"kind": "const", "value": b58decode(PROGRAM_ID)}],
                       "program": {"kind": "const", "value": b58decode(LOADER_V3)}}

INSTRUCTIONS = [
    ("initialize_config", "Create the configuration and the treasury and insurance vaults; only the program's "
     "upgrade authority may.",
     [acc("authority", w=True, s=True), CONFIG_W,
      acc("treasury", w=True, pda=[const_seed("treasury")]), acc("insurance", w=True, pda=[const_seed("insurance")]), SYS,
      PROGRAM_DATA, acc("program", doc="This program's own account, which names its ProgramData account.",
                        address=PROGRAM_ID)],
     [arg("params", defined("ConfigParams"))]),
    ("update_config", "The authority changes parameters; requests already submitted keep theirs.",
     [acc("authority", s=True), CONFIG_W], [arg("params", defined("ConfigParams"))]),
    ("set_paused", "The authority pauses or resumes new requests.",
     [acc("authority", s=True), CONFIG_W], [arg("paused", "bool")]),
    ("withdraw_treasury", "The authority moves treasury lamports above rent to a recipient.",
     [acc("authority", s=True), CONFIG_RO, acc("treasury", w=True, pda=[const_seed("treasury")]), acc("recipient", w=True)],
     [arg("amount", "u64")]),
    ("register_model", "A model developer registers a detection model and its payout wallet.",
     [acc("developer", w=True, s=True),
      acc("model", w=True, pda=[const_seed("model"), {"kind": "account", "path": "developer"},
                                {"kind": "arg", "path": "model_id"}]), acc("payout_wallet"), SYS],
     [arg("model_id", B32), arg("modalities", "u8")]),
    ("update_model", "The developer changes the payout wallet and modalities.",
     [acc("developer", s=True), acc("model", w=True), acc("payout_wallet")], [arg("modalities", "u8")]),
    ("deactivate_model", "The developer retires a model.", [acc("developer", s=True), acc("model", w=True)], []),
    ("claim_model_fees", "Move a model's accrued fee shares to its payout wallet (anyone may call).",
     [acc("model", w=True), acc("payout_wallet", w=True)], []),
    ("register_worker", "An operator stakes SOL and declares its modalities and models.",
     [acc("authority", w=True, s=True), acc("worker", w=True, pda=WORKER_SEEDS), CONFIG_W, SYS],
     [arg("stake", "u64"), arg("modalities", "u8"), arg("models", {"vec": "pubkey"})]),
    ("add_stake", "The operator adds stake.",
     [acc("authority", w=True, s=True), acc("worker", w=True, pda=WORKER_SEEDS), SYS], [arg("amount", "u64")]),
    ("update_worker", "The operator changes its modalities and models (not while it holds a seat).",
     [acc("authority", s=True), acc("worker", w=True, pda=WORKER_SEEDS)],
     [arg("modalities", "u8"), arg("models", {"vec": "pubkey"})]),
    ("request_unstake", "The operator starts unbonding stake; blocked while it holds a seat.",
     [acc("authority", s=True), acc("worker", w=True, pda=WORKER_SEEDS), CONFIG_RO], [arg("amount", "u64")]),
    ("withdraw_stake", "After the unbonding delay the operator takes unbonded stake back.",
     [acc("authority", w=True, s=True), acc("worker", w=True, pda=WORKER_SEEDS)], []),
    ("claim_worker_rewards", "The operator takes its earned fees.",
     [acc("authority", w=True, s=True), acc("worker", w=True, pda=WORKER_SEEDS)], []),
    ("submit_request", "A client records media for analysis and escrows its max fee.",
     [acc("client", w=True, s=True),
      acc("request", w=True, pda=[const_seed("request"), {"kind": "account", "path": "client"}, {"kind": "arg", "path": "nonce"}]),
      CONFIG_W, SYS],
     [arg("nonce", "u64"), arg("content_hash", B32), arg("storage_uri", "string"), arg("modalities", "u8"),
      arg("min_workers", "u8"), arg("max_workers", "u8"), arg("max_fee", "u64"), arg("deadline", "i64"),
      arg("bump", "u8"), arg("attestation", B32)]),
    ("join_request", "A drawn worker accepts its seat (draw_seats) and locks the seat bond from its free stake.",
     [acc("authority", s=True), acc("worker", w=True, pda=WORKER_SEEDS), acc("request", w=True), CONFIG_RO], []),
    ("commit_result", "A seated worker commits the hash of its answer and the model it comes from (fixed in the "
     "seat: later changes to the model do not reach this request).",
     [acc("authority", s=True), acc("request", w=True), acc("worker", pda=WORKER_SEEDS), acc("model")],
     [arg("commitment", B32)]),
    ("reveal_result", "A committed worker reveals its answer; it must hash to the commitment (with the seat's model).",
     [acc("authority", s=True), acc("request", w=True)],
     [arg("verdict", "u8"), arg("confidence", "u8"), arg("report_hash", B32), arg("salt", B32),
      arg("report_uri", "string")]),
    ("finalize_request", "Finalizes after the reveal phase: the client at once (signing as `client`), anyone else "
     "FINALIZE_GRACE_SECS after the deadline. Remaining accounts: one writable worker PDA per seat in seat order, "
     "then one writable model PDA per revealed seat in seat order.",
     [acc("request", w=True), acc("client", w=True), CONFIG_RO, acc("treasury", w=True, pda=[const_seed("treasury")]),
      acc("insurance", w=True, pda=[const_seed("insurance")])], []),
    ("expire_request", "Anyone expires a request without enough commitments; seats that never committed forfeit "
     "their bond to insurance. Remaining accounts: one writable worker PDA per seat in seat order.",
     [acc("request", w=True), acc("client", w=True), acc("insurance", w=True, pda=[const_seed("insurance")])], []),
    ("close_request", "The client closes a finished request and gets its rent back.",
     [acc("client", w=True, s=True), acc("request", w=True)], []),
    ("propose_authority", "The authority proposes its successor (all zeroes withdraws the proposal).",
     [acc("authority", s=True), CONFIG_W], [arg("new_authority", "pubkey")]),
    ("accept_authority", "The proposed authority accepts and takes over the configuration.",
     [acc("new_authority", s=True), CONFIG_W], []),
    ("leave_request", "A drawn worker gives back a seat it has not committed, within half a commit window of "
     "being drawn (its bond is released if it accepted); the seat is drawn again.",
     [acc("authority", s=True), acc("worker", w=True, pda=WORKER_SEEDS), acc("request", w=True)], []),
    ("withdraw_insurance", "The authority moves at most MAX_INSURANCE_WITHDRAWAL_BPS of the insurance vault above "
     "rent to a recipient, at most once per INSURANCE_WITHDRAWAL_INTERVAL_SECS.",
     [acc("authority", s=True), CONFIG_W, acc("insurance", w=True, pda=[const_seed("insurance")]),
      acc("recipient", w=True)],
     [arg("amount", "u64")]),
    ("propose_model_transfer", "A model's developer proposes its successor (all zeroes withdraws the proposal).",
     [acc("developer", s=True), acc("model", w=True)], [arg("new_developer", "pubkey")]),
    ("accept_model_transfer", "The proposed developer accepts and takes over the model.",
     [acc("new_developer", s=True), acc("model", w=True)], []),
    ("register_challenger", "The authority lets a key reveal known-answer challenges.",
     [acc("authority", w=True, s=True), CONFIG_RO,
      acc("challenger", w=True, pda=[const_seed("challenger"), {"kind": "arg", "path": "challenger"}]), SYS],
     [arg("challenger", "pubkey")]),
    ("remove_challenger", "The authority withdraws a challenger; its account's rent returns to the authority.",
     [acc("authority", w=True, s=True), CONFIG_RO, acc("challenger", w=True)], []),
    ("reveal_challenge", "A registered challenger reveals the label and salt its request's attestation committed "
     "to, after the reveal phase and before finalization.",
     [acc("client", s=True),
      acc("challenger", w=True, pda=[const_seed("challenger"), {"kind": "account", "path": "client"}]),
      acc("request", w=True)],
     [arg("label", "u8"), arg("salt", B32)]),
    ("draw_seats", "Anyone draws workers into a request's empty seats with the hash of the first slot at or after "
     "its draw_slot (DRAW_DOMAIN); it first replaces seats not committed half a commit window after they were "
     "drawn (their bond is forfeited). Remaining accounts: the writable worker PDA of every such seat in seat "
     "order, then read-only candidate worker PDAs in draw order: candidate k is the worker whose pool_index is "
     "the first 8 bytes (LE) of sha256(seed ‖ k as u32 LE) modulo the request's pool_count; it takes a seat if "
     "eligible and the next 8 bytes (LE) modulo draw_stake_cap are below its stake.",
     [acc("request", w=True), CONFIG_RO,
      acc("slot_hashes", address="SysvarS1otHashes111111111111111111111111111"),
      acc("insurance", w=True, pda=[const_seed("insurance")])], []),
]

CONFIG_PARAMS = [("base_fees", arr("u64", 5)), ("worker_surcharge_bps", "u16"), ("non_reveal_slash_bps", "u16"),
                 ("max_weight_bps", "u16"), ("reputation_alpha_bps", "u16"), ("min_stake", "u64"),
                 ("unbonding_secs", "i64"), ("min_deadline_secs", "i64"), ("reveal_window_secs", "i64"),
                 ("min_consensus_weight", "u32"), ("max_deadline_secs", "i64"), ("no_consensus_fee_bps", "u16"),
                 ("seat_bond_multiplier", "u16"), ("challenge_slash_bps", "u16"), ("min_workers_floor", "u8"),
                 ("draw_stake_cap", "u64")]
ACCOUNTS = {
    "Config": [("authority", "pubkey"), ("treasury", "pubkey"), ("insurance", "pubkey"),
               ("params", defined("ConfigParams")), ("paused", "u8"), ("bump", "u8"), ("treasury_bump", "u8"),
               ("insurance_bump", "u8"), ("request_count", "u64"), ("pending_authority", "pubkey"),
               ("insurance_withdrawn_at", "i64"), ("worker_count", "u32"), ("reserved", arr("u8", 9))],
    "Vault": [("kind", "u8"), ("bump", "u8"), ("reserved", arr("u8", 6))],
    "Model": [("model_id", B32), ("developer", "pubkey"), ("payout_wallet", "pubkey"), ("modalities", "u8"),
              ("active", "u8"), ("bump", "u8"), ("reserved0", "u8"), ("uses", "u64"), ("earned_total", "u64"),
              ("unclaimed", "u64"), ("registered_at", "i64"), ("pending_developer", "pubkey"),
              ("registrant", "pubkey"), ("reserved", B32)],
    "Worker": [("authority", "pubkey"), ("stake", "u64"), ("unbonding_amount", "u64"), ("unbonding_ends_at", "i64"),
               ("rewards", "u64"), ("reputation", "u16"), ("active_seats", "u16"), ("modalities", "u8"),
               ("model_count", "u8"), ("bump", "u8"), ("reserved0", "u8"), ("models", arr("pubkey", 4)),
               ("jobs_done", "u64"), ("jobs_agreed", "u64"), ("slashed_total", "u64"), ("registered_at", "i64"),
               ("bonded", "u64"), ("pool_index", "u32"), ("eligible_since_slot", "u64"),
               ("reserved", arr("u8", 12))],
    "Request": [("client", "pubkey"), ("nonce", "u64"), ("content_hash", B32), ("modalities", "u8"),
                ("min_workers", "u8"), ("max_workers", "u8"), ("status", "u8"), ("joined", "u8"), ("commits", "u8"),
                ("reveals", "u8"), ("verdict", "u8"), ("confidence", "u8"), ("consensus", "u8"), ("bump", "u8"),
                ("storage_uri_len", "u8"), ("storage_uri", arr("u8", 200)), ("fee", "u64"), ("escrow", "u64"),
                ("created_at", "i64"), ("commit_deadline", "i64"), ("deadline", "i64"), ("finalized_at", "i64"),
                ("non_reveal_slash_bps", "u16"), ("reputation_alpha_bps", "u16"), ("max_weight_bps", "u16"),
                ("no_consensus_fee_bps", "u16"), ("min_consensus_weight", "u32"), ("seat_bond", "u64"),
                ("challenge_slash_bps", "u16"), ("challenged", "u8"), ("challenge_label", "u8"),
                ("reserved", arr("u8", 12)), ("draw_slot", "u64"), ("draw_seed", B32), ("draw_cursor", "u32"),
                ("pool_count", "u32"), ("attestation", B32), ("seats", arr(defined("Seat"), 10))],
    "Challenger": [("authority", "pubkey"), ("registered_at", "i64"), ("challenges", "u64"), ("bump", "u8"),
                   ("reserved", arr("u8", 31))],
}
SEAT = [("authority", "pubkey"), ("commitment", B32), ("report_hash", B32), ("model", "pubkey"), ("state", "u8"),
        ("verdict", "u8"), ("confidence", "u8"), ("report_uri_len", "u8"), ("report_uri", arr("u8", 128)), ("drawn_at", "i64")]
EVENTS = {
    "ConfigInitialized": [("authority", "pubkey")],
    "ConfigUpdated": [("authority", "pubkey")],
    "PauseSet": [("paused", "bool")],
    "TreasuryWithdrawn": [("recipient", "pubkey"), ("amount", "u64")],
    "ModelRegistered": [("model", "pubkey"), ("model_id", B32), ("developer", "pubkey"), ("payout_wallet", "pubkey"),
                        ("modalities", "u8")],
    "ModelUpdated": [("model", "pubkey"), ("payout_wallet", "pubkey"), ("modalities", "u8")],
    "ModelDeactivated": [("model", "pubkey")],
    "ModelFeesClaimed": [("model", "pubkey"), ("payout_wallet", "pubkey"), ("amount", "u64")],
    "WorkerRegistered": [("worker", "pubkey"), ("authority", "pubkey"), ("stake", "u64"), ("modalities", "u8")],
    "StakeAdded": [("worker", "pubkey"), ("amount", "u64"), ("stake", "u64")],
    "WorkerUpdated": [("worker", "pubkey"), ("modalities", "u8"), ("model_count", "u8")],
    "UnstakeRequested": [("worker", "pubkey"), ("amount", "u64"), ("available_at", "i64")],
    "StakeWithdrawn": [("worker", "pubkey"), ("amount", "u64")],
    "WorkerRewardsClaimed": [("worker", "pubkey"), ("amount", "u64")],
    "RequestSubmitted": [("request", "pubkey"), ("client", "pubkey"), ("nonce", "u64"), ("content_hash", B32),
                         ("storage_uri", "string"), ("modalities", "u8"), ("min_workers", "u8"),
                         ("max_workers", "u8"), ("fee", "u64"), ("escrow", "u64"), ("commit_deadline", "i64"),
                         ("deadline", "i64")],
    "WorkerJoined": [("request", "pubkey"), ("worker", "pubkey"), ("seat", "u8")],
    "ResultCommitted": [("request", "pubkey"), ("worker", "pubkey"), ("commitment", B32)],
    "ResultRevealed": [("request", "pubkey"), ("worker", "pubkey"), ("verdict", "u8"), ("confidence", "u8"),
                       ("model", "pubkey"), ("report_hash", B32), ("report_uri", "string")],
    "RequestFinalized": [("request", "pubkey"), ("verdict", "u8"), ("confidence", "u8"), ("consensus", "u8"),
                         ("commits", "u8"), ("reveals", "u8"), ("fee_charged", "u64"), ("refund", "u64")],
    "WorkerPaid": [("request", "pubkey"), ("worker", "pubkey"), ("amount", "u64"), ("model", "pubkey"),
                   ("model_amount", "u64")],
    "WorkerSlashed": [("request", "pubkey"), ("worker", "pubkey"), ("amount", "u64"), ("reputation", "u16")],
    "RequestExpired": [("request", "pubkey"), ("refund", "u64")],
    "RequestClosed": [("request", "pubkey"), ("rent_returned", "u64")],
    "AuthorityProposed": [("proposed", "pubkey")],
    "AuthorityTransferred": [("authority", "pubkey")],
    "WorkerLeft": [("request", "pubkey"), ("worker", "pubkey")],
    "InsuranceWithdrawn": [("recipient", "pubkey"), ("amount", "u64")],
    "ModelTransferProposed": [("model", "pubkey"), ("proposed", "pubkey")],
    "ModelTransferred": [("model", "pubkey"), ("developer", "pubkey")],
    "ChallengerRegistered": [("challenger", "pubkey")],
    "ChallengerRemoved": [("challenger", "pubkey")],
    "ChallengeRevealed": [("request", "pubkey"), ("label", "u8")],
    "SeatDrawn": [("request", "pubkey"), ("worker", "pubkey"), ("seat", "u8")],
    "DrawRearmed": [("request", "pubkey"), ("draw_slot", "u64")],
}


def struct(name: str, fields) -> dict:
    return {"name": name, "type": {"kind": "struct", "fields": [{"name": n, "type": t} for n, t in fields]}}


def errors() -> list[dict]:
    """Variants of DfpnError with their doc comment as message, in code order."""
    src = (ROOT / "programs/dfpn/src/error.rs").read_text()
    out = []
    for doc, name, code in re.findall(r"/// (.+)\n\s+(\w+) = (\d+),", src):
        out.append({"code": int(code), "name": name, "msg": doc})
    return out


IDL_INT_TYPES = {"u8": "u8", "u16": "u16", "u32": "u32", "u64": "u64", "i64": "i64", "usize": "u32"}


def constants() -> list[dict]:
    """Every `pub const` of programs/dfpn/src/constants.rs, in file order, as IDL constants (Anchor's format:
    type and value as a string; byte strings as `[b, ...]`). Constants inside `pub mod name { ... }` are
    published as `NAME_CONSTANT`. Each needs a `///` doc line and a literal value."""
    src = (ROOT / "programs/dfpn/src/constants.rs").read_text()
    out: list[dict] = []
    pattern = re.compile(
        r'(?P<doc>(?:[ \t]*/// .+\n)*)[ \t]*pub const (?P<name>\w+): (?P<ty>[^=]+) = (?P<value>[^;]+);'
    )
    for m in pattern.finditer(src):
        prefix = ""
        opened = src.rfind("\npub mod ", 0, m.start())
        if opened >= 0 and src.find("\n}", opened, m.start()) < 0:
            prefix = re.match(r"\npub mod (\w+)", src[opened:]).group(1).upper() + "_"
        if not m.group("doc"):
            raise SystemExit(f"constants.rs: {m.group('name')} has no /// doc line")
        ty, value = m.group("ty").strip(), m.group("value").strip()
        if ty == "&[u8]":
            text = re.fullmatch(r'b"([^"]*)"', value)
            if not text:
                raise SystemExit(f"constants.rs: {m.group('name')}: a byte string literal is expected")
            idl_ty, idl_value = "bytes", "[" + ", ".join(str(b) for b in text.group(1).encode()) + "]"
        elif ty in IDL_INT_TYPES and re.fullmatch(r"-?[0-9_]+", value):
            idl_ty, idl_value = IDL_INT_TYPES[ty], value.replace("_", "")
        else:
            raise SystemExit(f"constants.rs: {m.group('name')}: a literal of u8/u16/u32/u64/i64/usize/&[u8] expected")
        # Every line of the doc comment, not only the last one.
        docs = [line.strip().removeprefix("/// ") for line in m.group("doc").splitlines()]
        out.append({"name": prefix + m.group("name"), "docs": docs, "type": idl_ty, "value": idl_value})
    return out


def build() -> dict:
    return {
        "address": PROGRAM_ID,
        "metadata": {"name": "dfpn", "version": "0.1.0", "spec": "0.1.0",
                     "description": "Deepfake Proof Network: escrowed detection requests, staked workers, "
                                    "commit-reveal consensus"},
        "instructions": [
            {"name": n, "docs": [d], "discriminator": disc(f"global:{n}"), "accounts": a, "args": g}
            for n, d, a, g in INSTRUCTIONS
        ],
        "accounts": [{"name": n, "discriminator": disc(f"account:{n}")} for n in ACCOUNTS],
        "events": [{"name": n, "discriminator": disc(f"event:{n}")} for n in EVENTS],
        "errors": errors(),
        "constants": constants(),
        "types": [struct("ConfigParams", CONFIG_PARAMS), struct("Seat", SEAT)]
        + [struct(n, f) for n, f in ACCOUNTS.items()]
        + [struct(n, f) for n, f in EVENTS.items()],
    }


def upper_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def catalogue_problems(idl: dict) -> list[str]:
    """What is wrong with idl/errors.catalogue.json against the program's errors (empty when it is right)."""
    catalogue = json.loads((ROOT / "idl/errors.catalogue.json").read_text())
    program = {e["name"] for e in idl["errors"]}
    listed = [e["name"] for e in catalogue["program_errors"]]
    problems = [f"program error {n} has no catalogue entry" for n in sorted(program - set(listed))]
    problems += [f"catalogue names {n}, which the program does not define" for n in sorted(set(listed) - program)]
    problems += [f"{n} is listed twice" for n in sorted({n for n in listed if listed.count(n) > 1})]
    for e in catalogue["program_errors"]:
        if e["name"] in program and e["code"] != upper_snake(e["name"]):
            problems.append(f"{e['name']}: SDK code must be {upper_snake(e['name'])}, not {e['code']}")
    sdk_codes = [e["code"] for e in catalogue["sdk_errors"]]
    clash = set(sdk_codes) & {upper_snake(n) for n in program}
    problems += [f"SDK error {c} has a program error's name" for c in sorted(clash)]
    for e in catalogue["sdk_errors"] + catalogue["program_errors"]:
        if not e.get("hint"):
            problems.append(f"{e.get('code')} has no hint")
    return problems


def main() -> int:
    idl = build()
    problems = catalogue_problems(idl)
    for problem in problems:
        print(f"idl/errors.catalogue.json: {problem}", file=sys.stderr)
    if problems:
        return 1
    outputs = {
        # anchorpy reads this file as it is (anchorpy3, the maintained fork: see sdk-python/README.md, "anchorpy").
        ROOT / "idl/dfpn.json": json.dumps(idl, indent=2) + "\n",
    }
    if "--check" in sys.argv:
        stale = [t for t, text in outputs.items() if not t.exists() or t.read_text() != text]
        for t in stale:
            print(f"{t.relative_to(ROOT)} is stale: run `make idl`", file=sys.stderr)
        return 1 if stale else 0
    for target, text in outputs.items():
        target.write_text(text)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
