"""Y4M (YUV4MPEG2, 4:2:0) clips for Chromium's fake camera (--use-file-for-fake-video-capture)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt


def rgb_to_i420(rgb: npt.NDArray[np.uint8]) -> list[npt.NDArray[np.uint8]]:
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u = (b - y) * 0.564 + 128
    v = (r - y) * 0.713 + 128
    h, w = y.shape

    def sub(c: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return np.asarray(c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3)), dtype=np.float32)

    return [np.clip(p, 0, 255).astype(np.uint8) for p in (y, sub(u), sub(v))]


def write_clip(
    path: Path,
    color: tuple[int, int, int],
    *,
    width: int = 320,
    height: int = 240,
    frames: int = 30,
    fps: int = 15,
) -> Path:
    """A flat-coloured clip with a little noise (Chromium loops it)."""
    rng = np.random.default_rng(0)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            img = np.empty((height, width, 3), np.int16)
            img[:] = color
            img += rng.integers(-6, 7, img.shape, dtype=np.int16)
            f.write(b"FRAME\n")
            for plane in rgb_to_i420(np.clip(img, 0, 255).astype(np.uint8)):
                f.write(plane.tobytes())
    return path


def write_frames(path: Path, frames: list[npt.NDArray[np.uint8]], *, fps: int = 15, repeat: int = 1) -> Path:
    """A clip of the given RGB frames (each shown `repeat` times); width and height are cropped to even."""
    h, w = (d - d % 2 for d in frames[0].shape[:2])
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for rgb in frames:
            planes = rgb_to_i420(np.ascontiguousarray(rgb[:h, :w]))
            for _ in range(repeat):
                f.write(b"FRAME\n")
                for plane in planes:
                    f.write(plane.tobytes())
    return path
