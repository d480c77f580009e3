"""The labelled corpus: media whose true verdict the challenger knows.

Two layouts (a directory `DIR`):

- folders: `DIR/authentic/` and `DIR/manipulated/` (either may be absent, not both; a present one may not be
  empty), files anywhere below them; hidden files and folders (`.name`) are skipped;
- a manifest: `DIR/manifest.json`, a list of items (or `{"items": [...]}`), each
  `{"path": "relative/to/DIR.jpg", "label": "manipulated", "modalities": ["FACE_MANIPULATION"]}`
  (`modalities` optional: the defaults of the item's kind). With a manifest the folders are not scanned.

Every file is checked when the corpus loads (readable, not empty, at most `Limits.max_bytes`, a supported format,
an image's pixel count from its header at most `Limits.max_pixels`, a WAV's duration at most
`Limits.max_audio_seconds`), and one `CorpusError` names every file at fault. The same content under both labels is
refused too.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dfpn import Modality, Verdict
from dfpn_challenger.errors import CorpusError, MediaError
from dfpn_challenger.media import Limits, MediaKind, describe, open_image, read_media, sniff, wav_info

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: Folder name -> label.
FOLDERS = {"authentic": Verdict.AUTHENTIC, "manipulated": Verdict.MANIPULATED}
#: The modalities a challenge asks for, by media kind, unless the manifest says otherwise: what an ordinary client
#: asks for such a file (the local demo's choice for images).
DEFAULT_MODALITIES: dict[MediaKind, tuple[Modality, ...]] = {
    "image": (Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE),
    "audio": (Modality.VOICE_CLONING,),
}
#: Problems listed in one CorpusError before "... and N more".
MAX_LISTED = 20


class CorpusItem(BaseModel):
    """One labelled file of the corpus."""

    model_config = ConfigDict(frozen=True)

    path: Path
    label: Verdict
    kind: MediaKind
    #: "JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF" or "WAV".
    format: str
    size: int
    sha256: str
    modalities: tuple[Modality, ...]

    @field_validator("label")
    @classmethod
    def _definite(cls, label: Verdict) -> Verdict:
        if label not in FOLDERS.values():
            raise ValueError("a known answer is Authentic or Manipulated")
        return label


class Corpus(BaseModel):
    """The checked items of a corpus directory, in path order."""

    model_config = ConfigDict(frozen=True)

    root: Path
    items: tuple[CorpusItem, ...] = Field(min_length=1)

    def with_label(self, label: Verdict) -> tuple[CorpusItem, ...]:
        return tuple(i for i in self.items if i.label is label)

    def counts(self) -> dict[str, int]:
        """Items per label and kind, e.g. {"Authentic": 3, "Manipulated": 2, "image": 5}."""
        found: dict[str, int] = {}
        for item in self.items:
            found[item.label.value] = found.get(item.label.value, 0) + 1
            found[item.kind] = found.get(item.kind, 0) + 1
        return found


class _ManifestItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(min_length=1)
    label: str
    modalities: tuple[str, ...] | None = None


def _label(name: str) -> Verdict:
    key = name.strip().lower()
    if key in FOLDERS:
        return FOLDERS[key]
    raise ValueError(f"label {name!r} is not 'authentic' or 'manipulated'")


def _modality(name: str) -> Modality:
    key = name.strip().upper().replace("-", "_")
    if key in Modality.__members__:
        return Modality[key]
    raise ValueError(f"unknown modality {name!r} (one of {', '.join(Modality.__members__)})")


def load_corpus(
    root: str | Path,
    *,
    limits: Limits | None = None,
    modalities: dict[MediaKind, Sequence[Modality]] | None = None,
) -> Corpus:
    """Load and check the corpus at `root` (layouts in the module docstring). `modalities` overrides
    `DEFAULT_MODALITIES` per media kind for items the manifest gives none."""
    limits = limits or Limits()
    defaults = {**DEFAULT_MODALITIES, **{k: tuple(v) for k, v in (modalities or {}).items()}}
    base = Path(root)
    if not base.exists():
        raise CorpusError(f"corpus directory {base} does not exist.")
    if not base.is_dir():
        raise CorpusError(f"corpus {base} is not a directory.")
    manifest = base / MANIFEST
    entries = _manifest_entries(base, manifest) if manifest.is_file() else _folder_entries(base)
    problems: list[str] = []
    items: list[CorpusItem] = []
    for path, label, names in entries:
        try:
            items.append(_item(path, label=label, names=names, defaults=defaults, limits=limits))
        except MediaError as e:
            problems.append(str(e))
    by_hash: dict[str, CorpusItem] = {}
    for item in items:
        other = by_hash.setdefault(item.sha256, item)
        if other.label is not item.label:
            problems.append(
                f"{item.path}: the same content as {other.path} with the other label ({other.label.value} and "
                f"{item.label.value})."
            )
    if problems:
        raise CorpusError(_listing(f"corpus {base}: {len(problems)} file(s) cannot be used", problems))
    corpus = Corpus(root=base, items=tuple(sorted(items, key=lambda i: str(i.path))))
    logger.info("corpus %s: %s", base, corpus.counts())
    return corpus


def _listing(title: str, problems: list[str]) -> str:
    lines = [f"  - {p}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  ... and {len(problems) - MAX_LISTED} more")
    return "\n".join([f"{title}:", *lines])


def _folder_entries(base: Path) -> list[tuple[Path, Verdict, tuple[str, ...] | None]]:
    present = {name: base / name for name in FOLDERS if (base / name).exists()}
    if not present:
        raise CorpusError(
            f"corpus {base} has neither authentic/ nor manipulated/ folders nor a {MANIFEST}: put labelled media "
            f"in {base / 'authentic'} and {base / 'manipulated'} (or list them in {base / MANIFEST})."
        )
    entries: list[tuple[Path, Verdict, tuple[str, ...] | None]] = []
    for name, folder in present.items():
        if not folder.is_dir():
            raise CorpusError(f"{folder} is not a directory.")
        files = sorted(_visible_files(folder))
        if not files:
            raise CorpusError(
                f"{folder} is empty: put {name} media in it, or remove the folder to run with one label only."
            )
        entries += [(f, FOLDERS[name], None) for f in files]
    return entries


def _visible_files(folder: Path) -> Iterable[Path]:
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            yield path


def _manifest_entries(base: Path, manifest: Path) -> list[tuple[Path, Verdict, tuple[str, ...] | None]]:
    try:
        doc: Any = json.loads(manifest.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise CorpusError(f"{manifest}: cannot read it: {e}.") from e
    except json.JSONDecodeError as e:
        raise CorpusError(f"{manifest}: not JSON: {e}.") from e
    raw = doc.get("items") if isinstance(doc, dict) else doc
    if not isinstance(raw, list):
        raise CorpusError(f'{manifest}: expected a list of items or {{"items": [...]}}.')
    if not raw:
        raise CorpusError(f"{manifest} lists no items.")
    entries: list[tuple[Path, Verdict, tuple[str, ...] | None]] = []
    problems: list[str] = []
    for n, entry in enumerate(raw):
        try:
            item = _ManifestItem.model_validate(entry)
            label = _label(item.label)
            if item.modalities is not None:
                for name in item.modalities:
                    _modality(name)
        except (ValidationError, ValueError) as e:
            problems.append(f"item {n}: {_short(e)}")
            continue
        path = Path(item.path)
        entries.append((path if path.is_absolute() else base / path, label, item.modalities))
    if problems:
        raise CorpusError(_listing(f"{manifest}: {len(problems)} item(s) are invalid", problems))
    return entries


def _short(e: Exception) -> str:
    if isinstance(e, ValidationError):
        return "; ".join(f"{'.'.join(map(str, err['loc'])) or 'item'}: {err['msg']}" for err in e.errors())
    return str(e)


def _item(
    path: Path,
    *,
    label: Verdict,
    names: tuple[str, ...] | None,
    defaults: dict[MediaKind, tuple[Modality, ...]],
    limits: Limits,
) -> CorpusItem:
    if not path.exists():
        raise MediaError(f"{path}: no such file.")
    if not path.is_file():
        raise MediaError(f"{path}: not a regular file.")
    data = read_media(path, limits)
    sniffed = sniff(data[:64])
    if sniffed is None:
        raise MediaError(f"{path}: {describe(data[:64])}.")
    kind, fmt = sniffed
    if kind == "image":
        open_image(data, limits, str(path))
    else:
        wav_info(data, limits, str(path))
    modalities = tuple(_modality(n) for n in names) if names else defaults[kind]
    if not modalities:
        raise MediaError(f"{path}: no modalities to ask for.")
    return CorpusItem(
        path=path,
        label=label,
        kind=kind,
        format=fmt,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        modalities=modalities,
    )


__all__ = ["DEFAULT_MODALITIES", "FOLDERS", "MANIFEST", "Corpus", "CorpusItem", "load_corpus"]
