"""DFPN (Deepfake Proof Network) Python SDK.

Submit media for deepfake analysis by staked workers and get an on-chain-audited verdict::

    from dfpn import DFPNClient, Modality
    with DFPNClient(network="local") as client:      # an embedded network, with workers when dfpn[local] is in
        result = client.analyze("photo.jpg", progress=print)
        # or step by step:
        request = client.submit_request(media_path="photo.jpg", modalities=[Modality.FACE_MANIPULATION],
                                        min_workers=3, max_fee=0.01, deadline_seconds=300)   # max_fee in SOL
        result = client.wait_for_result(request.id, timeout=360)
"""

from __future__ import annotations

import logging

from dfpn.client import AsyncDFPNClient, DFPNClient
from dfpn.commitment import Challenge, challenge_attestation
from dfpn.errors import DFPNError, ErrorCode
from dfpn.fees import LAMPORTS_PER_SOL, estimate_fee, fee_from_params
from dfpn.generated import PROGRAM_ID
from dfpn.local import LOCAL_PARAMS, REFERENCE_PARAMS, LocalNetwork
from dfpn.models import (
    ALL_MODALITIES,
    AnalysisProgress,
    AnalysisResult,
    Audit,
    ConsensusType,
    Detection,
    DrawResult,
    FeeEstimate,
    Modality,
    Region,
    RequestInfo,
    RequestStatus,
    SeatInfo,
    SeatState,
    SubmittedRequest,
    Verdict,
    WorkerResult,
)
from dfpn.rpc import RpcTransport
from dfpn.transport import AccountInfo, TransactionRecord, Transport
from dfpn.wallet import load_keypair, write_keypair

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "ALL_MODALITIES",
    "LAMPORTS_PER_SOL",
    "LOCAL_PARAMS",
    "PROGRAM_ID",
    "REFERENCE_PARAMS",
    "AccountInfo",
    "AnalysisProgress",
    "AnalysisResult",
    "AsyncDFPNClient",
    "Audit",
    "Challenge",
    "ConsensusType",
    "DFPNClient",
    "DFPNError",
    "Detection",
    "DrawResult",
    "ErrorCode",
    "FeeEstimate",
    "LocalNetwork",
    "Modality",
    "Region",
    "RequestInfo",
    "RequestStatus",
    "RpcTransport",
    "SeatInfo",
    "SeatState",
    "SubmittedRequest",
    "TransactionRecord",
    "Transport",
    "Verdict",
    "WorkerResult",
    "__version__",
    "challenge_attestation",
    "estimate_fee",
    "fee_from_params",
    "load_keypair",
    "write_keypair",
]
