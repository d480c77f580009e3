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
