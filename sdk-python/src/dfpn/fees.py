"""The request fee, computed from the on-chain configuration exactly as the program does (docs/protocol.md, "Fees").

The rule itself is `dfpn.protocol.request_fee`; this module adds the SDK's conveniences (modality lists, SOL).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from dfpn.generated.types import Config, ConfigParams
from dfpn.models import Modality
from dfpn.protocol import request_fee

logger = logging.getLogger(__name__)

LAMPORTS_PER_SOL = 1_000_000_000


def fee_from_params(
    params: ConfigParams, modalities: Iterable[Modality | int] | int, min_workers: int
) -> int:
    """The fee in lamports the program records for a request with these modalities and `min_workers`."""
    mask = modalities if isinstance(modalities, int) else Modality.mask(modalities)
    return request_fee(params, mask, min_workers)


def estimate_fee(config: Config, modalities: Iterable[Modality | int] | int, min_workers: int) -> int:
    """`fee_from_params` over a decoded `Config` account."""
    return fee_from_params(config.params, modalities, min_workers)


def sol_to_lamports(sol: Decimal | float | int | str) -> int:
    """SOL to lamports, exactly for decimal inputs such as 0.01 (no binary float rounding)."""
    if isinstance(sol, bool):
        raise ValueError(f"{sol!r} is not an amount of SOL")
    try:
        value = Decimal(str(sol)) * LAMPORTS_PER_SOL
    except InvalidOperation as e:
        raise ValueError(f"{sol!r} is not an amount of SOL") from e
    if value != value.to_integral_value() or value < 0:
        raise ValueError(f"{sol!r} SOL is not a whole, non-negative number of lamports")
    return int(value)


def lamports_to_sol(lamports: int) -> Decimal:
    """Lamports to SOL, exactly."""
    return Decimal(lamports) / LAMPORTS_PER_SOL


__all__ = ["LAMPORTS_PER_SOL", "estimate_fee", "fee_from_params", "lamports_to_sol", "sol_to_lamports"]
