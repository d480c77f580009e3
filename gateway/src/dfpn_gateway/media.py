"""Uploads: a streaming multipart/form-data parser that writes the file part to a temporary file while hashing,
sniffing and counting it (413 at the limit, 415 for what is not recognised or not analysable by the requested
modalities), and `MediaStore`, which pins the finished upload to IPFS, S3 or the local media directory.

Nothing is read into memory whole: the body is parsed chunk by chunk as the server receives it, and the file
part is written out as it arrives. The limit is the sniffed kind's (image, audio, video); modality fields sent
before the file part let a mismatching upload be refused (415) after its first bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from dfpn import storage as sdk_storage
from dfpn.errors import ErrorCode
from dfpn.models import Modality
from dfpn_gateway.config import Settings, allowed_kinds
from dfpn_gateway.errors import ApiError, GatewayCode
from dfpn_gateway.schemas import modality_names, parse_modalities
from dfpn_gateway.sniff import SNIFF_BYTES, MediaType, describe_accepted, sniff

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

logger = logging.getLogger(__name__)

#: The form field that carries the media.
FILE_FIELD = "file"
MAX_FIELD_BYTES = 8 * 1024
MAX_FIELDS = 32
#: Name prefix of uploads in progress in the scratch directory (removed at start-up when a crash left them).
UPLOAD_PREFIX = "upload-"
#: Room for the multipart framing and the text fields on top of the largest media limit.
FORM_OVERHEAD = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Upload:
    """A received file: a temporary file (the caller moves or deletes it), its size, SHA-256 and type."""

    path: Path
    size: int
    sha256: bytes
    media_type: MediaType
    filename: str | None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class ParsedForm:
    fields: dict[str, list[str]]
    upload: Upload | None


def _too_large(kind: str, limit: int) -> ApiError:
    return ApiError(
        413, GatewayCode.PAYLOAD_TOO_LARGE, f"the {kind} is over the {limit}-byte limit for {kind} uploads"
    )


def _unsupported(message: str) -> ApiError:
    return ApiError(415, GatewayCode.UNSUPPORTED_MEDIA_TYPE, message)


def _bad(message: str) -> ApiError:
    return ApiError(400, ErrorCode.INVALID_ARGUMENT.value, message)


@dataclass
class _Part:
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    name: str | None = None
    filename: str | None = None
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)


class _FormReceiver:
    """Callbacks for `MultipartParser` plus the asynchronous work (file writes) done between chunks."""

    def __init__(self, settings: Settings, tmp_dir: Path) -> None:
        self.settings = settings
        self.tmp_dir = tmp_dir
        self.fields: dict[str, list[str]] = {}
        self.n_fields = 0
        self.part = _Part()
        self._header_name = b""
        self._header_value = b""
        self.ended = False
        # The file part.
        self.file_seen = False
        self.file_done = False
        self.filename: str | None = None
        self.pending: list[bytes] = []
        self.head = bytearray()
        self.media_type: MediaType | None = None
        self.limit = settings.max_upload_bytes
        self.size = 0
        self.hash = hashlib.sha256()
        self.path: Path | None = None
        self.file: BinaryIO | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_end": self.on_end,
        }

    # ---- parser callbacks (synchronous) ----------------------------------------------------------------------

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers.append((self._header_name.lower(), self._header_value))
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        disposition = next((v for k, v in self.part.headers if k == b"content-disposition"), b"")
        _, options = parse_options_header(disposition)
        if b"name" not in options:
            raise _bad('every form part needs Content-Disposition: form-data; name="..."')
        self.part.name = options[b"name"].decode("utf-8", errors="replace")
        if b"filename" in options or self.part.name == FILE_FIELD:
            if self.part.name != FILE_FIELD:
                raise _bad(f'send the media in the form field "{FILE_FIELD}", not "{self.part.name}"')
            if self.file_seen:
                raise _bad("send one file per request")
            self.file_seen = True
            self.part.is_file = True
            raw_name = options.get(b"filename")
            self.filename = raw_name.decode("utf-8", errors="replace") if raw_name else None
        else:
            self.n_fields += 1
            if self.n_fields > MAX_FIELDS:
                raise _bad(f"too many form fields (at most {MAX_FIELDS})")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.part.is_file:
            self.pending.append(chunk)
            return
        if len(self.part.data) + len(chunk) > MAX_FIELD_BYTES:
            raise _bad(f"form field {self.part.name!r} is over {MAX_FIELD_BYTES} bytes")
        self.part.data += chunk

    def on_part_end(self) -> None:
        if self.part.is_file:
            self.file_done = True
            return
        assert self.part.name is not None
        try:
            value = self.part.data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise _bad(f"form field {self.part.name!r} is not UTF-8") from e
        self.fields.setdefault(self.part.name, []).append(value)

    def on_end(self) -> None:
        self.ended = True

    # ---- between chunks (asynchronous) -----------------------------------------------------------------------

    def _check_kind(self) -> None:
        assert self.media_type is not None
        values = self.fields.get("modalities")
        if not values:
            return
        try:
            modalities = parse_modalities(values)
        except ValueError:
            return  # reported with the other field errors
        check_kind(self.media_type, modalities)

    async def flush(self) -> None:
        """Sniff, check and write the file data received so far."""
        data = b"".join(self.pending)
        self.pending.clear()
        if self.file_seen and self.media_type is None:
            self.head += data
            if len(self.head) < SNIFF_BYTES and not self.file_done:
                return
            self._sniff()
            data, self.head = bytes(self.head), bytearray()
        if data:
            await self._write(data)

    def _sniff(self) -> None:
        if not self.head:
            raise _bad("the file is empty")
        media_type = sniff(bytes(self.head[:SNIFF_BYTES]))
        if media_type is None:
            raise _unsupported(
                f"the file is not a recognised image, video or audio format; accepted: {describe_accepted()}"
            )
        self.media_type = media_type
        self.limit = self.settings.kind_limit(media_type.kind)
        self._check_kind()
        fd, name = tempfile.mkstemp(prefix=UPLOAD_PREFIX, suffix=media_type.extension, dir=self.tmp_dir)
        self.path = Path(name)
        self.file = os.fdopen(fd, "wb")

    async def _write(self, data: bytes) -> None:
        assert self.file is not None
        assert self.media_type is not None
        self.size += len(data)
        if self.size > self.limit:
            raise _too_large(self.media_type.kind, self.limit)
        self.hash.update(data)
        await asyncio.to_thread(self.file.write, data)

    async def finish(self) -> ParsedForm:
        if not self.ended:
            raise _bad("the multipart body ended early (no closing boundary)")
        upload: Upload | None = None
        if self.file_seen:
            assert self.file is not None
            assert self.path is not None
            assert self.media_type is not None
            file, self.file = self.file, None
            await asyncio.to_thread(file.close)
            upload = Upload(self.path, self.size, self.hash.digest(), self.media_type, self.filename)
        return ParsedForm(self.fields, upload)

    def cleanup(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def check_kind(media_type: MediaType, modalities: list[Modality]) -> None:
    """415 unless every modality can analyse this kind of media."""
    kinds = allowed_kinds(modalities)
    if media_type.kind not in kinds:
        names = ", ".join(modality_names(modalities))
        if not kinds:
            raise _unsupported(f"no single kind of media suits all of {names}; submit them separately")
        verb = "analyses" if len(modalities) == 1 else "analyse"
        allowed = " or ".join(sorted(kinds))
        raise _unsupported(
            f"{media_type.mime} is {media_type.kind} media, but {names} {verb} only {allowed} media"
        )


async def receive_form(request: Request, settings: Settings, tmp_dir: Path) -> ParsedForm:
    """Parse a multipart/form-data request as it streams in. The caller owns (moves or deletes) the upload."""
    _, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if not boundary:
        raise _bad("multipart/form-data needs a boundary parameter")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_upload_bytes + FORM_OVERHEAD:
        raise ApiError(
            413,
            GatewayCode.PAYLOAD_TOO_LARGE,
            f"the body ({declared} bytes) is over the largest upload limit ({settings.max_upload_bytes} bytes)",
        )
    receiver = _FormReceiver(settings, tmp_dir)
    try:
        try:
            parser = MultipartParser(
                boundary, receiver.callbacks(), max_size=settings.max_upload_bytes + FORM_OVERHEAD
            )
        except FormParserError as e:
            raise _bad(f"bad multipart boundary: {e}") from e
        async for chunk in request.stream():
            try:
                parser.write(chunk)
            except FormParserError as e:
                raise _bad(f"malformed multipart body: {e}") from e
            await receiver.flush()
        try:
            parser.finalize()
        except FormParserError as e:
            raise _bad(f"malformed multipart body: {e}") from e
        await receiver.flush()
        return await receiver.finish()
    except BaseException:  # including ClientDisconnect and cancellation
        receiver.cleanup()
        raise


class MediaStore:
    """Pins finished uploads: "file" (moved into `media_dir`, a file:// URI), "ipfs" (Kubo add with pin) or
    "s3" (an object ``<prefix><sha256><ext>``)."""

    def __init__(self, settings: Settings) -> None:
        self.backend = settings.storage_backend
        self.media_dir = settings.media_dir.resolve()
        self.ipfs: sdk_storage.IPFSStorage | None = None
        self.s3: sdk_storage.S3Storage | None = None
        if self.backend == "ipfs":
            self.ipfs = sdk_storage.IPFSStorage(settings.ipfs_api_url)
        elif self.backend == "s3":
            self.s3 = sdk_storage.S3Storage(
                settings.s3_bucket, endpoint_url=settings.s3_endpoint_url, prefix=settings.s3_prefix
            )
        if settings.upload_tmp_dir is not None:
            self.tmp_dir = settings.upload_tmp_dir.resolve()
        elif self.backend == "file":
            self.tmp_dir = self.media_dir / ".incoming"  # same file system: pinning is a rename
        else:
            # One directory per database, so that the start-up clean-up touches only this gateway's leftovers.
            db = hashlib.sha256(str(settings.db_path.resolve()).encode()).hexdigest()[:16]
            self.tmp_dir = Path(tempfile.gettempdir()) / "dfpn-gateway" / db
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.remove_leftovers()
        if self.backend == "file":
            self.media_dir.mkdir(parents=True, exist_ok=True)

    def remove_leftovers(self) -> int:
        """Delete the temporary files of uploads a killed gateway left behind (at start-up, before serving: no
        upload of this gateway is in progress). Returns how many."""
        removed = 0
        for path in self.tmp_dir.glob(f"{UPLOAD_PREFIX}*"):
            try:
                path.unlink()
                removed += 1
            except OSError as e:
                logger.warning("cannot remove the leftover upload %s: %s", path, e)
        if removed:
            logger.info("removed %d leftover upload file(s) from %s", removed, self.tmp_dir)
        return removed

    @property
    def client_storage(self) -> sdk_storage.Backend:
        """The backend the SDK client reads reports with."""
        return self.ipfs or self.s3 or "file"

    async def pin(self, upload: Upload) -> str:
        """Store the upload durably and return its URI; the temporary file is gone afterwards."""
        try:
            if self.ipfs is not None:
                return await self.ipfs.upload(upload.path)
            if self.s3 is not None:
                key = f"{self.s3.prefix}{upload.sha256.hex()}{upload.media_type.extension}"
                return await self.s3.upload(upload.path, key=key)
            dest = self.media_dir / f"{upload.sha256.hex()}{upload.media_type.extension}"
            await asyncio.to_thread(shutil.move, upload.path, dest)
            return sdk_storage.file_uri(dest)
        finally:
            upload.discard()


__all__ = ["FILE_FIELD", "MediaStore", "ParsedForm", "Upload", "check_kind", "receive_form"]
