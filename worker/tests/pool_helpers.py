"""Detectors for the analysis-pool tests: importable by name, so the pool's spawned processes can unpickle them."""

from __future__ import annotations

import time

from dfpn_detectors import Analysis, Media, Verdict

from helpers import FixedDetector


class SleepingDetector(FixedDetector):
    """Answers like `FixedDetector` after holding its process `seconds` (stands for a model's compute time)."""

    def __init__(self, model_id: str, seconds: float) -> None:
        super().__init__(model_id, Verdict.MANIPULATED, 80)
        self.seconds = seconds

    def analyze(self, media: Media) -> Analysis:
        time.sleep(self.seconds)
        return super().analyze(media)


class BurningDetector(FixedDetector):
    """Spends `seconds` of CPU (a busy loop) before answering."""

    def __init__(self, model_id: str, seconds: float) -> None:
        super().__init__(model_id, Verdict.MANIPULATED, 80)
        self.seconds = seconds

    def analyze(self, media: Media) -> Analysis:
        end = time.process_time() + self.seconds
        while time.process_time() < end:
            pass
        return super().analyze(media)


def page_faults_per_round() -> float:
    """Page faults per round of ten 4 MB arrays allocated, touched and freed (after two warm-up rounds): a few
    thousand with glibc's default settings, none once `tune_allocator` ran in the process."""
    import resource

    import numpy as np

    def round_() -> None:
        arrays = [np.ones(1 << 20, np.float32) for _ in range(10)]
        del arrays

    round_()
    round_()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        round_()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20


class AllocatingDetector(FixedDetector):
    """Answers with the page faults of `page_faults_per_round` in its notes."""

    def __init__(self, model_id: str) -> None:
        super().__init__(model_id, Verdict.MANIPULATED, 80)

    def analyze(self, media: Media) -> Analysis:
        faults = page_faults_per_round()
        return super().analyze(media).model_copy(update={"notes": f"{faults}"})
