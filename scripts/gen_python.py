#!/usr/bin/env python3
"""Write sdk-python/src/dfpn/generated/ from idl/dfpn.json (Anchor IDL spec 0.1.0) and idl/errors.catalogue.json.

Generated: the program id, one frozen dataclass per IDL type with its exact Borsh layout (accounts carry their
discriminator and size, events their discriminator), instruction discriminators and argument encoders with the
IDL's account lists, the protocol constants, and the error table (program errors, the SDK's codes and hints). The SDK's hand-written modules build on these.

    python3 scripts/gen_python.py           # (re)write the files
    python3 scripts/gen_python.py --check   # exit 1 when the committed files are not what would be written

Standard library only, so it runs before any virtual environment exists.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IDL_PATH = ROOT / "idl" / "dfpn.json"
CATALOGUE_PATH = ROOT / "idl" / "errors.catalogue.json"
OUT_DIR = ROOT / "sdk-python" / "src" / "dfpn" / "generated"
BANNER = "# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit."
LINE = 110

INTS = {"u8": 1, "i8": 1, "u16": 2, "i16": 2, "u32": 4, "i32": 4, "u64": 8, "i64": 8}


class GenError(Exception):
    pass


def exports_sorted(names: list[str]) -> list[str]:
    """`__all__` in ruff's isort-style order: CONSTANTS, then Classes, then functions."""
    return sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))


def pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def upper_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def pystr(text: str, indent: int) -> str:
    """A Python string literal, split into implicitly concatenated parts when it would pass the line length."""
    lit = json.dumps(text, ensure_ascii=False)
    if indent + len(lit) + 2 <= LINE:
        return lit
    width = LINE - indent - 8
    parts = textwrap.wrap(text, width=width, drop_whitespace=False, break_on_hyphens=False)
    pad = " " * (indent + 4)
    body = "\n".join(pad + json.dumps(p, ensure_ascii=False) for p in parts)
    return "(\n" + body + "\n" + " " * indent + ")"


def keyed(prefix: str, text: str) -> list[str]:
    """`prefix` followed by a string literal and a comma, wrapped into a parenthesised block when too long."""
    lit = json.dumps(text, ensure_ascii=False)
    if len(prefix) + len(lit) + 1 <= LINE:
        return [f"{prefix}{lit},"]
    pad = " " * (len(prefix) - len(prefix.lstrip()) + 4)
    parts = textwrap.wrap(text, width=LINE - len(pad) - 4, drop_whitespace=False, break_on_hyphens=False)
    return [f"{prefix}(", *(pad + json.dumps(part, ensure_ascii=False) for part in parts), f"{pad[:-4]}),"]


def docstring(lines: list[str], indent: int) -> list[str]:
    text = " ".join(line.strip() for line in lines if line.strip()).replace('"""', "'''")
    if not text:
        return []
    pad = " " * indent
    wrapped = textwrap.wrap(text, width=LINE - indent - 6)
    if len(wrapped) == 1:
        return [f'{pad}"""{wrapped[0]}"""']
    return [f'{pad}"""{wrapped[0]}', *[pad + w for w in wrapped[1:]], f'{pad}"""']


# ---- types --------------------------------------------------------------------------------------------------


def defined_name(ty: Any) -> str | None:
    if isinstance(ty, dict) and "defined" in ty:
        d = ty["defined"]
        return str(d["name"] if isinstance(d, dict) else d)
    return None


def is_u8_array(ty: Any) -> int | None:
    if isinstance(ty, dict) and "array" in ty and ty["array"][0] == "u8":
        return int(ty["array"][1])
    return None


def py_type(ty: Any) -> str:
    if isinstance(ty, str):
        if ty in INTS:
            return "int"
        return {"bool": "bool", "pubkey": "Pubkey", "string": "str", "bytes": "bytes"}[ty]
    if is_u8_array(ty) is not None:
        return "bytes"
    if "array" in ty:
        return f"tuple[{py_type(ty['array'][0])}, ...]"
    if "vec" in ty:
        return "bytes" if ty["vec"] == "u8" else f"tuple[{py_type(ty['vec'])}, ...]"
    name = defined_name(ty)
    if name:
        return name
    raise GenError(f"unsupported IDL type {ty!r}")


