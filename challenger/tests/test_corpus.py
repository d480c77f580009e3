"""Loading a labelled corpus: the folder and manifest layouts, and a specific error for every way it can be
unusable (each beside a positive control)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dfpn import Modality, Verdict
from dfpn_challenger import CorpusError, Limits, load_corpus

from helpers import make_corpus, make_image, make_wav, png_header


def test_a_folder_corpus_loads_with_its_labels(short_dir: Path) -> None:
    root = make_corpus(short_dir / "c", authentic=3, manipulated=2)
    (root / "authentic" / "voice.wav").write_bytes(make_wav())
    (root / "authentic" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden files are skipped
    (root / "manipulated" / "nested").mkdir()
    (root / "manipulated" / "nested" / "deep.png").write_bytes(make_image(9, manipulated=True))
    corpus = load_corpus(root)
    assert corpus.counts() == {"Authentic": 4, "Manipulated": 3, "image": 6, "audio": 1}
    assert {i.path.name for i in corpus.with_label(Verdict.MANIPULATED)} == {"m0.png", "m1.jpg", "deep.png"}
    wav = next(i for i in corpus.items if i.kind == "audio")
    assert (wav.format, wav.modalities, wav.label) == ("WAV", (Modality.VOICE_CLONING,), Verdict.AUTHENTIC)
    image = next(i for i in corpus.items if i.path.name == "m1.jpg")
    assert image.format == "JPEG"
    assert image.modalities == (Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE)


def test_one_label_only_is_allowed(short_dir: Path) -> None:
    corpus = load_corpus(make_corpus(short_dir / "c", authentic=0, manipulated=2))
    assert corpus.counts() == {"Manipulated": 2, "image": 2}


def test_missing_or_wrongly_shaped_corpus_directories(short_dir: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(short_dir / "nowhere")
    (short_dir / "file").write_text("x")
    with pytest.raises(CorpusError, match="is not a directory"):
        load_corpus(short_dir / "file")
    (short_dir / "bare").mkdir()
    with pytest.raises(
        CorpusError, match=r"neither authentic/ nor manipulated/ folders nor a manifest\.json"
    ):
        load_corpus(short_dir / "bare")
    # Positive control: the same directory with a labelled folder loads
    make_corpus(short_dir / "bare", authentic=1, manipulated=0)
    assert len(load_corpus(short_dir / "bare").items) == 1


def test_an_empty_label_folder_is_named(short_dir: Path) -> None:
    root = make_corpus(short_dir / "c", authentic=1, manipulated=0)
    (root / "manipulated").mkdir()
    (root / "manipulated" / ".hidden").write_text("skipped")
    with pytest.raises(CorpusError, match=r"manipulated is empty: put manipulated media in it"):
        load_corpus(root)
    (root / "manipulated" / "m.png").write_bytes(make_image(1, manipulated=True))
    assert load_corpus(root).counts()["Manipulated"] == 1


def test_every_bad_file_is_listed_in_one_error(short_dir: Path) -> None:
    root = make_corpus(short_dir / "c", authentic=1, manipulated=1)
    (root / "authentic" / "empty.jpg").write_bytes(b"")
    (root / "authentic" / "notes.txt").write_text("not media")
    (root / "manipulated" / "clip.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * 64)
    (root / "manipulated" / "bomb.png").write_bytes(png_header(7_000, 7_000))
    with pytest.raises(CorpusError) as err:
        load_corpus(root, limits=Limits(max_pixels=1_000_000))
    message = str(err.value)
    assert "4 file(s) cannot be used" in message
    assert "empty.jpg: the file is empty" in message
    assert "notes.txt: not an image (JPEG, PNG, WebP, GIF, BMP, TIFF) or WAV audio" in message
    assert "clip.mp4: a video (video is not transformed" in message
    assert "bomb.png: 7000x7000 = 49000000 pixels is over the 1000000-pixel limit" in message
    assert "decompression bomb" in message
    # Positive control: without those files the corpus loads
    for name in (
        "authentic/empty.jpg",
        "authentic/notes.txt",
        "manipulated/clip.mp4",
        "manipulated/bomb.png",
    ):
        (root / name).unlink()
    assert len(load_corpus(root, limits=Limits(max_pixels=1_000_000)).items) == 2


def test_oversize_files_are_refused_before_reading(short_dir: Path) -> None:
    root = make_corpus(short_dir / "c", authentic=1, manipulated=0)
    size = (root / "authentic" / "a0.png").stat().st_size
    with pytest.raises(CorpusError, match=f"a0.png: {size} bytes is over the 100-byte limit"):
        load_corpus(root, limits=Limits(max_bytes=100))
    assert load_corpus(root, limits=Limits(max_bytes=size)).items[0].size == size


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_named(short_dir: Path) -> None:
    root = make_corpus(short_dir / "c", authentic=1, manipulated=0)
    path = root / "authentic" / "a0.png"
    path.chmod(0)
    try:
        with pytest.raises(CorpusError, match=r"a0\.png: cannot read it: Permission denied"):
            load_corpus(root)
    finally:
        path.chmod(0o600)
    assert len(load_corpus(root).items) == 1


def test_the_same_content_under_both_labels_is_refused(short_dir: Path) -> None:
    root = make_corpus(short_dir / "c", authentic=1, manipulated=1)
    (root / "manipulated" / "copy.png").write_bytes((root / "authentic" / "a0.png").read_bytes())
    with pytest.raises(CorpusError, match=r"copy\.png: the same content as .*a0\.png with the other label"):
        load_corpus(root)
    (root / "manipulated" / "copy.png").unlink()
    (root / "authentic" / "copy.png").write_bytes((root / "authentic" / "a0.png").read_bytes())
    assert len(load_corpus(root).items) == 3  # the same content twice under one label is only redundant


def test_a_manifest_corpus(short_dir: Path) -> None:
    root = short_dir / "c"
    (root / "media").mkdir(parents=True)
    (root / "media" / "x.png").write_bytes(make_image(1, manipulated=True))
    (root / "media" / "y.jpg").write_bytes(make_image(2, manipulated=False, fmt="JPEG"))
    (root / "authentic").mkdir()  # ignored: the manifest decides
    items = [
        {"path": "media/x.png", "label": "Manipulated", "modalities": ["face-manipulation"]},
        {"path": "media/y.jpg", "label": "authentic"},
    ]
    (root / "manifest.json").write_text(json.dumps({"items": items}))
    corpus = load_corpus(root)
    by_name = {i.path.name: i for i in corpus.items}
    assert by_name["x.png"].label is Verdict.MANIPULATED
    assert by_name["x.png"].modalities == (Modality.FACE_MANIPULATION,)
    assert by_name["y.jpg"].label is Verdict.AUTHENTIC
    # A bare list works too
    (root / "manifest.json").write_text(json.dumps(items))
    assert len(load_corpus(root).items) == 2


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("{not json", "not JSON"),
        ("[]", "lists no items"),
        ('{"files": []}', "expected a list of items"),
        (
            '[{"path": "media/x.png", "label": "fake"}]',
            "item 0: label 'fake' is not 'authentic' or 'manipulated'",
        ),
        ('[{"path": "media/x.png", "label": "inconclusive"}]', "item 0: label 'inconclusive'"),
        ('[{"path": "media/x.png"}]', "item 0: label: Field required"),
        (
            '[{"path": "media/x.png", "label": "authentic", "modalities": ["smell"]}]',
            "item 0: unknown modality 'smell'",
        ),
        ('[{"path": "media/missing.png", "label": "authentic"}]', "missing.png: no such file"),
        ('[{"path": "media", "label": "authentic"}]', "media: not a regular file"),
    ],
)
def test_manifest_errors_are_specific(short_dir: Path, manifest: str, message: str) -> None:
    root = short_dir / "c"
    (root / "media").mkdir(parents=True)
    (root / "media" / "x.png").write_bytes(make_image(1, manipulated=True))
    (root / "manifest.json").write_text(manifest)
    with pytest.raises(CorpusError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_corpus(root)
    # Positive control: a valid manifest in the same place loads
    (root / "manifest.json").write_text('[{"path": "media/x.png", "label": "manipulated"}]')
    assert len(load_corpus(root).items) == 1
