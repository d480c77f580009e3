"""Configuration: constructor parameters, or environment variables ``DFPN_RT_*``.

Every field has a default that matches the realtime plugins it replaces (0.2 fps normal, 1.0 fps burst, JPEG
quality 75, a queue of 16 frames, 3 s audio chunks at most every 60 s). `MonitorConfig.from_env()` reads the
environment; keyword arguments given to it win over the environment.

| variable | field |
| --- | --- |
| ``DFPN_RT_NORMAL_FPS`` | ``video.normal_fps`` |
| ``DFPN_RT_BURST_FPS`` | ``video.burst_fps`` |
| ``DFPN_RT_QUALITY`` | ``video.quality`` |
| ``DFPN_RT_QUEUE_SIZE`` | ``video.queue_size`` |
| ``DFPN_RT_MAX_SIDE`` | ``video.max_side`` |
| ``DFPN_RT_AUDIO_SAMPLE_SIZE`` | ``audio.sample_size`` |
| ``DFPN_RT_AUDIO_INTERVAL`` | ``audio.interval`` |
| ``DFPN_RT_AUDIO_BURST_INTERVAL`` | ``audio.burst_interval`` |
| ``DFPN_RT_VAD`` | ``audio.vad`` (auto, silero, energy, external, none) |
| ``DFPN_RT_DETECTORS`` | ``detectors`` (comma-separated model ids) |
| ``DFPN_RT_WORKERS`` | ``analysis_workers`` |
| ``DFPN_RT_REMOTE_URL`` / ``DFPN_RT_API_KEY`` | ``remote.url`` / ``remote.api_key`` |
| ``DFPN_RT_ESCALATE`` | ``escalation.enabled`` (1/0, true/false) |
| ``DFPN_RT_NETWORK`` | ``escalation.network`` (local, localnet, devnet or an RPC URL) |
| ``DFPN_RT_WALLET`` | ``escalation.wallet`` (path of a Solana keypair JSON file) |
| ``DFPN_RT_MIN_WORKERS`` / ``DFPN_RT_MAX_FEE`` | ``escalation.min_workers`` / ``escalation.max_fee`` (SOL) |
| ``DFPN_RT_STORAGE`` | ``escalation.storage`` (where an escalated sample is uploaded) |
| ``DFPN_API_KEY`` / ``DFPN_API_URL`` | ``escalation.api_key`` / ``escalation.gateway_url`` (through a gateway) |
| ``DFPN_RT_NOTIFY`` | ``notify`` (transitions, rises, alerts) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

VadKind = Literal["auto", "silero", "energy", "external", "none"]
#: Which state transitions are notified: "transitions" every one; "rises" only those up to SUSPICIOUS or ALERT;
#: "alerts" reaching ALERT and ALERT back to CLEAR (what the Pipecat plug-in specification notifies).
NotifyKind = Literal["transitions", "rises", "alerts"]

#: The sample rate every audio chunk is resampled to.
AUDIO_SAMPLE_RATE = 16_000


class ConfigError(ValueError):
    """A setting is missing or wrong; the message says which and how to set it."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VideoParams(_Frozen):
    """Adaptive frame sampling."""

    #: Frames per second analysed while a track is CLEAR.
    normal_fps: float = Field(0.2, gt=0, le=30)
    #: Frames per second analysed while a track is SUSPICIOUS or ALERT.
    burst_fps: float = Field(1.0, gt=0, le=30)
    #: JPEG quality of the encoded frames (1-100).
    quality: int = Field(75, ge=1, le=100)
    #: Capacity of the frame queue; when full, the oldest frame is dropped (the media path never waits).
    queue_size: int = Field(16, ge=1, le=1024)
    #: A queued frame older than this many seconds is dropped as stale instead of analysed.
    max_age: float = Field(5.0, gt=0)
    #: Frames larger than this (longest side, pixels) are scaled down before encoding; 0 keeps the size.
    max_side: int = Field(1280, ge=0)

    @model_validator(mode="after")
    def _burst_not_slower(self) -> VideoParams:
        if self.burst_fps < self.normal_fps:
            raise ValueError(f"burst_fps ({self.burst_fps}) must be >= normal_fps ({self.normal_fps})")
        return self


class AudioParams(_Frozen):
    """Voice-gated audio sampling."""

    #: Every chunk is resampled to 16 kHz mono (the detectors' and the network's rate).
    sample_rate: Literal[16000] = 16_000
    #: Samples per analysed chunk (48 000 = 3 s at 16 kHz).
    sample_size: int = Field(48_000, ge=1_600)
    #: Minimum seconds between two chunks of one track while it is CLEAR.
    interval: float = Field(60.0, ge=0)
    #: Minimum seconds between two chunks while the track is SUSPICIOUS or ALERT.
    burst_interval: float = Field(10.0, ge=0)
    #: Voice activity detection: "auto" (Silero ONNX when its model file is installed, else "energy"), "silero",
    #: "energy", "external" (only the integration's speaking signal) or "none" (all audio counts as speech).
    vad: VadKind = "auto"
    #: Capacity of the audio chunk queue (drop-oldest like the frame queue).
    queue_size: int = Field(4, ge=1, le=64)


