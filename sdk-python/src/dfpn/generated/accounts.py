# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit.
"""Program accounts: discriminators, sizes and a decoder that picks the type by discriminator."""

from __future__ import annotations

from typing import TypeAlias

from dfpn.borsh import BorshError

from .types import Challenger, Config, Model, Request, Vault, Worker

Account: TypeAlias = Config | Vault | Model | Worker | Request | Challenger

ACCOUNT_TYPES: dict[bytes, type[Account]] = {
    Config.DISCRIMINATOR: Config,
    Vault.DISCRIMINATOR: Vault,
    Model.DISCRIMINATOR: Model,
    Worker.DISCRIMINATOR: Worker,
    Request.DISCRIMINATOR: Request,
    Challenger.DISCRIMINATOR: Challenger,
}
#: Account size in bytes, discriminator included.
ACCOUNT_SIZES: dict[str, int] = {
    'Config': Config.SIZE,
    'Vault': Vault.SIZE,
    'Model': Model.SIZE,
    'Worker': Worker.SIZE,
    'Request': Request.SIZE,
    'Challenger': Challenger.SIZE,
}


def decode_account(data: bytes) -> Account:
    """Decode any account of the program from its data, by discriminator."""
    cls = ACCOUNT_TYPES.get(bytes(data[:8]))
    if cls is None:
        raise BorshError("not an account of this program: unknown discriminator")
    return cls.from_account_data(data)


__all__ = [
    'ACCOUNT_SIZES',
    'ACCOUNT_TYPES',
    'Account',
    'Challenger',
    'Config',
    'Model',
    'Request',
    'Vault',
    'Worker',
    'decode_account',
]
