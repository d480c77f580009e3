"""DFPN detectors: media in, detections out. Knows nothing of the chain.

The contract lives in :mod:`dfpn_detectors.base`; detectors are discovered through the ``dfpn.detectors`` entry
point group (entry point name = on-chain model id) by :func:`load_detectors`.
"""

from dfpn_detectors.base import (
    ENTRY_POINT_GROUP,
    Analysis,
    Detection,
    Detector,
    Evidence,
    GuardedDetector,
    Media,
    MediaError,
    MediaKind,
    MediaTooLargeError,
    Modality,
    Region,
    Verdict,
    available_detectors,
    check_model_id,
    combine,
    decide,
    load_detectors,
)
from dfpn_detectors.media import MediaLimits, check_media
from dfpn_detectors.policy import MODALITIES_BY_KIND, Assessment, assess

__version__ = "0.1.0"

__all__ = [
    "ENTRY_POINT_GROUP",
    "MODALITIES_BY_KIND",
    "Analysis",
    "Assessment",
    "Detection",
    "Detector",
    "Evidence",
    "GuardedDetector",
    "Media",
    "MediaError",
    "MediaKind",
    "MediaLimits",
    "MediaTooLargeError",
    "Modality",
    "Region",
    "Verdict",
    "assess",
    "available_detectors",
    "check_media",
    "check_model_id",
    "combine",
    "decide",
    "load_detectors",
]
