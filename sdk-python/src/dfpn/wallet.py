"""Keypair files: the Solana CLI's format (a JSON array of the 64 secret-key bytes)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from solders.keypair import Keypair

from dfpn.errors import DFPNError, ErrorCode

logger = logging.getLogger(__name__)


def load_keypair(path: str | Path) -> Keypair:
    """A Solana CLI keypair file: a JSON array of 64 bytes (`~` expanded, relative to the working directory).
    A missing, unreadable or malformed file is `INVALID_ARGUMENT` naming the file and what is wrong with it."""
    p = Path(path).expanduser().absolute()
    try:
        raw = json.loads(p.read_text())
        return Keypair.from_bytes(bytes(raw))
    except FileNotFoundError as e:
        raise DFPNError(
            ErrorCode.INVALID_ARGUMENT,
            f"keypair file {p} does not exist (create one with `solana-keygen new -o {p}`).",
        ) from e
    except OSError as e:  # a directory, no permission, an I/O error
        raise DFPNError(
            ErrorCode.INVALID_ARGUMENT, f"keypair file {p} cannot be read: {e.strerror or e}."
        ) from e
    except (ValueError, TypeError) as e:
        raise DFPNError(
            ErrorCode.INVALID_ARGUMENT, f"{p} is not a Solana keypair file (a JSON array of 64 bytes): {e}"
        ) from e


def write_keypair(path: str | Path, keypair: Keypair | None = None) -> Keypair:
    """Write `keypair` (a new one by default) as a Solana CLI keypair file readable only by its owner."""
    keypair = keypair or Keypair()
    p = Path(path).expanduser()
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(list(bytes(keypair)), f)
    return keypair


__all__ = ["load_keypair", "write_keypair"]
