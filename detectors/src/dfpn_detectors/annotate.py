"""An annotated copy of an image: each detection's region drawn as a labelled box, for people to see what the
detectors found (`dfpn-detectors analyze --out`, `make demo`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageDraw

from dfpn_detectors.base import Detection, Media, MediaError
from dfpn_detectors.media import MediaLimits, decode_image

#: Box colours by how strong the finding is (RGB).
STRONG, WEAK = (230, 40, 40), (250, 200, 40)


def annotate(
    media: Media, detections: Iterable[tuple[str, Detection]], out: Path, limits: MediaLimits | None = None
) -> int:
    """Write ``media`` (an image) with a box per finding that has a region and a confidence above 0 (of the
    ``(detector, detection)`` pairs) to ``out`` (format from its suffix; PNG when Pillow knows none by it). The
    image is decoded within ``limits`` (reduced when large: the boxes with it). Returns the number of boxes drawn;
    raises ``MediaError`` for media that is not an image."""
    if media.kind != "image":
        raise MediaError("unsupported_media", f"only images can be annotated, not {media.kind} media")
    img = decode_image(media, limits or MediaLimits())
    canvas = Image.fromarray(img.rgb)
    draw = ImageDraw.Draw(canvas)
    k = img.scale
    boxes = 0
    for detector, d in detections:
        if d.region is None or d.confidence <= 0:  # a region where nothing was found is not a finding
            continue
        r = d.region
        x0, y0 = r.x // k, r.y // k
        x1, y1 = max(x0, (r.x + r.w) // k - 1), max(y0, (r.y + r.h) // k - 1)
        colour = STRONG if d.confidence >= 0.5 else WEAK
        width = max(2, round(min(canvas.size) / 200))
        draw.rectangle((x0, y0, x1, y1), outline=colour, width=width)
        label = f"{detector}: {d.type} {d.confidence:.2f}"
        tx, ty = x0 + width, (y0 - 12 if y0 >= 12 else y1 + width)  # above the box, else below it
        text_box = draw.textbbox((tx, ty), label)
        draw.rectangle(text_box, fill=(0, 0, 0))
        draw.text((tx, ty), label, fill=colour)
        boxes += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    known = suffix in Image.registered_extensions()
    canvas.save(out, format=None if known else "PNG")
    return boxes
