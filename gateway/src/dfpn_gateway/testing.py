"""A throwaway PostgreSQL server for tests and benchmarks: `ThrowawayPostgres` runs ``initdb`` in a temporary
directory and starts ``postgres`` on a free 127.0.0.1 port (as an unprivileged user when run as root, since the
server refuses to run as root), creates databases on it, and removes everything when stopped.

The PostgreSQL binaries come from ``DFPN_PG_BINDIR``, else the newest ``/usr/lib/postgresql/<version>/bin``
(Debian's ``postgresql`` package: ``scripts/install-postgres.sh`` installs it when missing), else ``initdb`` on
the PATH. It is tuned for speed, not durability (``fsync=off``): never put data you need in it.

Written here rather than taken from a library: ``testing.postgresql`` is unmaintained (last release 2017) and
``pytest-postgresql`` brings its own process management (mirakuru) and cannot drop privileges when run as root,
which a bare CI machine is; what is needed is about a hundred lines."""

from __future__ import annotations

import contextlib
import logging
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

logger = logging.getLogger(__name__)

INSTALL_HINT = "run scripts/install-postgres.sh (Debian: apt-get install postgresql) or set DFPN_PG_BINDIR"


def find_bindir() -> Path:
    """The directory of ``initdb``, ``pg_ctl`` and ``postgres``; `RuntimeError` with how to install them."""
    given = os.environ.get("DFPN_PG_BINDIR")
    if given:
        path = Path(given)
        if not (path / "initdb").exists():
            raise RuntimeError(f"DFPN_PG_BINDIR={given} has no initdb: {INSTALL_HINT}")
        return path
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.parent.name)] or [0],
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError(f"no PostgreSQL server binaries (initdb) found: {INSTALL_HINT}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> tuple[int, int] | None:
    """(uid, gid) to run the server as: None when not root; else ``DFPN_PG_USER``, ``postgres`` or ``nobody``."""
    if os.geteuid() != 0:
        return None
    for name in filter(None, (os.environ.get("DFPN_PG_USER"), "postgres", "nobody")):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary directory. `start()` (or ``with``), `url(dbname)`,
    `create_database(name, template=None)`, `drop_database(name)`, `stop()`."""

    USER = "dfpn"

    def __init__(self, *, bindir: Path | None = None, max_connections: int = 300) -> None:
        self.bindir = bindir or find_bindir()
        self.max_connections = max_connections
        self.port = 0
        self.dir: Path | None = None
        self._owner = _server_user()

    @property
    def data(self) -> Path:
        assert self.dir is not None, "not started"
        return self.dir / "data"

    @property
    def log(self) -> Path:
        assert self.dir is not None, "not started"
        return self.dir / "server.log"

    def url(self, dbname: str = "postgres") -> str:
        """The DSN of database `dbname` (libpq form; the gateway takes it as DFPN_GATEWAY_DATABASE_URL)."""
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, timeout: float = 120) -> None:
        kwargs: dict[str, Any] = {}
        if self._owner is not None:
            kwargs = {"user": self._owner[0], "group": self._owner[1], "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C", "TZ": "UTC"}
        result = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd="/",
            check=False,
            **kwargs,
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args[:2])} failed ({result.returncode}): {result.stderr.strip()[-2000:]}\n{log}"
            )

    def start(self) -> ThrowawayPostgres:
        started = time.monotonic()
        base = Path(tempfile.gettempdir())
        if self._owner is not None and not _traversable(base):
            base = Path(
                "/tmp"
            )  # TMPDIR under /root, say: the unprivileged server could not reach its directory
        self.dir = Path(tempfile.mkdtemp(prefix="dfpn-pg-", dir=base))
        if self._owner is not None:
            os.chown(self.dir, *self._owner)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                self.USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            )
            self.port = _free_port()
            options = " ".join(
                [
                    f"-p {self.port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={self.data}",
                    f"-c max_connections={self.max_connections}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c shared_buffers=32MB",
                ]
            )
            self._run(
                "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options
            )
        except BaseException:
            self.stop()
            raise
        logger.info("PostgreSQL at %s (%.1f s to start)", self.url(), time.monotonic() - started)
        return self

    def stop(self) -> None:
        if self.dir is None:
            return
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run(
                    "pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", timeout=60
                )
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute(sql.encode())

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database `name` (a copy of `template` when given); returns its DSN."""
        _check_name(name)
        clause = ""
        if template is not None:
            _check_name(template)
            clause = f' TEMPLATE "{template}"'
        self.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        _check_name(name)
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _traversable(path: Path) -> bool:
    """Whether every directory from / to `path` lets other users through (x for others)."""
    return all(p.stat().st_mode & 0o001 for p in (path.resolve(), *path.resolve().parents))


def _check_name(name: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"database name {name!r}: lower-case letters, digits and _ only")


__all__ = ["INSTALL_HINT", "ThrowawayPostgres", "find_bindir"]