def read_expr(ty: Any) -> str:
    if isinstance(ty, str):
        if ty in INTS:
            return f"r.{ty}()" if ty in ("u8", "u16", "u32", "u64", "i64") else _unsupported(ty)
        if ty == "bytes":
            return "r.fixed_bytes(r.u32())"
        return {"bool": "r.bool()", "pubkey": "r.pubkey()", "string": "r.string()"}[ty]
    n = is_u8_array(ty)
    if n is not None:
        return f"r.fixed_bytes({n})"
    if "array" in ty:
        item, count = ty["array"]
        return f"r.array({count}, lambda: {read_expr(item)})"
    if "vec" in ty:
        if ty["vec"] == "u8":
            return "r.fixed_bytes(r.u32())"
        return f"r.vec(lambda: {read_expr(ty['vec'])})"
    name = defined_name(ty)
    if name:
        return f"{name}.read(r)"
    raise GenError(f"unsupported IDL type {ty!r}")


def _unsupported(ty: str) -> str:
    raise GenError(f"integer type {ty} has no reader in dfpn.borsh")


def write_stmts(ty: Any, expr: str, label: str, depth: int) -> list[str]:
    if isinstance(ty, str):
        if ty in INTS or ty in ("bool", "pubkey", "string"):
            return [f"w.{ty}({expr}, {label!r})"]
        if ty == "bytes":
            return [f"w.u32(len({expr}), {label!r})", f"w.raw({expr})"]
        raise GenError(f"unsupported IDL type {ty!r}")
    n = is_u8_array(ty)
    if n is not None:
        return [f"w.fixed_bytes({expr}, {n}, {label!r})"]
    if "array" in ty or "vec" in ty:
        item, count = (ty["array"][0], ty["array"][1]) if "array" in ty else (ty["vec"], None)
        if "vec" in ty and item == "u8":
            return [f"w.u32(len({expr}), {label!r})", f"w.raw({expr})"]
        var = f"item{depth}"
        inner = write_stmts(item, var, f"{label}[]", depth + 1)
        return [f"w.length({expr}, {count}, {label!r})", f"for {var} in {expr}:", *["    " + s for s in inner]]
    name = defined_name(ty)
    if name:
        return [f"{expr}.write(w)"]
    raise GenError(f"unsupported IDL type {ty!r}")


def type_size(ty: Any, sizes: dict[str, int | None]) -> int | None:
    if isinstance(ty, str):
        if ty in INTS:
            return INTS[ty]
        return {"bool": 1, "pubkey": 32}.get(ty)
    if "array" in ty:
        item, count = ty["array"]
        s = type_size(item, sizes)
        return None if s is None else s * int(count)
    name = defined_name(ty)
    if name:
        return sizes.get(name)
    return None


def uses_pubkey(ty: Any) -> bool:
    return "Pubkey" in py_type(ty)


# ---- files --------------------------------------------------------------------------------------------------


def header(doc: str) -> list[str]:
    return [BANNER, f'"""{doc}"""', "", "from __future__ import annotations", ""]


