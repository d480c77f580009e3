"""``dfpn-detectors analyze FILE``: run the installed detectors on one file, print what each found and the verdict
the network's policy gives; ``dfpn-detectors list``: the installed detectors.

Loads every installed detector (the ``dfpn.detectors`` entry points, as the worker does; one that needs
configuration it was not given is skipped with one line), runs those that cover one of the requested modalities
(``--modality``; default: all that apply to the file's kind of media, sniffed from its bytes) and read the file, and
prints each detector's verdict, confidence, notes and detections with their regions, then the verdict of the
policy (``dfpn_detectors.policy.assess``, docs/verdicts.md) with its reasons. ``--json`` prints one JSON object
instead; ``--out FILE`` writes an annotated copy of an image (a box per region).

The file is checked against ``MediaLimits`` from its header first (``--limit NAME=VALUE`` changes a limit for the
check and for every detector). Errors are one line ``error: CODE: message`` and the fix, or with ``--json`` one
``{"error": {"code", "message", "hint"}}`` object; exit codes: 0 analysed, 1 the file or a detector could not be
used, 2 a usage error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tomllib
import traceback
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NoReturn, TextIO

from pydantic import ValidationError

from dfpn_detectors.base import (
    Analysis,
    Detector,
    Media,
    MediaError,
    MediaTooLargeError,
    Modality,
    available_detectors,
    load_detectors,
)
from dfpn_detectors.media import MediaLimits, check_media, open_image
from dfpn_detectors.policy import MODALITIES_BY_KIND, assess

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PROG = "dfpn-detectors"


class CliError(Exception):
    """A failure reported as one line (exit 1, or 2 for a usage error)."""

    def __init__(self, code: str, message: str, hint: str = "", *, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.exit_code = code, message, hint, exit_code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError("USAGE", message, f"See `{PROG} --help`.", exit_code=EXIT_USAGE)


def _parser() -> _Parser:
    p = _Parser(
        prog=PROG,
        description="Run the installed DFPN detectors on a file (image, video or audio): what each found, with "
        "regions, and the verdict the network's policy gives.",
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    a = sub.add_parser(
        "analyze",
        help="run the detectors on a file and print the verdict",
        epilog=f"Example: {PROG} analyze photo.jpg --modality ImageAuthenticity --out annotated.png",
    )
    a.add_argument("file", help="the image, video or audio file")
    a.add_argument(
        "--modality",
        "-m",
        action="append",
        default=[],
        metavar="NAME",
        help="a modality the verdict is about (repeatable, or comma-separated: ImageAuthenticity, "
        "FaceManipulation, AiGeneratedImage, VideoAuthenticity, VoiceCloning); default: all that apply to the file",
    )
    a.add_argument(
        "--detector",
        "-d",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this detector (repeatable, or comma-separated); default: every installed one that applies",
    )
    a.add_argument("--json", action="store_true", help="print one JSON object (errors too)")
    a.add_argument("--out", metavar="FILE", help="write a copy of the image with the regions found drawn on it")
    a.add_argument(
        "--config",
        metavar="FILE",
        help="detector settings: a TOML or JSON file mapping detector names to their settings "
        '("*" for all), as the worker\'s detector_config',
    )
    a.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a media limit (MediaLimits field, e.g. max_pixels=60000000) for the check and every detector",
    )
    ls = sub.add_parser("list", help="list the installed detectors")
    ls.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args_list
    logging.basicConfig(level=logging.WARNING, format="note: %(message)s", stream=sys.stderr)
    try:
        args = _parser().parse_args(args_list)
        if args.version:
            print(f"{PROG} {_version()}")
            return EXIT_OK
        if args.command == "list":
            return _list(args.json)
        if args.command != "analyze":
            raise CliError(
                "USAGE",
                "no command given",
                f"Usage: {PROG} analyze FILE [--modality NAME ...] [--json] [--out annotated.png] | {PROG} list",
                exit_code=EXIT_USAGE,
            )
        config = _config(args.config)
        report = analyse(
            args.file,
            names=_names(args.detector),
            modalities=_modalities(args.modality),
            config=config,
            limits=_limits(args.limit, dict(config.get("*") or {}).get("limits")),
            out=Path(args.out) if args.out else None,
        )
    except CliError as e:
        _error(e, as_json)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # a bug: say so, with its traceback
        _error(
            CliError(
                "INTERNAL", f"{type(e).__name__}: {e}", "This is a bug in dfpn-detectors; please report it."
            ),
            as_json,
        )
        traceback.print_exc(file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_text(report, sys.stdout)
    return EXIT_OK


def analyse(
    path: str,
    *,
    names: list[str] | None = None,
    modalities: list[Modality] | None = None,
    config: Mapping[str, Any] | None = None,
    limits: MediaLimits | None = None,
    out: Path | None = None,
) -> dict[str, Any]:
    """The report ``dfpn-detectors analyze`` prints for ``path`` (``CliError`` when it cannot be made); with
    ``out``, an annotated copy of the image is written there."""
    config = dict(config or {})
    star = dict(config.get("*") or {})
    if limits is None:
        limits = MediaLimits.from_config(star)
    # the limits the file is checked with are every detector's (a detector's own settings may refine them)
    config["*"] = {**star, "limits": limits.model_dump()}
    media = _read(path, limits)
    _check(media, path, limits)
    if out is not None and media.kind != "image":
        raise CliError("USAGE", f"--out: {path} is {media.kind} media", "Only images can be annotated.",
                       exit_code=EXIT_USAGE)
    wanted = modalities or list(MODALITIES_BY_KIND[media.kind])
    detectors, skipped = _load(names, config)
    ran: list[tuple[Detector, Analysis]] = []
    not_applicable: list[dict[str, str]] = []
    for det in detectors:
        if not det.modalities & set(wanted):
            not_applicable.append({"detector": det.model_id, "reason": "covers none of the modalities asked"})
        elif not det.supports(media):
            kinds = ", ".join(sorted(det.media_kinds)) or "no"
            not_applicable.append({"detector": det.model_id, "reason": f"reads {kinds} media"})
        else:
            ran.append((det, det.analyze(media)))
    if not ran:
        what = f"{media.kind} ({media.sniffed_mime})" if media.sniffed_mime else "this content"
        hint = (
            "Run without --detector or --modality to use every installed detector that applies."
            if names or modalities
            else "Install a detector plugin that reads it."
        )
        raise CliError("NO_DETECTOR", f"{path}: none of the detectors loaded reads {what} for {_joined(wanted)}",
                       hint)
    verdict = assess(ran, wanted)
    found = [(a.model_id, d) for _, a in ran for d in a.detections]
    report: dict[str, Any] = {
        "file": path,
        "kind": media.kind,
        "mime": media.sniffed_mime,
        "bytes": len(media.data),
        "size": _size(media, limits),
        "modalities": [str(m) for m in wanted],
        "verdict": str(verdict.verdict),
        "confidence": verdict.confidence,
        "decided_by": list(verdict.decided_by),
        "reasons": list(verdict.reasons),
        "detections": [{"detector": m, **d.model_dump(mode="json", exclude_none=True)} for m, d in found],
        "detectors": [
            {
                "detector": a.model_id,
                "verdict": str(a.verdict),
                "confidence": a.confidence,
                "found_nothing": a.clean,
                "notes": a.notes,
                "latency_ms": round(a.latency_ms, 1),
                "detections": [d.model_dump(mode="json", exclude_none=True) for d in a.detections],
            }
            for _, a in ran
        ],
        "not_applicable": not_applicable,
        "skipped": skipped,
    }
    if out is not None:
        from dfpn_detectors.annotate import annotate

        try:
            report["annotated"] = {"path": str(out), "regions": annotate(media, found, out, limits)}
        except OSError as e:
            raise CliError("OUT_UNWRITABLE", f"--out {out}: {e.strerror or e}", "Give a writable path.") from e
    return report


def _modalities(values: list[str]) -> list[Modality] | None:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    by_name = {m.value.lower(): m for m in Modality} | {m.name.lower(): m for m in Modality}
    unknown = [n for n in names if n.lower() not in by_name]
    if unknown:
        raise CliError(
            "USAGE",
            f"--modality {', '.join(unknown)}: not a modality",
            f"Modalities: {', '.join(m.value for m in Modality)}.",
            exit_code=EXIT_USAGE,
        )
    return list(dict.fromkeys(by_name[n.lower()] for n in names)) or None


def _joined(modalities: Sequence[Modality]) -> str:
    return ", ".join(str(m) for m in modalities) or "no modality"


# --- steps --------------------------------------------------------------------------------------------------


def _read(path: str, limits: MediaLimits) -> Media:
    p = Path(path).expanduser()
    if not p.exists():
        raise CliError(
            "FILE_NOT_FOUND", f"{path}: no such file", "Check the path (it is relative to this folder)."
        )
    if not p.is_file():
        raise CliError("NOT_A_FILE", f"{path}: not a file", "Give the path of an image, video or audio file.")
    try:
        return Media.from_path(p, max_bytes=limits.max_bytes)
    except MediaTooLargeError as e:
        raise _too_large(path, e) from e
    except OSError as e:
        raise CliError(
            "FILE_UNREADABLE", f"{path}: {e.strerror or e}", "Check the file's permissions."
        ) from e


def _check(media: Media, path: str, limits: MediaLimits) -> None:
    if media.kind == "unknown":
        raise CliError(
            "UNSUPPORTED_MEDIA",
            f"{path}: not an image, video or audio file that the detectors read (told from its content)",
            "Give a JPEG, PNG, WebP, GIF, TIFF, MP4/MOV/WebM/MKV, WAV, FLAC, MP3, M4A or Ogg file.",
        )
    try:
        check_media(media, limits)
    except MediaTooLargeError as e:
        raise _too_large(path, e) from e


def _too_large(path: str, e: MediaTooLargeError) -> CliError:
    if e.value is None:
        raise_to = "<a larger value>"
    else:
        raise_to = str(int(e.value)) if float(e.value).is_integer() else f"{e.value:.1f}"
    return CliError(
        "MEDIA_TOO_LARGE",
        f"{path}: {e.message}",
        f"To analyse it anyway: --limit {e.setting}={raise_to} (it costs the memory and CPU the limit guards).",
    )


def _load(names: list[str] | None, config: Mapping[str, Any]) -> tuple[list[Detector], list[dict[str, str]]]:
    installed = sorted(available_detectors())
    if names:
        unknown = [n for n in names if n not in installed]
        if unknown:
            raise CliError(
                "UNKNOWN_DETECTOR",
                f"no detector named {', '.join(map(repr, unknown))}",
                f"Installed: {', '.join(installed) or 'none'} (`{PROG} list`).",
                exit_code=EXIT_USAGE,
            )
    detectors: list[Detector] = []
    skipped: list[dict[str, str]] = []
    for name in names or installed:
        try:
            detectors.extend(load_detectors([name], config=config))
        except Exception as e:
            reason = _one_line(e)
            if names:  # asked for by name: an error
                raise CliError(
                    "DETECTOR_UNAVAILABLE",
                    f"detector {name} cannot be loaded: {reason}",
                    "Give it its settings with --config FILE (a TOML/JSON mapping of detector name to settings).",
                ) from e
            skipped.append({"detector": name, "reason": reason})  # one line in the output
    if not detectors:
        raise CliError(
            "NO_DETECTOR", "no detector could be loaded", "Install dfpn-detectors with its model files."
        )
    return detectors, skipped


def _names(values: list[str]) -> list[str] | None:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return list(dict.fromkeys(names)) or None


def _config(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    p = Path(path).expanduser()
    try:
        text = p.read_text()
    except OSError as e:
        raise CliError(
            "USAGE",
            f"--config {path}: {e.strerror or e}",
            "Give an existing TOML or JSON file.",
            exit_code=EXIT_USAGE,
        ) from e
    try:
        data = json.loads(text) if p.suffix == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise CliError(
            "USAGE",
            f"--config {path}: not valid {'JSON' if p.suffix == '.json' else 'TOML'}: {e}",
            "Fix the file.",
            exit_code=EXIT_USAGE,
        ) from e
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise CliError(
            "USAGE",
            f"--config {path}: not a mapping of detector name to settings",
            'For example: [jpeg-ghost]\\nmanipulated_at = 0.9  or  {"ela": {"quality": 85}}',
            exit_code=EXIT_USAGE,
        )
    return data


def _limits(values: list[str], base: Mapping[str, Any] | None = None) -> MediaLimits:
    """The limits of ``--config``'s ``"*"`` section with the ``--limit`` values over them."""
    fields = sorted(MediaLimits.model_fields)
    settings: dict[str, Any] = dict(base or {})
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip().removeprefix("limits.")
        if not sep or name not in fields:
            raise CliError(
                "USAGE",
                f"--limit {item}: expected NAME=VALUE with NAME one of the media limits",
                f"Limits: {', '.join(fields)}.",
                exit_code=EXIT_USAGE,
            )
        settings[name] = value.strip()
    try:
        return MediaLimits.model_validate(settings)
    except ValidationError as e:
        first = e.errors()[0]
        where = first["loc"][0] if first["loc"] else "limits"
        raise CliError(
            "USAGE",
            f"limit {where}: {first['msg']}",
            f"Give a positive number; limits: {', '.join(fields)}.",
            exit_code=EXIT_USAGE,
        ) from e


