"""The `dfpn-worker` command against an injected embedded network (it lives in the test process)."""

from __future__ import annotations

import io
import json
import socket
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from solders.pubkey import Pubkey

from dfpn import DFPNClient, LocalNetwork, load_keypair
from dfpn import Modality as ChainModality
from dfpn import instructions as ix
from dfpn.pda import model_address
from dfpn_detectors import Verdict
from dfpn_worker.cli import main

from helpers import MODEL_DEVELOPER, FixedDetector, register_model, request_account, worker_account

DETECTORS = [FixedDetector("fixed-a", Verdict.MANIPULATED, 90)]


def _run(argv: list[str], network: LocalNetwork | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, transport=network, detectors=list(DETECTORS), out=out)
    return code, out.getvalue()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    # Given `dfpn-worker init` with a new keypair
    path = tmp_path / "worker.toml"
    code, out = _run(
        [
            "init",
            "--config",
            str(path),
            "--keypair",
            str(tmp_path / "key.json"),
            "--generate-keypair",
            "--stake",
            "1.5",
            "--detector",
            "fixed-a",
            "--modality",
            "face",
            "--state-dir",
            str(tmp_path / "state"),
            "--metrics-port",
            "0",
        ]
    )
    assert code == 0, out
    assert "wrote" in out and (tmp_path / "key.json").stat().st_mode & 0o777 == 0o600
    return path


def test_init_refuses_to_overwrite_and_to_invent_a_missing_keypair(config_file: Path, tmp_path: Path) -> None:
    assert _run(["init", "--config", str(config_file), "--keypair", str(tmp_path / "key.json")])[0] == 2
    other = tmp_path / "other.toml"
    assert _run(["init", "--config", str(other), "--keypair", str(tmp_path / "none.json")])[0] == 2


def test_register_status_unstake_and_withdraw(config_file: Path, network: LocalNetwork) -> None:
    # When the worker registers without its model on-chain, Then it is told who registers models
    code, _ = _run(["register", "--config", str(config_file)], network)
    assert code == 1
    # When it registers (a development network: registering the model too)
    code, out = _run(["register", "--config", str(config_file), "--register-models", "--json"], network)
    assert code == 0, out
    registered = json.loads(out)
    # Then it is on-chain with its stake, modalities and models: the model id registered by its own key
    authority = load_keypair(config_file.parent / "key.json").pubkey()
    assert registered["stakeLamports"] == 1_500_000_000
    assert registered["models"] == [str(model_address(authority, "fixed-a"))]
    assert registered["modalities"] == ["FaceManipulation"]
    # And registering again changes nothing
    code, out = _run(["register", "--config", str(config_file), "--json"], network)
    assert json.loads(out)["actions"] == ["already registered as configured"]
    # When it asks for its status
    code, out = _run(["status", "--config", str(config_file), "--json"], network)
    status = json.loads(out)
    assert code == 0 and status["registered"] and status["onChain"]["reputation"] == 6_250
    assert status["onChain"]["bondedLamports"] == 0
    # When it unstakes everything, Then the stake is unbonding
    code, out = _run(["unstake", "--config", str(config_file)], network)
    assert code == 0, out
    assert Pubkey.from_string(status["worker"]) == authority
    assert worker_account(network, authority).unbonding_amount == 1_500_000_000
    # And withdrawing before the unbonding delay is refused, after it succeeds
    assert _run(["unstake", "--config", str(config_file), "--withdraw"], network)[0] == 1
    network.advance(network.params.unbonding_secs)
    code, out = _run(["unstake", "--config", str(config_file), "--withdraw"], network)
    assert code == 0, out
    assert worker_account(network, authority).unbonding_amount == 0


def test_leave_gives_a_joined_seat_back(config_file: Path, network: LocalNetwork, media: Path) -> None:
    # Given a registered worker that joined a request (its seat bond is locked in its stake)
    assert _run(["register", "--config", str(config_file), "--register-models"], network)[0] == 0
    keypair = load_keypair(config_file.parent / "key.json")
    authority = keypair.pubkey()
    with DFPNClient(network, auto_crank=False) as client:
        sub = client.submit_request(media, modalities=[ChainModality.FACE_MANIPULATION], min_workers=1)
    request = Pubkey.from_string(sub.id)
    network.process([ix.join_request(authority=authority, request=request)], [keypair])
    assert worker_account(network, authority).bonded == request_account(network, sub.id).seat_bond > 0
    # When it leaves with `dfpn-worker leave`
    code, out = _run(["leave", sub.id, "--config", str(config_file)], network)
    # Then the seat is given back and the bond released
    assert code == 0 and f"left {sub.id}" in out
    assert request_account(network, sub.id).joined == 0
    after = worker_account(network, authority)
    assert (after.bonded, after.active_seats, after.stake) == (0, 0, 1_500_000_000)
    # And leaving a request it holds no seat in is the program's refusal, a bad address a usage error
    assert _run(["leave", sub.id, "--config", str(config_file)], network)[0] == 1
    assert _run(["leave", "not-an-address", "--config", str(config_file)], network)[0] == 2