def struct_class(t: dict[str, Any], kind: str | None, disc: list[int] | None, size: int | None) -> list[str]:
    name = t["name"]
    fields = t["type"].get("fields", [])
    out = ["", "", "@dataclass(frozen=True, slots=True)", f"class {name}:"]
    docs = list(t.get("docs", []))
    if kind == "account":
        docs.append(f"Account `{name}`: the 8-byte discriminator, then these fields ({size} bytes in all).")
    elif kind == "event":
        docs.append(f"Event `{name}`, logged as `Program data:` base64(discriminator ‖ fields).")
    elif not docs:
        docs.append(f"IDL type `{name}`.")
    out += docstring(docs, 4)
    out.append("")
    if disc is not None:
        out.append(f"    DISCRIMINATOR: ClassVar[bytes] = bytes({disc})")
    if kind == "account":
        out.append(f"    SIZE: ClassVar[int] = {size}")
    if disc is not None:
        out.append("")
    for f in fields:
        text = " ".join(d.strip() for d in f.get("docs", []))
        out += ["    #: " + line for line in textwrap.wrap(text, width=LINE - 8)]
        out.append(f"    {f['name']}: {py_type(f['type'])}")
    out += ["", "    def write(self, w: Writer) -> None:"]
    body: list[str] = []
    for f in fields:
        body += write_stmts(f["type"], f"self.{f['name']}", f["name"], 0)
    if not body:
        body = ["del w"]
    out += ["        " + s for s in body]
    out += ["", "    @classmethod", f"    def read(cls, r: Reader) -> {name}:"]
    if fields:
        out.append("        return cls(")
        for f in fields:
            out.append(f"            {f['name']}={read_expr(f['type'])},")
        out.append("        )")
    else:
        out += ["        del r", "        return cls()"]
    out += [
        "",
        "    def encode(self) -> bytes:",
        '        """The Borsh encoding of the fields (no discriminator)."""',
        "        w = Writer()",
        "        self.write(w)",
        "        return w.getvalue()",
        "",
        "    @classmethod",
        f"    def decode(cls, data: bytes) -> {name}:",
        '        """Decode exactly `data` (no discriminator); trailing bytes are an error."""',
        "        r = Reader(data)",
        "        value = cls.read(r)",
        "        r.finish()",
        "        return value",
    ]
    if kind in ("account", "event"):
        what = "account data" if kind == "account" else "event data"
        method = "account_data" if kind == "account" else "event_data"
        out += [
            "",
            "    @classmethod",
            f"    def from_{method}(cls, data: bytes) -> {name}:",
            f'        """Decode {what}: the discriminator, then exactly the fields."""',
            "        if bytes(data[:8]) != cls.DISCRIMINATOR:",
            f'            raise BorshError("not a {name} {kind}: discriminator mismatch")',
        ]
        if kind == "account":
            out += [
                "        if len(data) != cls.SIZE:",
                f'            raise BorshError(f"{name} account is {{cls.SIZE}} bytes, got {{len(data)}}")',
            ]
        out += [
            "        return cls.decode(bytes(data[8:]))",
            "",
            f"    def to_{method}(self) -> bytes:",
            "        return self.DISCRIMINATOR + self.encode()",
        ]
    return out


def gen_types(idl: dict[str, Any]) -> str:
    accounts = {a["name"]: a["discriminator"] for a in idl["accounts"]}
    events = {e["name"]: e["discriminator"] for e in idl["events"]}
    sizes: dict[str, int | None] = {}
    for t in idl["types"]:
        if t["type"]["kind"] != "struct":
            raise GenError(f"type {t['name']}: only structs are supported, got {t['type']['kind']}")
        total: int | None = 0
        for f in t["type"].get("fields", []):
            s = type_size(f["type"], sizes)
            total = None if (s is None or total is None) else total + s
        sizes[t["name"]] = total
    need_pubkey = any(uses_pubkey(f["type"]) for t in idl["types"] for f in t["type"].get("fields", []))
    out = header("Every type of the IDL as a frozen dataclass with its exact Borsh layout.")
    out += ["from dataclasses import dataclass", "from typing import ClassVar", ""]
    if need_pubkey:
        out += ["from solders.pubkey import Pubkey", ""]
    out += ["from dfpn.borsh import BorshError, Reader, Writer"]
    out += ["", "#: Borsh size in bytes of each fixed-size type (fields only, no discriminator)."]
    out.append("TYPE_SIZES: dict[str, int] = {")
    for name, s in sizes.items():
        if s is not None:
            out.append(f"    {name!r}: {s},")
    out.append("}")
    for t in idl["types"]:
        name = t["name"]
        if name in accounts:
            size = sizes[name]
            if size is None:
                raise GenError(f"account {name} has a variable size")
            out += struct_class(t, "account", accounts[name], size + 8)
        elif name in events:
            out += struct_class(t, "event", events[name], None)
        else:
            out += struct_class(t, None, None, None)
    names = [t["name"] for t in idl["types"]]
    out += ["", "", "__all__ = ["] + [f"    {n!r}," for n in exports_sorted(["TYPE_SIZES", *names])] + ["]"]
    return "\n".join(out) + "\n"


def gen_accounts(idl: dict[str, Any]) -> str:
    names = [a["name"] for a in idl["accounts"]]
    out = header("Program accounts: discriminators, sizes and a decoder that picks the type by discriminator.")
    out += ["from typing import TypeAlias", "", "from dfpn.borsh import BorshError", ""]
    out.append(f"from .types import {', '.join(sorted(names))}")
    out += ["", f"Account: TypeAlias = {' | '.join(names)}", ""]
    out += ["ACCOUNT_TYPES: dict[bytes, type[Account]] = {"]
    out += [f"    {n}.DISCRIMINATOR: {n}," for n in names] + ["}"]
    out += ["#: Account size in bytes, discriminator included.", "ACCOUNT_SIZES: dict[str, int] = {"]
    out += [f"    {n!r}: {n}.SIZE," for n in names] + ["}"]
    out += [
        "",
        "",
        "def decode_account(data: bytes) -> Account:",
        '    """Decode any account of the program from its data, by discriminator."""',
        "    cls = ACCOUNT_TYPES.get(bytes(data[:8]))",
        "    if cls is None:",
        '        raise BorshError("not an account of this program: unknown discriminator")',
        "    return cls.from_account_data(data)",
        "",
        "",
        "__all__ = [",
    ]
    out += [f"    {n!r}," for n in exports_sorted(["ACCOUNT_SIZES", "ACCOUNT_TYPES", "Account", *names, "decode_account"])] + ["]"]
    return "\n".join(out) + "\n"


