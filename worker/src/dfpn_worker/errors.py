"""The worker's own error: the node cannot run as configured."""

from __future__ import annotations


class WorkerError(Exception):
    """The node cannot run as configured (not registered, no detectors, a bad storage setting)."""


__all__ = ["WorkerError"]
