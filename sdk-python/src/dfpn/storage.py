"""Media and reports off-chain: hashing, storing (file://, IPFS, S3), reading a URI and checking it against a
recorded hash.

Backends:

- ``file``: file:// URIs, only for the embedded local network.
- ``ipfs``: a Kubo daemon over its HTTP RPC (``/api/v0/add`` with pin, CIDv1, raw leaves; ``/api/v0/cat``), via
  httpx. The API address comes from ``IPFSStorage(api_url=...)`` or ``DFPN_IPFS_API`` (default
  ``http://127.0.0.1:5001``); reads may go through a gateway (``gateway_url=`` / ``DFPN_IPFS_GATEWAY``).
  ipfshttpclient is not used: it refuses Kubo versions newer than 0.8.
- ``HttpStorage(upload_url, public_url=...)``: an HTTP PUT of the bytes to ``<upload_url>/<sha256><ext>`` (any
  server or presigning proxy that accepts PUT), read back from ``<public_url>/<sha256><ext>``; the TypeScript SDK's
  ``HttpStorage``, same names and layout.
- ``s3``: boto3 (optional extra ``dfpn[s3]``) against AWS or any S3-compatible endpoint
  (``S3Storage(bucket=..., endpoint_url=...)`` or ``DFPN_S3_BUCKET`` / ``AWS_ENDPOINT_URL_S3`` /
  ``AWS_ENDPOINT_URL`` and the usual ``AWS_*`` credential variables).

Uploads report progress through a callback ``(sent_bytes, total_bytes)``. Reads (``read_uri``) accept file://,
http(s)://, ipfs:// and s3:// URIs, with a size limit and a time limit.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse
from urllib.request import url2pathname

import httpx

from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated.constants import MAX_URI_LEN
from dfpn.netguard import DestinationPolicy, guarded_get, read_capped

logger = logging.getLogger(__name__)

#: Longest storage URI the program accepts.
MAX_STORAGE_URI = MAX_URI_LEN
#: Largest report the SDK downloads.
MAX_REPORT_BYTES = 16 * 1024 * 1024
#: Default Kubo RPC address.
DEFAULT_IPFS_API = "http://127.0.0.1:5001"
_CHUNK = 1 << 20
_UPLOAD_CHUNK = 256 * 1024

#: Upload progress: called with (bytes sent so far, total bytes).
ProgressCallback = Callable[[int, int], None]


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


def _file_size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError as e:
        raise DFPNError(ErrorCode.MEDIA_NOT_FOUND, f"cannot read media {p}: {e.strerror or e}.") from e


def _start_ipfs_hint(api: str) -> str:
    return (
        f"cannot reach the IPFS (Kubo) daemon at {api}. Start one with `ipfs daemon` "
        "(scripts/install-kubo.sh builds Kubo into ~/.cache/dfpn-toolchain), or set DFPN_IPFS_API / "
        "IPFSStorage(api_url=...) to a running daemon's RPC address."
    )


async def _file_chunks(
    path: Path, total: int, chunk_size: int, progress: ProgressCallback | None
) -> AsyncIterator[bytes]:
    """An upload body: the file in `chunk_size` pieces, `progress(sent, total)` before the first and after each."""
    sent = 0
    if progress is not None:
        progress(0, total)
    with path.open("rb") as f:
        while chunk := f.read(chunk_size):
            sent += len(chunk)
            yield chunk
            if progress is not None:
                progress(sent, total)


class IPFSStorage:
    """A Kubo daemon's HTTP RPC (not the gateway) for uploads, and the RPC or a gateway for reads."""

    scheme = "ipfs"

    def __init__(
        self,
        api_url: str | None = None,
        *,
        gateway_url: str | None = None,
        timeout: float = 300.0,
        chunk_size: int = _UPLOAD_CHUNK,
    ) -> None:
        self.api_url = (api_url or os.environ.get("DFPN_IPFS_API") or DEFAULT_IPFS_API).rstrip("/")
        gateway = gateway_url or os.environ.get("DFPN_IPFS_GATEWAY")
        self.gateway_url = gateway.rstrip("/") if gateway else None
        self.timeout = timeout
        self.chunk_size = chunk_size

    async def upload(self, path: str | Path, *, progress: ProgressCallback | None = None) -> str:
        """Add and pin `path` (CIDv1, raw leaves); returns ``ipfs://<cid>``. The multipart body is streamed in
        `chunk_size` pieces and `progress(sent, total)` is called after each."""
        p = Path(path)
        total = _file_size(p)
        boundary = secrets.token_hex(16)
        name = quote(p.name) or "media"
        pre = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        post = f"\r\n--{boundary}--\r\n".encode()
        chunk_size = self.chunk_size

        async def body() -> AsyncIterator[bytes]:
            yield pre
            async for chunk in _file_chunks(p, total, chunk_size, progress):
                yield chunk
            yield post

        url = f"{self.api_url}/api/v0/add"
        params = {"pin": "true", "cid-version": "1", "raw-leaves": "true", "progress": "false"}
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(pre) + total + len(post)),
        }
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                response = await http.post(url, params=params, content=body(), headers=headers)
        except httpx.ConnectError as e:
            raise DFPNError(ErrorCode.STORAGE_UNAVAILABLE, _start_ipfs_hint(self.api_url)) from e
        except httpx.HTTPError as e:
            raise DFPNError(
                ErrorCode.STORAGE_FAILED, f"IPFS add of {p} via {self.api_url} failed: {e}."
            ) from e
        if response.status_code != 200:
            raise DFPNError(
                ErrorCode.STORAGE_FAILED,
                f"IPFS add of {p} failed: HTTP {response.status_code} {response.text.strip()[:300]}",
            )
        cid = ""
        for line in response.text.splitlines():
            if line.strip():
                cid = str(json.loads(line).get("Hash", ""))
        if not cid:
            raise DFPNError(ErrorCode.STORAGE_FAILED, f"IPFS add of {p}: no CID in {response.text[:300]!r}.")
        logger.info("stored %s in IPFS as %s (%d bytes)", p, cid, total)
        return f"ipfs://{cid}"

    async def read(self, uri: str, *, max_bytes: int = MAX_REPORT_BYTES, timeout: float = 30.0) -> bytes:
        """The bytes of ``ipfs://<cid>[/path]`` (or a bare CID), through the gateway when one is configured,
        else the RPC's ``cat``. Over `max_bytes` raises `REPORT_UNAVAILABLE`."""
        ref = uri.removeprefix("ipfs://").strip("/")
        if not ref:
            raise DFPNError(ErrorCode.INVALID_ARGUMENT, f"{uri!r} names no CID.")
        if self.gateway_url is not None:
            return await _http_get(f"{self.gateway_url}/ipfs/{ref}", max_bytes=max_bytes, timeout=timeout)
        url = f"{self.api_url}/api/v0/cat"
        body = bytearray()
        try:
            async with asyncio.timeout(timeout), httpx.AsyncClient(timeout=timeout) as http:
                params = {"arg": ref, "length": str(max_bytes + 1)}
                async with http.stream("POST", url, params=params) as response:
                    if response.status_code != 200:
                        detail = (await response.aread()).decode(errors="replace").strip()[:300]
                        raise DFPNError(
                            ErrorCode.REPORT_UNAVAILABLE,
                            f"IPFS cat {ref}: HTTP {response.status_code} {detail}",
                        )
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise DFPNError(
                                ErrorCode.CONTENT_TOO_LARGE, f"{uri}: over the {max_bytes}-byte limit."
                            )
        except httpx.ConnectError as e:
            raise DFPNError(ErrorCode.STORAGE_UNAVAILABLE, _start_ipfs_hint(self.api_url)) from e
        except httpx.HTTPError as e:
            raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"cannot read {uri} from IPFS: {e}.") from e
        except TimeoutError as e:
            raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"reading {uri} took over {timeout}s.") from e
        return bytes(body)


