"""Shared fixtures: detectors are built once per session (model loading is the slow part)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from dfpn_detectors import Detector, load_detectors
from dfpn_detectors.c2pa_provenance import C2paProvenanceDetector

import synth


@pytest.fixture(scope="session")
def detectors() -> dict[str, Detector]:
    return {d.model_id: d for d in load_detectors([
        "c2pa-provenance", "ai-metadata-rules", "sd-watermark-dwtdct", "jpeg-ghost", "ela",
        "blazeface-consistency", "video-frames", "voice-spectral",
    ])}


@pytest.fixture(scope="session")
def test_ca() -> synth.TestCA:
    return synth.TestCA()


@pytest.fixture(scope="session")
def c2pa_trusted(test_ca: synth.TestCA) -> C2paProvenanceDetector:
    return C2paProvenanceDetector({"trust_anchors": test_ca.root_pem})


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    return np.random.default_rng(abs(hash(request.node.name)) % (2**32))


@pytest.fixture(autouse=True)
def _quiet_detector_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