def test_a_stake_below_the_network_minimum_is_refused(
    tmp_path: Path, network: LocalNetwork, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a config with half the network's minimum stake
    register_model(network, "fixed-a")
    path = tmp_path / "low.toml"
    argv = ["init", "--config", str(path), "--keypair", str(tmp_path / "k.json"), "--generate-keypair"]
    argv += ["--model-developer", str(MODEL_DEVELOPER.pubkey())]
    assert _run([*argv, "--stake", "0.5", "--detector", "fixed-a", "--modality", "face"])[0] == 0
    # When it registers, Then it is refused before any transaction, with the minimum named
    code, _ = _run(["register", "--config", str(path)], network)
    assert code == 1
    assert "below the network minimum 1 SOL" in capsys.readouterr().err


def test_models_are_named_by_developer_and_id_or_by_address(
    tmp_path: Path, network: LocalNetwork, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given fixed-a registered by two developers: the test developer and another key
    other = network.funded_keypair()
    theirs = register_model(network, "fixed-a")
    mine = register_model(network, "fixed-a", developer=other)
    wrong = register_model(network, "fixed-b", developer=other)
    base = ["init", "--keypair", str(tmp_path / "k.json"), "--generate-keypair", "--detector", "fixed-a"]
    base += ["--modality", "face", "--state-dir", str(tmp_path / "state")]
    # When a config names the model by its developer, Then the worker declares that developer's model
    by_developer = tmp_path / "developer.toml"
    argv = [*base, "--config", str(by_developer), "--model-developer", str(MODEL_DEVELOPER.pubkey())]
    assert _run(argv)[0] == 0
    code, out = _run(["register", "--config", str(by_developer), "--json"], network)
    assert code == 0, out
    assert json.loads(out)["models"] == [str(theirs)]
    # When a config names it by address (overriding the developer), Then that model is declared instead
    by_address = tmp_path / "address.toml"
    argv = [*base, "--config", str(by_address), "--model", f"fixed-a={mine}"]
    assert _run(argv)[0] == 0
    assert f'models = {{ "fixed-a" = "{mine}" }}' in by_address.read_text()
    code, out = _run(["register", "--config", str(by_address), "--json"], network)
    assert code == 0, out
    assert json.loads(out)["models"] == [str(mine)]
    # When the address holds another model id, Then registration is refused before any transaction
    bad = tmp_path / "bad.toml"
    assert _run([*base, "--config", str(bad), "--model", f"fixed-a={wrong}"])[0] == 0
    capsys.readouterr()
    assert _run(["register", "--config", str(bad)], network)[0] == 1
    assert f"the model at {wrong} is 'fixed-b', not 'fixed-a'" in capsys.readouterr().err
    # And an address that is not base58 is a usage error
    assert _run([*base, "--config", str(tmp_path / "x.toml"), "--model", "fixed-a=nope"])[0] == 2


def test_an_unknown_network_is_a_clear_error(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a network name that is neither local, a cluster name nor a URL, When a command runs, Then a usage error
    code = main(["status", "--config", str(config_file), "--network", "moonnet"])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: NETWORK_NOT_SUPPORTED: unknown network 'moonnet'.")


def test_a_configuration_account_the_program_does_not_own_is_not_a_configuration() -> None:
    import asyncio

    from solders.account import Account

    from dfpn import DFPNError, ErrorCode
    from dfpn.pda import config_address
    from dfpn_worker.cli import fetch_config

    # Given a network whose configuration is the program's (positive control: it is read)
    network = LocalNetwork()
    address = config_address(network.program_id)
    assert asyncio.run(fetch_config(network)).params.min_stake > 0
    # When the same bytes sit at the config address under another owner (an impostor account)
    real = network.svm.get_account(address)
    assert real is not None
    impostor = Account(real.lamports, real.data, Pubkey.new_unique(), real.executable, real.rent_epoch)
    network.svm.set_account(address, impostor)
    # Then it is refused as no configuration
    with pytest.raises(DFPNError) as refused:
        asyncio.run(fetch_config(network))
    assert refused.value.code is ErrorCode.CONFIG_NOT_FOUND


# ---- behaving like the tools users know (#17) -------------------------------------------------------------------


def _init_args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "--keypair",
        str(tmp_path / "key.json"),
        "--generate-keypair",
        "--detector",
        "fixed-a",
        "--modality",
        "face",
        "--metrics-port",
        "off",
        *extra,
    ]


def _network_of(path: Path) -> str:
    return next(line for line in path.read_text().splitlines() if line.startswith("network = "))


def test_global_options_go_before_or_after_the_command_and_the_later_value_wins(tmp_path: Path) -> None:
    # When the network is given before the command
    before = tmp_path / "before.toml"
    assert _run(["--network", "devnet", "--config", str(before), "init", *_init_args(tmp_path)])[0] == 0
    # Then it is used, as when it is given after it
    after = tmp_path / "after.toml"
    assert _run(["init", *_init_args(tmp_path), "--config", str(after), "--network", "devnet"])[0] == 0
    assert _network_of(before) == _network_of(after) == 'network = "devnet"'
    # And given on both sides, the value after the command wins
    both = tmp_path / "both.toml"
    argv = [
        "--network",
        "devnet",
        "init",
        *_init_args(tmp_path),
        "--config",
        str(both),
        "--network",
        "localnet",
    ]
    assert _run(argv)[0] == 0
    assert _network_of(both) == 'network = "localnet"'


def test_json_before_the_command_applies_to_it(config_file: Path, network: LocalNetwork) -> None:
    assert _run(["register", "--config", str(config_file), "--register-models"], network)[0] == 0
    code, out = _run(["--json", "--config", str(config_file), "status"], network)
    assert code == 0 and json.loads(out)["registered"] is True


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["--version"])
    assert code == 0 and out == f"dfpn-worker {version('dfpn-worker')}\n"
    code, out = _run(["--json", "--version"])
    assert json.loads(out) == {"name": "dfpn-worker", "version": version("dfpn-worker")}


def test_init_refuses_an_unknown_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # When init is given a network that does not exist
    path = tmp_path / "mars.toml"
    code, out = _run(["init", *_init_args(tmp_path), "--config", str(path), "--network", "mars"])
    # Then it is refused (exit 2), nothing is written, and the message lists what is accepted
    err = capsys.readouterr().err
    assert code == 2 and not path.exists() and out == ""
    assert err.startswith("error: NETWORK_NOT_SUPPORTED: unknown network 'mars'.") and "localnet" in err
    # And a malformed URL is refused the same way
    code, _ = _run(["init", *_init_args(tmp_path), "--config", str(path), "--network", "http://:8899"])
    assert code == 2 and "not a valid RPC URL" in capsys.readouterr().err
    # (control: a known network is accepted)
    assert _run(["init", *_init_args(tmp_path), "--config", str(path), "--network", "mainnet-beta"])[0] == 0


def test_a_network_name_in_the_config_file_is_validated_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('network = "moonnet"\n')
    code, _ = _run(["status", "--config", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: INVALID_CONFIG: invalid configuration: network: ")
    assert "moonnet" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["register", "status", "claim", "unstake"])
def test_commands_on_the_embedded_network_say_it_lives_in_one_process(
    config_file: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a config on network "local" (the embedded network), and no network shared with the test
    # When a command that acts on the network runs on its own
    code, out = _run([command, "--config", str(config_file)], None)
    # Then it refuses plainly, instead of registering on (or reporting "not registered" from) a new, empty network
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert err.startswith("error: NETWORK_NOT_SUPPORTED: ") and "lives only inside one process" in err
    assert "--network localnet" in err


def test_errors_with_json_are_one_object_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A usage error
    code, out = _run(["--json", "no-such-command"])
    assert code == 2 and json.loads(out)["error"]["code"] == "USAGE"
    assert "invalid choice" in json.loads(out)["error"]["message"]
    # A refused configuration
    code, out = _run(
        ["init", *_init_args(tmp_path), "--config", str(tmp_path / "c.toml"), "--network", "x", "--json"]
    )
    error = json.loads(out)["error"]
    assert (
        code == 2 and error["code"] == "NETWORK_NOT_SUPPORTED" and "'x'" in error["message"] and error["hint"]
    )
    assert capsys.readouterr().err == ""


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_rpc_endpoint_is_one_line_within_two_seconds(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an RPC URL where nothing listens (a port bound and closed)
    url = f"http://127.0.0.1:{_closed_port()}"
    # When status runs against it
    started = time.monotonic()
    code, _ = _run(["status", "--config", str(config_file), "--network", url, "--log-level", "WARNING"], None)
    elapsed = time.monotonic() - started
    # Then one line says it is unreachable and what to do, within seconds (not the ~8 s of outage retries), exit 1
    err = capsys.readouterr().err
    assert code == 1 and elapsed < 4.0
    assert err.startswith(f"error: RPC_UNREACHABLE: {url} is unreachable") and "make localnet" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    # And with --json: the same error as one JSON object
    code, out = _run(
        ["status", "--config", str(config_file), "--network", url, "--json", "--log-level", "WARNING"]
    )
    assert code == 1 and json.loads(out)["error"]["code"] == "RPC_UNREACHABLE"


def test_a_missing_or_invalid_keypair_is_one_line(
    config_file: Path, network: LocalNetwork, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the worker's keypair file is gone
    key = tmp_path / "key.json"
    saved = key.read_bytes()
    key.unlink()
    # When status runs, Then it names the file and how to create one (no traceback)
    code, _ = _run(["status", "--config", str(config_file)], network)
    err = capsys.readouterr().err
    assert code == 1 and err.startswith(f"error: INVALID_ARGUMENT: keypair file {key} does not exist")
    assert "solana-keygen new" in err and "Traceback" not in err
    # And a file that is not a keypair, or a directory, is named the same way
    key.write_text("not json")
    code, _ = _run(["status", "--config", str(config_file)], network)
    assert code == 1 and "is not a Solana keypair file" in capsys.readouterr().err
    key.unlink()
    key.mkdir()
    code, _ = _run(["status", "--config", str(config_file)], network)
    assert code == 1 and f"keypair file {key} cannot be read" in capsys.readouterr().err
    # (control: with the file back, status works)
    key.rmdir()
    key.write_bytes(saved)
    assert _run(["status", "--config", str(config_file)], network)[0] == 0


def test_paths_are_the_users_relative_to_the_working_directory_and_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a working directory and a home directory
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    # When init is given a relative keypair path, a ~ state directory and a relative config path
    argv = [
        "init",
        "--keypair",
        "keys/w.json",
        "--generate-keypair",
        "--state-dir",
        "~/state",
        "--config",
        "c.toml",
    ]
    assert _run([*argv, "--detector", "fixed-a", "--modality", "face", "--reports-dir", "~/r"])[0] == 0
    # Then the files are where the user meant, and the config names them absolutely
    text = (work / "c.toml").read_text()
    assert (work / "keys" / "w.json").is_file()
    assert f'keypair = "{work / "keys" / "w.json"}"' in text
    assert f'state_dir = "{home / "state"}"' in text and f'reports_dir = "{home / "r"}"' in text


def test_relative_paths_in_a_config_file_are_relative_to_the_file(
    tmp_path: Path, network: LocalNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a hand-written config with relative paths, next to its keypair
    base = tmp_path / "etc"
    (base / "keys").mkdir(parents=True)
    authority = network.funded_keypair()
    (base / "keys" / "w.json").write_text(json.dumps(list(bytes(authority))))
    (base / "worker.toml").write_text('keypair = "keys/w.json"\nstate_dir = "state"\n')
    # When a command runs from another directory
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out = _run(["status", "--config", str(base / "worker.toml"), "--json"], network)
    # Then the keypair is the one next to the config file
    assert code == 0, out
    assert json.loads(out)["worker"] == str(authority.pubkey())


def test_an_unexpected_exception_is_a_bug_with_its_traceback(
    config_file: Path,
    network: LocalNetwork,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import dfpn_worker.cli as cli

    async def broken(*args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "cmd_status", broken)
    code, _ = _run(["status", "--config", str(config_file)], network)
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: INTERNAL: unexpected RuntimeError: boom. This is a bug in dfpn-worker")
    assert "Traceback (most recent call last)" in err and 'raise RuntimeError("boom")' in err
