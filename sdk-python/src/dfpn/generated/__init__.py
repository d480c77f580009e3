# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit.
"""Codecs generated from the program's IDL (idl/dfpn.json); the SDK's modules build on these."""

from __future__ import annotations

from solders.pubkey import Pubkey

from . import accounts, constants, errors, events, instructions, types

PROGRAM_ID = Pubkey.from_string('14UaT5Z7TsogWsWyzf45m9PNXcSeH29esMMsJ8NRFFnp')
IDL_NAME = 'dfpn'
IDL_VERSION = '0.1.0'
IDL_SPEC = '0.1.0'
#: SHA-256 of the idl/dfpn.json these files were generated from.
IDL_SHA256 = 'dd76af4cca9d718656c55e14a6c07cc3a74c0f385ea9ea3945516928a3a227c3'

__all__ = [
    'IDL_NAME',
    'IDL_SHA256',
    'IDL_SPEC',
    'IDL_VERSION',
    'PROGRAM_ID',
    'accounts',
    'constants',
    'errors',
    'events',
    'instructions',
    'types',
]