def _boto3() -> Any:
    """boto3, imported lazily (optional extra ``dfpn[s3]``) and typed as Any: only a few calls are used."""
    try:
        return importlib.import_module("boto3")
    except ImportError as e:
        raise DFPNError(
            ErrorCode.STORAGE_NOT_SUPPORTED, "S3 storage needs boto3: pip install 'dfpn[s3]'."
        ) from e


def _s3_error_code(e: Exception) -> str:
    response = getattr(e, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


class S3Storage:
    """An S3 bucket (AWS or any S3-compatible endpoint) through boto3. Unset arguments come from the
    environment: ``DFPN_S3_BUCKET``, ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``, and boto3's usual credential
    chain (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, profiles)."""

    scheme = "s3"

    def __init__(
        self,
        bucket: str | None = None,
        *,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        region: str | None = None,
        prefix: str = "dfpn/",
    ) -> None:
        self.bucket = bucket or os.environ.get("DFPN_S3_BUCKET")
        self.endpoint_url = (
            endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        )
        self.prefix = prefix
        self.region = (
            region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        )
        self._access_key_id = access_key_id
        self._secret_access_key = secret_access_key
        self._client: Any = None

    def _s3(self) -> Any:
        if self._client is None:
            self._client = _boto3().client(
                "s3",
                endpoint_url=self.endpoint_url,
                aws_access_key_id=self._access_key_id,
                aws_secret_access_key=self._secret_access_key,
                region_name=self.region,
            )
        return self._client

    def _fail(self, e: Exception, what: str, *, missing: ErrorCode) -> DFPNError:
        code = _s3_error_code(e)
        if code in ("NoSuchKey", "404", "NoSuchBucket", "NotFound"):
            return DFPNError(missing, f"{what}: not found ({code}).")
        if not code:
            where = self.endpoint_url or "AWS"
            return DFPNError(ErrorCode.STORAGE_UNAVAILABLE, f"{what}: cannot reach S3 at {where}: {e}.")
        return DFPNError(ErrorCode.STORAGE_FAILED, f"{what}: {e}.")

    def upload_sync(
        self, path: str | Path, *, key: str | None = None, progress: ProgressCallback | None = None
    ) -> str:
        """`upload`, blocking."""
        p = Path(path)
        if not self.bucket:
            raise DFPNError(
                ErrorCode.INVALID_ARGUMENT, "S3 storage needs a bucket: bucket=... or DFPN_S3_BUCKET."
            )
        total = _file_size(p)
        if key is None:
            key = f"{self.prefix}{sha256_file(p).hex()}{p.suffix}"
        sent = 0

        def callback(n: int) -> None:
            nonlocal sent
            sent += n
            if progress is not None:
                progress(sent, total)

        if progress is not None:
            progress(0, total)
        what = f"S3 upload of {p} to s3://{self.bucket}/{key}"
        try:
            self._s3().upload_file(str(p), self.bucket, key, Callback=callback)
        except DFPNError:
            raise
        except Exception as e:  # boto3/botocore raise many unrelated classes
            raise self._fail(e, what, missing=ErrorCode.STORAGE_FAILED) from e
        logger.info("stored %s as s3://%s/%s (%d bytes)", p, self.bucket, key, total)
        return f"s3://{self.bucket}/{key}"

    async def upload(
        self, path: str | Path, *, key: str | None = None, progress: ProgressCallback | None = None
    ) -> str:
        """Upload `path` (key ``<prefix><sha256><suffix>`` unless given); returns ``s3://bucket/key``.
        `progress(sent, total)` is called from boto3's worker threads."""
        return await asyncio.to_thread(self.upload_sync, path, key=key, progress=progress)

    def read_sync(self, uri: str, *, max_bytes: int = MAX_REPORT_BYTES) -> bytes:
        """`read`, blocking and without the time limit."""
        parsed = urlparse(uri)
        bucket, key = parsed.netloc, parsed.path.lstrip("/")
        if parsed.scheme != "s3" or not bucket or not key:
            raise DFPNError(ErrorCode.INVALID_ARGUMENT, f"{uri!r} is not an s3://bucket/key URI.")
        try:
            obj = self._s3().get_object(Bucket=bucket, Key=key)
            size = int(obj.get("ContentLength", 0))
            if size > max_bytes:
                obj["Body"].close()
                raise DFPNError(
                    ErrorCode.CONTENT_TOO_LARGE, f"{uri}: {size} bytes is over the {max_bytes}-byte limit."
                )
            data = bytes(obj["Body"].read(max_bytes + 1))
        except DFPNError:
            raise
        except Exception as e:  # botocore ClientError, EndpointConnectionError, ...
            raise self._fail(e, f"cannot read {uri}", missing=ErrorCode.REPORT_UNAVAILABLE) from e
        if len(data) > max_bytes:
            raise DFPNError(ErrorCode.CONTENT_TOO_LARGE, f"{uri}: over the {max_bytes}-byte limit.")
        return data

    async def read(self, uri: str, *, max_bytes: int = MAX_REPORT_BYTES, timeout: float = 30.0) -> bytes:
        """The bytes of ``s3://bucket/key``; missing keys and oversize objects raise `REPORT_UNAVAILABLE`."""
        try:
            async with asyncio.timeout(timeout):
                return await asyncio.to_thread(self.read_sync, uri, max_bytes=max_bytes)
        except TimeoutError as e:
            raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"reading {uri} took over {timeout}s.") from e


