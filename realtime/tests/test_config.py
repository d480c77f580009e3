"""Configuration: the issue's defaults, DFPN_RT_* variables, and clear errors."""

from __future__ import annotations

import pytest

from dfpn_realtime import ConfigError, MonitorConfig, VideoParams
from dfpn_realtime.config import ENV_VARS


def test_defaults_match_the_issue() -> None:
    # Given no settings, When the configuration is read from an empty environment
    c = MonitorConfig.from_env({})
    # Then the defaults are the ones the issue (and the plugins it replaces) name
    assert (c.video.normal_fps, c.video.burst_fps, c.video.quality, c.video.queue_size) == (0.2, 1.0, 75, 16)
    assert (c.audio.sample_rate, c.audio.sample_size, c.audio.interval) == (16_000, 48_000, 60.0)
    assert c.escalation.enabled is False and c.remote.url is None


def test_environment_variables_and_overrides() -> None:
    # Given DFPN_RT_* variables
    env = {
        "DFPN_RT_NORMAL_FPS": "0.5",
        "DFPN_RT_BURST_FPS": "2",
        "DFPN_RT_QUALITY": "60",
        "DFPN_RT_AUDIO_INTERVAL": "30",
        "DFPN_RT_VAD": "energy",
        "DFPN_RT_DETECTORS": "ela, jpeg-ghost",
        "DFPN_RT_ESCALATE": "yes",
        "DFPN_RT_MIN_WORKERS": "5",
        "DFPN_RT_WORKERS": "3",
    }
    # When read, with one constructor-style override
    c = MonitorConfig.from_env(env, video=VideoParams(normal_fps=0.25, burst_fps=2.0, quality=60))
    # Then the variables apply and the override wins
    assert (c.video.normal_fps, c.video.burst_fps, c.video.quality) == (0.25, 2.0, 60)
    assert (c.audio.interval, c.audio.vad) == (30.0, "energy")
    assert c.detectors == ("ela", "jpeg-ghost")
    assert (c.escalation.enabled, c.escalation.min_workers, c.analysis_workers) == (True, 5, 3)
    assert {"DFPN_API_KEY", "DFPN_API_URL", "DFPN_RT_NOTIFY", "DFPN_RT_STORAGE"} <= set(ENV_VARS)


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"DFPN_RT_NORMAL_FPS": "fast"}, "DFPN_RT_NORMAL_FPS"),
        ({"DFPN_RT_ESCALATE": "maybe"}, "DFPN_RT_ESCALATE"),
        ({"DFPN_RT_NORMAL_FPS": "2", "DFPN_RT_BURST_FPS": "1"}, "burst_fps"),
        ({"DFPN_RT_QUALITY": "0"}, "quality"),
        ({"DFPN_RT_VAD": "magic"}, "vad"),
    ],
)
def test_bad_settings_are_clear_errors(env: dict[str, str], needle: str) -> None:
    # Given a wrong value, When the configuration is read, Then a ConfigError names the setting
    with pytest.raises(ConfigError) as err:
        MonitorConfig.from_env(env)
    assert needle in str(err.value)


def test_api_key_and_gateway_from_the_environment() -> None:
    # Given the DFPN gateway's key and URL, the storage and notify settings in the environment
    env = {
        "DFPN_API_KEY": "dfpn_0123456789ab_s",
        "DFPN_API_URL": "https://gw.example",
        "DFPN_RT_STORAGE": "gateway",
        "DFPN_RT_NOTIFY": "rises",
    }
    c = MonitorConfig.from_env(env)
    assert (c.escalation.api_key, c.escalation.gateway_url, c.escalation.storage) == (
        "dfpn_0123456789ab_s",
        "https://gw.example",
        "gateway",
    )
    assert c.notify == "rises" and not c.escalation.enabled  # a key alone does not turn uploads on
    assert "dfpn_0123456789ab_s" not in repr(c)  # the key is not in reprs (logs)
    with pytest.raises(ConfigError, match=r"DFPN_RT_NOTIFY|notify"):
        MonitorConfig.from_env({"DFPN_RT_NOTIFY": "sometimes"})
