"""The worker's configuration: a TOML file, overridden by `DFPN_WORKER_*` environment variables.

Precedence, highest first: values passed in code (the CLI's flags), environment variables, the config file,
defaults. The file is `--config PATH`, else `$DFPN_WORKER_CONFIG`, else `~/.config/dfpn-worker/config.toml`
(a missing default file is not an error: every key has a default).

Every key is a top-level TOML key, and the environment variable is the key in upper case with the prefix,
e.g. `network = "devnet"` / `DFPN_WORKER_NETWORK=devnet`. Paths (`keypair`, `state_dir`, `reports_dir`) have `~`
expanded; a relative path in the config file is relative to the file's directory, one given in code or the
environment to the working directory, so a config file means the same files from wherever it is used. Lists in
the environment are comma-separated (`DFPN_WORKER_MODALITIES=FaceManipulation,ImageAuthenticity`) or JSON;
`detector_config` and `models` are JSON.

Models on-chain are addressed by the developer that registered them and their id (`["model", developer,
model_id]`): `model_developer` names that developer for the detectors' model ids (default: the worker's own key,
which `register --register-models` uses on development networks), and `models` names a model by its address
for an id registered by someone else.
"""

from __future__ import annotations

import json
import logging
import os
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from solders.pubkey import Pubkey

from dfpn import Modality as ChainModality
from dfpn import pda
from dfpn.errors import DFPNError, ErrorCode
from dfpn.fees import sol_to_lamports
from dfpn.netguard import DestinationPolicy
from dfpn.rpc import resolve_network
from dfpn_detectors import MediaLimits

logger = logging.getLogger(__name__)

ENV_PREFIX = "DFPN_WORKER_"
CONFIG_ENV = "DFPN_WORKER_CONFIG"
DEFAULT_CONFIG_PATH = Path("~/.config/dfpn-worker/config.toml")
DEFAULT_STATE_DIR = Path("~/.local/share/dfpn-worker")

#: Modality names accepted in the config: the detectors' names ("FaceManipulation"), the SDK's enum names
#: ("FACE_MANIPULATION") and the `dfpn` CLI's short names ("face").
_SHORT_MODALITIES = {
    "image": ChainModality.IMAGE_AUTHENTICITY,
    "face": ChainModality.FACE_MANIPULATION,
    "ai-image": ChainModality.AI_GENERATED_IMAGE,
    "video": ChainModality.VIDEO_AUTHENTICITY,
    "voice": ChainModality.VOICE_CLONING,
}

_config_file: ContextVar[Path | None] = ContextVar("dfpn_worker_config_file", default=None)
#: The settings that are paths (`~` expanded, made absolute).
PATH_KEYS = ("keypair", "state_dir", "reports_dir")


def parse_modality(value: str | int) -> ChainModality:
    """A modality by any of its names ("FaceManipulation", "FACE_MANIPULATION", "face") or its bit."""
    if isinstance(value, int):
        return ChainModality(value)
    key = value.strip()
    if key.lower() in _SHORT_MODALITIES:
        return _SHORT_MODALITIES[key.lower()]
    snake = "".join("_" + c if c.isupper() and i else c for i, c in enumerate(key)).upper().replace("-", "_")
    for name in (key.upper().replace("-", "_"), snake):
        if name in ChainModality.__members__:
            return ChainModality[name]
    known = ", ".join(pascal_name(m) for m in ChainModality)
    raise ValueError(f"unknown modality {value!r} (one of {known}, or image/face/ai-image/video/voice)")


def pascal_name(modality: ChainModality) -> str:
    """`FACE_MANIPULATION` -> `FaceManipulation` (the protocol's and the detectors' spelling)."""
    return "".join(part.capitalize() for part in modality.name.split("_"))


