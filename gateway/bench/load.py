#!/usr/bin/env python3
"""Gateway load benchmark: `dfpn-gateway serve` started as its own process(es) against a real local validator
(started here, or `--rpc-url` of a running one such as `make localnet`) and/or the embedded network, driven by N
concurrent clients over real HTTP.

    .venv/bin/python gateway/bench/load.py [--network validator|embedded|both] [--clients 10] [--seconds 20]
        [--idle-open 1000] [--workers 3] [--replicas 1] [--database sqlite|postgres] [--out target/bench/gateway.json]
    .venv/bin/python gateway/bench/load.py --fleet [--network ...]     # 1 and 2 replicas x SQLite and PostgreSQL

Phases, each against the same gateway process(es):
1. submissions: every client POSTs JSON submissions (`media_uri` + `content_hash`) back to back for `--seconds`;
2. reads: every client GETs the requests it submitted (status), for `--read-seconds`;
3. idle: more submissions until `--idle-open` requests are open, their follow-up work done (`settle`: until a second
   of the gateway's CPU is under 10 % of a core, at most 90 s), then nothing for `--idle-seconds` while the
   gateway's CPU time is read from /proc/<pid>/stat (it follows every open request meanwhile). Not with `--fleet`.
Prints and writes JSON: submissions/s, reads/s, p50/p95/max latency, error counts by status, idle CPU % with K open
requests, and (validator) how many submissions are on-chain.

With `--replicas N` N gateway processes share one database (`--database postgres`: a throwaway PostgreSQL server
started here, `dfpn_gateway.testing`; `sqlite`: one file) and every call goes to the next one in turn, as a
round-robin load balancer would send it. On the embedded network each process has its own chain (the figures are
the gateway's and its database's); on the validator they share the chain, as a real fleet does. `--fleet` runs
1 and 2 replicas on SQLite and on PostgreSQL, without the idle phase, and writes target/bench/gateway-fleet.json.

With `--workers N` (validator only) N scripted workers are registered first, so every submission's seats are drawn
as on `make localnet`; they never answer, and the requests' deadline (`--deadline`, default 3600 s) keeps them open
through the idle phase.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
PEPPER = "bench-pepper-0123456789abcdef"
GATEWAY_BIN = Path(sys.executable).with_name("dfpn-gateway")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    """What the clients of one phase saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, ok_status: int) -> dict[str, Any]:
        ok = [t for t, s in zip(self.latencies, self._codes, strict=True) if s == ok_status]
        ok.sort()
        return {
            "ok": len(ok),
            "per_second": round(len(ok) / self.seconds, 2) if self.seconds else 0.0,
            "latency_ms": {
                "p50": _ms(statistics.median(ok)) if ok else None,
                "p95": _ms(ok[max(0, int(len(ok) * 0.95) - 1)]) if ok else None,
                "max": _ms(ok[-1]) if ok else None,
            },
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": dict(self.errors),
            "seconds": round(self.seconds, 2),
        }

    _codes: list[int] = field(default_factory=list)

    def record(self, started: float, status: int, error: str | None = None) -> None:
        self.latencies.append(time.perf_counter() - started)
        self._codes.append(status)
        self.statuses[status] += 1
        if error:
            self.errors[error] += 1


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (its threads included), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def submission(n: int, deadline: int) -> dict[str, Any]:
    """A JSON submission of media already stored elsewhere (nothing to pin: the figures are the gateway's)."""
    digest = hashlib.sha256(f"bench media {n} {time.time_ns()}".encode()).hexdigest()
    return {
        "media_uri": f"ipfs://bafkreibench{digest[:40]}",
        "content_hash": digest,
        "modalities": ["FaceManipulation"],
        "deadline_seconds": deadline,
    }


# ---- the gateway process --------------------------------------------------------------------------------------


@dataclass
class Fleet:
    """The gateway processes of a run, sharing one database, and the API key of the clients."""

    procs: list[subprocess.Popen[bytes]]
    bases: list[str]
    key: str
    database: str

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]


