"""Generated codecs against the IDL: discriminators, layouts, sizes, argument encoding, error table."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from solders.pubkey import Pubkey

from dfpn.borsh import BorshError
from dfpn.generated import PROGRAM_ID, accounts, events, instructions, types
from dfpn.generated.errors import PROGRAM_ERRORS

from helpers import load_idl

IDL = load_idl()
ROOT = Path(__file__).resolve().parents[2]
PRIMITIVE_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "i64": 8, "bool": 1, "pubkey": 32}
DOCS_ACCOUNT_SIZES = {"Config": 276, "Vault": 16, "Model": 236, "Worker": 272, "Request": 3136, "Challenger": 88}


def sha8(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()[:8]


def idl_size(ty: Any) -> int:
    """Borsh size of a fixed-size IDL type, computed here independently of the generator."""
    if isinstance(ty, str):
        return PRIMITIVE_SIZES[ty]
    if "array" in ty:
        return idl_size(ty["array"][0]) * ty["array"][1]
    name = ty["defined"]["name"]
    t = next(t for t in IDL["types"] if t["name"] == name)
    return sum(idl_size(f["type"]) for f in t["type"]["fields"])


def test_program_id_is_the_idl_address() -> None:
    # Given the IDL, When reading the generated program id, Then it is the IDL's address
    assert str(PROGRAM_ID) == IDL["address"]


@pytest.mark.parametrize("ix", IDL["instructions"], ids=lambda i: i["name"])
def test_instruction_discriminator_is_anchor_global_hash(ix: dict[str, Any]) -> None:
    # Given an IDL instruction
    name = ix["name"]
    # When looking it up in the generated code
    spec = instructions.INSTRUCTIONS[name]
    args_cls = getattr(instructions, "".join(p.capitalize() for p in name.split("_")) + "Args")
    # Then its discriminator is sha256("global:<name>")[:8], in the IDL, the spec and the argument class
    assert spec.discriminator == sha8(f"global:{name}") == bytes(ix["discriminator"])
    assert spec.discriminator == args_cls.DISCRIMINATOR
    # And the argument names and account list (names, flags, fixed addresses) are the IDL's, in order
    assert spec.args == tuple(a["name"] for a in ix["args"])
    assert [f.name for f in dataclasses.fields(args_cls)] == [a["name"] for a in ix["args"]]
    expected = [
        (a["name"], bool(a.get("writable")), bool(a.get("signer")), a.get("address")) for a in ix["accounts"]
    ]
    assert [(a.name, a.writable, a.signer, a.address) for a in spec.accounts] == expected


def test_every_instruction_is_generated() -> None:
    # Given the IDL, Then the generated table has exactly its instructions
    assert set(instructions.INSTRUCTIONS) == {ix["name"] for ix in IDL["instructions"]}


@pytest.mark.parametrize("acc", IDL["accounts"], ids=lambda a: a["name"])
def test_account_discriminator_and_size(acc: dict[str, Any]) -> None:
    # Given an IDL account
    cls = getattr(types, acc["name"])
    # Then the discriminator is sha256("account:<Name>")[:8]
    assert cls.DISCRIMINATOR == sha8(f"account:{acc['name']}") == bytes(acc["discriminator"])
    # And the size is 8 + the Borsh size of the IDL struct, which is the size docs/protocol.md lists
    size = 8 + idl_size({"defined": {"name": acc["name"]}})
    assert cls.SIZE == size == accounts.ACCOUNT_SIZES[acc["name"]] == DOCS_ACCOUNT_SIZES[acc["name"]]


@pytest.mark.parametrize("ev", IDL["events"], ids=lambda e: e["name"])
def test_event_discriminator(ev: dict[str, Any]) -> None:
    # Given an IDL event, Then its discriminator is sha256("event:<Name>")[:8] and it is decodable by it
    cls = getattr(types, ev["name"])
    assert cls.DISCRIMINATOR == sha8(f"event:{ev['name']}") == bytes(ev["discriminator"])
    assert events.EVENT_TYPES[cls.DISCRIMINATOR] is cls


def _sample(ty: Any, seed: int) -> Any:
    """A deterministic non-trivial value of an IDL type."""
    if ty == "pubkey":
        return Pubkey.from_bytes(hashlib.sha256(bytes([seed % 256])).digest())
    if ty == "bool":
        return seed % 2 == 1
    if ty == "string":
        return f"ipfs://value-{seed}"
    if isinstance(ty, str):
        return (seed * 7919) % (1 << (8 * PRIMITIVE_SIZES[ty] - 1))
    if "array" in ty:
        item, n = ty["array"]
        if item == "u8":
            return bytes((seed + i) % 256 for i in range(n))
        return tuple(_sample(item, seed + i) for i in range(n))
    if "vec" in ty:
        return tuple(_sample(ty["vec"], seed + i) for i in range(2))
    name = ty["defined"]["name"]
    t = next(t for t in IDL["types"] if t["name"] == name)
    cls = getattr(types, name)
    return cls(**{f["name"]: _sample(f["type"], seed + i) for i, f in enumerate(t["type"]["fields"])})


@pytest.mark.parametrize("t", IDL["types"], ids=lambda t: t["name"])
def test_types_roundtrip(t: dict[str, Any]) -> None:
    # Given a value of every IDL type
    value = _sample({"defined": {"name": t["name"]}}, 3)
    # When encoding and decoding it
    data = value.encode()
    # Then it comes back equal, and fixed-size types have exactly the IDL's Borsh size
    assert type(value).decode(data) == value
    if t["name"] in types.TYPE_SIZES:
        assert len(data) == types.TYPE_SIZES[t["name"]] == idl_size({"defined": {"name": t["name"]}})


def test_account_bytes_are_discriminator_then_borsh() -> None:
    # Given a Request value
    req = _sample({"defined": {"name": "Request"}}, 5)
    # When written as account data
    data = req.to_account_data()
    # Then it is the discriminator and the Borsh fields, of the documented size, and decodes by discriminator
    assert data[:8] == types.Request.DISCRIMINATOR and len(data) == 3136
    assert accounts.decode_account(data) == req
    # And wrong discriminators or sizes are refused
    with pytest.raises(BorshError):
        types.Config.from_account_data(data)
    with pytest.raises(BorshError):
        types.Request.from_account_data(data + b"\0")


def test_submit_request_args_match_hand_encoding() -> None:
    # Given submit_request arguments
    content = hashlib.sha256(b"media").digest()
    args = instructions.SubmitRequestArgs(
        nonce=7,
        content_hash=content,
        storage_uri="file:///tmp/x",
        modalities=3,
        min_workers=3,
        max_workers=4,
        max_fee=50_000_000,
        deadline=1_700_000_300,
        bump=254,
        attestation=bytes(range(32)),
    )
    # When encoding them
    data = args.encode()
    # Then the bytes are the discriminator and the Borsh fields in IDL order, the 32-byte attestation last
    uri = b"file:///tmp/x"
    expected = (
        sha8("global:submit_request")
        + struct.pack("<Q", 7)
        + content
        + struct.pack("<I", len(uri))
        + uri
        + bytes([3, 3, 4])
        + struct.pack("<Qq", 50_000_000, 1_700_000_300)
        + bytes([254])
        + bytes(range(32))
    )
    assert data == expected
    assert instructions.SubmitRequestArgs.decode(data) == args
    # And truncated or trailing data is refused like the program refuses it
    with pytest.raises(BorshError):
        instructions.SubmitRequestArgs.decode(data[:-1])
    with pytest.raises(BorshError):
        instructions.SubmitRequestArgs.decode(data + b"\0")


def test_register_worker_vec_and_fixed_array_checks() -> None:
    # Given a vec argument, When encoding, Then it is u32 length-prefixed
    first, second = Pubkey.from_bytes(b"a" * 32), Pubkey.from_bytes(b"b" * 32)
    args = instructions.RegisterWorkerArgs(stake=1, modalities=31, models=(first, second))
    assert args.encode()[8:] == struct.pack("<QBI", 1, 31, 2) + b"a" * 32 + b"b" * 32
    # And the declared models (addresses) decode back
    assert instructions.RegisterWorkerArgs.decode(args.encode()).models == (first, second)
    # And a fixed array of the wrong length is refused, not silently padded
    with pytest.raises(BorshError):
        instructions.CommitResultArgs(commitment=b"short").encode()
    with pytest.raises(BorshError):
        instructions.SetPausedArgs(paused=True).decode(sha8("global:set_paused") + b"\x02")


def test_error_table_is_the_idl() -> None:
    # Given the IDL errors, Then the generated table has each code, name and message
    assert {c: (e.name, e.msg) for c, e in PROGRAM_ERRORS.items()} == {
        e["code"]: (e["name"], e["msg"]) for e in IDL["errors"]
    }


def test_generator_check_passes_and_detects_staleness(tmp_path: Path) -> None:
    # Given the committed generated files, When running the generator's check, Then it passes
    gen = ROOT / "scripts" / "gen_python.py"
    ok = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    # Given a copy of the tree whose IDL changed, When checking it, Then it exits 1 naming the stale file
    (tmp_path / "scripts").mkdir()
    shutil.copy(gen, tmp_path / "scripts" / "gen_python.py")
    shutil.copytree(ROOT / "idl", tmp_path / "idl")
    gen_dir = tmp_path / "sdk-python" / "src" / "dfpn" / "generated"
    shutil.copytree(ROOT / "sdk-python" / "src" / "dfpn" / "generated", gen_dir)
    idl_copy = tmp_path / "idl" / "dfpn.json"
    idl_copy.write_text(idl_copy.read_text().replace("InsufficientFunds", "NotEnoughLamports"))
    # (an error the catalogue does not know is refused with its name)
    unknown = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "gen_python.py"), "--check"], capture_output=True, text=True
    )
    assert unknown.returncode == 2
    assert "NotEnoughLamports" in unknown.stderr and "errors.catalogue.json" in unknown.stderr
    catalogue = tmp_path / "idl" / "errors.catalogue.json"
    catalogue.write_text(
        catalogue.read_text().replace('"InsufficientFunds"', '"NotEnoughLamports"').replace(
            '"INSUFFICIENT_FUNDS"', '"NOT_ENOUGH_LAMPORTS"'
        )
    )
    stale = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "gen_python.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert stale.returncode == 1
    assert "errors.py" in stale.stderr
    # And regenerating makes it current again
    subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "gen_python.py")], check=True, capture_output=True
    )
    again = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "gen_python.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
