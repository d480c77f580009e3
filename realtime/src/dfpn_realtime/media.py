"""Frame and audio conversions: RGB arrays to JPEG, PCM to 16 kHz mono float32, float32 to WAV bytes.

Everything happens in memory; nothing here touches the disk.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from PIL import Image

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]

#: A frame: an RGB (H, W, 3), RGBA (H, W, 4) or grey (H, W) uint8 array, or a callable that makes one. A callable
#: is only called for frames the sampler keeps, so an integration can skip converting the frames it drops.
FrameSource = U8 | Callable[[], U8]


def as_rgb(frame: npt.NDArray[np.generic]) -> U8:
    """An (H, W, 3) uint8 view or copy of an RGB, RGBA or grey frame."""
    arr = np.asarray(frame)
    if arr.dtype != np.uint8:
        raise ValueError(f"frames must be uint8, not {arr.dtype}")
    if arr.ndim == 2:
        return np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim == 3 and arr.shape[2] == 3:
        return arr
    if arr.ndim == 3 and arr.shape[2] == 4:
        return arr[:, :, :3]
    raise ValueError(f"frames must be (H, W), (H, W, 3) or (H, W, 4), not {arr.shape}")


def encode_jpeg(frame: npt.NDArray[np.generic], quality: int = 75, max_side: int = 0) -> bytes:
    """JPEG bytes of a frame at `quality`, scaled down so that its longest side is at most `max_side` (0: as is).
    No metadata is written."""
    image = Image.fromarray(np.ascontiguousarray(as_rgb(frame)), "RGB")
    if max_side and max(image.size) > max_side:
        scale = max_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def pcm_to_float(samples: bytes | npt.NDArray[np.generic], channels: int = 1) -> F32:
    """Mono float32 in [-1, 1] from interleaved PCM: int16 bytes or an int16/float array of `channels`."""
    if channels < 1:
        raise ValueError("channels must be >= 1")
    if isinstance(samples, bytes | bytearray | memoryview):
        arr: npt.NDArray[np.generic] = np.frombuffer(samples, dtype="<i2")
    else:
        arr = np.asarray(samples)
    if arr.dtype == np.int16:
        data = arr.astype(np.float32) / 32768.0
    elif np.issubdtype(arr.dtype, np.floating):
        data = arr.astype(np.float32, copy=False)
    else:
        raise ValueError(f"audio must be int16 or float, not {arr.dtype}")
    if data.ndim == 2:
        # (frames, channels)
        return np.asarray(data.mean(axis=1), dtype=np.float32)
    data = data.reshape(-1)
    if channels > 1:
        usable = len(data) - len(data) % channels
        data = data[:usable].reshape(-1, channels).mean(axis=1)
    return np.asarray(data, dtype=np.float32)


def encode_wav(samples: F32, sample_rate: int = 16_000) -> bytes:
    """16-bit PCM mono WAV bytes of float32 samples in [-1, 1]."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return out.getvalue()


__all__ = ["F32", "U8", "FrameSource", "as_rgb", "encode_jpeg", "encode_wav", "pcm_to_float"]