def gen_events(idl: dict[str, Any]) -> str:
    names = [e["name"] for e in idl["events"]]
    out = header("Program events: a decoder for `Program data:` payloads, by discriminator.")
    out += ["from typing import TypeAlias", "", "from .types import ("]
    out += [f"    {n}," for n in sorted(names)] + [")", ""]
    out.append("Event: TypeAlias = (")
    for i, n in enumerate(names):
        out.append(f"    {'| ' if i else ''}{n}")
    out += [")", "", "EVENT_TYPES: dict[bytes, type[Event]] = {"]
    out += [f"    {n}.DISCRIMINATOR: {n}," for n in names] + ["}"]
    out += [
        "",
        "",
        "def decode_event(data: bytes) -> Event | None:",
        '    """Decode one event payload (discriminator ‖ fields); None when the discriminator is unknown."""',
        "    cls = EVENT_TYPES.get(bytes(data[:8]))",
        "    return None if cls is None else cls.from_event_data(data)",
        "",
        "",
        "__all__ = [",
    ]
    out += [f"    {n!r}," for n in exports_sorted(["EVENT_TYPES", "Event", *names, "decode_event"])] + ["]"]
    return "\n".join(out) + "\n"


def bytes_literal(value: bytes) -> str:
    """Printable ASCII as a bytes literal (b'config'), anything else (an address) as hex."""
    if all(0x20 <= b < 0x7F for b in value):
        return repr(value)
    return f"bytes.fromhex({value.hex()!r})"


def seed_literal(seed: dict[str, Any]) -> str:
    if seed["kind"] == "const":
        return f"Seed('const', {bytes_literal(bytes(seed['value']))})"
    if seed["kind"] in ("account", "arg"):
        return f"Seed({seed['kind']!r}, {seed['path']!r})"
    raise GenError(f"unsupported PDA seed kind {seed['kind']!r}")


def seed_lines(prefix: str, seed: dict[str, Any], indent: int) -> list[str]:
    """`prefix` + a `Seed(...)` + ",", on one line when it fits, else one argument per line."""
    pad = " " * indent
    line = f"{pad}{prefix}{seed_literal(seed)},"
    if len(line) <= LINE:
        return [line]
    inner = seed_literal(seed)[len("Seed(") : -1].split(", ", 1)
    return [f"{pad}{prefix}Seed(", *[f"{pad}    {part}," for part in inner], f"{pad}),"]


def account_spec_lines(a: dict[str, Any]) -> list[str]:
    """One `AccountSpec(...)` of the INSTRUCTIONS table, wrapped to the line length."""
    parts = [repr(a["name"])]
    if a.get("writable"):
        parts.append("writable=True")
    if a.get("signer"):
        parts.append("signer=True")
    if a.get("address"):
        parts.append(f"address={a['address']!r}")
    seeds = a.get("pda", {}).get("seeds", [])
    program = a.get("pda", {}).get("program")
    if program is not None and not seeds:
        raise GenError(f"account {a['name']}: a PDA program without seeds")
    flat = list(parts)
    if seeds:
        flat.append(f"seeds=({', '.join(seed_literal(s) for s in seeds)},)")
    if program is not None:
        flat.append(f"program={seed_literal(program)}")
    line = f"            AccountSpec({', '.join(flat)}),"
    if len(line) <= LINE:
        return [line]
    body = [f"                {p}," for p in flat]
    if any(len(b) > LINE for b in body):
        body = [f"                {p}," for p in parts]
        if seeds:
            body.append("                seeds=(")
            for seed in seeds:
                body += seed_lines("", seed, 20)
            body.append("                ),")
        if program is not None:
            body += seed_lines("program=", program, 16)
    return ["            AccountSpec(", *body, "            ),"]