@contextlib.asynccontextmanager
async def gateway_fleet(
    *,
    network: str,
    wallet: Path | None,
    workdir: Path,
    replicas: int = 1,
    database_url: str | None = None,
    env_extra: dict[str, str] | None = None,
) -> AsyncIterator[Fleet]:
    """`replicas` x `dfpn-gateway serve` on free ports, sharing a fresh database (`database_url`, else an SQLite file
    in `workdir`) with one unlimited API key. Stopped with SIGTERM (SIGKILL after 10 s)."""
    from dfpn_gateway.store import open_store, parse_rate

    db = workdir / "gateway.db"
    store = open_store(database_url, db, PEPPER.encode())
    _, key = store.create_key("bench", quota=None, rate=parse_rate("100000/sec"))
    described = store.describe()
    store.close()
    env = {
        **os.environ,
        "DFPN_GATEWAY_KEY_PEPPER": PEPPER,
        "DFPN_GATEWAY_DB_PATH": str(db),
        "DFPN_GATEWAY_MEDIA_DIR": str(workdir / "media"),
        "DFPN_GATEWAY_NETWORK": network,
        "DFPN_GATEWAY_MAX_FEE_CAP_LAMPORTS": str(10**12),
        # The embedded network's throwaway wallet: 10,000 SOL, so that no run drains it (100 SOL paid for 3,673)
        "DFPN_GATEWAY_LOCAL_WALLET_LAMPORTS": str(10**13),
        **({"DFPN_GATEWAY_DATABASE_URL": database_url} if database_url else {}),
        **(env_extra or {}),
    }
    if wallet is not None:
        env["DFPN_GATEWAY_WALLET"] = str(wallet)
    procs: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    logs = []
    try:
        for n in range(replicas):
            port = _free_port()
            log = (workdir / f"gateway-{n}.log").open("wb")
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [
                        str(GATEWAY_BIN),
                        "serve",
                        "--log-level",
                        os.environ.get("BENCH_GATEWAY_LOG", "warning"),
                    ],
                    env={**env, "DFPN_GATEWAY_PORT": str(port)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(timeout=2) as http:
            for n, (proc, base) in enumerate(zip(procs, bases, strict=True)):
                for _ in range(900):
                    if proc.poll() is not None:
                        text = (workdir / f"gateway-{n}.log").read_text()[-2000:]
                        raise RuntimeError(f"the gateway exited: {text}")
                    with contextlib.suppress(httpx.HTTPError):
                        if (await http.get(f"{base}/v1/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    raise RuntimeError("the gateway did not answer /v1/health within 90 s")
        print(f"  gateway pid(s) {[p.pid for p in procs]} at {bases}, {described}", flush=True)
        yield Fleet(procs, bases, key, described)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


# ---- the load ---------------------------------------------------------------------------------------------------


def _round_robin(bases: list[str]) -> Callable[[], str]:
    """The next gateway in turn, for every call (a round-robin load balancer)."""
    turn = itertools.cycle(bases)
    return lambda: next(turn)


async def submit_phase(bases: list[str], key: str, *, clients: int, seconds: float, deadline: int) -> Phase:
    phase = Phase()
    counter = iter(range(10**9))
    stop_at = time.perf_counter() + seconds
    target = _round_robin(bases)

    async def client() -> None:
        async with httpx.AsyncClient(headers={"X-API-Key": key}, timeout=60) as http:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                try:
                    r = await http.post(f"{target()}/v1/requests", json=submission(next(counter), deadline))
                except httpx.HTTPError as e:
                    phase.record(started, 0, type(e).__name__)
                    continue
                error = None if r.status_code == 202 else r.json().get("error", {}).get("code", r.text[:80])
                phase.record(started, r.status_code, error)
                if r.status_code == 202:
                    phase.ids.append(r.json()["id"])

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    phase.seconds = time.perf_counter() - started
    return phase


async def read_phase(bases: list[str], key: str, ids: list[str], *, clients: int, seconds: float) -> Phase:
    phase = Phase()
    stop_at = time.perf_counter() + seconds
    target = _round_robin(bases)

    async def client(offset: int) -> None:
        n = offset
        async with httpx.AsyncClient(headers={"X-API-Key": key}, timeout=60) as http:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                try:
                    r = await http.get(f"{target()}/v1/requests/{ids[n % len(ids)]}")
                except httpx.HTTPError as e:
                    phase.record(started, 0, type(e).__name__)
                    continue
                phase.record(started, r.status_code, None if r.status_code == 200 else r.text[:80])
                n += clients

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    phase.seconds = time.perf_counter() - started
    return phase


def open_requests(database_url: str | None, db: Path) -> int:
    """Requests the gateways follow, from their database (the gateways may be too busy to answer)."""
    from dfpn_gateway.store import open_store

    store = open_store(database_url, db, PEPPER.encode(), migrate=False)
    try:
        return store.counts()["openRequests"]
    finally:
        store.close()


async def idle_phase(
    proc: subprocess.Popen[bytes],
    base: str,
    key: str,
    *,
    db: Path,
    database_url: str | None,
    open_now: int,
    target: int,
    seconds: float,
    deadline: int,
) -> dict[str, Any]:
    """Top up to `target` open requests, let the gateway settle, then measure its CPU while nobody calls it."""
    extra = max(0, target - open_now)
    topped = 0
    while topped < extra:
        phase = await submit_phase(
            [base], key, clients=10, seconds=min(30.0, 1.0 + (extra - topped) / 20), deadline=deadline
        )
        topped += len(phase.ids)
        if not phase.ids:
            break
    await asyncio.sleep(min(10.0, seconds))  # follow-up work of the last submissions (draws, first checks)
    settled = await settle(proc.pid)
    before, t0 = cpu_seconds(proc.pid), time.perf_counter()
    await asyncio.sleep(seconds)
    used, elapsed = cpu_seconds(proc.pid) - before, time.perf_counter() - t0
    return {
        "open_requests": open_requests(database_url, db),
        "settle_seconds": round(settled, 1),
        "seconds": round(elapsed, 1),
        "cpu_percent": round(100 * used / elapsed, 2),
    }


async def settle(pid: int, *, limit: float = 90.0, quiet_percent: float = 10.0) -> float:
    """Wait (at most `limit` s) until a second of the gateway's CPU time falls under `quiet_percent` of a core: the
    follow-up work of a burst of submissions (one seat draw each, a slot apart) outlasts a fixed pause when the
    gateway accepts them fast. Returns the seconds waited."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        before = cpu_seconds(pid)
        await asyncio.sleep(1.0)
        if 100 * (cpu_seconds(pid) - before) < quiet_percent:
            break
    return time.perf_counter() - start


async def drive(fleet: Fleet, args: argparse.Namespace, db: Path, database_url: str | None) -> dict[str, Any]:
    cpu_before = sum(cpu_seconds(pid) for pid in fleet.pids)
    subs = await submit_phase(
        fleet.bases, fleet.key, clients=args.clients, seconds=args.seconds, deadline=args.deadline
    )
    cpu_used = sum(cpu_seconds(pid) for pid in fleet.pids) - cpu_before
    print(
        f"  submissions: {len(subs.ids)} in {subs.seconds:.1f} s, statuses {dict(subs.statuses)}", flush=True
    )
    reads = await read_phase(
        fleet.bases, fleet.key, subs.ids or ["none"], clients=args.clients, seconds=args.read_seconds
    )
    print(f"  reads: {reads.statuses.get(200, 0)} in {reads.seconds:.1f} s", flush=True)
    summary = subs.summary(202)
    # The gateways' own CPU (their background work for them included) per accepted submission, and their share of
    # a core: on a shared machine, the figure that does not depend on what else runs.
    summary["gateway_cpu_ms_per_submission"] = round(1000 * cpu_used / max(1, summary["ok"]), 1)
    summary["gateway_cpu_percent"] = round(100 * cpu_used / subs.seconds, 1) if subs.seconds else None
    report: dict[str, Any] = {
        "clients": args.clients,
        "replicas": len(fleet.procs),
        "database": fleet.database.split(":", 1)[0].split("+", 1)[0],
        "submissions": summary,
        "reads": reads.summary(200),
        "submitted_ids": subs.ids,
    }
    if not args.fleet:
        report["idle"] = await idle_phase(
            fleet.procs[0],
            fleet.bases[0],
            fleet.key,
            db=db,
            database_url=database_url,
            open_now=len(subs.ids),
            target=args.idle_open,
            seconds=args.idle_seconds,
            deadline=args.deadline,
        )
        print(f"  idle: {report['idle']}", flush=True)
    return report


# ---- networks ---------------------------------------------------------------------------------------------------


async def embedded(
    args: argparse.Namespace, workdir: Path, database_url: str | None = None
) -> dict[str, Any]:
    async with gateway_fleet(
        network="local", wallet=None, workdir=workdir, replicas=args.replicas, database_url=database_url
    ) as fleet:
        report = await drive(fleet, args, workdir / "gateway.db", database_url)
    report.pop("submitted_ids")
    return report


async def validator(
    args: argparse.Namespace, workdir: Path, database_url: str | None = None
) -> dict[str, Any]:
    from dfpn_localnet import Validator, find_validator, free_port_pair, initialise
    from solders.keypair import Keypair
    from solders.pubkey import Pubkey

    from dfpn.fees import LAMPORTS_PER_SOL
    from dfpn.local import LOCAL_PARAMS
    from dfpn.rpc import RpcTransport

    started: Validator | None = None
    authority = Keypair()
    url = args.rpc_url
    if url is None:
        started = await asyncio.to_thread(
            Validator(binary=find_validator(), rpc_port=free_port_pair(), upgrade_authority=authority).start
        )
        url = started.url
    try:
        async with RpcTransport(url) as rpc:
            if started is not None:
                await initialise(rpc, authority, params=LOCAL_PARAMS)
            if args.workers:
                await _register_workers(rpc, workdir, args.workers)
            wallet = Keypair()
            await rpc.airdrop(wallet.pubkey(), 500 * LAMPORTS_PER_SOL)
            wallet_path = workdir / "gateway-wallet.json"
            wallet_path.write_text(json.dumps(list(bytes(wallet))))
            async with gateway_fleet(
                network=url,
                wallet=wallet_path,
                workdir=workdir,
                replicas=args.replicas,
                database_url=database_url,
            ) as fleet:
                report = await drive(fleet, args, workdir / "gateway.db", database_url)
            ids = report.pop("submitted_ids")
            on_chain = 0
            for rid in ids:
                on_chain += await rpc.get_account(Pubkey.from_string(rid)) is not None
            report["submissions"]["on_chain"] = on_chain
            report["url"] = url
            report["workers"] = args.workers
            return report
    finally:
        if started is not None:
            started.stop()


async def _register_workers(rpc: Any, workdir: Path, count: int) -> None:
    from solders.keypair import Keypair

    from dfpn.fees import LAMPORTS_PER_SOL
    from dfpn.models import Modality
    from dfpn.testing import ScriptedWorker, register_model

    developer = Keypair()
    await rpc.airdrop(developer.pubkey(), 2 * LAMPORTS_PER_SOL)
    model = await register_model(rpc, developer, "bench-model", modalities=list(Modality))
    for _ in range(count):
        kp = Keypair()
        await rpc.airdrop(kp.pubkey(), 3 * LAMPORTS_PER_SOL)
        await ScriptedWorker.register(rpc, kp, workdir / "reports", model)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--network", choices=["validator", "embedded", "both"], default="both")
    p.add_argument("--rpc-url", help="a running validator with DFPN configured (e.g. make localnet)")
    p.add_argument("--clients", type=int, default=10)
    p.add_argument("--seconds", type=float, default=20.0, help="length of the submission phase")
    p.add_argument("--read-seconds", type=float, default=10.0)
    p.add_argument("--idle-open", type=int, default=1000, help="open requests during the idle phase")
    p.add_argument("--idle-seconds", type=float, default=15.0)
    p.add_argument("--deadline", type=int, default=3600, help="deadline_seconds of every submission")
    p.add_argument("--workers", type=int, default=3, help="scripted workers registered (validator only)")
    p.add_argument("--replicas", type=int, default=1, help="gateway processes sharing the database")
    p.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument(
        "--fleet", action="store_true", help="1 and 2 replicas on SQLite and PostgreSQL (no idle phase)"
    )
    p.add_argument(
        "--out", type=Path, default=None, help="default target/bench/gateway.json (--fleet: -fleet)"
    )
    args = p.parse_args(argv)
    if args.out is None:
        args.out = ROOT / ("target/bench/gateway-fleet.json" if args.fleet else "target/bench/gateway.json")
    if args.replicas < 1:
        p.error("--replicas must be at least 1")
    return args


async def _one(args: argparse.Namespace, tmp: Path, database_url: str | None) -> dict[str, Any]:
    """The networks of `args` with its replicas and database."""
    out: dict[str, Any] = {}
    if args.network in ("embedded", "both"):
        print(f"embedded network, {args.replicas} replica(s), {args.database}:", flush=True)
        (tmp / "embedded").mkdir()
        out["embedded"] = await embedded(args, tmp / "embedded", database_url)
    if args.network in ("validator", "both"):
        print(f"local validator, {args.replicas} replica(s), {args.database}:", flush=True)
        (tmp / "validator").mkdir()
        out["validator"] = await validator(args, tmp / "validator", database_url)
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    runs = (
        [(d, n) for d in ("sqlite", "postgres") for n in (1, 2)]
        if args.fleet
        else [(args.database, args.replicas)]
    )
    postgres: Any = None
    try:
        for number, (database, replicas) in enumerate(runs):
            one = argparse.Namespace(**{**vars(args), "database": database, "replicas": replicas})
            url = None
            if database == "postgres":
                if postgres is None:
                    from dfpn_gateway.testing import ThrowawayPostgres

                    postgres = ThrowawayPostgres().start()
                url = postgres.create_database(f"bench_{number}")
            with tempfile.TemporaryDirectory(prefix="dfpn-gw-bench-") as tmp:
                result = await _one(one, Path(tmp), url)
            if args.fleet:
                report.setdefault("runs", []).append({"database": database, "replicas": replicas, **result})
            else:
                report.update(result)
    finally:
        if postgres is not None:
            postgres.stop()
    if args.fleet:
        report["table"] = fleet_table(report["runs"])
    else:
        report["targets"] = {
            "validator_10_clients_submissions_per_second_min": 20,
            "validator_p95_ms_max": 3000,
        }
    return report


def fleet_table(runs: list[dict[str, Any]]) -> list[str]:
    """One line per network, database and replica count: submit and status requests/s and p95."""
    lines = []
    for r in runs:
        for network in ("embedded", "validator"):
            if network in r:
                s, g = r[network]["submissions"], r[network]["reads"]
                lines.append(
                    f"{network:<9} {r['database']:<8} {r['replicas']} replica(s): submit {s['per_second']}/s "
                    f"p95 {s['latency_ms']['p95']} ms ({s['gateway_cpu_percent']} % CPU); "
                    f"status {g['per_second']}/s p95 {g['latency_ms']['p95']} ms"
                )
    return lines


def main() -> int:
    args = parse_args()
    report = asyncio.run(run(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    for line in report.get("table", []):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
