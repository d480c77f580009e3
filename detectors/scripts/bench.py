#!/usr/bin/env python3
"""Throughput and memory of the detectors on this machine.

    python detectors/scripts/bench.py --out target/bench/detectors.json [--images 24] [--rounds 2]

- per image detector: images per second on 1024x1024 JPEGs (one thread) and the peak RSS of a fresh process
  that imports the package, loads that detector and runs it;
- the full image pipeline (every image detector on every image, ``--threads`` worker threads, 2 by default):
  images per second and peak RSS (download excluded: the images are in memory);
- the same in ``--threads`` worker processes, each running every detector on its images, as the worker node's
  analysis pool does (one process per core): images per second, CPU per image, and the processes' peak RSS summed;
- with each image row, the p50/p95 latency of each detector (ms: its own ``latency_ms``, no queueing);
- video: frames analysed per second by ``video-frames`` on a 1280x720 H.264 clip (decode + sampling + analysis);
- voice: seconds of audio per second.
Each measurement runs in its own process (``--one NAME``) so that peak RSS is that measurement's own; every process
that runs detectors has its allocator tuned (``dfpn_detectors.allocator``), as the worker's pool processes."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from dfpn_detectors import Media, combine, load_detectors
from dfpn_detectors.allocator import tune_allocator

import synth

IMAGE_DETECTORS = ["c2pa-provenance", "ai-metadata-rules", "sd-watermark-dwtdct", "jpeg-ghost", "jpeg-dq", "ela",
                   "blazeface-consistency", "copy-move", "noise-residual", "spectral-upsampling"]


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss it is not inherited from the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def images_1024(n: int) -> list[bytes]:
    """1024x1024 JPEGs (quality 90) made from the shipped photographs; about a third contain a face."""
    out: list[bytes] = []
    imgs = synth.natural_images(1024)
    faces = synth.face_images(1024)
    rng = np.random.default_rng(0)
    for i in range(n):
        _, img = faces[i % 2] if i % 3 == 0 else imgs[i % len(imgs)]
        big = cv2.resize(img, (1024, 1024), interpolation=cv2.INTER_CUBIC)
        out.append(synth.jpeg(synth.camera_like(big, rng, 2.0), 90))
    return out


def make_inputs(folder: Path, n_images: int) -> None:
    """Inputs are made by the parent process, so that a measurement's peak RSS is its own."""
    for i, blob in enumerate(images_1024(n_images)):
        (folder / f"img{i:03d}.jpg").write_bytes(blob)
    rng = np.random.default_rng(1)
    base = cv2.resize(synth.image("astronaut"), (720, 720))
    frame = np.zeros((720, 1280, 3), np.uint8)
    frame[:, 280:1000] = base
    frames = [synth.camera_like(frame, rng, 2.0) for _ in range(150)]
    (folder / "clip.mp4").write_bytes(synth.encode_video(frames, fps=30, crf=23))
    rng = np.random.default_rng(2)
    (folder / "speech.wav").write_bytes(synth.wav(synth.resample(synth.speech_like(30.0, rng), 16000, 48000), 48000))


_pool_detectors: list[Any] = []


def _pool_start(first: bytes) -> None:
    """A pool process as the worker node starts one: its allocator tuned, its detectors loaded and run once (model
    loading and first-call costs paid here)."""
    tune_allocator()
    cv2.setNumThreads(1)  # one process per core: OpenCV's own pool would only compete with the others
    _pool_detectors[:] = load_detectors(IMAGE_DETECTORS)
    for d in _pool_detectors:
        d.analyze(Media(data=first))


def _analyse(dets: list[Any], blob: bytes) -> dict[str, float]:
    """Every detector on one image (and the verdict policy over them): each detector's latency, ms."""
    media = Media(data=blob)
    analyses = [d.analyze(media) for d in dets]
    combine(analyses)
    return {a.model_id: a.latency_ms for a in analyses}