class HttpStorage:
    """Uploads with HTTP PUT to ``<upload_url>/<sha256><ext>`` and names the media ``<public_url>/<sha256><ext>``
    (`public_url` defaults to `upload_url`). `headers` go with every PUT (an API key). The upload has a total
    deadline of `timeout` seconds; the server's reply is read at most 4 KiB deep (only its status matters)."""

    scheme = "https"

    def __init__(
        self,
        upload_url: str,
        *,
        public_url: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 300.0,
        chunk_size: int = _UPLOAD_CHUNK,
    ) -> None:
        self.upload_url = upload_url.rstrip("/")
        self.public_url = (public_url or upload_url).rstrip("/")
        for url in (self.upload_url, self.public_url):
            if urlparse(url).scheme not in ("http", "https") or not urlparse(url).hostname:
                raise DFPNError(
                    ErrorCode.INVALID_ARGUMENT, f"HttpStorage needs http(s):// URLs with a host, got {url!r}."
                )
        self.scheme = urlparse(self.public_url).scheme
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.chunk_size = chunk_size

    async def upload(self, path: str | Path, *, progress: ProgressCallback | None = None) -> str:
        """PUT `path`; returns its public URL."""
        p = Path(path)
        total = _file_size(p)
        key = sha256_file(p).hex() + p.suffix.lower()
        body = _file_chunks(p, total, self.chunk_size, progress)
        target = f"{self.upload_url}/{key}"
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(total), **self.headers}
        try:
            async with (
                asyncio.timeout(self.timeout),
                httpx.AsyncClient(timeout=self.timeout) as http,
                http.stream("PUT", target, content=body, headers=headers) as response,
            ):
                status = response.status_code
                detail = await _reply_start(response)
        except httpx.ConnectError as e:
            raise DFPNError(ErrorCode.STORAGE_UNAVAILABLE, f"cannot reach {self.upload_url}: {e}.") from e
        except httpx.HTTPError as e:
            raise DFPNError(ErrorCode.STORAGE_FAILED, f"HTTP PUT of {p.name} to {target} failed: {e}.") from e
        except TimeoutError as e:
            raise DFPNError(
                ErrorCode.STORAGE_FAILED, f"HTTP PUT of {p.name} to {target} took over {self.timeout:g} s."
            ) from e
        if not 200 <= status < 300:
            raise DFPNError(
                ErrorCode.STORAGE_FAILED, f"HTTP PUT of {p.name} to {target}: HTTP {status} {detail}"
            )
        logger.info("stored %s at %s/%s (%d bytes)", p, self.public_url, key, total)
        return f"{self.public_url}/{key}"


