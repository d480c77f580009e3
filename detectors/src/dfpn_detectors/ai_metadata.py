"""AI-generated image: what the file's own metadata says (PNG text chunks, EXIF, XMP, JPEG comments).

The rules live in ``data/ai_metadata_rules.json`` (in the package, no network). A match is strong evidence —
files rarely claim a generator they did not come from — but metadata is stripped by most re-uploads and
trivially removed, so the absence of a match is Inconclusive, never Authentic.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

from dfpn_detectors.base import Analysis, Detection, Evidence, GuardedDetector, Media, Modality, decide
from dfpn_detectors.media import MediaLimits, decode_image, open_image

logger = logging.getLogger(__name__)

RAW_SCAN_BYTES = 256 * 1024


def metadata_bytes(data: bytes) -> bytes:
    """The part of a file where metadata lives: a JPEG's segments before its first scan, else the first 256 KiB."""
    if data.startswith(b"\xff\xd8"):
        sos = data.find(b"\xff\xda")
        if sos > 0:
            return data[: min(sos, RAW_SCAN_BYTES)]
    return data[:RAW_SCAN_BYTES]


@dataclass(frozen=True)
class Rule:
    id: str
    field: str
    pattern: re.Pattern[str]
    confidence: float
    generator: str


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """The packaged rules, or those of a JSON file in the same format."""
    if path is None:
        text = resources.files("dfpn_detectors").joinpath("data/ai_metadata_rules.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    doc = json.loads(text)
    return [
        Rule(r["id"], r["field"], re.compile(r["pattern"], re.IGNORECASE | re.DOTALL), float(r["confidence"]),
             r["generator"])
        for r in doc["rules"]
    ]


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        if value[:8] in (b"ASCII\x00\x00\x00", b"JIS\x00\x00\x00\x00\x00"):
            return value[8:].decode("latin-1", errors="replace")
        if value[:8] == b"UNICODE\x00":
            body = value[8:]
            utf16 = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
            return body.decode(utf16, errors="replace")
        return value.decode("utf-8", errors="replace")
    return str(value)


def extract_fields(info: Mapping[Any, Any], raw: bytes = b"") -> dict[str, str]:
    """Named text fields: ``png:<key>`` for PNG text chunks, ``exif:<tag>``, ``xmp``, ``comment``, ``raw``
    (``metadata_bytes`` of the file as latin-1, for metadata Pillow does not parse)."""
    fields: dict[str, str] = {}
    for key, value in info.items():
        if not isinstance(key, str):
            continue
        if key in ("exif", "icc_profile", "dpi", "gamma", "transparency", "chromaticity", "srgb", "aspect"):
            continue
        if key in ("xmp", "XML:com.adobe.xmp"):
            fields["xmp"] = _text(value)
        elif key == "comment":
            fields["comment"] = _text(value)
        elif isinstance(value, str | bytes):
            fields[f"png:{key}"] = _text(value)
    exif_raw = info.get("exif")
    if isinstance(exif_raw, bytes) and exif_raw:
        try:
            exif = Image.Exif()
            exif.load(exif_raw)
            tags: dict[int, Any] = dict(exif.items())
            tags.update(exif.get_ifd(ExifTags.IFD.Exif).items())
            for tag, value in tags.items():
                name = ExifTags.TAGS.get(tag, str(tag))
                if isinstance(value, str | bytes):
                    fields[f"exif:{name}"] = _text(value)
        except Exception as exc:  # malformed EXIF is common and not fatal
            logger.debug("unreadable EXIF: %s", exc)
    if raw:
        fields["raw"] = raw.decode("latin-1")
    return fields


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    field: str
    excerpt: str


def match_rules(fields: Mapping[str, str], rules: list[Rule]) -> list[RuleHit]:
    hits: list[RuleHit] = []
    for rule in rules:
        for name, text in fields.items():
            if not fnmatch.fnmatchcase(name, rule.field):
                continue
            m = rule.pattern.search(text)
            if m:
                excerpt = text[max(0, m.start() - 20): m.end() + 20].replace("\x00", "")
                hits.append(RuleHit(rule, name, excerpt[:120]))
                break
    return hits


class AiMetadataDetector(GuardedDetector):
    """AI-generated image: generator traces in metadata (rules kept in the package)."""

    model_id = "ai-metadata-rules"
    modalities = frozenset({Modality.AI_GENERATED_IMAGE})
    media_kinds = frozenset({"image"})
    evidence = Evidence.DECLARATION

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.limits = MediaLimits.from_config(config)
        self.rules = load_rules(config.get("rules_file"))
        self.threshold = float(config.get("threshold", 0.8))

    def _analyze(self, media: Media) -> Analysis:
        im = open_image(media, self.limits)
        # PNG text chunks may follow the image data (read only by a full decode); other formats' metadata is in
        # the header
        info = decode_image(media, self.limits).info if im.format == "PNG" else dict(im.info)
        fields = extract_fields(info, metadata_bytes(media.data))
        hits = match_rules(fields, self.rules)
        if not hits:
            names = sorted(k for k in fields if k != "raw")
            return Analysis.nothing_found(
                self.model_id, "no generator metadata" + (f" (fields: {', '.join(names)})" if names else ""))
        best = max(h.rule.confidence for h in hits)
        detections = [Detection(type=f"ai_metadata:{h.rule.id}", confidence=h.rule.confidence) for h in hits]
        notes = "; ".join(f"{h.rule.generator} in {h.field}: {h.excerpt!r}" for h in hits)
        return decide(self.model_id, best, manipulated_at=self.threshold, detections=detections, notes=notes)
