"""The request fee, computed from the on-chain configuration exactly as the program does (docs/protocol.md, "Fees").

`base = Σ base_fees[m]` over the requested modalities;
`fee = base + ⌊base × (min_workers − 1) × worker_surcharge_bps / 10 000⌋`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from dfpn.generated.types import Config, ConfigParams
from dfpn.models import Modality

logger = logging.getLogger(__name__)

BPS = 10_000
MAX_SEATS = 10
LAMPORTS_PER_SOL = 1_000_000_000


def fee_from_params(
    params: ConfigParams, modalities: Iterable[Modality | int] | int, min_workers: int
) -> int:
    """The fee in lamports the program records for a request with these modalities and `min_workers`."""
    mask = modalities if isinstance(modalities, int) else Modality.mask(modalities)
    if mask == 0 or mask >= 1 << len(params.base_fees):
        raise ValueError(f"modalities mask {mask}: name at least one known modality")
    if not 1 <= min_workers <= MAX_SEATS:
        raise ValueError(f"min_workers {min_workers}: must be 1..{MAX_SEATS}")
    base = sum(fee for bit, fee in enumerate(params.base_fees) if mask & (1 << bit))
    return base + base * (min_workers - 1) * params.worker_surcharge_bps // BPS


def estimate_fee(config: Config, modalities: Iterable[Modality | int] | int, min_workers: int) -> int:
    """`fee_from_params` over a decoded `Config` account."""
    return fee_from_params(config.params, modalities, min_workers)


def sol_to_lamports(sol: float | int | str) -> int:
    """SOL to lamports, exactly for decimal inputs such as 0.01 (no binary float rounding)."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(sol)) * LAMPORTS_PER_SOL
    except InvalidOperation as e:
        raise ValueError(f"{sol!r} is not an amount of SOL") from e
    if value != value.to_integral_value() or value < 0:
        raise ValueError(f"{sol!r} SOL is not a whole, non-negative number of lamports")
    return int(value)


def lamports_to_sol(lamports: int) -> float:
    return lamports / LAMPORTS_PER_SOL


__all__ = ["LAMPORTS_PER_SOL", "estimate_fee", "fee_from_params", "lamports_to_sol", "sol_to_lamports"]
