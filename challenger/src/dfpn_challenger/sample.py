"""A generated corpus: images whose PNG text names an image generator, labelled Manipulated.

`dfpn-challenger sample DIR` writes it; the local network's challenger (`dfpn-localnet up --challenger`) uses it.
The reference workers' `ai-metadata-rules` detector recognises these images (the metadata survives the transforms,
which keep it by default), while no reference detector says Authentic about plain media, so the sample holds no
authentic items.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, PngImagePlugin

from dfpn import Modality
from dfpn_challenger.corpus import MANIFEST

#: Images of the generated corpus.
SAMPLE_ITEMS = 4


def sample_corpus(
    root: Path, modalities: Sequence[Modality] | None = None, count: int = SAMPLE_ITEMS
) -> Path:
    """A corpus of `count` generated PNGs (shapes on a gradient) whose `parameters` text chunk names an image
    generator, listed in `root/manifest.json` as Manipulated, asking for `modalities` (None: the defaults for
    images, `corpus.DEFAULT_MODALITIES`)."""
    root.mkdir(parents=True, exist_ok=True)
    items: list[dict[str, Any]] = []
    for n in range(count):
        rng = random.Random(n)
        image = Image.linear_gradient("L").rotate(90 * n).resize((384, 288)).convert("RGB")
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randrange(384), rng.randrange(288)
            box = (x, y, x + rng.randrange(20, 160), y + rng.randrange(20, 120))
            fill = tuple(rng.randrange(256) for _ in range(3))
            (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
        info = PngImagePlugin.PngInfo()
        info.add_text(
            "parameters",
            f"a photo of a city street at night\nSteps: {20 + n}, Sampler: Euler a, CFG scale: 7, Seed: {1000 + n}, "
            "Size: 384x288, Model: v1-5-pruned-emaonly",
        )
        name = f"generated-{n}.png"
        image.save(root / name, format="PNG", pnginfo=info)
        item: dict[str, Any] = {"path": name, "label": "manipulated"}
        if modalities is not None:
            item["modalities"] = [m.name for m in modalities]
        items.append(item)
    (root / MANIFEST).write_text(json.dumps({"items": items}, indent=2) + "\n")
    return root


__all__ = ["SAMPLE_ITEMS", "sample_corpus"]
