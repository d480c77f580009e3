"""Getting a request's media (with a size limit, a time limit and retries) and storing the worker's reports."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from dfpn import storage as store
from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated.constants import MAX_REPORT_URI_LEN
from dfpn.netguard import DestinationPolicy, DestinationRefused
from dfpn_worker.retry import retrying

logger = logging.getLogger(__name__)

#: Longest report URI the program accepts (`reveal_result`).
MAX_REPORT_URI = MAX_REPORT_URI_LEN
#: Characters of the report hash used as the report's file name (content-addressed, short: see MAX_REPORT_URI).
_NAME_HEX = 32


class MediaRefusedError(Exception):
    """The worker will not analyse this media. `code`: CONTENT_HASH_MISMATCH, MEDIA_TOO_LARGE,
    MEDIA_UNAVAILABLE, STORAGE_NOT_SUPPORTED or DESTINATION_REFUSED (the media URI's host is, or resolves to, an
    address the worker's `media_allow_networks` policy refuses: it is not contacted)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


def _too_large(e: DFPNError) -> bool:
    return e.code is ErrorCode.CONTENT_TOO_LARGE


async def fetch_media(
    uri: str,
    *,
    max_bytes: int,
    timeout: float,
    attempts: int,
    allow_file: bool,
    policy: DestinationPolicy,
    max_redirects: int = 5,
    backoff_base: float = 0.5,
    on_retry: Callable[[str], None] | None = None,
) -> bytes:
    """The bytes at `uri`, at most `max_bytes` (refused as soon as the size is known to be larger: from the
    file size, the Content-Length header, or while streaming), each attempt within `timeout` seconds in all;
    network faults are retried `attempts` times in all with bounded backoff. file:// URIs only when `allow_file`
    (the embedded local network): elsewhere a client must not make the worker read its own disk. http(s) URIs
    only to destinations `policy` allows (every connection and each of at most `max_redirects` redirects is
    checked): a client must not make the worker fetch from inside its operator's network either."""
    _check_before_download(uri, max_bytes=max_bytes, allow_file=allow_file)

    async def read() -> bytes:
        return await store.read_uri(
            uri, max_bytes=max_bytes, timeout=timeout, policy=policy, max_redirects=max_redirects
        )

    try:
        data = await retrying(
            f"download {uri}",
            read,
            attempts=attempts,
            base=backoff_base,
            transient=_transient_download_error,
            on_retry=on_retry,
        )
    except DestinationRefused as e:  # holds for good: like a hash mismatch, never retried
        raise MediaRefusedError(ErrorCode.DESTINATION_REFUSED.value, e.message) from e
    except DFPNError as e:
        if _too_large(e):
            raise MediaRefusedError("MEDIA_TOO_LARGE", e.message) from e
        raise MediaRefusedError("MEDIA_UNAVAILABLE", e.message) from e
    if len(data) > max_bytes:  # belt and braces: every path above already enforces it
        raise MediaRefusedError(
            "MEDIA_TOO_LARGE", f"{uri}: {len(data)} bytes, over the {max_bytes}-byte limit"
        )
    return data


def _check_before_download(uri: str, *, max_bytes: int, allow_file: bool) -> None:
    """Refuse what can be refused without downloading: an unsupported scheme, file:// media off the local
    network, a local file that is missing or too large."""
    scheme = urlparse(uri).scheme
    if scheme == "file":
        if not allow_file:
            raise MediaRefusedError(
                "STORAGE_NOT_SUPPORTED", f"file:// media ({uri}) is only for the local network"
            )
        path = store.path_from_file_uri(uri)
        try:
            size = path.stat().st_size
        except OSError as e:
            raise MediaRefusedError("MEDIA_UNAVAILABLE", f"cannot read {uri}: {e.strerror or e}") from e
        if size > max_bytes:
            raise MediaRefusedError(
                "MEDIA_TOO_LARGE", f"{uri} is {size} bytes, over the {max_bytes}-byte limit"
            )
    elif scheme not in ("http", "https", "ipfs", "s3"):
        raise MediaRefusedError("STORAGE_NOT_SUPPORTED", f"cannot read {scheme or 'scheme-less'} URI {uri!r}")


def _transient_download_error(error: BaseException) -> bool:
    """Worth another download attempt: the storage did not answer (not: the media is too large)."""
    if isinstance(error, DFPNError):
        if _too_large(error):
            return False
        return error.code in (ErrorCode.REPORT_UNAVAILABLE, ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.TIMEOUT)
    return isinstance(error, OSError | TimeoutError)


def check_content_hash(data: bytes, expected: bytes, uri: str) -> None:
    """Refuse (CONTENT_HASH_MISMATCH) unless sha256(data) equals the request's recorded content hash."""
    actual = hashlib.sha256(data).digest()
    if actual != bytes(expected):
        raise MediaRefusedError(
            ErrorCode.CONTENT_HASH_MISMATCH.value,
            f"{uri} hashes to {actual.hex()}, the request records {bytes(expected).hex()}",
        )


def media_name(uri: str) -> str | None:
    """The last path segment of a URI, a hint for the detectors' type sniffing."""
    name = unquote(urlparse(uri).path.rsplit("/", 1)[-1])
    return name or None


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ReportStore:
    """Writes reports to `directory` (named by their hash) and, for "ipfs"/"s3", uploads them; returns the URI.

    The same report gives the same URI every time (file path and S3 key from the hash, IPFS CID from the bytes),
    so storing again after a restart is harmless.
    """

    def __init__(
        self,
        kind: str,
        directory: Path,
        *,
        backend: store.IPFSStorage | store.S3Storage | None = None,
        attempts: int = 4,
        backoff_base: float = 0.5,
    ) -> None:
        if kind not in ("file", "ipfs", "s3"):
            raise DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, f"report storage {kind!r}: file, ipfs or s3")
        self.kind = kind
        self.directory = directory
        self.backend = backend if backend is not None else store.backend_from_name(kind)
        self.attempts = attempts
        self.backoff_base = backoff_base

    def check(self) -> None:
        """Fail early when file:// report URIs would be longer than the program accepts."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.kind == "file":
            sample = store.file_uri(self.directory / ("0" * _NAME_HEX + ".json"))
            if len(sample.encode()) > MAX_REPORT_URI:
                raise DFPNError(
                    ErrorCode.INVALID_ARGUMENT,
                    f"report URIs in {self.directory} would be {len(sample)} bytes; the program accepts "
                    f"{MAX_REPORT_URI}. Use a shorter reports_dir.",
                )

    async def put(self, report: bytes, on_retry: Callable[[str], None] | None = None) -> str:
        digest = hashlib.sha256(report).hexdigest()
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{digest[:_NAME_HEX]}.json"
        if not (path.is_file() and path.read_bytes() == report):
            _write_durably(path, report)
        if self.backend is None:
            uri = store.file_uri(path)
        else:
            backend = self.backend

            async def upload() -> str:
                if isinstance(backend, store.S3Storage):
                    return await backend.upload(path, key=f"{backend.prefix}reports/{digest}.json")
                return await backend.upload(path)

            uri = await retrying(
                f"upload report {path.name}",
                upload,
                attempts=self.attempts,
                base=self.backoff_base,
                on_retry=on_retry,
            )
        if len(uri.encode()) > MAX_REPORT_URI:
            raise DFPNError(
                ErrorCode.INVALID_REPORT_URI,
                f"report URI {uri} is over the {MAX_REPORT_URI} bytes the program accepts",
            )
        return uri


__all__ = [
    "MAX_REPORT_URI",
    "MediaRefusedError",
    "ReportStore",
    "check_content_hash",
    "fetch_media",
    "media_name",
]