async def _reply_start(response: httpx.Response, limit: int = 4096) -> str:
    """The first `limit` bytes of a reply, as text for an error message (the rest is never read)."""
    head = bytearray()
    async for chunk in response.aiter_raw():
        head += chunk
        if len(head) >= limit:
            break
    return bytes(head[:limit]).decode(errors="replace").strip()[:300]


#: What `upload` accepts as a backend: a name ("file", "ipfs", "s3") or a configured backend.
Backend = str | IPFSStorage | S3Storage | HttpStorage


def backend_from_name(name: str) -> IPFSStorage | S3Storage | None:
    """A backend configured from the environment for "ipfs" or "s3"; None for "file"."""
    if name == "file":
        return None
    if name == "ipfs":
        return IPFSStorage()
    if name == "s3":
        return S3Storage()
    raise DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, f"unknown storage {name!r}: use 'file', 'ipfs' or 's3'.")


async def upload(path: str | Path, backend: Backend, *, progress: ProgressCallback | None = None) -> str:
    """Store `path` with `backend` ("file", "ipfs", "s3" or a configured `IPFSStorage` / `S3Storage`) and return
    its URI."""
    store = backend_from_name(backend) if isinstance(backend, str) else backend
    if store is None:
        if progress is not None:
            size = _file_size(Path(path))
            progress(size, size)
        return file_uri(path)
    return await store.upload(path, progress=progress)