def _split_list(value: Any) -> Any:
    """Environment values arrive as strings: accept JSON lists and comma-separated lists."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    return value


class WorkerConfig(BaseSettings):
    """Everything `dfpn-worker` needs to know. Amounts of SOL are decimal strings or numbers."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        extra="forbid",
        enable_decoding=False,
        validate_default=True,
    )

    #: Solana JSON keypair file of the worker's authority (pays fees, signs, owns the stake).
    keypair: Path = Path("~/.config/solana/id.json")
    #: "local" (embedded LiteSVM, in-process: tests and demos), "localnet", "devnet" or an RPC URL.
    network: str = "local"
    #: Stake put up by `register`, in SOL (at least the network's `min_stake`).
    stake: str = "1"
    #: Modalities the worker declares on-chain and accepts; empty: the union of its detectors' modalities.
    modalities: list[str] = Field(default_factory=list)
    #: Detectors (entry-point names = model ids) to run; empty: every installed detector (one that needs settings
    #: it was not given is skipped, with one log line at start-up). All that apply to a request run on it.
    detectors: list[str] = Field(default_factory=list)
    #: Model ids the worker declares on-chain, at most `MAX_WORKER_MODELS` of its detectors' (only a declared model
    #: is credited in a commit, and earns its developer the models' share); empty: chosen for modality coverage.
    declare_models: list[str] = Field(default_factory=list)
    #: Per-detector settings handed to `load_detectors(config=...)`, keyed by detector name.
    detector_config: dict[str, Any] = Field(default_factory=dict)
    #: The key that registered the detectors' model ids (a model's address is `["model", developer, id]`);
    #: unset: the worker's own key (what `register --register-models` registers with).
    model_developer: str | None = None
    #: Models named by address, by model id (`{"face-forensics-sbi" = "<model address>"}`): for ids registered
    #: by another developer than `model_developer`; the node checks the account there holds that id.
    models: dict[str, str] = Field(default_factory=dict)
    #: Most requests in progress between joining and committing. Their analyses share the analysis pool (one process
    #: per core), so this bounds the requests waiting on the chain (accept and commit being confirmed, ~2 slots
    #: each) and in the pool's queue, not the CPU; each bonds a seat.
    concurrency: int = Field(default=16, ge=1, le=64)
    #: Seconds after its draw a seat drawn while `concurrency` is reached is held, unanswered, for a place to free
    #: (then accepted) before it is declined; never closer than `BUSY_HOLD_MARGIN` to the end of the time to give it
    #: back. Holding costs nothing (a drawn seat bonds nothing until accepted), while a declined seat waits for
    #: somebody to draw it again. 0: decline at once.
    busy_hold: float = Field(default=30.0, ge=0)
    #: Fee floor in SOL: skip a request when the worker's worst-case share of its fee,
    #: ⌊⌊fee × 65 %⌋ / max_workers⌋, is below this.
    fee_floor: str = "0"
    #: Largest media the worker downloads, in bytes (refused above it).
    max_media_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    #: What one media file may cost (`dfpn_detectors.MediaLimits`): declared image pixels, video frame size, frame
    #: count and duration, audio duration and sample rate, bytes (checked from the header before any detector
    #: runs: media over one is answered Inconclusive with a `media_too_large` detection, undecoded), and the sizes
    #: above which the detectors analyse media reduced. TOML: a `[media_limits]` table (e.g. `max_pixels =
    #: 40000000`); environment: JSON. The detectors get them through `detector_settings`.
    media_limits: MediaLimits = Field(default_factory=MediaLimits)
    #: Time limit for one media download attempt, in seconds.
    download_timeout: float = Field(default=60.0, gt=0)
    #: Download attempts before giving up (network faults; bounded exponential backoff between them).
    download_attempts: int = Field(default=4, ge=1, le=20)
    #: Redirects followed for one media download (each hop's address is checked like the first).
    media_max_redirects: int = Field(default=5, ge=0, le=20)
    #: Networks (CIDRs) media may be downloaded from although they are not publicly reachable: loopback, private,
    #: link-local, ... addresses are refused unless listed here (a client chooses the media URI, and must not make
    #: the worker fetch from inside its operator's network). The local network lists loopback; default: none.
    media_allow_networks: list[str] = Field(default_factory=list)
    #: Time limit for one detector on one media, in seconds (over it: that detector is Inconclusive).
    detector_timeout: float = Field(default=120.0, gt=0)
    #: Where reports go: "file" (file:// URIs; local network only), "ipfs" (DFPN_IPFS_API) or "s3"
    #: (DFPN_S3_BUCKET, AWS_* variables).
    storage: Literal["file", "ipfs", "s3"] = "file"
    #: Directory of report files for "file" storage; default `<state_dir>/reports`. Keep it short: report
    #: URIs are at most 128 bytes on-chain.
    reports_dir: Path | None = None
    #: Durable per-request state (salts, preimages, phases): keep it on a disk that survives restarts.
    state_dir: Path = DEFAULT_STATE_DIR
    #: Seconds between polls of the chain (new requests, phases).
    poll_interval: float = Field(default=2.0, gt=0)
    #: Seconds a graceful shutdown waits for in-flight analysis and commits before handing over.
    shutdown_grace: float = Field(default=30.0, ge=0)
    #: Finalize requests this worker revealed in, once anyone may: `FINALIZE_GRACE_SECS` after the deadline (before,
    #: only the client may); costs one transaction fee.
    finalize: bool = True
    #: Expire requests this worker joined that can only expire (releases the worker's seat).
    expire: bool = True
    #: Crank seat draws (`draw_seats`, costs transaction fees): draw open requests nobody drew `draw_crank_delay`
    #: seconds after submission, and replace seats not committed half a commit window after their draw (their
    #: workers forfeit the bond). Runs every `crank_interval` seconds.
    crank_draws: bool = True
    crank_interval: float = Field(default=10.0, ge=0)
    draw_crank_delay: int = Field(default=5, ge=0)
    #: Where the detectors run: "process" (a pool of worker processes, one per core: analyses use every core and
    #: never hold up the event loop), "thread" (threads of the node's process), "auto" (processes on a real
    #: network, threads on the embedded one).
    analysis_pool: Literal["auto", "process", "thread"] = "auto"
    #: Processes (or threads) of that pool; 0: one per core available to the worker.
    analysis_workers: int = Field(default=0, ge=0, le=256)
    #: Most transactions sent and not yet confirmed at once (they are pipelined over JSON-RPC).
    max_transactions_in_flight: int = Field(default=64, ge=1, le=1024)
    #: Prometheus metrics (/metrics) and health (/healthz) HTTP endpoint; port 0 picks a free port,
    #: "off" disables it.
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=9464, ge=0, le=65535)
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"

    @field_validator("modalities", "detectors", "declare_models", "media_allow_networks", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("modalities")
    @classmethod
    def _known_modalities(cls, value: list[str]) -> list[str]:
        return [pascal_name(parse_modality(v)) for v in value]

    @field_validator("media_allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        try:
            policy = DestinationPolicy.from_strings(value)
        except DFPNError as e:
            raise ValueError(f"media_allow_networks: {e.message}") from e
        return [str(net) for net in policy.allow_networks]

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _port(cls, value: Any) -> Any:
        if value is None or (
            isinstance(value, str) and value.strip().lower() in ("", "off", "none", "disabled")
        ):
            return None
        return value

    @field_validator("detector_config", "models", "media_limits", mode="before")
    @classmethod
    def _json_mapping(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    @field_validator("model_developer")
    @classmethod
    def _developer(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return str(_pubkey(value, "model_developer"))

    @field_validator("models")
    @classmethod
    def _model_addresses(cls, value: dict[str, str]) -> dict[str, str]:
        return {model_id: str(_pubkey(address, f"models.{model_id}")) for model_id, address in value.items()}

    @field_validator("stake", "fee_floor", mode="before")
    @classmethod
    def _sol(cls, value: Any) -> str:
        text = str(value).strip()
        try:
            sol_to_lamports(text)
        except ValueError as e:
            raise ValueError(f"{value!r} is not an amount of SOL: {e}") from e
        return text

    @field_validator("keypair", "state_dir", "reports_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return None if value is None else Path(os.path.abspath(value.expanduser()))

    @field_validator("network")
    @classmethod
    def _known_network(cls, value: str) -> str:
        if value == "local":
            return value
        try:
            resolve_network(value)
        except DFPNError as e:
            raise ValueError(e.message) from e
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _config_file.get()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path is not None:
            sources.append(_ConfigFileSource(settings_cls, path))
        return tuple(sources)

    # ---- derived values --------------------------------------------------------------------------------

    @property
    def stake_lamports(self) -> int:
        return sol_to_lamports(self.stake)

    @property
    def fee_floor_lamports(self) -> int:
        return sol_to_lamports(self.fee_floor)

    @property
    def detector_settings(self) -> dict[str, Any]:
        """`detector_config` with `media_limits` as every detector's limits (under its "*" key; the "*" key's own
        `limits` and a detector's refine them, key by key): the mapping to build the detectors with
        (`dfpn_detectors.load_detectors(config=...)`)."""
        settings = dict(self.detector_config)
        star = dict(settings.get("*") or {})
        given = star.get("limits")
        star["limits"] = {
            **self.media_limits.model_dump(),
            **(dict(given) if isinstance(given, Mapping) else {}),
        }
        settings["*"] = star
        return settings

    @property
    def chain_modalities(self) -> list[ChainModality]:
        return [parse_modality(m) for m in self.modalities]

    @property
    def media_policy(self) -> DestinationPolicy:
        """Where media may be downloaded from: public addresses and `media_allow_networks`."""
        return DestinationPolicy.from_strings(self.media_allow_networks)

    @property
    def report_dir(self) -> Path:
        return self.reports_dir if self.reports_dir is not None else self.state_dir / "reports"

    def model_address(self, model_id: str, worker: Pubkey, program_id: Pubkey) -> Pubkey:
        """The on-chain address of the model a detector's `model_id` names: from `models` when listed there,
        else the PDA of `model_developer` (default: `worker`, the worker's own key) and the id."""
        if model_id in self.models:
            return Pubkey.from_string(self.models[model_id])
        developer = Pubkey.from_string(self.model_developer) if self.model_developer else worker
        return pda.model_address(developer, model_id, program_id)


class _ConfigFileSource(TomlConfigSettingsSource):
    """The TOML config file, whose relative paths are relative to the file's directory (not to the directory the
    worker happens to be started from)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls, toml_file=path)
        self._base = Path(os.path.abspath(path)).parent

    def __call__(self) -> dict[str, Any]:
        data = dict(super().__call__())
        for key in PATH_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value:
                p = Path(value).expanduser()
                data[key] = str(p if p.is_absolute() else self._base / p)
        return data


def _pubkey(value: str, what: str) -> Pubkey:
    try:
        return Pubkey.from_string(value.strip())
    except ValueError as e:
        raise ValueError(f"{what}: {value!r} is not a base58 address") from e


def config_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The config file in use: `path`, else `$DFPN_WORKER_CONFIG`, else the default."""
    if path is not None:
        return Path(path).expanduser()
    env = os.environ.get(CONFIG_ENV)
    return Path(env).expanduser() if env else DEFAULT_CONFIG_PATH.expanduser()


def load_config(
    path: str | os.PathLike[str] | None = None, *, required: bool = False, **overrides: Any
) -> WorkerConfig:
    """Read the config file (see `config_path`), apply `DFPN_WORKER_*` variables, then `overrides`
    (None values are ignored). A missing file is an error only when `required` or named explicitly."""
    file = config_path(path)
    explicit = path is not None or bool(os.environ.get(CONFIG_ENV))
    if not file.is_file():
        if required or explicit:
            raise DFPNError(
                ErrorCode.INVALID_ARGUMENT,
                f"config file {file} does not exist; create it with `dfpn-worker init`.",
            )
        file_used: Path | None = None
    else:
        file_used = file
        try:
            tomllib.loads(file.read_text())
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise DFPNError(ErrorCode.INVALID_ARGUMENT, f"config file {file} is not valid TOML: {e}") from e
    token = _config_file.set(file_used)
    try:
        return WorkerConfig(**{k: v for k, v in overrides.items() if v is not None})
    finally:
        _config_file.reset(token)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value))  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} to TOML")


def render_toml(config: WorkerConfig) -> str:
    """The config as a TOML file (what `dfpn-worker init` writes); unset optional keys become comments."""
    lines = [
        "# dfpn-worker configuration. Environment variables DFPN_WORKER_<KEY> override these values.",
        "",
    ]
    data = config.model_dump()
    for name in WorkerConfig.model_fields:
        value = data[name]
        if value is None:
            if name == "metrics_port":
                lines.append('metrics_port = "off"')
            else:
                lines.append(f"# {name} = (unset: the default applies)")
            continue
        lines.append(f"{name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def write_config(config: WorkerConfig, path: Path) -> None:
    """Write `config` to `path` (parents created; replaced atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_toml(config))
    os.replace(tmp, path)


__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CONFIG_PATH",
    "ENV_PREFIX",
    "WorkerConfig",
    "config_path",
    "load_config",
    "parse_modality",
    "pascal_name",
    "render_toml",
    "write_config",
]
