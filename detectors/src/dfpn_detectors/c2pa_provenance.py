"""C2PA provenance (Content Credentials) for every modality, read offline with c2pa-python.

What it sees: a manifest embedded in JPEG, PNG, WebP, HEIF/AVIF, WAV, MP3, FLAC, MP4/MOV, … whose signature and
hashes it checks. ``trainedAlgorithmicMedia`` (or a composite with it) as the digital source type means
AI-generated; a data-hash mismatch means the content was edited after signing. A valid manifest from a trusted
signer declaring a capture source type gives Authentic.
What it cannot see: anything about a file without a manifest (most files: stripping the manifest is trivial), so
that case is Inconclusive. Claims of authenticity from signers outside the configured trust anchors are not
believed (anyone can make a certificate); claims of AI generation are, since nobody gains by a false one.
Remote manifests and OCSP are never fetched.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dfpn_detectors.base import (
    Analysis,
    Detection,
    Evidence,
    GuardedDetector,
    Media,
    MediaError,
    Modality,
    Verdict,
)
from dfpn_detectors.media import MediaLimits, check_size

logger = logging.getLogger(__name__)

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_SOURCE_TYPES = {"trainedAlgorithmicMedia", "algorithmicMedia"}
AI_COMPOSITE_TYPES = {"compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"}
CAPTURE_SOURCE_TYPES = {"digitalCapture", "negativeFilm", "positiveFilm", "print", "computationalCapture",
                        "compositeCapture", "minorHumanEdits"}
HASH_MISMATCH_CODES = {"assertion.dataHash.mismatch", "assertion.bmffHash.mismatch", "assertion.boxesHash.mismatch",
                       "assertion.collectionHash.mismatch"}
TAMPER_CODES = {"claimSignature.mismatch", "assertion.hashedURI.mismatch", "claimSignature.missing",
                "assertion.missing", "assertion.cbor.invalid", "assertion.json.invalid"}
#: Actions that are not edits of the content.
NON_EDIT_ACTIONS = {"c2pa.created", "c2pa.opened", "c2pa.placed", "c2pa.published", "c2pa.repackaged",
                    "c2pa.transcoded", "c2pa.converted"}


def _source_type(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return value.rsplit("/", 1)[-1]


def _actions(manifest: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for assertion in manifest.get("assertions") or []:
        label = str(assertion.get("label", ""))
        if label.startswith("c2pa.actions"):
            yield from (assertion.get("data") or {}).get("actions") or []


def _failure_codes(reader: Any, store: Mapping[str, Any]) -> set[str]:
    codes: set[str] = set()
    try:
        results = reader.get_validation_results() or {}
        for key in ("activeManifest",):
            for item in (results.get(key) or {}).get("failure") or []:
                codes.add(str(item.get("code")))
        for ingredient in results.get("ingredientDeltas") or []:
            for item in ((ingredient.get("validationDeltas") or {}).get("failure")) or []:
                codes.add("ingredient:" + str(item.get("code")))
    except Exception as exc:
        logger.debug("no validation results: %s", exc)
    for item in store.get("validation_status") or []:
        codes.add(str(item.get("code")))
    return codes


class C2paProvenanceDetector(GuardedDetector):
    """Content Credentials: AI-generation declarations, edits after signing, trusted capture claims."""

    model_id = "c2pa-provenance"
    modalities = frozenset(Modality)
    media_kinds = frozenset({"image", "video", "audio"})
    evidence = Evidence.PROVENANCE

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        import c2pa

        config = config or {}
        self.limits = MediaLimits.from_config(config)
        anchors = config.get("trust_anchors")
        if isinstance(anchors, str | Path) and not str(anchors).lstrip().startswith("-----BEGIN"):
            anchors = Path(anchors).read_text("ascii")
        self.trust_configured = bool(anchors)
        self.accept_untrusted = bool(config.get("accept_untrusted", False))
        settings: dict[str, Any] = {
            "verify": {
                "verify_after_reading": True,
                "verify_trust": self.trust_configured,
                "verify_timestamp_trust": False,
                "ocsp_fetch": False,
                "remote_manifest_fetch": False,
            },
            "core": {"allowed_network_hosts": []},
        }
        if anchors:
            settings["trust"] = {"trust_anchors": str(anchors)}
        self._context = c2pa.Context.from_dict(settings)

    def _analyze(self, media: Media) -> Analysis:
        import c2pa

        check_size(media, self.limits)
        mime = media.sniffed_mime
        if mime is None:
            raise MediaError("unsupported_media", "unknown content type")
        try:
            reader = c2pa.Reader.try_create(mime, io.BytesIO(media.data), None, self._context)
        except c2pa.C2paError as exc:
            name = type(exc).__name__
            if "NotSupported" in name:
                raise MediaError("unsupported_media", f"C2PA cannot read {mime}: {exc}") from exc
            if "RemoteManifest" in name:
                return Analysis.inconclusive(self.model_id, f"remote manifest not fetched (offline): {exc}",
                                             [Detection(type="c2pa_remote_manifest", confidence=1.0)])
            raise MediaError("corrupt_media", f"C2PA could not parse the {mime} asset: {exc}") from exc
        if reader is None:
            return Analysis.nothing_found(self.model_id, f"no C2PA manifest ({mime})")
        with reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state() or "Unknown"
            codes = _failure_codes(reader, store)
        return self._judge(store, state, codes)

    def _judge(self, store: Mapping[str, Any], state: str, codes: set[str]) -> Analysis:
        manifests: Mapping[str, Any] = store.get("manifests") or {}
        active_label = str(store.get("active_manifest") or "")
        active: Mapping[str, Any] = manifests.get(active_label) or {}
        signer = (active.get("signature_info") or {}).get("common_name") or "unknown signer"
        trusted = state == "Trusted"
        facts = f"manifest by {signer!r}, validation {state}"
        if codes:
            facts += f", failures: {', '.join(sorted(codes))}"

        if codes & HASH_MISMATCH_CODES:
            return Analysis(
                model_id=self.model_id, verdict=Verdict.MANIPULATED, confidence=90,
                detections=(Detection(type="c2pa_hash_mismatch", confidence=0.95),),
                notes=f"content changed after signing; {facts}")
        if codes & TAMPER_CODES:
            return Analysis(
                model_id=self.model_id, verdict=Verdict.MANIPULATED, confidence=75,
                detections=(Detection(type="c2pa_manifest_tampered", confidence=0.8),),
                notes=f"manifest or signature does not verify; {facts}")

        active_types = {t for a in _actions(active) if (t := _source_type(a.get("digitalSourceType")))}
        other_types = {
            t for label, m in manifests.items() if label != active_label
            for a in _actions(m) if (t := _source_type(a.get("digitalSourceType")))
        }
        edits = sorted({str(a.get("action")) for a in _actions(active)} - NON_EDIT_ACTIONS)
        if active_types & AI_SOURCE_TYPES:
            return Analysis(
                model_id=self.model_id, verdict=Verdict.MANIPULATED, confidence=97 if trusted else 90,
                detections=(Detection(type="c2pa_ai_generated", confidence=0.99 if trusted else 0.9),),
                notes=f"declared AI-generated ({', '.join(sorted(active_types))}); {facts}")
        if active_types & AI_COMPOSITE_TYPES or other_types & (AI_SOURCE_TYPES | AI_COMPOSITE_TYPES):
            return Analysis(
                model_id=self.model_id, verdict=Verdict.MANIPULATED, confidence=90 if trusted else 80,
                detections=(Detection(type="c2pa_ai_composite", confidence=0.9 if trusted else 0.8),),
                notes=f"declared AI content in the composite or an ingredient; {facts}")
        if state == "Invalid":
            return Analysis.inconclusive(self.model_id, f"manifest does not validate; {facts}",
                                         [Detection(type="c2pa_invalid", confidence=0.5)])
        capture = bool(active_types & CAPTURE_SOURCE_TYPES)
        detections = [Detection(type="c2pa_declared_edits", confidence=0.5)] if edits else []
        if capture and (trusted or self.accept_untrusted):
            conf = (90 if trusted else 60) - (20 if edits else 0)
            return Analysis(
                model_id=self.model_id, verdict=Verdict.AUTHENTIC, confidence=conf,
                detections=(Detection(type="c2pa_capture", confidence=conf / 100), *detections),
                notes=f"declared capture ({', '.join(sorted(active_types))})"
                + (f", declared edits {edits}" if edits else "") + f"; {facts}")
        why = "signer not in the trust anchors" if capture else "no capture or AI source type declared"
        return Analysis.nothing_found(self.model_id, f"valid manifest but {why}; {facts}",
                                     [Detection(type="c2pa_present", confidence=0.5), *detections])
