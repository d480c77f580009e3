"""The `dfpn` command line (dfpn.cli), in-process through `main(argv)` and once as a real subprocess."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from solders.keypair import Keypair

from dfpn import DFPNClient, Modality
from dfpn import cli as cli_module
from dfpn.cli import ProgressDisplay, main, parse_modality
from dfpn.models import AnalysisProgress

#: A PNG's signature and some bytes: media the reference detectors read as an image.
PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 40


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


def test_submit_wait_on_the_living_local_network_gets_the_verdict(tmp_path: Path) -> None:
    # Given the local network, where the client starts reference workers
    media = tmp_path / "photo.png"
    media.write_bytes(PNG)
    # When the CLI submits and waits
    code, out, err = run("submit", str(media), "--modality", "image", "--wait", "--json")
    # Then the workers' verdict comes back, finalized (camelCase AnalysisResult)
    assert code == 0, err
    result = json.loads(out)
    assert len(result["workerResults"]) == 3 and result["audit"]["finalizeTx"]
    assert result["verdict"] in ("Authentic", "Manipulated", "Inconclusive")


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
    assert "lives only inside one dfpn process" in err and "--wait" in err and "--network localnet" in err
    assert "not implemented" not in err  # RPC networks are (this said otherwise)
    code, _, err = run("status", "not-an-id")
    assert code == 1 and err.startswith("error: INVALID_ARGUMENT: ") and err.count("\n") == 1


def test_unknown_network_exits_2() -> None:
    code, out, err = run("estimate-fee", "--modality", "face", "--network", "mars")
    assert code == 2 and out == ""
    assert err.startswith("error: NETWORK_NOT_SUPPORTED: unknown network 'mars'.") and "RPC URL" in err
    assert err.count("\n") == 1


def test_bad_modality_is_a_usage_error() -> None:
    code, out, err = run("estimate-fee", "--modality", "smell")
    assert code == 2 and out == ""
    assert err.startswith("error: USAGE: argument --modality: unknown modality 'smell'")
    assert "See `dfpn estimate-fee --help`." in err and err.count("\n") == 1


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
    versioned = subprocess.run(
        [sys.executable, "-m", "dfpn.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert versioned.returncode == 0 and versioned.stdout == f"dfpn {version('dfpn')}\n"


# ---- behaving like the tools users know (#17) -------------------------------------------------------------------


def closed_port_url() -> str:
    """An RPC URL where nothing listens: a port bound, then closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def keypair_file(path: Path) -> Keypair:
    kp = Keypair()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(list(bytes(kp))))
    return kp


def test_global_options_go_before_or_after_the_command() -> None:
    # When the same estimate is asked with the options before and after the command
    before = run("--network", "local", "--json", "estimate-fee", "--modality", "face")
    after = run("estimate-fee", "--modality", "face", "--json", "--network", "local")
    # Then both answer the same JSON
    assert before[0] == after[0] == 0, before[2] + after[2]
    assert json.loads(before[1]) == json.loads(after[1])
    assert json.loads(before[1])["feeLamports"] == 4_500_000
    # And the nested `config show` takes them at either level too
    assert run("--json", "config", "show")[0] == run("config", "--json", "show")[0] == 0


def test_a_global_option_after_the_command_wins() -> None:
    # Given a network before the command and another after it, Then the one after it is used
    code, _, err = run("--network", "mars", "estimate-fee", "--modality", "face", "--network", "local")
    assert code == 0, err
    code, _, err = run("--network", "local", "estimate-fee", "--modality", "face", "--network", "mars")
    assert code == 2 and "unknown network 'mars'" in err


def test_the_readme_command_with_global_options_first_reaches_the_network(tmp_path: Path) -> None:
    # Given the README's `dfpn --network localnet --keypair … estimate-fee`, against an RPC URL where nothing runs
    keypair_file(tmp_path / "client.json")
    url = closed_port_url()
    argv = [
        "--network",
        url,
        "--keypair",
        str(tmp_path / "client.json"),
        "estimate-fee",
        "--modality",
        "face",
    ]
    # When it runs, Then the options were accepted and the node was asked: it is unreachable, said within seconds
    # (the retry budget of a refused connection is 1 s; outage retries would take ~8 s)
    started = time.monotonic()
    code, out, err = run(*argv)
    elapsed = time.monotonic() - started
    assert code == 1 and out == ""
    assert err.startswith(f"error: RPC_UNREACHABLE: {url} is unreachable") and "connection refused" in err
    assert "make localnet" in err and err.count("\n") == 1 and "Traceback" not in err
    assert elapsed < 4.0


