"""The challenger's own errors. Chain failures stay `dfpn.DFPNError` (with their `ErrorCode`)."""

from __future__ import annotations


class ChallengerError(Exception):
    """The challenger cannot run as configured (a key that is not a registered challenger, a bad option)."""


class CorpusError(ChallengerError):
    """The labelled corpus cannot be used: a missing or empty folder, a bad manifest, an unreadable, oversize or
    undecodable file. The message names every file at fault."""


class MediaError(ChallengerError):
    """One media file cannot be transformed: its format, its size (bytes, pixels, seconds), or a transform that
    does not move its perceptual hash far enough."""


class StateError(ChallengerError):
    """The state file cannot be used (another challenger's state, an unreadable database)."""


__all__ = ["ChallengerError", "CorpusError", "MediaError", "StateError"]
