"""AI-generated image: metadata rules and the dwtDct watermark."""

from __future__ import annotations

import numpy as np
import pytest

from dfpn_detectors import Detector, Media, Verdict
from dfpn_detectors.ai_metadata import load_rules
from dfpn_detectors.watermark import KNOWN_MARKS, decode_bits, raw_bit_scores, read_marks

import synth

XMP_AI = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
          '<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
          'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>'
          '</rdf:RDF></x:xmpmeta>')


def test_rules_load_and_compile() -> None:
    rules = load_rules()
    assert len(rules) >= 15
    assert len({r.id for r in rules}) == len(rules)
    assert all(0.5 <= r.confidence <= 1 for r in rules)


@pytest.mark.parametrize(("name", "make", "rule"), [
    ("a1111_png", lambda im: synth.png(im, {"parameters": synth.A1111_PARAMETERS}), "a1111-parameters"),
    ("comfyui_png", lambda im: synth.png(im, {"prompt": synth.COMFYUI_PROMPT}), "comfyui-prompt"),
    ("invokeai_png", lambda im: synth.png(im, {"invokeai_metadata": "{}"}), "invokeai"),
    ("novelai_png", lambda im: synth.png(im, {"Software": "NovelAI", "Comment": '{"steps": 28, "uc": "x"}'}),
     "novelai-comment"),
    ("xmp_png", lambda im: synth.png(im, {"XML:com.adobe.xmp": XMP_AI}), "iptc-trained-algorithmic-media"),
    ("exif_software_jpeg", lambda im: synth.exif_software(im, "Midjourney v6"), "generator-software"),
    ("a1111_jpeg_comment", lambda im: synth.jpeg(im, 90, comment=synth.A1111_PARAMETERS.encode()),
     "a1111-parameters"),
])
def test_metadata_rules_flag_generators(detectors: dict[str, Detector], name: str, make, rule: str) -> None:  # type: ignore[no-untyped-def]
    data = make(synth.image("chelsea"))
    r = detectors["ai-metadata-rules"].analyze(Media(data=data))
    assert r.verdict == Verdict.MANIPULATED, r
    assert f"ai_metadata:{rule}" in {d.type for d in r.detections}, r


@pytest.mark.parametrize("make", [
    lambda im: synth.jpeg(im, 90),
    lambda im: synth.png(im, {"Title": "holiday", "Software": "GIMP 2.10"}),
    lambda im: synth.camera_exif_jpeg(im),
])
def test_metadata_rules_stay_inconclusive_without_traces(detectors: dict[str, Detector], make) -> None:  # type: ignore[no-untyped-def]
    r = detectors["ai-metadata-rules"].analyze(Media(data=make(synth.image("chelsea"))))
    assert (r.verdict, r.confidence) == (Verdict.INCONCLUSIVE, 0)


@pytest.mark.parametrize("mark", [m.name for m in KNOWN_MARKS])
def test_watermark_found_on_lossless_files(detectors: dict[str, Detector], mark: str) -> None:
    img = synth.image("astronaut")
    r = detectors["sd-watermark-dwtdct"].analyze(Media(data=synth.png(synth.sd_watermarked(img, mark))))
    assert r.verdict == Verdict.MANIPULATED, r
    assert r.detections[0].type == f"sd_watermark:{mark}"
    assert r.confidence >= 95


def test_watermark_absent_or_destroyed_is_inconclusive(detectors: dict[str, Detector]) -> None:
    img = synth.image("motorcycle_left")
    det = detectors["sd-watermark-dwtdct"]
    for data in (synth.png(img), synth.jpeg(synth.sd_watermarked(img), 75)):
        r = det.analyze(Media(data=data))
        assert r.verdict == Verdict.INCONCLUSIVE, r
    small = synth.png(synth.sd_watermarked(synth.image("astronaut"))[:200, :200].copy())
    assert "256x256" in det.analyze(Media(data=small)).notes


def test_unmarked_natural_images_read_as_chance() -> None:
    for _, img in synth.natural_images()[:8]:
        if img.shape[0] * img.shape[1] < 256 * 256:
            continue
        for reading, mark in zip(read_marks(img), KNOWN_MARKS, strict=True):
            assert reading.matches < mark.min_match, reading


def test_bit_decoder_round_trip() -> None:
    from dfpn_detectors.watermark import embed

    bgr = np.ascontiguousarray(synth.image("astronaut")[:, :, ::-1])
    bits = [int(b) for b in np.random.default_rng(0).integers(0, 2, 48)]
    decoded = decode_bits(raw_bit_scores(embed(bgr, bits)), len(bits)) > 0.5
    assert decoded.astype(int).tolist() == bits
