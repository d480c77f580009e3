"""The worker commits what the verdict policy (`dfpn_detectors.policy`, docs/verdicts.md) says of its detectors'
answers, and credits the model that decided it (#18 points 1 and 2)."""

from __future__ import annotations

from dfpn import Modality as ChainModality
from dfpn import Verdict as ChainVerdict
from dfpn_detectors import Analysis, Detection, Evidence, Media, Modality, Verdict
from dfpn_worker.analysis import Analyzer
from dfpn_worker.registration import choose_detectors, diverse_detector_sets

from helpers import PNG_MAGIC, BlockingDetector, FixedDetector

MASK = int(ChainModality.IMAGE_AUTHENTICITY)
MEDIA = Media(data=PNG_MAGIC + b"\x00" * 64)
M, A, INC = Verdict.MANIPULATED, Verdict.AUTHENTIC, Verdict.INCONCLUSIVE


class CleanDetector(FixedDetector):
    """A forensic detector that looked and found nothing."""

    evidence = Evidence.FORENSIC
    vouches = frozenset({Modality.IMAGE_AUTHENTICITY})

    def analyze(self, media: Media) -> Analysis:
        self.calls += 1
        return Analysis.nothing_found(self.model_id, "nothing found")


class Provenance(FixedDetector):
    evidence = Evidence.PROVENANCE


async def test_forensic_detectors_that_found_nothing_give_a_moderate_authentic() -> None:
    # Given two forensic detectors that both looked and found nothing
    analyzer = Analyzer([CleanDetector("ghost", INC, 0), CleanDetector("noise", INC, 0)])
    # When the worker analyses the media
    outcome = await analyzer.analyze(MEDIA, MASK)
    # Then it commits Authentic in the moderate band (55 for one, +5 for the second), credited to the first
    assert (outcome.verdict, outcome.confidence, outcome.model_id) == (ChainVerdict.AUTHENTIC, 60, "ghost")
    assert "nothing found by ghost, noise" in outcome.notes


async def test_never_authentic_when_a_covering_detector_could_not_run() -> None:
    # Given the same clean detector beside one that hangs past the time limit
    slow = BlockingDetector("slow", INC, 0, seconds=3)
    analyzer = Analyzer([CleanDetector("ghost", INC, 0), slow], timeout=0.5)
    # When the worker analyses the media
    outcome = await analyzer.analyze(MEDIA, MASK)
    slow.release.set()
    # Then it is Inconclusive and says which detector could not run
    assert (outcome.verdict, outcome.confidence) == (ChainVerdict.INCONCLUSIVE, 0)
    assert "could not run: slow" in outcome.notes
    assert [d.type for d in outcome.analyses[1].detections] == ["timeout"]


async def test_a_trace_below_the_threshold_blocks_authentic() -> None:
    # Given a clean detector and one that saw something but cannot decide (Inconclusive, not clean)
    analyzer = Analyzer([CleanDetector("ghost", INC, 0), FixedDetector("noise", INC, 0)])
    outcome = await analyzer.analyze(MEDIA, MASK)
    # Then the worker does not answer Authentic
    assert (outcome.verdict, outcome.confidence) == (ChainVerdict.INCONCLUSIVE, 0)


async def test_a_decisive_trace_wins_and_its_model_is_credited() -> None:
    # Given a clean detector listed first and one that finds a splice
    splice = Detection(type="splice", confidence=0.9)
    analyzer = Analyzer([CleanDetector("ghost", INC, 0), FixedDetector("noise", M, 80, detections=[splice])])
    outcome = await analyzer.analyze(MEDIA, MASK)
    # Then the verdict is Manipulated, credited to the detector that found it
    assert (outcome.verdict, outcome.confidence, outcome.model_id) == (ChainVerdict.MANIPULATED, 80, "noise")
    assert outcome.detections == (splice,)


async def test_a_trusted_capture_against_a_trace_is_inconclusive() -> None:
    # Given a provenance record proving a capture and a forensic detector that calls it Manipulated
    analyzer = Analyzer([Provenance("c2pa", A, 90), FixedDetector("noise", M, 80)])
    outcome = await analyzer.analyze(MEDIA, MASK)
    # Then the worker does not pick a side
    assert (outcome.verdict, outcome.confidence) == (ChainVerdict.INCONCLUSIVE, 0)
    # And without the trace, the record's confidence is the answer (the positive control)
    alone = await Analyzer([Provenance("c2pa", A, 90), CleanDetector("ghost", INC, 0)]).analyze(MEDIA, MASK)
    assert (alone.verdict, alone.confidence, alone.model_id) == (ChainVerdict.AUTHENTIC, 90, "c2pa")


async def test_an_undeclared_detector_votes_but_a_declared_one_is_credited() -> None:
    # Given a worker that runs two detectors but declared only "ghost" on-chain
    analyzer = Analyzer(
        [CleanDetector("ghost", INC, 0), FixedDetector("noise", M, 80)], declared_models=["ghost"]
    )
    outcome = await analyzer.analyze(MEDIA, MASK)
    # Then the undeclared detector's trace decides the verdict, and the declared model is the one committed
    assert (outcome.verdict, outcome.model_id) == (ChainVerdict.MANIPULATED, "ghost")


def test_local_workers_run_different_sets_that_each_cover_every_modality() -> None:
    # Given three forensic detectors on the same modality and a provenance one
    dets = [
        Provenance("c2pa", A, 90),
        CleanDetector("a", INC, 0),
        CleanDetector("b", INC, 0),
        CleanDetector("c", INC, 0),
    ]
    # When three workers get their sets
    sets = [[d.model_id for d in s] for s in diverse_detector_sets(dets, 3)]
    # Then they differ, worker 0 runs all, and every set still has a forensic detector
    assert sets == [["c2pa", "a", "b", "c"], ["c2pa", "b", "c"], ["c2pa", "a", "c"]]
    # And with a single forensic detector there is nothing to leave out (the control)
    assert len({tuple(s) for s in diverse_detector_sets(dets[:2], 3)}) == 1
    # And a worker declares at most four models, chosen for coverage
    assert len(choose_detectors([CleanDetector(f"d{i}", INC, 0) for i in range(6)])) == 4