def _size(media: Media, limits: MediaLimits) -> dict[str, int] | None:
    if media.kind != "image":
        return None
    try:
        with open_image(media, limits) as im:
            return {"width": im.size[0], "height": im.size[1]}
    except MediaError:
        return None


def _list(as_json: bool) -> int:
    rows = []
    for name, target in sorted(available_detectors().items()):
        rows.append({"detector": name, "entry_point": target})
    if as_json:
        print(json.dumps({"detectors": rows}, indent=2))
    else:
        for r in rows:
            print(f"{r['detector']:24s} {r['entry_point']}")
    return EXIT_OK


# --- output -------------------------------------------------------------------------------------------------


def _print_text(report: dict[str, Any], out: TextIO) -> None:
    size = report["size"]
    dims = f", {size['width']}x{size['height']}" if size else ""
    print(f"{report['file']}: {report['kind']} ({report['mime']}{dims}), {report['bytes']} bytes", file=out)
    width = max(len(d["detector"]) for key in ("detectors", "not_applicable", "skipped") for d in report[key])
    for d in report["detectors"]:
        answer = "nothing found" if d["found_nothing"] else d["verdict"]
        print(f"  {d['detector']:{width}s}  {answer:13s} {d['confidence']:3d}  {d['notes']}", file=out)
        for det in d["detections"]:
            region = det.get("region")
            where = (
                f"  region x={region['x']} y={region['y']} w={region['w']} h={region['h']}" if region else ""
            )
            print(f"  {'':{width}s}    {det['type']} {det['confidence']:.2f}{where}", file=out)
    for d in report["not_applicable"]:
        print(f"  {d['detector']:{width}s}  (does not apply: {d['reason']})", file=out)
    for d in report["skipped"]:
        print(f"  {d['detector']:{width}s}  (skipped: {d['reason']})", file=out)
    n = len(report["detectors"])
    print(
        f"verdict: {report['verdict']}, confidence {report['confidence']} "
        f"({n} detector{'s' if n != 1 else ''} ran; modalities {', '.join(report['modalities'])})",
        file=out,
    )
    for reason in report["reasons"]:
        print(f"  {reason}", file=out)
    if "annotated" in report:
        a = report["annotated"]
        print(f"annotated copy: {a['path']} ({a['regions']} region{'s' if a['regions'] != 1 else ''})", file=out)


def _error(e: CliError, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"error": {"code": e.code, "message": e.message, "hint": e.hint}}))
    else:
        message = e.message if not e.hint or e.message.endswith((".", "?", "!")) else e.message + "."
        print(f"error: {e.code}: {message}" + (f" {e.hint}" if e.hint else ""), file=sys.stderr)


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def _version() -> str:
    try:
        return version("dfpn-detectors")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
