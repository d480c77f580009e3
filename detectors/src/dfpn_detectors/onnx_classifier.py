"""A generic ONNX classifier configured by a file, so an operator can plug in a trained model without code.

Config (TOML or JSON; relative paths are relative to the config file)::

    model_id = "acme-faceswap-v2"          # the id registered on-chain (<= 32 ASCII bytes)
    model = "acme-faceswap-v2.onnx"
    modalities = ["FaceManipulation"]     # protocol names
    # sha256 = "..."                      # optional: refuse a model file with another hash

    [input]
    kind = "image"                        # "image", "face" (largest BlazeFace face, with margin) or "audio"
    size = [224, 224]                     # width, height (image / face)
    layout = "NCHW"                       # or "NHWC"
    color = "RGB"                         # or "BGR"
    scale = 255.0                         # pixel / scale, then (x - mean) / std per channel
    mean = [0.485, 0.456, 0.406]
    std = [0.229, 0.224, 0.225]
    # audio: sample_rate = 16000, seconds = 4.0 (mono float32 waveform, padded or cut, shape [1, n])

    [output]
    labels = ["real", "fake"]             # one per output column
    manipulated = ["fake"]                # labels whose probabilities add up to the manipulation score
    activation = "softmax"                # "softmax", "sigmoid" or "none" (already probabilities)

    [thresholds]
    manipulated = 0.8                     # score >= this → Manipulated
    authentic = 0.2                       # score < this → Authentic (leave out to never answer Authentic)

The detector's model id is the config's ``model_id``; ``load_detectors`` reads the config path from
``config["onnx-classifier"]["config"]`` (or ``$DFPN_ONNX_CLASSIFIER_CONFIG``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from dfpn_detectors.base import (
    Analysis,
    Detection,
    Evidence,
    GuardedDetector,
    Media,
    MediaKind,
    Modality,
    check_model_id,
    decide,
)
from dfpn_detectors.media import MediaLimits, decode_audio, decode_image

logger = logging.getLogger(__name__)


class InputSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["image", "face", "audio"] = "image"
    size: tuple[int, int] = (224, 224)
    layout: Literal["NCHW", "NHWC"] = "NCHW"
    color: Literal["RGB", "BGR"] = "RGB"
    scale: float = 255.0
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    face_margin: float = 0.3
    sample_rate: int = 16000
    seconds: float = 4.0


class OutputSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    labels: tuple[str, ...] = ("real", "fake")
    manipulated: tuple[str, ...] = ("fake",)
    activation: Literal["softmax", "sigmoid", "none"] = "softmax"

    @model_validator(mode="after")
    def _known_labels(self) -> OutputSpec:
        unknown = set(self.manipulated) - set(self.labels)
        if unknown:
            raise ValueError(f"manipulated labels {sorted(unknown)} are not in labels")
        return self


class Thresholds(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    manipulated: float = Field(0.8, ge=0.0, le=1.0)
    authentic: float | None = Field(None, ge=0.0, le=1.0)


class OnnxClassifierConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    model_id: str
    model: Path
    modalities: tuple[Modality, ...]
    sha256: str | None = None
    input: InputSpec = InputSpec()
    output: OutputSpec = OutputSpec()
    thresholds: Thresholds = Thresholds()

    @classmethod
    def from_file(cls, path: str | Path) -> OnnxClassifierConfig:
        p = Path(path)
        raw = p.read_text("utf-8")
        doc: dict[str, Any] = json.loads(raw) if p.suffix == ".json" else tomllib.loads(raw)
        cfg = cls.model_validate(doc)
        check_model_id(cfg.model_id)
        if not cfg.model.is_absolute():
            cfg = cfg.model_copy(update={"model": (p.parent / cfg.model).resolve()})
        return cfg


def _activate(logits: npt.NDArray[np.float32], activation: str) -> npt.NDArray[np.float64]:
    x = logits.astype(np.float64).reshape(-1)
    if activation == "softmax":
        e = np.exp(x - x.max())
        return np.asarray(e / e.sum(), np.float64)
    if activation == "sigmoid":
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -80, 80))), np.float64)
    return x


class OnnxClassifierDetector(GuardedDetector):
    """Any ONNX classifier described by a config file (see the module docstring)."""

    model_id = "onnx-classifier"
    modalities: frozenset[Modality] = frozenset()
    configurable_id = True
    evidence = Evidence.MODEL

    def __init__(self, config: Mapping[str, Any] | OnnxClassifierConfig | None = None) -> None:
        import onnxruntime as ort

        if isinstance(config, OnnxClassifierConfig):
            cfg, limits = config, MediaLimits()
        else:
            config = config or {}
            path = config.get("config") or os.environ.get("DFPN_ONNX_CLASSIFIER_CONFIG")
            if not path:
                raise ValueError("onnx-classifier needs a config file: config={'config': 'path.toml'}")
            cfg, limits = OnnxClassifierConfig.from_file(path), MediaLimits.from_config(config)
        self.cfg = cfg
        self.limits = limits
        self.model_id = cfg.model_id
        self.modalities = frozenset(cfg.modalities)
        kinds: frozenset[MediaKind] = frozenset({"audio", "video"}) if cfg.input.kind == "audio" else frozenset(
            {"image"})
        self.media_kinds = kinds
        data = cfg.model.read_bytes()
        if cfg.sha256 and hashlib.sha256(data).hexdigest() != cfg.sha256.lower():
            raise ValueError(f"{cfg.model} does not have the configured sha256")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(os.environ.get("DFPN_ONNX_THREADS", "1"))
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        self._lock = threading.Lock()
        self._finder: Any = None
        if cfg.input.kind == "face":
            from dfpn_detectors.faces import FaceFinder

            self._finder = FaceFinder.shared()

    @classmethod
    def from_file(cls, path: str | Path) -> OnnxClassifierDetector:
        return cls(OnnxClassifierConfig.from_file(path))

    def _tensor_image(self, rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
        spec = self.cfg.input
        img = cv2.resize(rgb, spec.size, interpolation=cv2.INTER_AREA if rgb.shape[1] > spec.size[0]
                         else cv2.INTER_LINEAR)
        if spec.color == "BGR":
            img = img[:, :, ::-1]
        x: npt.NDArray[np.float32] = np.asarray(img, np.float32) / np.float32(spec.scale)
        x = np.asarray((x - np.asarray(spec.mean, np.float32)) / np.asarray(spec.std, np.float32), np.float32)
        if spec.layout == "NCHW":
            x = x.transpose(2, 0, 1)
        return np.ascontiguousarray(x[None], dtype=np.float32)

    def _input(self, media: Media) -> tuple[npt.NDArray[np.float32] | None, str]:
        spec = self.cfg.input
        if spec.kind == "audio":
            audio = decode_audio(media, self.limits)
            pcm = audio.pcm16k
            if spec.sample_rate != 16000:
                positions = np.arange(0, audio.native.size, audio.native_rate / spec.sample_rate)
                pcm = audio.native if audio.native_rate == spec.sample_rate else np.asarray(
                    np.interp(positions, np.arange(audio.native.size), audio.native), dtype=np.float32)
            n = int(spec.sample_rate * spec.seconds)
            out = np.zeros(n, np.float32)
            out[: min(n, pcm.size)] = pcm[:n]
            return out[None], f"{min(pcm.size, n) / spec.sample_rate:.1f} s of audio"
        img = decode_image(media, self.limits)
        rgb = img.rgb
        if spec.kind == "face":
            faces = self._finder.find(rgb) if self._finder is not None else []
            if not faces:
                return None, "no face found"
            x, y, w, h = faces[0].box
            m = spec.face_margin
            x0, y0 = max(0, int(x - m * w)), max(0, int(y - m * h))
            x1, y1 = min(rgb.shape[1], int(x + w * (1 + m))), min(rgb.shape[0], int(y + h * (1 + m)))
            return self._tensor_image(np.ascontiguousarray(rgb[y0:y1, x0:x1])), f"face {faces[0].box}"
        return self._tensor_image(rgb), f"{img.width}x{img.height} image" + (
            f" ({img.describe()})" if img.describe() else "")

    def _analyze(self, media: Media) -> Analysis:
        tensor, what = self._input(media)
        if tensor is None:
            return Analysis.inconclusive(self.model_id, what)
        with self._lock:
            (logits, *_) = self.session.run(None, {self.input_name: tensor})
        probs = _activate(np.asarray(logits, np.float32), self.cfg.output.activation)
        labels = self.cfg.output.labels
        if probs.size != len(labels):
            return Analysis.inconclusive(self.model_id, f"model gave {probs.size} outputs for {len(labels)} labels",
                                         [Detection(type="model_output_mismatch", confidence=1.0)])
        score = float(sum(p for lab, p in zip(labels, probs, strict=True) if lab in self.cfg.output.manipulated))
        score = min(1.0, max(0.0, score))
        detections = [Detection(type=f"onnx:{lab}", confidence=round(float(min(1.0, max(0.0, p))), 4))
                      for lab, p in zip(labels, probs, strict=True)]
        return decide(self.model_id, score, manipulated_at=self.cfg.thresholds.manipulated,
                      authentic_below=self.cfg.thresholds.authentic, detections=detections,
                      notes=f"{self.cfg.model.name} on {what}: manipulation score {score:.3f}")
