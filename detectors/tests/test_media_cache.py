"""The decode cache: detectors that read the same pixels of one media decode them once."""

from __future__ import annotations

import numpy as np
import pytest

from dfpn_detectors import Media, MediaLimits, load_detectors
from dfpn_detectors import media as media_module

import synth


def _photo(seed: int) -> bytes:
    """A JPEG no other test decodes (the cache is keyed by content)."""
    rng = np.random.default_rng(seed)
    return synth.jpeg(synth.camera_like(synth.image("astronaut", 256), rng, 2.0), 90)


def test_the_luminance_detectors_decode_a_jpeg_once(monkeypatch: pytest.MonkeyPatch) -> None:
    decodes: list[int] = []
    real = media_module._luma_window

    def counting(media: Media, limits: MediaLimits, max_pixels: int) -> media_module.LumaWindow:
        decodes.append(max_pixels)
        return real(media, limits, max_pixels)

    monkeypatch.setattr(media_module, "_luma_window", counting)
    ghost, dq = load_detectors(["jpeg-ghost", "jpeg-dq"])
    # Given a JPEG
    blob = _photo(101)
    # When both detectors that read its luminance analyse it
    ghost.analyze(Media(data=blob))
    dq.analyze(Media(data=blob))
    # Then its luminance was decoded once, and the window is read-only for the detectors that share it
    assert len(decodes) == 1
    window = media_module.load_luma_jpeg_window(Media(data=blob), MediaLimits(), decodes[0])
    assert not window.luma.flags.writeable
    # Control: another picture is decoded again, and so is another window of the same picture
    ghost.analyze(Media(data=_photo(102)))
    assert len(decodes) == 2
    media_module.load_luma_jpeg_window(Media(data=blob), MediaLimits(), 10_000)
    assert len(decodes) == 3