def gen_instructions(idl: dict[str, Any]) -> str:
    types = {t["name"] for t in idl["types"]}
    used: set[str] = set()
    need_pubkey = False
    for ix in idl["instructions"]:
        for a in ix["args"]:
            n = defined_name(a["type"])
            if n:
                used.add(n)
            need_pubkey |= uses_pubkey(a["type"])
    missing = used - types
    if missing:
        raise GenError(f"arguments use undefined types {missing}")
    out = header("Instruction discriminators, argument encoders and the IDL's account lists.")
    out += ["from dataclasses import dataclass", "from typing import ClassVar", ""]
    if need_pubkey:
        out += ["from solders.pubkey import Pubkey", ""]
    out += ["from dfpn.borsh import BorshError, Reader, Writer"]
    if used:
        out.append("")
        out.append(f"from .types import {', '.join(sorted(used))}")
    out += [
        "",
        "",
        "@dataclass(frozen=True, slots=True)",
        "class Seed:",
        '    """One PDA seed: `const` bytes, or the value of an `account` or `arg` named by `path`."""',
        "",
        "    kind: str",
        "    value: bytes | str",
        "",
        "",
        "@dataclass(frozen=True, slots=True)",
        "class AccountSpec:",
        '    """One account of an instruction, as the IDL lists it."""',
        "",
        "    name: str",
        "    writable: bool = False",
        "    signer: bool = False",
        "    address: str | None = None",
        "    seeds: tuple[Seed, ...] = ()",
        "    #: The program the PDA is derived under when it is not this one (the IDL's `pda.program`).",
        "    program: Seed | None = None",
        "",
        "",
        "@dataclass(frozen=True, slots=True)",
        "class InstructionSpec:",
        '    """An instruction of the IDL: name, discriminator, fixed accounts (in order) and argument names."""',
        "",
        "    name: str",
        "    discriminator: bytes",
        "    accounts: tuple[AccountSpec, ...]",
        "    args: tuple[str, ...]",
    ]
    arg_classes: list[str] = []
    for ix in idl["instructions"]:
        name = ix["name"]
        cls = pascal(name) + "Args"
        arg_classes.append(cls)
        const = upper_snake(pascal(name)) + "_DISCRIMINATOR"
        disc = ix["discriminator"]
        expected = list(hashlib.sha256(f"global:{name}".encode()).digest()[:8])
        if disc != expected:
            raise GenError(f"{name}: IDL discriminator {disc} is not sha256('global:{name}')[:8]")
        out += ["", "", f"{const} = bytes({disc})", "", "", "@dataclass(frozen=True, slots=True)", f"class {cls}:"]
        out += docstring([f"Arguments of `{name}`.", *ix.get("docs", [])], 4)
        out += ["", f"    DISCRIMINATOR: ClassVar[bytes] = {const}", f"    NAME: ClassVar[str] = {name!r}"]
        if ix["args"]:
            out.append("")
        for a in ix["args"]:
            out.append(f"    {a['name']}: {py_type(a['type'])}")
        out += [
            "",
            "    def encode(self) -> bytes:",
            '        """Instruction data: the discriminator, then the Borsh arguments."""',
            "        w = Writer()",
            "        w.raw(self.DISCRIMINATOR)",
        ]
        for a in ix["args"]:
            out += ["        " + s for s in write_stmts(a["type"], f"self.{a['name']}", a["name"], 0)]
        out += [
            "        return w.getvalue()",
            "",
            "    @classmethod",
            f"    def decode(cls, data: bytes) -> {cls}:",
            '        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""',
            "        if bytes(data[:8]) != cls.DISCRIMINATOR:",
            f'            raise BorshError("not {name} instruction data")',
            "        r = Reader(bytes(data[8:]))",
        ]
        if ix["args"]:
            out.append("        value = cls(")
            for a in ix["args"]:
                out.append(f"            {a['name']}={read_expr(a['type'])},")
            out.append("        )")
        else:
            out.append("        value = cls()")
        out += ["        r.finish()", "        return value"]
    out += ["", "", "INSTRUCTIONS: dict[str, InstructionSpec] = {"]
    for ix in idl["instructions"]:
        name = ix["name"]
        const = upper_snake(pascal(name)) + "_DISCRIMINATOR"
        out += [f"    {name!r}: InstructionSpec(", f"        name={name!r},", f"        discriminator={const},"]
        out.append("        accounts=(")
        for a in ix["accounts"]:
            out += account_spec_lines(a)
        out.append("        ),")
        args = ", ".join(repr(a["name"]) for a in ix["args"])
        line = f"        args=({args}{',' if len(ix['args']) == 1 else ''}),"
        if len(line) <= LINE:
            out.append(line)
        else:
            out += ["        args=(", *[f"            {a['name']!r}," for a in ix["args"]], "        ),"]
        out.append("    ),")
    out.append("}")
    exports = ["AccountSpec", "INSTRUCTIONS", "InstructionSpec", "Seed", *arg_classes]
    exports += [upper_snake(pascal(ix["name"])) + "_DISCRIMINATOR" for ix in idl["instructions"]]
    out += ["", "", "__all__ = ["] + [f"    {n!r}," for n in exports_sorted(exports)] + ["]"]
    return "\n".join(out) + "\n"