def test_reading_commands_need_no_keypair_on_an_rpc_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given no keypair anywhere (an empty home, no $DFPN_KEYPAIR)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DFPN_KEYPAIR", raising=False)
    url = closed_port_url()
    # When reading, Then it goes to the network without asking for a keypair
    code, _, err = run("config", "show", "--network", url)
    assert code == 1 and err.startswith("error: RPC_UNREACHABLE: ")
    # While a command that signs says which keypair file is missing and how to make one, before any network
    media = tmp_path / "a.png"
    media.write_bytes(PNG)
    code, _, err = run("submit", str(media), "--modality", "image", "--network", url)
    default = tmp_path / ".config" / "solana" / "id.json"
    assert code == 1 and err.startswith(
        f"error: INVALID_ARGUMENT: no keypair file at {default} (the default)."
    )
    assert "solana-keygen new" in err and "--keypair" in err


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out == f"dfpn {version('dfpn')}\n"
    code, out, _ = run("--version", "--json")
    assert code == 0 and json.loads(out) == {"name": "dfpn", "version": version("dfpn")}


@pytest.mark.parametrize(
    ("argv", "exit_code", "error_code"),
    [
        (["estimate-fee", "--modality", "smell"], 2, "USAGE"),  # a usage error
        (["no-such-command"], 2, "USAGE"),
        (["estimate-fee", "--modality", "face", "--network", "mars"], 2, "NETWORK_NOT_SUPPORTED"),
        (["estimate-fee", "--modality", "face", "--network", "http://:8899"], 2, "NETWORK_NOT_SUPPORTED"),
        (["status", "not-an-id"], 1, "INVALID_ARGUMENT"),
        (["estimate-fee", "--modality", "face", "--keypair", "/nonexistent/id.json"], 1, "INVALID_ARGUMENT"),
    ],
)
def test_json_errors_are_one_object_on_stdout(argv: list[str], exit_code: int, error_code: str) -> None:
    # When a command fails with --json (before or after the command)
    for args in ([*argv, "--json"], ["--json", *argv]):
        code, out, err = run(*args)
        # Then stdout holds exactly one JSON object (json.loads refuses trailing data), stderr nothing
        error = json.loads(out)["error"]
        assert code == exit_code and err == ""
        assert error["code"] == error_code and error["message"] and set(error) == {"code", "message", "hint"}


def test_a_program_error_with_json_carries_the_hint_apart(tmp_path: Path) -> None:
    media = tmp_path / "photo.png"
    media.write_bytes(PNG)
    code, out, _ = run("submit", str(media), "--modality", "face", "--deadline", "5", "--json")
    error = json.loads(out)["error"]
    assert code == 1 and error["code"] == "DEADLINE_TOO_SHORT"
    assert error["hint"] and error["hint"] not in error["message"]  # the fix once, in its own field


def test_a_refused_rpc_endpoint_with_json(tmp_path: Path) -> None:
    started = time.monotonic()
    code, out, _ = run("config", "show", "--json", "--network", closed_port_url())
    assert code == 1 and json.loads(out)["error"]["code"] == "RPC_UNREACHABLE"
    assert time.monotonic() - started < 4.0  # not the ~8 s of outage retries


def test_keypair_problems_are_one_line_naming_the_file(tmp_path: Path) -> None:
    # A missing file
    missing = tmp_path / "none.json"
    code, _, err = run("estimate-fee", "--modality", "face", "--keypair", str(missing))
    assert code == 1 and err.startswith(f"error: INVALID_ARGUMENT: no keypair file at {missing} (--keypair).")
    # Not a keypair
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2, 3]")
    code, _, err = run("estimate-fee", "--modality", "face", "--keypair", str(bad))
    assert code == 1 and err.startswith("error: INVALID_ARGUMENT: ") and "is not a Solana keypair file" in err
    # A directory
    code, _, err = run("estimate-fee", "--modality", "face", "--keypair", str(tmp_path))
    assert code == 1 and "cannot be read" in err
    for e in (err,):
        assert "Traceback" not in e and e.count("\n") == 1
    # (control: a real keypair file works)
    keypair_file(tmp_path / "good.json")
    assert run("estimate-fee", "--modality", "face", "--keypair", str(tmp_path / "good.json"))[0] == 0


def test_paths_are_relative_to_the_working_directory_with_tilde_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a keypair in the home directory and media in the working directory
    home, work = tmp_path / "home", tmp_path / "work"
    kp = keypair_file(home / "keys" / "id.json")
    work.mkdir()
    (work / "photo.png").write_bytes(PNG)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    # When paths are given with ~ (also after "=", which no shell expands) and relative to the working directory
    for key in (
        ["--keypair", "~/keys/id.json"],
        ["--keypair=~/keys/id.json"],
        ["-k", "../home/keys/id.json"],
    ):
        code, out, err = run("submit", "photo.png", "--modality", "image", "--json", *key)
        # Then they name the user's files
        assert code == 0, err
        assert json.loads(out)["client"] == str(kp.pubkey())
    # And a file that is not there is named by its full path
    code, _, err = run("submit", "nothere.png", "--modality", "image")
    assert code == 1 and err.startswith("error: MEDIA_NOT_FOUND: ") and str(work / "nothere.png") in err


