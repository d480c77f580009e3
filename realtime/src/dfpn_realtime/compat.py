"""The constructor parameters of the realtime plug-in specifications (Dataspike's LiveKit and Pipecat deepfake
plug-ins), mapped onto `MonitorConfig`: the integrations accept every parameter those specifications show, with
the same meaning, and refuse anything else loudly.

| specification | here |
| --- | --- |
| ``api_key`` (env ``DATASPIKE_API_KEY``) | ``escalation.api_key`` (env ``DFPN_API_KEY``): a DFPN gateway key |
| ``session`` (aiohttp) | the HTTP session of the gateway escalation |
| ``video_params=VideoParams(normal_fps, burst_fps, quality)`` | ``video`` (the same fields) |
| ``audio_params=AudioParams(sample_rate, sample_size, interval)`` | ``audio`` (the same fields; 16 kHz only) |
| ``normal_fps``, ``burst_fps``, ``quality`` (LiveKit) | ``video.*`` |
| ``notification_cb`` | ``notification_cb`` |

A parameter that is not one of these, nor one of the integration's own, is a `TypeError` that names it and, where
it has one, what to use instead: a setting silently dropped is the worst kind of misconfiguration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from dfpn_realtime.config import (
    AUDIO_SAMPLE_RATE,
    AudioParams,
    ConfigError,
    MonitorConfig,
    NotifyKind,
    VideoParams,
    check_api_key,
)

#: Keyword arguments people bring from other realtime plug-ins, and what to use here instead.
HINTS: dict[str, str] = {
    "ws_url": "DFPN_RT_REMOTE_URL (remote analysis) or config=MonitorConfig(remote=RemoteParams(url=...))",
    "url": "DFPN_RT_REMOTE_URL (remote analysis) or config=MonitorConfig(remote=RemoteParams(url=...))",
    "sample_rate": "audio_params=AudioParams(sample_rate=16000) (every chunk is resampled to 16 kHz)",
    "sample_size": "audio_params=AudioParams(sample_size=...)",
    "interval": "audio_params=AudioParams(interval=...)",
    "fps": "video_params=VideoParams(normal_fps=..., burst_fps=...)",
    "jpeg_quality": "video_params=VideoParams(quality=...)",
    "callback": "notification_cb=",
    "on_event": "notification_cb=",
    "max_queue_size": "config=MonitorConfig(video=VideoParams(queue_size=...))",
    "queue_size": "config=MonitorConfig(video=VideoParams(queue_size=...))",
}


def refuse_unknown(owner: str, unknown: Mapping[str, Any], accepted: Iterable[str]) -> None:
    """`TypeError` naming every parameter in `unknown`, with the replacement where `HINTS` has one."""
    if not unknown:
        return
    lines = []
    for name in sorted(unknown):
        hint = HINTS.get(name)
        lines.append(f"{name!r}" + (f" (use {hint})" if hint else ""))
    raise TypeError(
        f"{owner} got unexpected keyword argument(s) {', '.join(lines)}; it accepts: {', '.join(sorted(accepted))}"
    )


def _fields_of(params: Any, names: tuple[str, ...], what: str) -> dict[str, Any]:
    """The named fields of a params object: ours (pydantic), a dataclass or any object with those attributes (the
    specification's ``VideoParams`` / ``AudioParams`` dataclasses), or a mapping. Unknown fields are refused."""
    if isinstance(params, BaseModel):
        values = params.model_dump()
    elif dataclasses.is_dataclass(params) and not isinstance(params, type):
        values = {f.name: getattr(params, f.name) for f in dataclasses.fields(params)}
    elif isinstance(params, Mapping):
        values = dict(params)
    else:
        values = {n: getattr(params, n) for n in names if hasattr(params, n)}
        if not values:
            raise TypeError(f"{what}: expected an object with the fields {', '.join(names)}, not {params!r}")
    return values


def video_params(params: Any, base: VideoParams | None = None) -> VideoParams:
    """`VideoParams` from ours, the specification's dataclass or a mapping (normal_fps, burst_fps, quality); the
    fields the latter do not have come from `base`."""
    if isinstance(params, VideoParams):
        return params
    values = _fields_of(params, ("normal_fps", "burst_fps", "quality"), "video_params")
    try:
        return VideoParams(**{**(base.model_dump() if base else {}), **values})
    except ValidationError as e:
        raise ConfigError(f"video_params: {e}") from e


def audio_params(params: Any, base: AudioParams | None = None) -> AudioParams:
    """`AudioParams` from ours, the specification's dataclass or a mapping (sample_rate, sample_size, interval); the
    fields the latter do not have come from `base`. ``sample_rate`` is the rate chunks are analysed at: 16 000 only
    (the specification requires it too)."""
    if isinstance(params, AudioParams):
        return params
    values = _fields_of(params, ("sample_rate", "sample_size", "interval"), "audio_params")
    if values.get("sample_rate", AUDIO_SAMPLE_RATE) != AUDIO_SAMPLE_RATE:
        raise ConfigError(
            f"audio_params.sample_rate={values['sample_rate']}: audio is analysed at {AUDIO_SAMPLE_RATE} Hz (input "
            "of any rate is resampled to it); leave sample_rate at 16000"
        )
    try:
        return AudioParams(**{**(base.model_dump() if base else {}), **values})
    except ValidationError as e:
        raise ConfigError(f"audio_params: {e}") from e


def build_config(
    config: MonitorConfig | None,
    *,
    api_key: str | None = None,
    video: Any = None,
    audio: Any = None,
    video_shortcuts: Mapping[str, Any] | None = None,
    audio_shortcuts: Mapping[str, Any] | None = None,
    notify: NotifyKind | None = None,
) -> MonitorConfig:
    """The monitor's configuration: `config` (default: `MonitorConfig.from_env()`), then the specification's
    parameters over it. A params object and its shortcut parameters together are a `TypeError` (which wins would be
    a guess)."""
    cfg = config or MonitorConfig.from_env()
    update: dict[str, Any] = {}
    for section, params, shortcuts in (("video", video, video_shortcuts), ("audio", audio, audio_shortcuts)):
        given = {k: v for k, v in (shortcuts or {}).items() if v is not None}
        if params is not None and given:
            raise TypeError(f"give either {section}_params or {', '.join(given)}, not both")
        if params is not None or given:
            chosen = params if params is not None else given
            update[section] = (
                video_params(chosen, cfg.video) if section == "video" else audio_params(chosen, cfg.audio)
            )
    if api_key is not None:
        update["escalation"] = cfg.escalation.model_copy(update={"api_key": check_api_key(api_key)})
    else:
        check_api_key(cfg.escalation.api_key)
    if notify is not None:
        update["notify"] = notify
    if not update:
        return cfg
    try:
        return MonitorConfig.model_validate({**dict(cfg), **update})
    except ValidationError as e:
        raise ConfigError(str(e)) from e


__all__ = ["HINTS", "audio_params", "build_config", "refuse_unknown", "video_params"]
