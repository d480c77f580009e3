"""Minimal Borsh reader and writer used by the generated codecs (little-endian, no padding).

Borsh is what Anchor puts on the wire: fixed-width little-endian integers, `bool` as one byte (0 or 1),
`String`/`Vec<T>` as a `u32` length then the items, fixed arrays as their items, `Pubkey` as 32 bytes.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable, Sequence
from typing import TypeVar

from solders.pubkey import Pubkey

logger = logging.getLogger(__name__)

T = TypeVar("T")

_U8 = struct.Struct("<B")
_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_I64 = struct.Struct("<q")


class BorshError(ValueError):
    """Bytes that are not the Borsh encoding of the expected type (short, trailing or out-of-range data)."""


class Reader:
    """Reads Borsh values from `data`, front to back."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = bytes(data)
        self._pos = 0

    @property
    def remaining(self) -> int:
        return len(self._data) - self._pos

    def finish(self) -> None:
        """Fail unless every byte was read (Anchor and the program reject trailing bytes too)."""
        if self.remaining:
            raise BorshError(f"{self.remaining} trailing bytes")

    def fixed_bytes(self, n: int) -> bytes:
        if self.remaining < n:
            raise BorshError(f"need {n} bytes at offset {self._pos}, have {self.remaining}")
        out = self._data[self._pos : self._pos + n]
        self._pos += n
        return out

    def _unpack(self, s: struct.Struct) -> int:
        value: int = s.unpack(self.fixed_bytes(s.size))[0]
        return value

    def u8(self) -> int:
        return self._unpack(_U8)

    def u16(self) -> int:
        return self._unpack(_U16)

    def u32(self) -> int:
        return self._unpack(_U32)

    def u64(self) -> int:
        return self._unpack(_U64)

    def i64(self) -> int:
        return self._unpack(_I64)

    def bool(self) -> bool:
        b = self.u8()
        if b > 1:
            raise BorshError(f"bool byte {b} is neither 0 nor 1")
        return b == 1

    def pubkey(self) -> Pubkey:
        return Pubkey.from_bytes(self.fixed_bytes(32))

    def string(self) -> str:
        n = self.u32()
        raw = self.fixed_bytes(n)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise BorshError(f"string is not UTF-8: {e}") from e

    def vec(self, item: Callable[[], T]) -> tuple[T, ...]:
        n = self.u32()
        return tuple(item() for _ in range(n))

    def array(self, n: int, item: Callable[[], T]) -> tuple[T, ...]:
        return tuple(item() for _ in range(n))


class Writer:
    """Accumulates Borsh values; `bytes(writer)` or `getvalue()` gives the encoding."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    def getvalue(self) -> bytes:
        return bytes(self._buf)

    def __bytes__(self) -> bytes:
        return self.getvalue()

    def raw(self, data: bytes) -> None:
        self._buf += data

    def fixed_bytes(self, value: bytes, n: int, name: str = "value") -> None:
        if len(value) != n:
            raise BorshError(f"{name}: expected {n} bytes, got {len(value)}")
        self._buf += value

    def _pack(self, s: struct.Struct, value: int, name: str) -> None:
        try:
            self._buf += s.pack(value)
        except struct.error as e:
            raise BorshError(f"{name}: {value!r} does not fit ({e})") from e

    def u8(self, value: int, name: str = "value") -> None:
        self._pack(_U8, value, name)

    def u16(self, value: int, name: str = "value") -> None:
        self._pack(_U16, value, name)

    def u32(self, value: int, name: str = "value") -> None:
        self._pack(_U32, value, name)

    def u64(self, value: int, name: str = "value") -> None:
        self._pack(_U64, value, name)

    def i64(self, value: int, name: str = "value") -> None:
        self._pack(_I64, value, name)

    def bool(self, value: bool, name: str = "value") -> None:
        self._buf.append(1 if value else 0)

    def pubkey(self, value: Pubkey, name: str = "value") -> None:
        self._buf += bytes(value)

    def string(self, value: str, name: str = "value") -> None:
        raw = value.encode("utf-8")
        self.u32(len(raw), name)
        self._buf += raw

    def length(self, items: Sequence[object], expected: int | None, name: str) -> None:
        """Check a fixed array's length (`expected`) or write a vec's `u32` length (`expected` None)."""
        if expected is None:
            self.u32(len(items), name)
        elif len(items) != expected:
            raise BorshError(f"{name}: expected {expected} items, got {len(items)}")