async def _http_get(uri: str, *, max_bytes: int, timeout: float) -> bytes:
    """GET `uri` with a total time limit and a size limit (Content-Length checked first, then while streaming)."""
    try:
        async with (
            asyncio.timeout(timeout),
            httpx.AsyncClient(timeout=timeout, follow_redirects=True) as http,
            http.stream("GET", uri) as response,
        ):
            response.raise_for_status()
            return await read_capped(response, uri, max_bytes)
    except httpx.HTTPError as e:
        raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"cannot fetch {uri}: {e}.") from e
    except TimeoutError as e:
        raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"fetching {uri} took over {timeout}s.") from e


async def read_uri(
    uri: str,
    *,
    max_bytes: int = MAX_REPORT_BYTES,
    timeout: float = 30.0,
    ipfs: IPFSStorage | None = None,
    s3: S3Storage | None = None,
    policy: DestinationPolicy | None = None,
    max_redirects: int = 5,
) -> bytes:
    """The bytes at a file://, http(s)://, ipfs:// or s3:// URI (ipfs/s3 through the given backends, else ones
    configured from the environment), at most `max_bytes` within `timeout` seconds. Other schemes raise
    `STORAGE_NOT_SUPPORTED`; unreadable URIs `REPORT_UNAVAILABLE`; unreachable services `STORAGE_UNAVAILABLE`.

    With a `policy`, http(s) URIs someone else chose go through `dfpn.netguard.guarded_get`: only destinations
    the policy allows (checked at every connection), at most `max_redirects` redirects (`DESTINATION_REFUSED`,
    `TIMEOUT`, ... see there)."""
    scheme = urlparse(uri).scheme
    if scheme == "file":
        path = path_from_file_uri(uri)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise DFPNError(
                    ErrorCode.CONTENT_TOO_LARGE, f"{uri}: {size} bytes is over the {max_bytes}-byte limit."
                )
            return path.read_bytes()
        except OSError as e:
            raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"cannot read {uri}: {e.strerror or e}.") from e
    if scheme in ("http", "https"):
        if policy is not None:
            return await guarded_get(
                uri, policy, max_bytes=max_bytes, timeout=timeout, max_redirects=max_redirects
            )
        return await _http_get(uri, max_bytes=max_bytes, timeout=timeout)
    if scheme == "ipfs":
        return await (ipfs or IPFSStorage()).read(uri, max_bytes=max_bytes, timeout=timeout)
    if scheme == "s3":
        return await (s3 or S3Storage()).read(uri, max_bytes=max_bytes, timeout=timeout)
    raise DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, f"reading {scheme}:// URIs ({uri}) is not supported.")


def check_hash(data: bytes, expected: bytes, code: ErrorCode, what: str) -> None:
    """Raise `DFPNError(code)` unless `sha256(data) == expected`."""
    actual = hashlib.sha256(data).digest()
    if actual != expected:
        raise DFPNError(code, f"{what}: SHA-256 is {actual.hex()}, the recorded hash is {expected.hex()}.")


__all__ = [
    "DEFAULT_IPFS_API",
    "MAX_REPORT_BYTES",
    "MAX_STORAGE_URI",
    "Backend",
    "HttpStorage",
    "IPFSStorage",
    "ProgressCallback",
    "S3Storage",
    "backend_from_name",
    "check_hash",
    "file_uri",
    "path_from_file_uri",
    "read_uri",
    "sha256_file",
    "upload",
]