def gen_constants(idl: dict[str, Any]) -> str:
    out = header("The protocol's constants and enum values, as the program defines them (IDL `constants`).")
    out += ["from typing import Final", ""]
    names = []
    for c in idl.get("constants", []):
        for doc in c.get("docs", []):
            out.append(f"#: {doc}")
        if c["type"] == "bytes":
            value = repr(bytes(json.loads(c["value"])))
        elif c["type"] in INTS:
            value = f"{int(c['value']):_}" if abs(int(c["value"])) >= 10_000 else str(int(c["value"]))
        else:
            raise GenError(f"constant {c['name']}: type {c['type']} is not supported")
        out.append(f"{c['name']}: Final = {value}")
        names.append(c["name"])
    out += ["", "__all__ = ["] + [f"    {n!r}," for n in exports_sorted(names)] + ["]"]
    return "\n".join(out) + "\n"


def gen_error_codes(idl: dict[str, Any], catalogue: dict[str, Any]) -> list[str]:
    """`ErrorCode` (the SDK's codes, then the program's in code order) and each code's hint, from the catalogue."""
    program = {e["name"]: e for e in catalogue["program_errors"]}
    codes = [(e["code"], e["hint"]) for e in catalogue["sdk_errors"]]
    missing = [e["name"] for e in idl["errors"] if e["name"] not in program]
    if missing:
        raise GenError(f"idl/errors.catalogue.json has no entry for program error(s) {', '.join(missing)}")
    codes += [(program[e["name"]]["code"], program[e["name"]]["hint"]) for e in idl["errors"]]
    out = [
        "",
        "",
        "class ErrorCode(StrEnum):",
        '    """What went wrong. Program errors keep the program\'s name; the first block is the SDK\'s own."""',
        "",
    ]
    out += [f'    {code} = "{code}"' for code, _ in codes]
    out += [
        "",
        "    @property",
        "    def program_code(self) -> int | None:",
        '        """The program\'s `Custom` code for program errors, None for the SDK\'s own codes."""',
        "        member = ProgramErrorCode.__members__.get(self.value)",
        "        return None if member is None else int(member)",
        "",
        "    @classmethod",
        "    def from_program_code(cls, code: int) -> ErrorCode | None:",
        '        """The member for a program error code (6000..), None for a code the program does not define."""',
        "        try:",
        "            return cls(ProgramErrorCode(code).name)",
        "        except ValueError:",
        "            return None",
        "",
        "",
        "#: The SDK's own codes' default messages (program errors take theirs from `PROGRAM_ERRORS`).",
        "SDK_ERROR_MESSAGES: dict[ErrorCode, str] = {",
    ]
    for e in catalogue["sdk_errors"]:
        out += keyed(f"    ErrorCode.{e['code']}: ", e["message"])
    out += ["}", "", "#: What to do about each failure, appended to the message of a `DFPNError`.", "ERROR_HINTS: dict[ErrorCode, str] = {"]
    for code, hint in codes:
        out += keyed(f"    ErrorCode.{code}: ", hint)
    out.append("}")
    return out