def test_a_directory_as_media_is_refused_before_any_network(tmp_path: Path) -> None:
    code, _, err = run("submit", str(tmp_path), "--modality", "image", "--network", closed_port_url())
    assert code == 1 and err.startswith(f"error: MEDIA_NOT_FOUND: {tmp_path} is not a file.")


def test_verbose_logs_what_the_sdk_does_on_stderr() -> None:
    url = closed_port_url()
    # Without -v: one line
    _, _, quiet = run("config", "show", "--network", url)
    assert quiet.count("\n") == 1
    # With -v before or after the command: the retries inside the short budget are logged too
    for argv in (["-v", "config", "show", "--network", url], ["config", "show", "--network", url, "-v"]):
        _, _, loud = run(*argv)
        assert "retry 1/5" in loud and loud.rstrip().splitlines()[-1].startswith("error: RPC_UNREACHABLE: ")


def test_an_unexpected_exception_is_reported_as_a_bug_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setitem(cli_module._COMMANDS, "estimate-fee", broken)
    code, out, err = run("estimate-fee", "--modality", "face")
    assert code == 1 and out == ""
    assert err.startswith("error: INTERNAL: unexpected KeyError: 'boom'. This is a bug in dfpn ")
    assert "Traceback (most recent call last)" in err and 'raise KeyError("boom")' in err
    # With --json: the object on stdout, the traceback still on stderr
    code, out, err = run("estimate-fee", "--modality", "face", "--json")
    assert json.loads(out)["error"]["code"] == "INTERNAL" and "Traceback" in err


# ---- analyze -----------------------------------------------------------------------------------------------------


def test_analyze_prints_the_verdict_with_a_line_per_stage_when_stderr_is_not_a_terminal(
    tmp_path: Path,
) -> None:
    media = tmp_path / "photo.png"
    media.write_bytes(PNG)
    # When a file is analysed on the living local network (stderr: not a terminal)
    code, out, err = run("analyze", str(media))
    # Then the stages are plain lines on stderr, in order, and the verdict is on stdout
    assert code == 0, err
    stages = [line.split(":", 1)[0] for line in err.splitlines()]
    assert stages[0] == "uploading" and stages[-1] == "finalized" and "submitted" in stages
    assert stages.index("submitted") < stages.index("finalized")
    assert "\r" not in err and "\x1b" not in err
    assert out.startswith("request id:") and "verdict:" in out


def test_analyze_json_prints_only_the_result(tmp_path: Path) -> None:
    media = tmp_path / "photo.png"
    media.write_bytes(PNG)
    code, out, err = run("analyze", str(media), "--modality", "image", "--json")
    assert code == 0 and err == ""
    result = json.loads(out)
    assert len(result["workerResults"]) == 3 and result["audit"]["finalizeTx"]


def test_analyze_errors_like_the_other_commands(tmp_path: Path) -> None:
    code, _, err = run("analyze", str(tmp_path / "missing.png"))
    assert code == 1 and err.startswith("error: MEDIA_NOT_FOUND: ")
    code, out, _ = run("analyze", str(tmp_path / "missing.png"), "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "MEDIA_NOT_FOUND"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_redrawn_in_place_on_a_terminal() -> None:
    stream = _Terminal()
    display = ProgressDisplay(stream, enabled=True)
    for stage, commits in (("submitted", 0), ("drawn", 0), ("committed", 2), ("finalized", 3)):
        display(AnalysisProgress(stage=stage, request_id="R", seats_drawn=3, commits=commits, min_workers=3))
    display.close()
    text = stream.getvalue()
    # One line redrawn with \r, the bar full at the end, and a newline once done
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "[" + "#" * ProgressDisplay.width + "] finalized" in text and "commits 3/3" in text
    # (control: off the terminal, plain lines; disabled, nothing)
    plain = io.StringIO()
    ProgressDisplay(plain, enabled=True)(AnalysisProgress(stage="drawn", seats_drawn=1, min_workers=3))
    assert plain.getvalue() == "drawn: seats drawn 1/3, commits 0/3, reveals 0/3 (0 s)\n"
    silent = _Terminal()
    ProgressDisplay(silent, enabled=False)(AnalysisProgress(stage="drawn"))
    assert silent.getvalue() == ""