def _percentiles(latencies: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """p50/p95 (ms) per detector over the images, from each analysis' own latency (no queueing)."""
    by_detector: dict[str, list[float]] = {}
    for one in latencies:
        for k, ms in one.items():
            by_detector.setdefault(k, []).append(ms)
    return {k: {"p50": round(float(np.percentile(v, 50)), 2), "p95": round(float(np.percentile(v, 95)), 2)}
            for k, v in sorted(by_detector.items())}


def _pool_pipeline(blob: bytes) -> tuple[int, float, float, dict[str, float]]:
    """(pid, CPU seconds, peak RSS MB, latency per detector) of one image through every detector in a pool
    process."""
    cpu0 = time.process_time()
    latencies = _analyse(_pool_detectors, blob)
    return os.getpid(), time.process_time() - cpu0, peak_rss_mb(), latencies


def pipeline_processes(data: list[bytes], rounds: int, processes: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")  # as the worker node's pool
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_pool_start, initargs=(data[0],)) as pool:
        # every process started and warmed up before the clock starts
        list(pool.map(time.sleep, [0.5] * processes))
        start = time.perf_counter()
        done = [r for _ in range(rounds) for r in pool.map(_pool_pipeline, data)]
        dt = time.perf_counter() - start
    n = len(done)
    cpu = sum(c for _, c, _, _ in done)
    peaks: dict[int, float] = {}
    for pid, _, rss, _ in done:
        peaks[pid] = max(rss, peaks.get(pid, 0.0))
    return {"images": n, "images_per_s": round(n / dt, 2), "ms_per_image": round(1000 * dt / n, 1),
            "cpu_ms_per_image": round(1000 * cpu / n, 1),
            "images_per_s_2_cores_from_cpu_time": round(2 * n / cpu, 2) if cpu > 0 else None,
            "peak_rss_mb": round(sum(peaks.values()), 1), "processes": processes, "detectors": IMAGE_DETECTORS,
            "latency_ms": _percentiles([lat for _, _, _, lat in done])}


def one(name: str, folder: Path, rounds: int, threads: int) -> dict[str, Any]:
    tune_allocator()  # as a process that runs detectors should (the worker's pool processes do)
    if name == "video-frames":
        (det,) = load_detectors([name], {name: {"max_frames": 16}})
        media = Media(data=(folder / "clip.mp4").read_bytes())
        det.analyze(media)  # warm-up
        start, cpu0 = time.perf_counter(), time.process_time()
        analysed = 0
        for _ in range(rounds):
            det.analyze(media)
            analysed += det.last_frames  # type: ignore[attr-defined]
        dt, cpu = time.perf_counter() - start, time.process_time() - cpu0
        return {"clip": "1280x720 H.264, 5 s at 30 fps", "frames_sampled_per_clip": 16,
                "frames_analysed_per_s": round(analysed / dt, 2), "clips_per_s": round(rounds / dt, 3),
                "cpu_ms_per_frame": round(1000 * cpu / analysed, 1), "peak_rss_mb": round(peak_rss_mb(), 1)}
    if name == "voice-spectral":
        (det,) = load_detectors([name])
        wavb = (folder / "speech.wav").read_bytes()
        det.analyze(Media(data=wavb))
        start, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            det.analyze(Media(data=wavb))
        dt, cpu = time.perf_counter() - start, time.process_time() - cpu0
        return {"audio": "30 s, 48 kHz mono WAV", "audio_seconds_per_s": round(30 * rounds / dt, 1),
                "cpu_ms_per_audio_second": round(1000 * cpu / (30 * rounds), 2), "peak_rss_mb": round(peak_rss_mb(), 1)}
    data = [f.read_bytes() for f in sorted(folder.glob("img*.jpg"))]
    if name == "pipeline-processes":
        return pipeline_processes(data, rounds, threads)
    n_images = len(data)
    names = IMAGE_DETECTORS if name == "pipeline" else [name]
    dets = load_detectors(names)
    for d in dets:  # warm-up (model loading, first-call allocations)
        d.analyze(Media(data=data[0]))

    latencies: list[dict[str, float]] = []

    def pipeline(blob: bytes) -> None:
        latencies.append(_analyse(dets, blob))

    if name == "pipeline":
        # parallelism comes from the worker threads: OpenCV's own pool would only compete with them
        cv2.setNumThreads(1)
    start, cpu0 = time.perf_counter(), time.process_time()
    if name == "pipeline":
        with ThreadPoolExecutor(threads) as pool:
            for _ in range(rounds):
                list(pool.map(pipeline, data))
    else:
        for _ in range(rounds):
            for blob in data:
                pipeline(blob)
    dt, cpu = time.perf_counter() - start, time.process_time() - cpu0
    n = n_images * rounds
    out = {"images": n, "images_per_s": round(n / dt, 2), "ms_per_image": round(1000 * dt / n, 1),
           "cpu_ms_per_image": round(1000 * cpu / n, 1),
           # what 2 uncontended cores would give (the wall-clock figure depends on what else runs)
           "images_per_s_2_cores_from_cpu_time": round(2 * n / cpu, 2) if cpu > 0 else None,
           "peak_rss_mb": round(peak_rss_mb(), 1), "latency_ms": _percentiles(latencies)}
    if name == "pipeline":
        out["threads"] = threads
        out["detectors"] = names
    return out


def _met(pipe: dict[str, Any]) -> dict[str, bool]:
    memory = pipe["peak_rss_mb"] <= 600
    return {"wall_clock": bool(pipe["images_per_s"] >= 10 and memory),
            "from_cpu_time": bool((pipe["images_per_s_2_cores_from_cpu_time"] or 0) >= 10 and memory)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("target/bench/detectors.json"))
    ap.add_argument("--images", type=int, default=24)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--one", help="run one measurement in this process and print it as JSON")
    ap.add_argument("--data", type=Path, help="inputs made by the parent (with --one)")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.data, args.rounds, args.threads)))
        return
    results: dict[str, Any] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        make_inputs(Path(tmp), args.images)
        for name in [*IMAGE_DETECTORS, "pipeline", "pipeline-processes", "video-frames", "voice-spectral"]:
            cmd = [sys.executable, __file__, "--one", name, "--data", tmp, "--rounds", str(args.rounds),
                   "--threads", str(args.threads)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{name:24s} {json.dumps(results[name])}", flush=True)
    report = {
        "generated_by": "detectors/scripts/bench.py",
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "processor": platform.processor() or platform.machine(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "input": "1024x1024 JPEG, quality 90, from the photographs that scikit-image and matplotlib ship",
        "results": results,
        # met or not per way of running the pipeline: threads in one process, or processes as the worker node
        "targets": {"pipeline_images_per_s": 10, "pipeline_rss_mb": 600,
                    "met": {mode: _met(results[mode]) for mode in ("pipeline", "pipeline-processes")}},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
