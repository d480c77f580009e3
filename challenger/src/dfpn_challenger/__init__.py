"""DFPN known-answer challenger: labelled media, transformed so nobody recognises them, submitted as ordinary-looking
requests whose attestation commits to the label; after the workers reveal, the label is revealed and the program
pays the workers that matched it and slashes the others. The service reports each worker's accuracy.

`Challenger` is the service (any `dfpn.AsyncDFPNClient`); `dfpn-challenger` (`dfpn_challenger.cli`) the command.
"""

from __future__ import annotations

import logging

from dfpn_challenger.corpus import Corpus, CorpusItem, load_corpus
from dfpn_challenger.errors import ChallengerError, CorpusError, MediaError, StateError
from dfpn_challenger.media import Limits
from dfpn_challenger.phash import ahash, dhash
from dfpn_challenger.report import Report, WorkerAccuracy, build_report, print_table, write_report
from dfpn_challenger.sample import sample_corpus
from dfpn_challenger.service import Challenger, ChallengerConfig
from dfpn_challenger.state import ChallengeRecord, ChallengeStore, Outcome, Phase, SeatOutcome
from dfpn_challenger.transform import Transformed, TransformParams, transform_file, transform_media

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "ChallengeRecord",
    "ChallengeStore",
    "Challenger",
    "ChallengerConfig",
    "ChallengerError",
    "Corpus",
    "CorpusError",
    "CorpusItem",
    "Limits",
    "MediaError",
    "Outcome",
    "Phase",
    "Report",
    "SeatOutcome",
    "StateError",
    "TransformParams",
    "Transformed",
    "WorkerAccuracy",
    "__version__",
    "ahash",
    "build_report",
    "dhash",
    "load_corpus",
    "print_table",
    "sample_corpus",
    "transform_file",
    "transform_media",
    "write_report",
]
