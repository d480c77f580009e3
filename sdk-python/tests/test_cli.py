"""The `dfpn` command line (dfpn.cli), in-process through `main(argv)` and once as a real subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from solders.keypair import Keypair

from dfpn import DFPNClient, Modality
from dfpn.cli import main, parse_modality


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_modality_names() -> None:
    # Given the short names and the enum names, Then both parse
    assert parse_modality("face") is Modality.FACE_MANIPULATION
    assert parse_modality("ai-image") is Modality.AI_GENERATED_IMAGE
    assert parse_modality("VOICE_CLONING") is Modality.VOICE_CLONING
    assert parse_modality("video_authenticity") is Modality.VIDEO_AUTHENTICITY


@pytest.mark.parametrize(
    ("names", "modalities", "workers"),
    [
        (["face"], [Modality.FACE_MANIPULATION], 3),
        (["image", "voice"], [Modality.IMAGE_AUTHENTICITY, Modality.VOICE_CLONING], 5),
    ],
)
def test_estimate_fee_equals_the_client(names: list[str], modalities: list[Modality], workers: int) -> None:
    # Given the client's estimate on the local network (reference configuration)
    with DFPNClient("local") as client:
        expected = client.estimate_fee_lamports(modalities, workers)
    flags = [a for n in names for a in ("--modality", n)]
    # When the CLI estimates the same fee, as JSON and for people
    code, out, err = run("estimate-fee", *flags, "--min-workers", str(workers), "--json")
    hcode, hout, _ = run("estimate-fee", *flags, "--min-workers", str(workers))
    # Then both carry the same lamports
    assert code == 0 and hcode == 0, err
    data = json.loads(out)
    assert data["feeLamports"] == expected and data["minWorkers"] == workers
    assert data["modalities"] == [m.name for m in modalities]
    assert f"({expected} lamports)" in hout and hout.startswith("modalities:")


def test_config_show() -> None:
    # When the configuration is shown
    code, out, _ = run("config", "show", "--json")
    hcode, hout, _ = run("config", "show")
    # Then it is the reference configuration, readable as aligned `key: value` lines too
    assert code == 0 and hcode == 0
    data = json.loads(out)
    assert data["network"] == "local" and data["paused"] is False
    assert data["baseFees"]["FACE_MANIPULATION"] == 3_000_000 and data["minDeadlineSecs"] == 60
    bounds = (data["maxDeadlineSecs"], data["noConsensusFeeBps"], data["seatBondMultiplier"])
    assert bounds == (86_400, 2_000, 10)
    assert data["pendingAuthority"] is None
    lines = hout.splitlines()
    assert lines[0].startswith("network:") and all(": " in line for line in lines)
    value_columns = {len(line) - len(line[line.index(":") + 1 :].lstrip()) for line in lines}
    assert len(value_columns) == 1  # every value starts in the same column


def test_submit_json_returns_the_request_and_escrow(tmp_path: Path) -> None:
    # Given a media file and no workers on the network
    media = tmp_path / "photo.jpg"
    media.write_bytes(b"jpeg" * 100)
    # When it is submitted without --wait
    code, out, err = run(
        "submit",
        str(media),
        "--modality",
        "face",
        "--min-workers",
        "3",
        "--max-fee",
        "0.01",
        "--deadline",
        "300",
        "--json",
    )
    # Then the request id and the escrow come back (camelCase SubmittedRequest)
    assert code == 0, err
    data = json.loads(out)
    assert len(data["id"]) >= 32 and data["maxFeeLamports"] == 10_000_000
    assert data["feeLamports"] == 4_500_000 and data["minWorkers"] == 3
    assert data["storageUri"].startswith("file://")


def test_submit_with_a_keypair_file(tmp_path: Path) -> None:
    # Given a Solana keypair file
    kp = Keypair()
    key = tmp_path / "id.json"
    key.write_text(json.dumps(list(bytes(kp))))
    media = tmp_path / "a.png"
    media.write_bytes(b"png")
    # When it submits
    code, out, err = run(
        "submit", str(media), "--modality", "image", "--min-workers", "1", "--keypair", str(key), "--json"
    )
    # Then the request is that key's
    assert code == 0, err
    assert json.loads(out)["client"] == str(kp.pubkey())


def test_submit_wait_without_workers_reports_no_workers(tmp_path: Path) -> None:
    # Given the local network, where nobody else runs workers
    media = tmp_path / "photo.jpg"
    media.write_bytes(b"x")
    # When the CLI submits and waits
    code, out, err = run("submit", str(media), "--modality", "face", "--wait")
    # Then the request expires (escrow refunded) and the error is printed as `error: CODE: message`, exit 1
    assert code == 1 and out == ""
    assert err.startswith("error: NO_WORKERS_AVAILABLE: ")


def test_errors_exit_1_with_the_code(tmp_path: Path) -> None:
    # A deadline shorter than the program's minimum: the program refuses
    media = tmp_path / "photo.jpg"
    media.write_bytes(b"x")
    code, _, err = run("submit", str(media), "--modality", "face", "--deadline", "5")
    assert code == 1 and err.startswith("error: DEADLINE_TOO_SHORT: ")
    # A missing file
    code, _, err = run("submit", str(tmp_path / "missing.jpg"), "--modality", "face")
    assert code == 1 and err.startswith("error: MEDIA_NOT_FOUND: ")


def test_status_on_the_local_network_explains_the_limitation() -> None:
    code, _, err = run("status", "11111111111111111111111111111111")
    assert code == 1 and err.startswith("error: REQUEST_NOT_FOUND: ")
    assert "lives only inside one dfpn process" in err and "--wait" in err
    code, _, err = run("status", "not-an-id")
    assert code == 1 and err.startswith("error: INVALID_ARGUMENT: ")


def test_unknown_network_exits_2() -> None:
    code, out, err = run("estimate-fee", "--modality", "face", "--network", "mars")
    assert code == 2 and out == ""
    assert "unknown network 'mars'" in err and "RPC URL" in err


def test_bad_modality_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("estimate-fee", "--modality", "smell")
    assert code == 2
    assert "unknown modality 'smell'" in capsys.readouterr().err


def test_as_a_subprocess() -> None:
    # When the CLI runs as its own process
    done = subprocess.run(
        [sys.executable, "-m", "dfpn.cli", "estimate-fee", "--modality", "face", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Then it prints the fee JSON and exits 0
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["feeLamports"] == 4_500_000
    bad = subprocess.run(
        [sys.executable, "-m", "dfpn.cli", "config", "show", "--network", "mars"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and "unknown network" in bad.stderr
