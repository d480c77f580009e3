"""The `dfpn-challenger` command line: corpus checks, transform previews, reports, and usage errors (exit codes
0 ok, 1 failure, 2 usage)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from dfpn import Modality, Verdict
from dfpn_challenger import ChallengeStore, Outcome, Phase, SeatOutcome, load_corpus, transform_file
from dfpn_challenger.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, run

from helpers import KEY, record


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return run(list(args), out), out.getvalue()


def test_check_counts_a_corpus(corpus_dir: Path) -> None:
    code, out = cli("check", str(corpus_dir))
    assert code == EXIT_OK
    assert out == f"corpus {corpus_dir}: 4 items (2 authentic, 2 manipulated; 4 images, 0 audio)\n"


def test_check_names_what_is_wrong(short_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (short_dir / "c" / "manipulated").mkdir(parents=True)
    code, _ = cli("check", str(short_dir / "c"))
    assert code == EXIT_ERROR
    assert "manipulated is empty" in capsys.readouterr().err
    code, _ = cli("check", str(short_dir / "missing"))
    assert code == EXIT_ERROR and "does not exist" in capsys.readouterr().err


def test_check_applies_the_pixel_cap(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli("check", str(corpus_dir), "--max-pixels", "1000")
    assert code == EXIT_ERROR and "4 file(s) cannot be used" in capsys.readouterr().err


def test_sample_writes_a_corpus_whose_metadata_survives_the_transforms(short_dir: Path) -> None:
    code, out = cli("sample", str(short_dir / "s"), "--count", "3", "--modalities", "ai-image")
    assert code == EXIT_OK and "3 generated images" in out
    corpus = load_corpus(short_dir / "s")
    assert corpus.counts() == {"Manipulated": 3, "image": 3}
    assert {i.modalities for i in corpus.items} == {(Modality.AI_GENERATED_IMAGE,)}
    # The label rests on the generator's parameters in a PNG text chunk, which a transform keeps
    out_image = Image.open(io.BytesIO(transform_file(corpus.items[0].path, seed=1).data))
    assert "v1-5-pruned-emaonly" in out_image.info["parameters"]
    assert cli("sample", str(short_dir / "t"), "--count", "0")[0] == EXIT_USAGE


def test_transform_writes_new_files(corpus_dir: Path, short_dir: Path) -> None:
    code, out = cli(
        "transform", str(corpus_dir), "--out", str(short_dir / "p"), "--count", "2", "--seed", "5"
    )
    assert code == EXIT_OK
    written = sorted(p.name for p in (short_dir / "p").iterdir())
    assert len(written) == 8 and written[0].startswith("authentic-a0-")
    assert out.count("dHash distance") == 8
    originals = {p.read_bytes() for p in corpus_dir.rglob("*.*")}
    assert not originals & {p.read_bytes() for p in (short_dir / "p").iterdir()}


def test_run_refuses_the_embedded_network_and_bad_options(
    corpus_dir: Path, short_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["run", "--corpus", str(corpus_dir), "--state-dir", str(short_dir / "s")]
    assert cli(*base, "--network", "local")[0] == EXIT_USAGE
    assert "no worker could answer" in capsys.readouterr().err
    assert cli(*base, "--network", "nowhere")[0] == EXIT_USAGE
    assert cli(*base, "--rate", "0.9")[0] == EXIT_USAGE
    assert "less than or equal to 0.5" in capsys.readouterr().err
    assert cli(*base, "--count", "0")[0] == EXIT_USAGE
    with pytest.raises(SystemExit):  # --rate and --interval exclude each other (argparse: exit 2)
        cli(*base, "--rate", "0.1", "--interval", "5")


def test_run_reports_a_missing_corpus_before_connecting(
    short_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = cli("run", "--corpus", str(short_dir / "none"), "--network", "http://127.0.0.1:9")
    assert code == EXIT_ERROR and "does not exist" in capsys.readouterr().err


def test_report_reads_a_state_directory(short_dir: Path) -> None:
    seats = (
        SeatOutcome(worker="W1", outcome=Outcome.CORRECT, verdict=Verdict.MANIPULATED, paid_lamports=10),
        SeatOutcome(
            worker="W2", outcome=Outcome.WRONG, verdict=Verdict.AUTHENTIC, slashed_lamports=20_000_000
        ),
    )
    with ChallengeStore(short_dir / "s", KEY) as store:
        store.put(record(1, phase=Phase.RESOLVED, label_revealed=True, seats=seats))
    code, out = cli("report", "--state-dir", str(short_dir / "s"), "--report", str(short_dir / "r.json"))
    assert code == EXIT_OK
    assert "W2" in out and "20,000,000" in out and "0.000" in out
    data = json.loads((short_dir / "r.json").read_text())
    assert [(w["worker"], w["accuracy"]) for w in data["workers"]] == [("W2", 0.0), ("W1", 1.0)]
    code, out = cli("report", "--state-dir", str(short_dir / "s"), "--json")
    assert json.loads(out)["judged"] == 1
    assert cli("report", "--state-dir", str(short_dir / "none"))[0] == EXIT_ERROR


def test_the_console_script_is_installed() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dfpn_challenger", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "register" in done.stdout and "transform" in done.stdout
