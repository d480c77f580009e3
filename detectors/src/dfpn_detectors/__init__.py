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

__version__ = "0.1.0"

#: Which reference detectors answer each modality (what a worker may run for a request of that modality).
RECOMMENDED: dict[Modality, tuple[str, ...]] = {
    Modality.IMAGE_AUTHENTICITY: ("c2pa-provenance", "jpeg-ghost", "ela"),
    Modality.FACE_MANIPULATION: ("c2pa-provenance", "blazeface-consistency", "video-frames"),
    Modality.AI_GENERATED_IMAGE: ("c2pa-provenance", "ai-metadata-rules", "sd-watermark-dwtdct"),
    Modality.VIDEO_AUTHENTICITY: ("c2pa-provenance", "video-frames"),
    Modality.VOICE_CLONING: ("c2pa-provenance", "voice-spectral"),
}

__all__ = [
    "ENTRY_POINT_GROUP",
    "RECOMMENDED",
    "Analysis",
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
    "available_detectors",
    "check_media",
    "check_model_id",
    "combine",
    "decide",
    "load_detectors",
]