class StateParams(_Frozen):
    """Hysteresis of the per-track state machine CLEAR → SUSPICIOUS → ALERT → CLEAR.

    An analysed sample is *positive* when its manipulation score is >= ``positive_score``, *negative* when it is
    < ``negative_score``, else (or when the detectors are inconclusive) neutral and ignored. Only the last
    ``window`` decisive samples count.
    """

    positive_score: float = Field(0.6, ge=0, le=1)
    negative_score: float = Field(0.4, ge=0, le=1)
    window: int = Field(5, ge=1, le=100)
    #: Positives within the window that move CLEAR to SUSPICIOUS.
    suspicious_after: int = Field(2, ge=1)
    #: Positives within the window that move SUSPICIOUS (or CLEAR) to ALERT.
    alert_after: int = Field(3, ge=1)
    #: Consecutive negatives that move SUSPICIOUS back to CLEAR.
    clear_after: int = Field(3, ge=1)
    #: Consecutive negatives that move ALERT back to CLEAR.
    alert_clear_after: int = Field(5, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> StateParams:
        if self.negative_score > self.positive_score:
            raise ValueError("negative_score must be <= positive_score")
        if not self.suspicious_after <= self.alert_after <= self.window:
            raise ValueError("need suspicious_after <= alert_after <= window")
        return self


class RemoteParams(_Frozen):
    """Analysis on a remote DFPN realtime server (``dfpn-realtime serve``) instead of in this process."""

    url: str | None = None
    api_key: str | None = None
    #: Reconnect backoff: first delay, cap (seconds) and full jitter.
    backoff_initial: float = Field(1.0, gt=0)
    backoff_max: float = Field(10.0, gt=0)
    #: Seconds to wait for one analysis before counting it inconclusive.
    timeout: float = Field(10.0, gt=0)


class EscalationParams(_Frozen):
    """Escalation of an ALERT to the DFPN network for a verified multi-worker verdict.

    Two ways to reach the network: through a DFPN gateway with an API key (``api_key`` and ``gateway_url``; the
    gateway's wallet pays), or directly with the SDK and a wallet of your own (``network``, ``wallet``). Either way
    the sample that raised the ALERT leaves the machine, so escalation is off unless ``enabled``, and ``storage``
    must say where the sample goes (except on the embedded "local" network, whose storage is a local file).
    """

    enabled: bool = False
    #: API key of a DFPN gateway (``dfpn_...``, from ``dfpn-gateway keys create``); with it, escalation goes through
    #: the gateway at ``gateway_url`` and needs no wallet.
    api_key: str | None = Field(None, repr=False)
    #: Base URL of the DFPN gateway (``https://gateway.example``) that ``api_key`` belongs to.
    gateway_url: str | None = None
    #: "local" (embedded network, tests and demos), "localnet", "devnet" or an RPC URL.
    network: str = "local"
    #: Solana keypair JSON file of the paying wallet (required except on "local").
    wallet: str | None = None
    min_workers: int = Field(3, ge=1, le=16)
    #: Most SOL escrowed per escalation; None escrows exactly the fee.
    max_fee: float | None = Field(None, gt=0)
    deadline_seconds: int = Field(300, ge=60)
    #: Seconds to wait for the finalized result.
    timeout: float = Field(360.0, gt=0)
    #: Seconds after an escalation of a track before the next one of the same track.
    cooldown: float = Field(300.0, ge=0)
    #: Where the escalated sample is uploaded. Through a gateway: "gateway" (the upload goes to the gateway, which
    #: stores it in its own storage), "ipfs", "s3" or an http(s):// URL taking PUT uploads (your storage; the
    #: gateway gets only the URI and SHA-256). Directly: "file" (local network only), "ipfs", "s3" or an http(s)://
    #: PUT URL. None is allowed only on the "local" network (file storage next to the embedded network).
    storage: str | None = None
    #: The public base URL of an http(s):// PUT ``storage`` when it differs from the upload URL.
    storage_public_url: str | None = None
    #: Where the escalated sample is written before upload (a temporary directory when None).
    sample_dir: str | None = None


class MonitorConfig(_Frozen):
    video: VideoParams = VideoParams()
    audio: AudioParams = AudioParams()
    states: StateParams = StateParams()
    remote: RemoteParams = RemoteParams()
    escalation: EscalationParams = EscalationParams()
    #: Local detector model ids (entry points "dfpn.detectors"); None: every installed detector that reads
    #: live frames or speech (see `backends.DEFAULT_EXCLUDED`).
    detectors: tuple[str, ...] | None = None
    #: Concurrent analyses (tasks pulling from the queues; local detectors run in a thread pool this size).
    analysis_workers: int = Field(2, ge=1, le=64)
    #: Which transitions are notified (`NotifyKind`); every transition still changes the sampling rate.
    notify: NotifyKind = "transitions"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> MonitorConfig:
        """The configuration from ``DFPN_RT_*`` variables; ``overrides`` (field=value, or a section name with a
        mapping or params object) win over the environment."""
        env = os.environ if env is None else env
        sections: dict[str, dict[str, Any]] = {
            "video": {},
            "audio": {},
            "states": {},
            "remote": {},
            "escalation": {},
        }
        top: dict[str, Any] = {}
        for var, (section, key, conv) in _ENV.items():
            raw = env.get(var)
            if raw is None or raw.strip() == "":
                continue
            try:
                value = conv(raw.strip())
            except ValueError as e:
                raise ConfigError(f"{var}={raw!r}: {e}") from e
            (top if section == "" else sections[section])[key] = value
        for key, value in overrides.items():
            if key in sections:
                sections[key].update(value.model_dump() if isinstance(value, BaseModel) else dict(value))
            else:
                top[key] = value
        try:
            return cls(**top, **{k: v for k, v in sections.items() if v})
        except ValueError as e:
            raise ConfigError(str(e)) from e


def _bool(raw: str) -> bool:
    low = raw.lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def _names(raw: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in raw.split(",") if n.strip())


_ENV: dict[str, tuple[str, str, Any]] = {
    "DFPN_RT_NORMAL_FPS": ("video", "normal_fps", float),
    "DFPN_RT_BURST_FPS": ("video", "burst_fps", float),
    "DFPN_RT_QUALITY": ("video", "quality", int),
    "DFPN_RT_QUEUE_SIZE": ("video", "queue_size", int),
    "DFPN_RT_MAX_SIDE": ("video", "max_side", int),
    "DFPN_RT_AUDIO_SAMPLE_SIZE": ("audio", "sample_size", int),
    "DFPN_RT_AUDIO_INTERVAL": ("audio", "interval", float),
    "DFPN_RT_AUDIO_BURST_INTERVAL": ("audio", "burst_interval", float),
    "DFPN_RT_VAD": ("audio", "vad", str),
    "DFPN_RT_DETECTORS": ("", "detectors", _names),
    "DFPN_RT_WORKERS": ("", "analysis_workers", int),
    "DFPN_RT_REMOTE_URL": ("remote", "url", str),
    "DFPN_RT_API_KEY": ("remote", "api_key", str),
    "DFPN_RT_ESCALATE": ("escalation", "enabled", _bool),
    "DFPN_RT_NETWORK": ("escalation", "network", str),
    "DFPN_RT_WALLET": ("escalation", "wallet", str),
    "DFPN_RT_MIN_WORKERS": ("escalation", "min_workers", int),
    "DFPN_RT_MAX_FEE": ("escalation", "max_fee", float),
    "DFPN_RT_STORAGE": ("escalation", "storage", str),
    "DFPN_RT_STORAGE_PUBLIC_URL": ("escalation", "storage_public_url", str),
    "DFPN_API_KEY": ("escalation", "api_key", str),
    "DFPN_API_URL": ("escalation", "gateway_url", str),
    "DFPN_RT_NOTIFY": ("", "notify", str),
}

#: Settings of the plug-ins this package replaces, and what to set instead. They are never read: a Dataspike key
#: is not sent anywhere. `foreign_settings` names those that are set, and the integrations log it at start.
FOREIGN_ENV = {
    "DATASPIKE_API_KEY": "DFPN_API_KEY (a DFPN gateway key, used only to escalate ALERTs; analysis runs locally)",
    "DATASPIKE_WS_URL": "DFPN_RT_REMOTE_URL (a dfpn-realtime serve analysis server; default: local analysis)",
}


#: DFPN gateway API keys start with this (``dfpn-gateway keys create`` prints ``dfpn_<id>_<secret>``).
API_KEY_PREFIX = "dfpn_"


def check_api_key(api_key: str | None) -> str | None:
    """`api_key` when it is a DFPN gateway key (or None); `ConfigError` otherwise, without repeating the key: a key
    of another service (a Dataspike key passed on unchanged) must not be sent to a DFPN gateway."""
    if api_key is None or api_key.startswith(API_KEY_PREFIX):
        return api_key
    raise ConfigError(
        f"api_key is not a DFPN gateway API key (those start with {API_KEY_PREFIX!r}; a key of another service, "
        "e.g. DATASPIKE_API_KEY, is refused so that it is never sent anywhere): create one with "
        "`dfpn-gateway keys create` and pass it as api_key= or set DFPN_API_KEY"
    )


def foreign_settings(env: Mapping[str, str] | None = None) -> list[str]:
    """One message per set variable of the replaced plug-ins (`FOREIGN_ENV`): ignored, and what to use instead."""
    env = os.environ if env is None else env
    return [f"{var} is set but not used: set {use}" for var, use in FOREIGN_ENV.items() if env.get(var)]


ENV_VARS = tuple(_ENV)

__all__ = [
    "API_KEY_PREFIX",
    "AUDIO_SAMPLE_RATE",
    "ENV_VARS",
    "FOREIGN_ENV",
    "AudioParams",
    "ConfigError",
    "EscalationParams",
    "MonitorConfig",
    "NotifyKind",
    "RemoteParams",
    "StateParams",
    "VadKind",
    "VideoParams",
    "check_api_key",
    "foreign_settings",
]
