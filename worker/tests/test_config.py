"""Configuration: TOML file, DFPN_WORKER_* environment variables, explicit values; `init`'s file reads back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dfpn import Modality as ChainModality
from dfpn.errors import DFPNError
from dfpn_worker.config import WorkerConfig, load_config, parse_modality, write_config


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("DFPN_WORKER_"):
            monkeypatch.delenv(key)


def test_environment_overrides_the_file_and_explicit_values_override_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a config file
    path = tmp_path / "worker.toml"
    path.write_text(
        'network = "devnet"\nstake = "2.5"\nconcurrency = 2\nmodalities = ["face", "ImageAuthenticity"]\n'
        'detectors = ["face-forensics-sbi"]\nfee_floor = 0.0001\nstorage = "ipfs"\n'
        "[detector_config.face-forensics-sbi]\nthreshold = 0.7\n"
    )
    # And environment variables for two keys (a list comma-separated)
    monkeypatch.setenv("DFPN_WORKER_CONCURRENCY", "8")
    monkeypatch.setenv("DFPN_WORKER_MODALITIES", "VoiceCloning, video")
    # When loaded with an explicit network
    config = load_config(path, network="http://127.0.0.1:8899")
    # Then explicit > environment > file > defaults
    assert config.network == "http://127.0.0.1:8899"
    assert config.concurrency == 8
    assert config.modalities == ["VoiceCloning", "VideoAuthenticity"]
    assert config.chain_modalities == [ChainModality.VOICE_CLONING, ChainModality.VIDEO_AUTHENTICITY]
    assert config.stake_lamports == 2_500_000_000 and config.fee_floor_lamports == 100_000
    assert config.storage == "ipfs" and config.detectors == ["face-forensics-sbi"]
    assert config.detector_config == {"face-forensics-sbi": {"threshold": 0.7}}
    assert config.poll_interval == 2.0  # default


def test_the_config_file_comes_from_the_environment_and_json_lists_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.toml"
    path.write_text('state_dir = "~/dfpn-state"\n')
    monkeypatch.setenv("DFPN_WORKER_CONFIG", str(path))
    monkeypatch.setenv("DFPN_WORKER_DETECTORS", '["a", "b"]')
    monkeypatch.setenv("DFPN_WORKER_DETECTOR_CONFIG", '{"a": {"x": 1}}')
    config = load_config()
    assert config.state_dir == Path("~/dfpn-state").expanduser()
    assert config.detectors == ["a", "b"] and config.detector_config == {"a": {"x": 1}}
    assert config.report_dir == config.state_dir / "reports"


def test_what_init_writes_reads_back_identically(tmp_path: Path) -> None:
    config = WorkerConfig(
        keypair=tmp_path / "k.json",
        network="devnet",
        stake="3",
        modalities=["face"],
        detectors=["m1", "m2"],
        detector_config={"m1": {"threshold": 0.5, "labels": ["a"]}},
        metrics_port=None,
        state_dir=tmp_path / "state",
    )
    path = tmp_path / "out" / "config.toml"
    write_config(config, path)
    assert load_config(path) == config
    assert 'metrics_port = "off"' in path.read_text()


def test_bad_values_are_refused_with_the_key_named(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('modalities = ["smell"]\n')
    with pytest.raises(ValueError, match="unknown modality 'smell'"):
        load_config(path)
    path.write_text("colour = 3\n")
    with pytest.raises(ValueError, match="colour"):
        load_config(path)
    path.write_text('stake = "lots"\n')
    with pytest.raises(ValueError, match="not an amount of SOL"):
        load_config(path)
    path.write_text("concurrency = [\n")
    with pytest.raises(DFPNError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(DFPNError, match="dfpn-worker init"):
        load_config(tmp_path / "missing.toml")


def test_modalities_have_several_spellings() -> None:
    assert {parse_modality(s) for s in ("FaceManipulation", "FACE_MANIPULATION", "face", 2)} == {
        ChainModality.FACE_MANIPULATION
    }
    assert parse_modality("ai-image") is ChainModality.AI_GENERATED_IMAGE


def _documented_keys(readme: str) -> set[str]:
    """The keys of the README's configuration table (first column; `a` / `b` rows name several)."""
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    keys: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            keys |= set(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return keys


def test_every_setting_is_documented_in_the_readme() -> None:
    # Given the worker's README
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    documented = _documented_keys(readme)
    # Then its configuration table names every setting, and nothing that is not one
    assert set(WorkerConfig.model_fields) == documented
    # (and the check sees a missing row: without the `busy_hold` row the sets differ)
    without = "\n".join(line for line in readme.splitlines() if not line.startswith("| `busy_hold`"))
    assert "busy_hold" not in _documented_keys(without)
