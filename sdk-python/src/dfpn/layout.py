"""Byte offsets of account fields, for `getProgramAccounts` filters (`memcmp`) and slices (`dataSlice`).

The offsets are not written down anywhere by hand: they are measured from the generated codecs (which follow the
IDL), by encoding an all-zero account and noting where each field starts. So a layout change in the IDL moves the
filters with it.

```python
from dfpn.generated.types import Request, Worker
offset(Worker, "pool_index")              # where a worker's pool index starts in its account data
offsets(Request, "authority")             # each seat's authority, seat order (10 seats)
```
"""

from __future__ import annotations

import functools
import struct
from typing import ClassVar, Protocol

from solders.pubkey import Pubkey

from dfpn.borsh import Writer

#: Account data starts with the 8-byte Anchor discriminator; the fields follow.
DISCRIMINATOR_LEN = 8


class _Account(Protocol):
    DISCRIMINATOR: ClassVar[bytes]
    SIZE: ClassVar[int]

    @classmethod
    def decode(cls, data: bytes) -> _Account: ...

    def encode(self) -> bytes: ...

    def write(self, w: Writer) -> None: ...


class _Recorder(Writer):
    """A Borsh writer that notes the offset and length of every named value it writes."""

    __slots__ = ("fields",)

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, int, int]] = []

    def _note(self, name: str, start: int) -> None:
        self.fields.append((name, start, len(self.getvalue()) - start))

    def _pack(self, s: struct.Struct, value: int, name: str) -> None:
        start = len(self.getvalue())
        super()._pack(s, value, name)
        self._note(name, start)

    def fixed_bytes(self, value: bytes, n: int, name: str = "value") -> None:
        start = len(self.getvalue())
        super().fixed_bytes(value, n, name)
        self._note(name, start)

    def pubkey(self, value: Pubkey, name: str = "value") -> None:
        start = len(self.getvalue())
        super().pubkey(value, name)
        self._note(name, start)

    def bool(self, value: bool, name: str = "value") -> None:
        start = len(self.getvalue())
        super().bool(value, name)
        self._note(name, start)


@functools.cache
def fields(account: type[_Account]) -> tuple[tuple[str, int, int], ...]:
    """(field name, offset in the account data, length) of every scalar field of a fixed-size account type, in
    layout order. Fields of nested structs (a request's seats) appear once per occurrence, by their own name."""
    empty = account.decode(bytes(account.SIZE - DISCRIMINATOR_LEN))
    recorder = _Recorder()
    empty.write(recorder)
    if len(recorder.getvalue()) != account.SIZE - DISCRIMINATOR_LEN:
        raise ValueError(f"{account.__name__}: the codec wrote {len(recorder.getvalue())} bytes")
    return tuple((name, DISCRIMINATOR_LEN + start, length) for name, start, length in recorder.fields)


def offsets(account: type[_Account], name: str) -> list[int]:
    """Every offset of the field `name` in the account data (one per occurrence, in layout order)."""
    return [start for field, start, _ in fields(account) if field == name]


def offset(account: type[_Account], name: str) -> int:
    """The offset of the field `name`, which must occur exactly once in the account's layout."""
    found = offsets(account, name)
    if len(found) != 1:
        raise KeyError(f"{account.__name__}.{name}: {len(found)} occurrences")
    return found[0]


def length(account: type[_Account], name: str) -> int:
    """The encoded length of the field `name` (its first occurrence)."""
    for field, _, size in fields(account):
        if field == name:
            return size
    raise KeyError(f"{account.__name__}.{name}: no such field")


__all__ = ["DISCRIMINATOR_LEN", "fields", "length", "offset", "offsets"]
