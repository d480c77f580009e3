"""DFPN reference worker node: stake SOL, run deepfake detectors on requests, commit and reveal verdicts.

`WorkerNode` is the node (any `dfpn.transport.Transport`); `dfpn-worker` (`dfpn_worker.cli`) is the command.
"""

from __future__ import annotations

import logging

from dfpn_worker.config import WorkerConfig, load_config
from dfpn_worker.metrics import Metrics
from dfpn_worker.node import WorkerError, WorkerNode
from dfpn_worker.state import Job, Phase, StateStore

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "Job",
    "Metrics",
    "Phase",
    "StateStore",
    "WorkerConfig",
    "WorkerError",
    "WorkerNode",
    "__version__",
    "load_config",
]
