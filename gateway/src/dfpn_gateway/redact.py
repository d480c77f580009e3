"""Redaction of URL secrets in what the gateway shows and logs.

RPC providers put API keys in the query (``?api-key=...``), in userinfo (``https://user:pass@host``) or in the path
(``/v2/<key>``), and the SDK's error messages quote the RPC URL. Anything shown to a client or written to the log
goes through `redact_text`, which keeps only the scheme, host and port of every http(s)/ws(s) URL it finds.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

_URL_RE = re.compile(
    r"\b(?:https?|wss?)://(?:[^\s'\"<>(){}\[\]/@]*@)?(?:\[[0-9A-Fa-f:.%]+\]|[^\s'\"<>(){}/?#]+)[^\s'\"<>(){}]*",
    re.IGNORECASE,
)
HIDDEN = "***"


def redact_url(url: str) -> str:
    """`url` with its userinfo, path and query replaced by ``***`` (scheme, host and port kept)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return HIDDEN
    if not parts.scheme or not host:
        return HIDDEN
    shown = f"[{host}]" if ":" in host else host
    if port is not None:
        shown += f":{port}"
    userinfo = f"{HIDDEN}@" if "@" in parts.netloc else ""
    rest = f"/{HIDDEN}" if parts.path not in ("", "/") else ""
    if parts.query or parts.fragment:
        rest = (rest or "/") + f"?{HIDDEN}"
    return f"{parts.scheme}://{userinfo}{shown}{rest}"


def redact_text(text: str) -> str:
    """`text` with every URL in it redacted (`redact_url`)."""
    return _URL_RE.sub(lambda m: redact_url(m.group(0)), text)


class RedactingFormatter(logging.Formatter):
    """A log formatter whose output (message and traceback) has its URLs redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


__all__ = ["HIDDEN", "RedactingFormatter", "redact_text", "redact_url"]
