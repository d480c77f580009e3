"""The `dfpn-worker` command against an injected embedded network (it lives in the test process)."""

from __future__ import annotations

import io
import json
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
    # Given a network name that is neither local, a cluster name nor a URL, When a command runs, Then exit 1
    code = main(["status", "--config", str(config_file), "--network", "moonnet"])
    assert code == 1
    assert "NETWORK_NOT_SUPPORTED" in capsys.readouterr().err


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
