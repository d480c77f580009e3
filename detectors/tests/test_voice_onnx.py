"""Voice facts (Silero VAD, spectrum) and the generic ONNX classifier."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from dfpn_detectors import Detector, Media, Modality, Verdict, load_detectors
from dfpn_detectors.onnx_classifier import OnnxClassifierDetector
from dfpn_detectors.voice import VoiceSpectralDetector

import synth


def detection(r, kind: str) -> float:  # type: ignore[no-untyped-def]
    return next(d.confidence for d in r.detections if d.type == kind)


def test_speech_is_detected_and_noise_is_not(detectors: dict[str, Detector]) -> None:
    rng = np.random.default_rng(0)
    det = detectors["voice-spectral"]
    speech = det.analyze(Media(data=synth.wav(synth.speech_like(4.0, rng), 16000)))
    assert speech.verdict == Verdict.INCONCLUSIVE and "no voice-clone model" in speech.notes
    assert detection(speech, "speech") > 0.5
    noise = det.analyze(Media(data=synth.wav((rng.normal(0, 0.1, 32000)).astype(np.float32), 16000)))
    assert detection(noise, "speech") < 0.1


def test_band_limit_of_upsampled_audio(detectors: dict[str, Detector]) -> None:
    rng = np.random.default_rng(1)
    speech16 = synth.speech_like(3.0, rng)
    up = synth.resample(speech16, 16000, 48000) + rng.normal(0, 1e-5, 144000).astype(np.float32)
    full = synth.resample(speech16, 16000, 48000) + rng.normal(0, 0.003, 144000).astype(np.float32)
    det = detectors["voice-spectral"]
    r = det.analyze(Media(data=synth.wav(up, 48000)))
    assert "band_limited" in {d.type for d in r.detections}, r.notes
    r = det.analyze(Media(data=synth.wav(full, 48000)))
    assert "band_limited" not in {d.type for d in r.detections}, r.notes


def test_audio_in_other_containers(detectors: dict[str, Detector]) -> None:
    import av

    rng = np.random.default_rng(2)
    x = synth.speech_like(2.0, rng)
    import io

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=16000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray((x * 32767).astype(np.int16)[None], format="s16", layout="mono")
        frame.sample_rate = 16000
        for p in stream.encode(frame):
            out.mux(p)
        for p in stream.encode():
            out.mux(p)
    r = detectors["voice-spectral"].analyze(Media(data=buf.getvalue()))
    assert detection(r, "speech") > 0.3, r.notes
    assert "mp3" in r.notes


@pytest.fixture(scope="module")
def onnx_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("onnx")
    model = synth.brightness_classifier_onnx(d / "brightness.onnx")
    cfg = d / "brightness.toml"
    cfg.write_text(f"""
model_id = "test-brightness-v1"
model = "brightness.onnx"
modalities = ["AiGeneratedImage"]
sha256 = "{hashlib.sha256(model.read_bytes()).hexdigest()}"

[input]
kind = "image"
size = [64, 64]
layout = "NCHW"
scale = 255.0

[output]
labels = ["real", "fake"]
manipulated = ["fake"]
activation = "softmax"

[thresholds]
manipulated = 0.8
authentic = 0.2
""")
    return cfg


def test_onnx_classifier_from_config(onnx_config: Path) -> None:
    det = OnnxClassifierDetector.from_file(onnx_config)
    assert (det.model_id, det.modalities) == ("test-brightness-v1", frozenset({Modality.AI_GENERATED_IMAGE}))
    white = np.full((80, 80, 3), 250, np.uint8)
    black = np.full((80, 80, 3), 5, np.uint8)
    grey = np.full((80, 80, 3), 128, np.uint8)
    assert det.analyze(Media(data=synth.png(white))).verdict == Verdict.MANIPULATED
    assert det.analyze(Media(data=synth.png(black))).verdict == Verdict.AUTHENTIC
    r = det.analyze(Media(data=synth.png(grey)))
    assert r.verdict == Verdict.INCONCLUSIVE
    assert {d.type for d in r.detections} == {"onnx:real", "onnx:fake"}
    assert det.analyze(Media(data=b"\xff\xd8\xffjunk")).detections[0].type == "corrupt_media"


def test_onnx_classifier_through_entry_points(onnx_config: Path) -> None:
    (det,) = load_detectors(["onnx-classifier"], {"onnx-classifier": {"config": str(onnx_config)}})
    assert det.model_id == "test-brightness-v1"


def test_onnx_config_is_checked(onnx_config: Path, tmp_path: Path) -> None:
    import tomllib

    doc = tomllib.loads(onnx_config.read_text())
    doc["model"] = str(onnx_config.parent / doc["model"])
    bad_hash = dict(doc, sha256="0" * 64)
    (tmp_path / "a.json").write_text(json.dumps(bad_hash))
    with pytest.raises(ValueError, match="sha256"):
        OnnxClassifierDetector({"config": str(tmp_path / "a.json")})
    bad_label = dict(doc, output={"labels": ["real", "fake"], "manipulated": ["deepfake"]})
    (tmp_path / "b.json").write_text(json.dumps(bad_label))
    with pytest.raises(ValueError, match="not in labels"):
        OnnxClassifierDetector({"config": str(tmp_path / "b.json")})
    bad_id = dict(doc, model_id="x" * 40)
    (tmp_path / "c.json").write_text(json.dumps(bad_id))
    with pytest.raises(ValueError, match="model id"):
        OnnxClassifierDetector({"config": str(tmp_path / "c.json")})


def test_voice_with_a_plugged_in_model(tmp_path: Path) -> None:
    from onnx import TensorProto, helper

    # "fake" when the waveform is loud: logits [0, 200 * (mean |x| - 0.01)]
    nodes = [helper.make_node("Abs", ["input"], ["a"]),
             helper.make_node("ReduceMean", ["a", "axes"], ["m"], keepdims=0),
             helper.make_node("Sub", ["m", "t"], ["c"]), helper.make_node("Mul", ["c", "g"], ["s"]),
             helper.make_node("Unsqueeze", ["s", "one"], ["s2"]),
             helper.make_node("Concat", ["zero", "s2"], ["logits"], axis=1)]
    inits = [helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
             helper.make_tensor("t", TensorProto.FLOAT, [], [0.01]),
             helper.make_tensor("g", TensorProto.FLOAT, [], [200.0]),
             helper.make_tensor("one", TensorProto.INT64, [1], [1]),
             helper.make_tensor("zero", TensorProto.FLOAT, [1, 1], [0.0])]
    graph = helper.make_graph(nodes, "loud", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 32000])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    (tmp_path / "loud.onnx").write_bytes(model.SerializeToString())
    (tmp_path / "loud.toml").write_text('model_id = "loud-v1"\nmodel = "loud.onnx"\nmodalities = ["VoiceCloning"]\n'
                                        '[input]\nkind = "audio"\nseconds = 2.0\n')
    det = VoiceSpectralDetector({"model": str(tmp_path / "loud.toml")})
    rng = np.random.default_rng(4)
    r = det.analyze(Media(data=synth.wav(synth.speech_like(2.0, rng), 16000)))
    assert r.verdict == Verdict.MANIPULATED and r.model_id == "voice-spectral"
    assert {"speech", "onnx:fake"} <= {d.type for d in r.detections}