def gen_errors(idl: dict[str, Any], catalogue: dict[str, Any]) -> str:
    out = header("The error table: program errors (IDL), the SDK's codes and hints (idl/errors.catalogue.json).")
    out += [
        "from dataclasses import dataclass",
        "from enum import IntEnum, StrEnum",
        "",
        "",
        "class ProgramErrorCode(IntEnum):",
        '    """`Custom(code)` errors of the program."""',
        "",
    ]
    for e in idl["errors"]:
        out.append(f"    {upper_snake(e['name'])} = {e['code']}")
    out += [
        "",
        "",
        "@dataclass(frozen=True, slots=True)",
        "class ProgramErrorInfo:",
        '    """One row of the IDL error table."""',
        "",
        "    code: int",
        "    name: str",
        "    msg: str",
        "",
        "",
        "PROGRAM_ERRORS: dict[int, ProgramErrorInfo] = {",
    ]
    for e in idl["errors"]:
        out.append(f"    {e['code']}: ProgramErrorInfo(")
        out.append(f"        {e['code']},")
        out.append(f"        {e['name']!r},")
        out.append(f"        {pystr(e['msg'], 8)},")
        out.append("    ),")
    out.append("}")
    out += gen_error_codes(idl, catalogue)
    exports = ["ERROR_HINTS", "ErrorCode", "PROGRAM_ERRORS", "ProgramErrorCode", "ProgramErrorInfo", "SDK_ERROR_MESSAGES"]
    out += ["", "", "__all__ = ["] + [f"    {n!r}," for n in exports_sorted(exports)] + ["]"]
    return "\n".join(out) + "\n"


def gen_init(idl: dict[str, Any], idl_bytes: bytes) -> str:
    meta = idl["metadata"]
    out = header("Codecs generated from the program's IDL (idl/dfpn.json); the SDK's modules build on these.")
    out += [
        "from solders.pubkey import Pubkey",
        "",
        "from . import accounts, constants, errors, events, instructions, types",
        "",
        f"PROGRAM_ID = Pubkey.from_string({idl['address']!r})",
        f"IDL_NAME = {meta['name']!r}",
        f"IDL_VERSION = {meta['version']!r}",
        f"IDL_SPEC = {meta['spec']!r}",
        "#: SHA-256 of the idl/dfpn.json these files were generated from.",
        f"IDL_SHA256 = {hashlib.sha256(idl_bytes).hexdigest()!r}",
        "",
        "__all__ = [",
    ]
    names = ["IDL_NAME", "IDL_SHA256", "IDL_SPEC", "IDL_VERSION", "PROGRAM_ID"]
    names += ["accounts", "constants", "errors", "events", "instructions", "types"]
    out += [f"    {n!r}," for n in names] + ["]"]
    return "\n".join(out) + "\n"


def render() -> dict[str, str]:
    idl_bytes = IDL_PATH.read_bytes()
    idl = json.loads(idl_bytes)
    spec = idl.get("metadata", {}).get("spec")
    if spec != "0.1.0":
        raise GenError(f"IDL spec {spec!r}: this generator reads Anchor IDL spec 0.1.0")
    return {
        "__init__.py": gen_init(idl, idl_bytes),
        "types.py": gen_types(idl),
        "accounts.py": gen_accounts(idl),
        "events.py": gen_events(idl),
        "instructions.py": gen_instructions(idl),
        "errors.py": gen_errors(idl, json.loads(CATALOGUE_PATH.read_text())),
        "constants.py": gen_constants(idl),
    }


def main(argv: list[str]) -> int:
    check = "--check" in argv
    unknown = [a for a in argv if a != "--check"]
    if unknown:
        print(f"usage: {Path(__file__).name} [--check]", file=sys.stderr)
        return 2
    try:
        files = render()
    except (GenError, KeyError, OSError, ValueError) as e:
        print(f"gen_python: {e}", file=sys.stderr)
        return 2
    rel = OUT_DIR.relative_to(ROOT)
    if check:
        stale = [n for n, text in files.items() if not (OUT_DIR / n).is_file() or (OUT_DIR / n).read_text() != text]
        extra = sorted(p.name for p in OUT_DIR.glob("*.py") if p.name not in files) if OUT_DIR.is_dir() else []
        if stale or extra:
            for n in stale:
                print(f"stale: {rel / n}", file=sys.stderr)
            for n in extra:
                print(f"not generated (remove it): {rel / n}", file=sys.stderr)
            print("run `python3 scripts/gen_python.py` and commit the result", file=sys.stderr)
            return 1
        print(f"{rel}: up to date with {IDL_PATH.relative_to(ROOT)}")
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for n, text in files.items():
        path = OUT_DIR / n
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {rel / n}")
    for p in OUT_DIR.glob("*.py"):
        if p.name not in files:
            p.unlink()
            print(f"removed {rel / p.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
