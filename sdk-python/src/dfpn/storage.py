"""Media and reports off-chain: hashing, file:// URIs, reading a URI and checking it against a recorded hash.

This version stores media only as file:// URIs (the local network). IPFS and S3 uploads are not implemented:
`upload` raises `DFPNError(STORAGE_NOT_SUPPORTED)`; upload yourself and pass the URI. Reading supports file://,
http:// and https://.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import httpx

from dfpn.errors import DFPNError, ErrorCode

logger = logging.getLogger(__name__)

#: Longest storage URI the program accepts.
MAX_STORAGE_URI = 200
#: Largest report the SDK downloads.
MAX_REPORT_BYTES = 16 * 1024 * 1024
_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> bytes:
    """SHA-256 of a file's bytes, read in chunks; `MEDIA_NOT_FOUND` when it cannot be read."""
    p = Path(path)
    h = hashlib.sha256()
    try:
        with p.open("rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
    except OSError as e:
        raise DFPNError(ErrorCode.MEDIA_NOT_FOUND, f"cannot read media {p}: {e.strerror or e}.") from e
    return h.digest()


def file_uri(path: str | Path) -> str:
    """The absolute file:// URI of `path` (percent-encoded, so it is printable ASCII without spaces)."""
    return Path(path).resolve().as_uri()


def path_from_file_uri(uri: str) -> Path:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise DFPNError(ErrorCode.INVALID_ARGUMENT, f"{uri!r} is not a file:// URI")
    return Path(url2pathname(unquote(parsed.path)))


def upload(path: str | Path, backend: str) -> str:
    """Store `path` with `backend` and return its URI. Only "file" (the local network) exists in this version."""
    if backend == "file":
        return file_uri(path)
    raise DFPNError(
        ErrorCode.STORAGE_NOT_SUPPORTED,
        f"uploading to {backend!r} is not implemented in this version of the SDK.",
    )


async def read_uri(uri: str, *, max_bytes: int = MAX_REPORT_BYTES, timeout: float = 30.0) -> bytes:
    """The bytes at a file://, http:// or https:// URI. Other schemes raise `STORAGE_NOT_SUPPORTED`;
    unreadable ones `REPORT_UNAVAILABLE`."""
    scheme = urlparse(uri).scheme
    if scheme == "file":
        path = path_from_file_uri(uri)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise DFPNError(
                    ErrorCode.REPORT_UNAVAILABLE, f"{uri}: {size} bytes is over the {max_bytes}-byte limit."
                )
            return path.read_bytes()
        except OSError as e:
            raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"cannot read {uri}: {e.strerror or e}.") from e
    if scheme in ("http", "https"):
        try:
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=True) as http:  # noqa: SIM117
                async with http.stream("GET", uri) as response:
                    response.raise_for_status()
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise DFPNError(
                                ErrorCode.REPORT_UNAVAILABLE, f"{uri}: over the {max_bytes}-byte limit."
                            )
                    return bytes(body)
        except httpx.HTTPError as e:
            raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"cannot fetch {uri}: {e}.") from e
    raise DFPNError(
        ErrorCode.STORAGE_NOT_SUPPORTED, f"reading {scheme}:// URIs ({uri}) is not implemented yet."
    )


def check_hash(data: bytes, expected: bytes, code: ErrorCode, what: str) -> None:
    """Raise `DFPNError(code)` unless `sha256(data) == expected`."""
    actual = hashlib.sha256(data).digest()
    if actual != expected:
        raise DFPNError(code, f"{what}: SHA-256 is {actual.hex()}, the recorded hash is {expected.hex()}.")


__all__ = [
    "MAX_REPORT_BYTES",
    "MAX_STORAGE_URI",
    "check_hash",
    "file_uri",
    "path_from_file_uri",
    "read_uri",
    "sha256_file",
    "upload",
]
