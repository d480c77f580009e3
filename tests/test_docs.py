"""Docs that run (#17 point 6): every fenced code block of README.md, */README.md and docs/*.md is handled by its
language, and a block that no rule covers fails; the examples/ folder (a Python script, a Node script, a notebook)
runs too.

Rules by language (each block is one test, `path:line` of its opening fence):
- python: executed by the repository venv's interpreter (`sys.executable`; realtime/README.md's by .venv-realtime's,
  the package's own venv) in a temporary directory that holds the files the examples name (photo.jpg, clip.mp4,
  .localnet/client.json, ... see `workdir`), with HOME pointing there too (so `~/...` is harmless) and a timeout.
  Top-level `await` is allowed, as in Jupyter or `python -m asyncio`. The "local" network is the embedded one:
  reference workers answer in seconds.
- ts / js: type-checked by tsc (one run for every block, strict, against the built package's .d.ts) and executed by
  node, after esbuild strips the types, in a temporary project whose node_modules/@dfpn/sdk links to sdk-ts (what
  `npm install ../sdk-ts` makes). Needs the built package (`cd sdk-ts && npm run build`; test-ts does it first in CI).
- sh / bash: command by command (`SHELL_RULES` below says which rule a program gets): project commands that are cheap
  and safe run (`dfpn ...` on the local network, `dfpn-worker init`, `dfpn-challenger sample`, `curl` against a
  gateway that a prelude started, ...); servers and commands that need a cluster are checked with `--help` (the
  subcommand exists and takes every option the line uses); `make X` with `make -n X`; `pip install` / `npm install`
  lines name packages and extras that exist in this repository (or on the index); test and lint commands (pytest,
  ruff, mypy) name a tool and paths that exist (their make target runs them).
- json: parsed. toml: parsed and validated by the schema it is written for (a pyproject's entry points, the ONNX
  classifier's config, a worker config). text / mermaid: prose.

Annotations, on the lines right above a fence, make a block runnable where it needs something the docs test has to
provide; they are visible in the Markdown source:
- `<!-- docs-test: replace "OLD" "NEW" -->`: a small substitution (each must match);
- `<!-- docs-test: prelude NAME -->`: code from `PY_PRELUDES` / `TS_PRELUDES` / `SH_PRELUDES` runs first (and
  after), defining what the block takes as given (a registered challenger, a running gateway, test workers, ...);
- `<!-- docs-test: api MODULE -->`: a Python block that is an interface synopsis: every class, member, enum value
  and function it names exists in MODULE with those parameters;
- `<!-- docs-test: skip REASON -->`: not run; listed at the end of the test output. Keep them few.
"""

from __future__ import annotations

import abc
import ast
import builtins
import contextlib
import enum
import importlib
import inspect
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
REALTIME_VENV_BIN = ROOT / ".venv-realtime/bin"
SDK_TS = ROOT / "sdk-ts"
#: Seconds for one block (a loaded 2-core machine); the examples take ~2 s each on the local network.
TIMEOUT = 180


# ---------------------------------------------------------------------------------------------------------------
# Collecting the blocks


@dataclass(frozen=True)
class Block:
    path: str  # relative to the repository root
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    directives: tuple[tuple[str, ...], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}"

    def args(self, kind: str) -> list[tuple[str, ...]]:
        return [d[1:] for d in self.directives if d[0] == kind]

    def prelude(self) -> str | None:
        names = [a[0] for a in self.args("prelude")]
        assert len(names) <= 1, f"{self.id}: one prelude per block"
        return names[0] if names else None

    def source(self) -> str:
        """The block's text with its `replace` annotations applied; each must match (a stale one fails)."""
        text = self.text
        for old, new in self.args("replace"):
            assert old in text, f'{self.id}: annotation replace "{old}" matches nothing in the block'
            text = text.replace(old, new)
        return text


FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([^\s`{]*)")
ANNOTATION = re.compile(r"^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$")
DIRECTIVES = {"replace": 2, "prelude": 1, "api": 1, "skip": None}


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(ROOT.glob("*/README.md")), *sorted(ROOT.glob("docs/*.md"))]


def blocks_of(path: Path) -> list[Block]:
    rel = str(path.relative_to(ROOT))
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = len(m.group(1)), m.group(2), m.group(3).lower()
        end = next(
            (
                j
                for j in range(i + 1, len(lines))
                if re.fullmatch(rf" {{0,3}}{fence[0]}{{{len(fence)},}}\s*", lines[j])
            ),
            None,
        )
        assert end is not None, f"{rel}:{i + 1}: unclosed code fence"
        directives: list[tuple[str, ...]] = []
        k = i - 1
        while k >= 0 and (a := ANNOTATION.match(lines[k])):
            words = tuple(shlex.split(a.group(1)))
            assert words and words[0] in DIRECTIVES, (
                f"{rel}:{k + 1}: unknown docs-test annotation {a.group(1)!r}"
            )
            arity = DIRECTIVES[words[0]]
            assert arity is None or len(words) == arity + 1, (
                f"{rel}:{k + 1}: {words[0]} takes {arity} argument(s)"
            )
            directives.insert(0, words)
            used.add(k)
            k -= 1
        body = "\n".join(line[indent:] if line[:indent].isspace() else line for line in lines[i + 1 : end])
        blocks.append(Block(rel, i + 1, lang, body + "\n", tuple(directives)))
        i = end + 1
    stray = [n + 1 for n, line in enumerate(lines) if ANNOTATION.match(line) and n not in used]
    assert not stray, f"{rel}: docs-test annotations not right above a code fence, lines {stray}"
    return blocks


BLOCKS = [block for path in doc_files() for block in blocks_of(path)]
SKIPPED = [(b.id, " ".join(b.args("skip")[0])) for b in BLOCKS if b.args("skip")]


@pytest.fixture(scope="module", autouse=True)
def _list_skipped_blocks(request: pytest.FixtureRequest) -> None:
    """The skipped blocks and why, at the end of the test output (not only with -rs)."""

    class Summary:
        @staticmethod
        def pytest_terminal_summary(terminalreporter: Any) -> None:
            terminalreporter.write_sep("-", f"docs blocks not run: {len(SKIPPED)} of {len(BLOCKS)}")
            for block_id, reason in SKIPPED:
                terminalreporter.write_line(f"{block_id}: {reason}")

    if not request.config.pluginmanager.has_plugin("dfpn-docs-skipped"):
        request.config.pluginmanager.register(Summary(), "dfpn-docs-skipped")


def test_the_docs_have_blocks_of_every_kind_and_few_skips() -> None:
    # Positive control for the parametrized tests below: the collector finds the blocks it should.
    langs = {b.lang for b in BLOCKS}
    assert {"python", "sh", "json", "toml"} <= langs, langs
    assert len(BLOCKS) > 40
    assert len(SKIPPED) <= 4, f"too many skipped docs blocks: {SKIPPED}"
    for block_id, reason in SKIPPED:
        assert len(reason) > 15, f"{block_id}: a skip needs a real reason"


# ---------------------------------------------------------------------------------------------------------------
# The working directory of a block: the files the examples name


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files the examples name, made once: photos (real JPEG/PNG), a known fake (a generated image whose metadata
    names an AI generator), a short clip, and the keypairs `make localnet` writes (fresh ones here)."""
    from dfpn import write_keypair
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo
    from solders.keypair import Keypair

    d = tmp_path_factory.mktemp("docs-media")
    photo = Image.new("RGB", (256, 256))
    photo.putdata([(x, y, (x * y) % 256) for y in range(256) for x in range(256)])
    photo.save(d / "photo.jpg", quality=90)
    photo.save(d / "photo.png")
    info = PngInfo()
    info.add_text("parameters", "a portrait, Steps: 30, Sampler: Euler a, Model: stable-diffusion-xl")
    fake = Image.new("RGB", (256, 256), (120, 90, 200))
    fake.save(d / "known_fake.png", pnginfo=info)
    fake.save(d / "known_fake.jpg", quality=90)
    shutil.copy(d / "known_fake.jpg", d / "known-fake.jpg")
    _clip(d / "clip.mp4")
    for name in ("client", "authority"):
        write_keypair(d / ".localnet" / f"{name}.json", Keypair())
    (d / "home").mkdir()
    return d


def _clip(path: Path) -> None:
    """A real one-second H.264 clip (PyAV, which the detectors decode video with)."""
    import av
    import numpy as np

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(10):
            frame = np.full((64, 64, 3), i * 20, dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())


@pytest.fixture
def workdir(tmp_path: Path, media: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(media, work)
    return work


def environment(workdir: Path, bin_dir: Path = VENV_BIN) -> dict[str, str]:
    """A newcomer's environment: the venv's commands first on PATH, HOME in the temporary directory (nothing under
    the real ~ is read or written), no DFPN_* settings of the machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DFPN_", "XDG_", "ANCHOR_"))}
    env.update(
        HOME=str(workdir / "home"), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONUNBUFFERED="1"
    )
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], what: str, timeout: float = TIMEOUT) -> str:
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        pytest.fail(
            f"{what}: no end within {timeout} s\n--- stdout\n{e.stdout!s:.3000}\n--- stderr\n{e.stderr!s:.5000}"
        )
    assert proc.returncode == 0, (
        f"{what}: exit {proc.returncode}\n--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-6000:]}"
    )
    return proc.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# ---------------------------------------------------------------------------------------------------------------
# python


#: Runs a file of Python like a script, allowing top-level await (then on a fresh event loop, as `python -m asyncio`
#: or Jupyter would).
PY_RUNNER = """
import ast, asyncio, inspect, sys
path = sys.argv[1]
code = compile(open(path, encoding="utf-8").read(), path, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
namespace = {"__name__": "__main__", "__file__": path}
if code.co_flags & inspect.CO_COROUTINE:
    asyncio.run(eval(code, namespace))
else:
    exec(code, namespace)
"""

#: Runs a notebook's code cells in order in one namespace, inside a running event loop, as an IPython kernel does
#: (top-level await allowed; a sync client must cope with the running loop).
NOTEBOOK_RUNNER = """
import ast, asyncio, inspect, json, sys
notebook = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
async def main():
    for n, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        code = compile(source, f"<cell {n}>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(code, namespace)
        if code.co_flags & inspect.CO_COROUTINE:
            await result
asyncio.run(main())
"""

#: A client on the embedded network whose configuration authority registered the wallet as a challenger.
LOCAL_CHALLENGER_CLIENT = """
@contextlib.asynccontextmanager
async def local_challenger_client(wallet):
    async with AsyncDFPNClient("local", wallet) as client:
        network = client.transport
        register = instructions.register_challenger(authority=network.authority.pubkey(), challenger=wallet.pubkey())
        network.process([register], [network.authority])
        yield client
"""

#: Setup that a Python block takes as given: (code before the block, code after it). Shown in failures.
PY_PRELUDES: dict[str, tuple[str, str]] = {
    # What `make localnet` and `dfpn-challenger register` / `sample` provide, on the embedded network instead: a
    # corpus in ./corpus, and a client whose network's configuration authority registered the wallet as a challenger
    # (reference workers answer, as on any "local" client).
    "challenger": (
        """
import contextlib, subprocess, sys
from pathlib import Path
from dfpn import AsyncDFPNClient, instructions

subprocess.run([Path(sys.executable).parent / "dfpn-challenger", "sample", "corpus"], check=True)

"""
        + LOCAL_CHALLENGER_CLIENT
        + """
""",
        "",
    ),
    # A challenger's key (registered on the embedded network by `local_challenger_client`, above).
    "challenge": (
        """
import contextlib
from dfpn import AsyncDFPNClient, instructions
from solders.keypair import Keypair

challenger_key = Keypair()

"""
        + LOCAL_CHALLENGER_CLIENT
        + """
""",
        "\nprint(result.verdict, result.worker_results)\n",
    ),
    # An HTTP server on 127.0.0.1 to fetch from (this machine has no route to example.org).
    "http-server": (
        """
import http.server, threading
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"hello")
    def do_POST(self):
        self.send_response(204); self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
SERVER = f"http://127.0.0.1:{server.server_port}"

""",
        "\nassert data == b'hello', data\n",
    ),
    # The documented receiver must accept what the gateway sends, and refuse a tampered body.
    "webhook-receiver": (
        "",
        """
from dfpn_gateway.webhooks import sign
body = b'{"event": "request.finalized"}'
assert verify("whsec_test", sign("whsec_test", body), body)
assert not verify("whsec_test", sign("whsec_test", body), body + b" ")
""",
    ),
    # A decoded camera frame and a microphone frame.
    "realtime-media": (
        """
import numpy as np
frame = np.full((360, 640, 3), 128, dtype=np.uint8)
pcm = np.zeros(480, dtype=np.int16).tobytes()

""",
        "",
    ),
    # A LiveKit agent's job context: its room (not connected: joining one needs a LiveKit server, which realtime's
    # own tests start).
    "livekit-room": (
        """
import types
from livekit import rtc
ctx = types.SimpleNamespace(room=rtc.Room())

""",
        "\nawait detector.aclose()\n",
    ),
    # A Pipecat bot's transport (SmallWebRTC, no client connected yet) and an event callback.
    "pipecat-transport": (
        """
from pipecat.pipeline.pipeline import Pipeline
from pipecat.transports.base_transport import TransportParams
from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection
from pipecat.transports.smallwebrtc.transport import SmallWebRTCTransport

transport = SmallWebRTCTransport(
    webrtc_connection=SmallWebRTCConnection(), params=TransportParams(video_in_enabled=True, audio_in_enabled=True)
)
async def on_event(event):
    print(event.model_dump())

""",
        "",
    ),
}


def assert_stays_inside(block: Block, code: str) -> None:
    """Examples that run write into their working directory: a shared /tmp path needs a replace annotation."""
    assert "/tmp/" not in code, (
        f'{block.id}: runs with a path in /tmp: annotate <!-- docs-test: replace "/tmp/" "./" -->'
    )


def python_for(block_path: str) -> Path:
    """realtime/README.md's blocks run in realtime's own venv (its README installs it; `make test-realtime`)."""
    if block_path.startswith("realtime/"):
        python = REALTIME_VENV_BIN / "python"
        assert python.exists(), (
            "realtime/README.md's examples need .venv-realtime: make .venv-realtime/.installed"
        )
        return python
    return Path(sys.executable)


def run_python(block: Block, workdir: Path) -> None:
    if block.args("api"):
        check_api(block, block.args("api")[0][0])
        return
    before, after = PY_PRELUDES[block.prelude()] if block.prelude() else ("", "")
    assert_stays_inside(block, block.source())
    script = workdir / "block.py"
    script.write_text(before + block.source() + after, encoding="utf-8")
    python = python_for(block.path)
    run([str(python), "-c", PY_RUNNER, str(script)], workdir, environment(workdir, python.parent), block.id)


_KNOWN_BASES: dict[str, type] = {"StrEnum": enum.StrEnum, "ABC": abc.ABC}


def _base(name: str, module: Any) -> type | None:
    if name == "BaseModel":
        from pydantic import BaseModel

        return BaseModel
    found = getattr(module, name, None) or getattr(builtins, name, None) or _KNOWN_BASES.get(name)
    return found if isinstance(found, type) else None


def _has_member(cls: type, name: str) -> bool:
    if hasattr(cls, name) or name in getattr(cls, "model_fields", {}):
        return True
    if any(name in getattr(c, "__annotations__", {}) for c in cls.__mro__):
        return True
    with contextlib.suppress(TypeError, ValueError):
        return name in inspect.signature(cls).parameters
    return False


def _param_names(text: str) -> list[str]:
    names = [re.match(r"\s*\**(\w*)", p).group(1) for p in text.split(",") if p.strip()]  # type: ignore[union-attr]
    return [n for n in names if n and n != "self"]


def _check_params(what: str, func: Any, params: str, problems: list[str]) -> None:
    actual = [n for n in inspect.signature(func).parameters if n != "self"]
    if _param_names(params) != actual:
        problems.append(f"{what}({params}): the real parameters are {actual}")


def check_api(block: Block, module_name: str) -> None:
    """A synopsis of a module's interface: each class (with its bases), member, enum value and function named
    exists, functions and methods with the parameters shown."""
    module = importlib.import_module(module_name)
    problems: list[str] = []
    current: type | None = None

    def members(cls: type, text: str) -> None:
        for piece in (p.strip() for p in text.split(";")):
            m = re.match(r"(?:def\s+)?(\w+)\s*(\((.*?)\))?\s*(=\s*(.+))?", piece)
            if not piece or piece.startswith("@") or m is None:
                continue
            name, call, params, _, value = m.groups()
            if not _has_member(cls, name):
                problems.append(f"{cls.__name__}.{name}: no such member")
            elif value is not None and issubclass(cls, enum.Enum):
                if cls[name].value != ast.literal_eval(value.strip()):
                    problems.append(f"{cls.__name__}.{name} is {cls[name].value!r}, not {value.strip()}")
            elif call and callable(getattr(cls, name, None)):
                _check_params(f"{cls.__name__}.{name}", getattr(cls, name), params, problems)

    for raw in block.text.splitlines():
        line = raw.split("  #", 1)[0].rstrip()
        if not line.strip():
            continue
        if line[0].isspace():
            if current is not None:
                members(current, line)
            continue
        current = None
        if m := re.match(r"class (\w+)(?:\((.*?)\))?:?(.*)", line):
            name, bases, rest = m.groups()
            cls = getattr(module, name, None)
            if not isinstance(cls, type):
                problems.append(f"class {name}: not in {module_name}")
                continue
            for base in (b.strip() for b in (bases or "").split(",")):
                if base and "=" not in base:
                    real = _base(base, module)
                    if real is None or not issubclass(cls, real):
                        problems.append(f"class {name}: not a subclass of {base}")
            current = cls
            members(cls, rest.lstrip(":"))
        elif m := re.match(r"def (\w+)\((.*?)\)", line):
            func = getattr(module, m.group(1), None)
            if func is None:
                problems.append(f"def {m.group(1)}: not in {module_name}")
            else:
                _check_params(m.group(1), func, m.group(2), problems)
        elif m := re.match(r"(\w+)\s*:", line):
            if not hasattr(module, m.group(1)):
                problems.append(f"{m.group(1)}: not in {module_name}")
        else:
            problems.append(f"no rule for the synopsis line {line!r}")
    assert not problems, f"{block.id}: the synopsis of {module_name} is out of date:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------------------------------
# ts / js

#: Setup that a TypeScript block takes as given: (code before, code after).
TS_PRELUDES: dict[str, tuple[str, str]] = {
    # The embedded network with three test workers from '@dfpn/sdk/testing' (the TypeScript embedded network runs no
    # workers of its own), a funded web3.js secret key and a photo's bytes.
    "ts-test-workers": (
        """
import { readFileSync } from 'node:fs';
import { address } from '@solana/kit';
import { Keypair as Web3Keypair } from '@solana/web3.js';
import { LiteSvmTransport } from '@dfpn/sdk/local';
import { startTestWorkers } from '@dfpn/sdk/testing';
const network = await LiteSvmTransport.create();
const funded = Web3Keypair.generate();
network.airdrop(address(funded.publicKey.toBase58()), 10_000_000_000n);
const secretKey = funded.secretKey;
const bytes = new Uint8Array(readFileSync('photo.jpg'));
const testWorkers = await startTestWorkers(network, { count: 3 });
""",
        "\nawait testWorkers.stop();\n",
    ),
    # A client on the embedded network and three registered workers (not running: the draw's pool); `operator` is
    # the first one's key, drawn for a request of three seats like the others.
    "ts-draw": (
        """
import { DFPNClient, Modality, instructions } from '@dfpn/sdk';
import { LiteSvmTransport } from '@dfpn/sdk/local';
import { TestWorker, registerTestModel } from '@dfpn/sdk/testing';
import type { Address } from '@solana/kit';
const network = await LiteSvmTransport.create();
const client = new DFPNClient({ network, wallet: await network.fundedSigner() });
const { model } = await registerTestModel(network);
const pool: TestWorker[] = [];
for (let i = 0; i < 3; i++) pool.push(await TestWorker.register(network, '.', { model }));
const operator = pool[0].signer;
""",
        "",
    ),
    # The configuration authority of the embedded network, a challenger's funded key, a client of that key, and
    # three test workers answering.
    "ts-challenger": (
        """
import { DFPNClient, Modality, instructions } from '@dfpn/sdk';
import { LiteSvmTransport } from '@dfpn/sdk/local';
import { startTestWorkers } from '@dfpn/sdk/testing';
const transport = await LiteSvmTransport.create();
const authority = transport.authority;
const challengerWallet = await transport.fundedSigner();
const client = new DFPNClient({ network: transport, wallet: challengerWallet });
const testWorkers = await startTestWorkers(transport, { count: 3 });
""",
        "\nconsole.log(result.verdict);\nawait testWorkers.stop();\n",
    ),
}


def ts_project(root: Path) -> Path:
    """A project where `@dfpn/sdk` is sdk-ts (the link `npm install ../sdk-ts` makes) and tsc checks strictly."""
    assert (SDK_TS / "dist/index.js").exists(), (
        "build the TypeScript SDK first: make test-ts (or cd sdk-ts && npm run build)"
    )
    root.mkdir(parents=True, exist_ok=True)
    (root / "node_modules/@dfpn").mkdir(parents=True, exist_ok=True)
    link = root / "node_modules/@dfpn/sdk"
    if not link.exists():
        link.symlink_to(SDK_TS)
    for dep in ("@solana", "@types"):
        if not (root / "node_modules" / dep).exists():
            (root / "node_modules" / dep).symlink_to(SDK_TS / "node_modules" / dep)
    (root / "package.json").write_text(json.dumps({"private": True, "type": "module"}))
    return root


def ts_source(block: Block) -> str:
    before, after = TS_PRELUDES[block.prelude()] if block.prelude() else ("", "")
    return before + block.source() + after


TS_BLOCKS = [b for b in BLOCKS if b.lang in ("ts", "typescript", "js", "javascript")]


def ts_file_name(block: Block) -> str:
    return re.sub(r"\W", "_", block.id) + ".ts"


@pytest.fixture(scope="session")
def ts_diagnostics(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """tsc once over every TypeScript block (with its prelude): the errors by file name."""
    project = ts_project(tmp_path_factory.mktemp("docs-ts-check"))
    for block in TS_BLOCKS:
        (project / ts_file_name(block)).write_text(ts_source(block) + "\nexport {};\n")
    tsconfig = {
        "compilerOptions": {
            "target": "ES2022",
            "module": "NodeNext",
            "moduleResolution": "NodeNext",
            "strict": True,
            "noEmit": True,
            "skipLibCheck": True,
            "types": ["node"],
        },
        "include": ["*.ts"],
    }
    (project / "tsconfig.json").write_text(json.dumps(tsconfig))
    proc = subprocess.run(
        [str(SDK_TS / "node_modules/.bin/tsc"), "-p", "tsconfig.json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    errors: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        name = line.split("(", 1)[0]
        errors[name] = errors.get(name, "") + line + "\n"
    assert proc.returncode == 0 or errors, proc.stdout + proc.stderr
    return errors


def copy_beside(script: Path, project: Path) -> None:
    """The script and the files beside it (what it reads relative to itself), into the project."""
    for f in script.parent.iterdir():
        if f.is_file() and f.name != "package.json":
            shutil.copy(f, project / f.name)


def run_node_module(source: str, workdir: Path, what: str) -> str:
    """TypeScript run by node: esbuild strips the types (Node 20 cannot), nothing else changes."""
    project = ts_project(workdir)
    (project / "block.ts").write_text(source, encoding="utf-8")
    esbuild = str(SDK_TS / "node_modules/.bin/esbuild")
    run([esbuild, "block.ts", "--format=esm", "--outfile=block.mjs"], project, dict(os.environ), what)
    return run(["node", "block.mjs"], project, environment(workdir), what)


def run_ts(block: Block, workdir: Path, diagnostics: dict[str, str]) -> None:
    errors = diagnostics.get(ts_file_name(block))
    assert not errors, f"{block.id}: tsc --strict:\n{errors}\n--- source\n{ts_source(block)}"
    run_node_module(ts_source(block), workdir, block.id)


# ---------------------------------------------------------------------------------------------------------------
# sh / bash

#: What a reader fills in: `<request id>`, `…`, `...`; and `[--json]`, a synopsis's optional part.
PLACEHOLDER = re.compile(r"<[^<>\n]*>|…|(?<!\S)\.\.\.(?!\S)")
OPTIONAL = re.compile(r"(?<!\S)\[([^\]\n]*)\]")
VENV_PATH = re.compile(r"(?:\.\./)*\.venv(-[\w-]+)?/bin/")


@dataclass
class Shell:
    """The state a shell block carries from one command to the next."""

    block: Block
    workdir: Path  # where commands that run, run (the example files are there)
    cwd: Path = ROOT  # where the reader is: paths of the repository resolve against it
    env: dict[str, str] = field(default_factory=dict)


def commands_of(text: str) -> list[str]:
    """The block's commands: comment lines dropped, continuation lines and quotes that span lines joined."""
    commands: list[str] = []
    current = ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current = f"{current}\n{line}" if current else line
        try:
            shlex.split(PLACEHOLDER.sub("X", current.replace("\\\n", " ")), comments=True)
        except ValueError:  # a quote still open
            continue
        if not current.endswith("\\"):
            commands.append(current)
            current = ""
    assert not current, f"unfinished shell command: {current!r}"
    return commands


def segments(command: str) -> list[list[str]]:
    """The simple commands of `a && b; c`, as words (placeholders as the word PLACEHOLDER)."""
    text = PLACEHOLDER.sub("PLACEHOLDER", OPTIONAL.sub(r"\1", command.replace("\\\n", " ")))
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    out: list[list[str]] = [[]]
    for token in lexer:
        if token in ("&&", ";", "||"):
            out.append([])
        else:
            out[-1].append(token)
    return [words for words in out if words]


def is_synopsis(command: str) -> bool:
    """Whether the command (its comments aside) has something for the reader to fill in: then the help rule."""
    words = shlex.split(PLACEHOLDER.sub("PLACEHOLDER", command.replace("\\\n", " ")), comments=True)
    return any("PLACEHOLDER" in w or w.startswith("[") for w in words)


def strip_assignments(words: list[str]) -> tuple[dict[str, str], list[str]]:
    env: dict[str, str] = {}
    while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
        key, value = words[0].split("=", 1)
        env[key] = value
        words = words[1:]
    return env, words


def bin_dir_of(program: str) -> Path:
    """`.venv-realtime/bin/X` is realtime's venv; any other `.venv*/bin/X` the repository venv (the same packages)."""
    return REALTIME_VENV_BIN if ".venv-realtime/" in program or program == "dfpn-realtime" else VENV_BIN


def options_of(words: list[str]) -> list[str]:
    return [w.split("=", 1)[0] for w in words if re.match(r"^--?[A-Za-z]", w)]


#: `--help` answers by command line: many lines of a block ask the same program.
_HELP: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = {}


def help_of(cmd: list[str], sh: Shell, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    key = tuple(cmd)
    if key not in _HELP:
        _HELP[key] = subprocess.run(
            cmd, cwd=sh.workdir, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    return _HELP[key]


def check_help(sh: Shell, program: Path, words: list[str], prefix: list[str] | None = None) -> None:
    """The help rule: `PROG [SUBCOMMAND...] --help` works, and every option the line uses is in the program's or
    the subcommand's help. A subcommand is a word of the line that the help names and whose own help's usage line
    names it (option values are not)."""
    prefix = prefix or []
    env = {**environment(sh.workdir, program.parent), **sh.env}
    top = help_of([*prefix, str(program), "--help"], sh, env)
    assert top.returncode == 0, (
        f"{sh.block.id}: {program.name} --help: exit {top.returncode}\n{top.stderr[-3000:]}"
    )
    helps = level = top.stdout
    path: list[str] = []
    for word in words:
        if word.startswith("-") or not re.search(rf"(?<![\w./-]){re.escape(word)}(?![\w./-])", level):
            continue
        proc = help_of([*prefix, str(program), *path, word, "--help"], sh, env)
        usage = proc.stdout.strip().split("\n\n", 1)[0]
        if proc.returncode == 0 and re.search(rf"^usage:.*\s{re.escape(word)}(\s|$)", usage, re.I | re.S):
            path.append(word)
            level = proc.stdout
            helps += proc.stdout
    missing = [o for o in options_of(words) if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", helps)]
    assert not missing, (
        f"{sh.block.id}: {program.name} {' '.join(words)}: options not in its --help: {missing}"
    )


def run_command(sh: Shell, command: str, bin_dir: Path = VENV_BIN) -> None:
    """The run rule: the command as written (bash), in the block's working directory, `.venv*/bin/` paths meaning
    the test's venv; curl fails on an HTTP error status."""
    assert not is_synopsis(command), f"{sh.block.id}: a command that runs has a placeholder: {command!r}"
    assert_stays_inside(sh.block, command)
    script = 'set -eo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n' + VENV_PATH.sub(
        lambda m: f"{bin_dir_of(m.group(0))}/", command
    )
    env = {**environment(sh.workdir, bin_dir), **sh.env}
    run(["bash", "-c", script], sh.workdir, env, f"{sh.block.id}: {command}")


def check_pip_install(sh: Shell, args: list[str]) -> None:
    """pip install: editable paths are packages of this repository with the extras named; -r files exist; other
    requirements are this repository's packages or exist on the index (pip's dry run)."""
    projects = {
        tomllib.loads(p.read_text())["project"]["name"]: p.parent for p in ROOT.glob("*/pyproject.toml")
    }
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-e", "--editable", "-r", "--requirement"):
            target = args[i + 1]
            i += 2
            if arg in ("-r", "--requirement"):
                assert (sh.cwd / target).is_file(), f"{sh.block.id}: pip install -r {target}: no such file"
                continue
            path, _, extras = target.partition("[")
            check_extras(sh, sh.cwd / path, extras.rstrip("]"))
            continue
        i += 1
        if arg.startswith("-"):
            continue
        name, _, extras = re.split(r"[<>=!~ ]", arg, maxsplit=1)[0].partition("[")
        if name in projects:
            check_extras(sh, projects[name], extras.rstrip("]"))
        else:  # not ours: it must exist on the index
            run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--dry-run",
                    "--no-deps",
                    "--ignore-installed",
                    "-q",
                    arg,
                ],
                sh.workdir,
                dict(os.environ),
                f"{sh.block.id}: {arg} on the package index",
            )


def check_extras(sh: Shell, path: Path, extras: str) -> None:
    pyproject = path / "pyproject.toml"
    assert pyproject.is_file(), f"{sh.block.id}: pip install: {path} is not a package of this repository"
    declared = tomllib.loads(pyproject.read_text())["project"].get("optional-dependencies", {})
    unknown = [e for e in extras.split(",") if e and e not in declared]
    assert not unknown, f"{sh.block.id}: {path.name} has no extras {unknown} (it has {sorted(declared)})"


def check_npm(sh: Shell, args: list[str]) -> None:
    """npm: `install NAME` names this repository's package or one of its declared dependencies (their lockfile
    resolves them on the registry); `install` alone (`--prefix DIR`) needs a package.json whose `file:`
    dependencies are packages here; `ci` needs the lockfile; `test` / `run X` a script of the package.json."""
    prefix = args[args.index("--prefix") + 1] if "--prefix" in args else None
    folder = sh.cwd / prefix if prefix else sh.cwd
    words = [a for i, a in enumerate(args) if not a.startswith("-") and not (i and args[i - 1] == "--prefix")]
    sub, rest = words[0], words[1:]
    package = json.loads((folder / "package.json").read_text())
    if sub in ("install", "i") and rest:
        ours = json.loads((SDK_TS / "package.json").read_text())
        declared = {ours["name"], *ours.get("dependencies", {}), *ours.get("peerDependencies", {})}
        for name in rest:
            bare = re.sub(r"(?<=.)@[^/]*$", "", name)
            assert bare in declared, (
                f"{sh.block.id}: npm install {name}: not @dfpn/sdk nor one of its dependencies"
            )
    elif sub in ("install", "i"):
        for name, spec in package.get("dependencies", {}).items():
            if spec.startswith("file:"):
                linked = json.loads((folder / spec[5:] / "package.json").read_text())
                assert linked["name"] == name, f"{sh.block.id}: {folder}/package.json: {spec} is not {name}"
    elif sub == "ci":
        assert (folder / "package-lock.json").is_file(), (
            f"{sh.block.id}: npm ci in {folder}: no package-lock.json"
        )
    elif sub in ("test", "run"):
        script = "test" if sub == "test" else rest[0]
        assert script in package.get("scripts", {}), (
            f"{sh.block.id}: npm {sub}: no script {script!r} in {folder}"
        )
    else:
        pytest.fail(f"{sh.block.id}: no rule for npm {sub}")


#: Which project commands run and which get the help rule. A command runs when it is cheap, safe in a temporary
#: HOME and needs no outside service; servers, and commands that need a cluster (devnet, a `make localnet`
#: validator) or an IPFS daemon, get the help rule.
CONSOLE_RULES: dict[str, dict[str, str]] = {
    # `dfpn` on the embedded network runs (a verdict in seconds); on any other network it gets the help rule.
    "dfpn": {"*": "run-local"},
    "dfpn-worker": {"init": "run", "*": "help"},  # register, run, status, ...: a cluster
    # run, register, report (of what run wrote): a cluster
    "dfpn-challenger": {"sample": "run", "check": "run", "transform": "run", "*": "help"},
    "dfpn-gateway": {"keys": "run", "openapi": "run", "serve": "help"},  # serve: a server
    "dfpn-localnet": {"demo": "run", "*": "help"},  # up: a validator and workers that keep running
    "dfpn-realtime": {"serve": "help"},  # a server
    "dfpn-detectors": {"*": "run"},  # the detectors on a file of the working directory
}
#: Preludes of shell blocks: set up, yield variables for the block's environment, tear down.
SH_PRELUDES: dict[str, Callable[[Shell], contextlib.AbstractContextManager[dict[str, str]]]] = {}


def sh_prelude(name: str) -> Callable[[Any], Any]:
    def register(f: Callable[[Shell], Iterator[dict[str, str]]]) -> Any:
        SH_PRELUDES[name] = contextlib.contextmanager(f)
        return f

    return register


@sh_prelude("gateway")
def gateway_prelude(sh: Shell) -> Iterator[dict[str, str]]:
    """`dfpn-gateway serve --network local` on a free port, an API key from `dfpn-gateway keys create`, and one
    request submitted through it: GATEWAY_URL, GATEWAY_KEY, REQUEST_ID."""
    import httpx

    env = environment(sh.workdir)
    db = ["--db", str(sh.workdir / "gateway.db")]
    created = run(
        [str(VENV_BIN / "dfpn-gateway"), *db, "keys", "create", "--name", "docs", "--json"],
        sh.workdir,
        env,
        "key",
    )
    key = json.loads(created)["key"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (sh.workdir / "gateway.log").open("w")
    server = subprocess.Popen(
        [str(VENV_BIN / "dfpn-gateway"), *db, "serve", "--network", "local", "--port", str(port)],
        cwd=sh.workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            assert server.poll() is None, (sh.workdir / "gateway.log").read_text()
            import time

            time.sleep(0.2)
        else:
            pytest.fail("the gateway never answered /v1/health: " + (sh.workdir / "gateway.log").read_text())
        with (sh.workdir / "photo.jpg").open("rb") as f:
            answer = httpx.post(
                f"{url}/v1/requests",
                headers={"X-API-Key": key},
                files={"file": f},
                data={"modalities": "ImageAuthenticity"},
                timeout=60,  # the first submission of a fresh gateway, on a machine busy with other suites
            )
        assert answer.status_code == 202, answer.text
        yield {"GATEWAY_URL": url, "GATEWAY_KEY": key, "REQUEST_ID": answer.json()["id"]}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def run_sh(block: Block, workdir: Path) -> None:
    sh = Shell(block, workdir)
    prelude = block.prelude()
    with SH_PRELUDES[prelude](sh) if prelude else contextlib.nullcontext({}) as given:
        sh.env.update(given)
        for command in commands_of(block.source()):
            shell_command(sh, command)


def shell_command(sh: Shell, command: str) -> None:
    parts = segments(command)
    if len(parts) == 1:
        shell_words(sh, command, parts[0])
        return
    for words in parts:
        shell_words(sh, shlex.join(words), words)


def shell_words(sh: Shell, command: str, words: list[str]) -> None:
    _, words = strip_assignments(words)  # VAR=value before a command: bash sets them when it runs
    program, args = words[0], words[1:]
    name = program.rsplit("/", 1)[-1]
    if program == "cd":  # the reader moves: repository paths resolve against the new folder
        sh.cwd = (sh.cwd / args[0]).resolve()
        assert sh.cwd.is_dir() and ROOT in (sh.cwd, *sh.cwd.parents), (
            f"{sh.block.id}: cd {args[0]}: no such folder"
        )
    elif program == "export":  # evaluated by bash, kept for the next commands
        env = {**environment(sh.workdir), **sh.env}
        out = run(["bash", "-c", f"{command}\nenv -0"], sh.workdir, env, f"{sh.block.id}: {command}")
        sh.env.update(dict(item.split("=", 1) for item in out.split("\0") if "=" in item))
    elif name == "make":  # make -n: the target exists and expands
        run(
            ["make", "-n", "-C", str(sh.cwd), *args],
            sh.cwd,
            dict(os.environ),
            f"{sh.block.id}: make -n {shlex.join(args)}",
        )
    elif name.startswith("python") and args[:2] == ["-m", "venv"]:
        pass  # creates an environment: the standard library's job, nothing of this project to check
    elif name.startswith("python") and args[:3] == ["-m", "pip", "install"]:
        check_pip_install(sh, args[3:])
    elif name in ("pip", "pip3") and args[:1] == ["install"]:
        check_pip_install(sh, args[1:])
    elif name.startswith("python") and args[:1] == ["-c"]:
        run_command(sh, command)
    elif name.startswith("python") and args[0].startswith("examples/"):  # the examples run (seconds, local)
        run_command(sh, command.replace(args[0], str(ROOT / args[0]), 1))
    elif name.startswith("python"):  # a script: benchmarks and servers, the help rule
        script = sh.cwd / args[0]
        assert script.is_file(), f"{sh.block.id}: {args[0]}: no such script (from {sh.cwd.relative_to(ROOT)})"
        python = (
            bin_dir_of(program) / "python" if "/" in program else python_for(str(script.relative_to(ROOT)))
        )
        check_help(sh, script, args[1:], prefix=[str(python)])
    elif name == "npm":
        check_npm(sh, args)
    elif name == "node":  # runs, with the files beside it, in a project where @dfpn/sdk is sdk-ts
        script = (sh.cwd / args[0]).resolve()
        assert script.is_file(), f"{sh.block.id}: node {args[0]}: no such file"
        copy_beside(script, ts_project(sh.workdir))
        run_command(sh, command.replace(args[0], script.name, 1))
    elif name == "curl":
        run_command(sh, command)
    elif name in ("ruff", "mypy", "pytest"):  # a package's checks (its make target runs them): they exist
        assert (bin_dir_of(program) / name).exists(), f"{sh.block.id}: {name} is not installed"
        words = args[1:] if name == "ruff" else args  # ruff check|format PATHS
        valued = {"-m", "-k", "-p", "--config-file", "--config"}  # options whose value is not a path
        paths = [
            a for i, a in enumerate(words) if not a.startswith("-") and (i == 0 or words[i - 1] not in valued)
        ]
        missing = [p for p in paths if not (sh.cwd / p).exists()]
        assert not missing, f"{sh.block.id}: {name}: no such paths in {sh.cwd.relative_to(ROOT)}: {missing}"
    elif name == "cargo" and args[:1] == ["build-sbf"]:  # Solana's platform tools cannot be installed here
        manifest = args[args.index("--manifest-path") + 1]
        assert (sh.cwd / manifest).is_file(), f"{sh.block.id}: {manifest}: no such manifest"
    elif program.startswith("scripts/") or "/scripts/" in program:  # long builds, deploys: exists, parses
        script = sh.cwd / program
        assert os.access(script, os.X_OK), f"{sh.block.id}: {program}: not an executable script"
        run(["bash", "-n", str(script)], ROOT, dict(os.environ), f"{sh.block.id}: bash -n {program}")
    elif name in CONSOLE_RULES:
        rules = CONSOLE_RULES[name]
        sub = next((a for a in args if not a.startswith("-")), "")
        rule = rules.get(sub, rules.get("*"))
        assert rule is not None, f"{sh.block.id}: no rule for {name} {sub}"
        network = next(
            (args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--network", "-u", "--url")), "local"
        )
        if rule == "run-local" and network != "local":
            rule = "help"
        if rule == "help" or is_synopsis(command):
            check_help(sh, bin_dir_of(program) / name, args)
        else:
            run_command(sh, command, bin_dir_of(program))
    else:
        pytest.fail(f"{sh.block.id}: no rule for the command {command!r}")


# ---------------------------------------------------------------------------------------------------------------
# json / toml / prose


def check_toml(block: Block) -> None:
    """Parsed, then validated by what it is: a pyproject (its entry-point groups are ones this project loads), the
    ONNX classifier's config, or a worker config."""
    doc = tomllib.loads(block.source())
    if "project" in doc:
        groups = set(doc["project"].get("entry-points", {}))
        known = {
            group
            for p in ROOT.glob("*/pyproject.toml")
            for group in tomllib.loads(p.read_text())["project"].get("entry-points", {})
        }
        assert groups <= known, (
            f"{block.id}: entry-point groups {groups - known} are not ones DFPN loads ({known})"
        )
    elif "model_id" in doc and "model" in doc:
        from dfpn_detectors.base import check_model_id
        from dfpn_detectors.onnx_classifier import OnnxClassifierConfig

        check_model_id(OnnxClassifierConfig.model_validate(doc).model_id)
    else:
        from dfpn_worker.config import WorkerConfig

        WorkerConfig.model_validate(doc)


PROSE = {"text", "mermaid"}


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_docs_block(block: Block, workdir: Path, request: pytest.FixtureRequest) -> None:
    if block.args("skip"):
        pytest.skip(" ".join(block.args("skip")[0]))
    if block.lang in ("python", "py"):
        run_python(block, workdir)
    elif block.lang in ("ts", "typescript", "js", "javascript"):
        run_ts(block, workdir, request.getfixturevalue("ts_diagnostics"))
    elif block.lang in ("sh", "bash", "shell"):
        run_sh(block, workdir)
    elif block.lang == "json":
        json.loads(block.source())
    elif block.lang == "toml":
        check_toml(block)
    elif block.lang in PROSE:
        assert not block.directives, f"{block.id}: prose takes no annotations"
    else:
        pytest.fail(f"{block.id}: no rule for a code block in {block.lang or 'no language'!r}: label it")


# ---------------------------------------------------------------------------------------------------------------
# examples/


def test_python_example_prints_a_verdict_and_every_worker(workdir: Path) -> None:
    out = run(
        [sys.executable, str(ROOT / "examples/analyze.py")], workdir, environment(workdir), "analyze.py"
    )
    assert re.search(r"^verdict: (Authentic|Manipulated|Inconclusive)", out, re.MULTILINE), out
    assert len(re.findall(r"^  worker \w+ +model [\w-]+: ", out, re.MULTILINE)) == 3, out


def test_node_example_prints_a_verdict_and_every_worker(workdir: Path) -> None:
    copy_beside(ROOT / "examples/analyze.mjs", ts_project(workdir))
    out = run(["node", "analyze.mjs"], workdir, environment(workdir), "analyze.mjs")
    assert "(test workers)" in out, out
    assert re.search(r"^verdict: (Authentic|Manipulated|Inconclusive)", out, re.MULTILINE), out
    assert len(re.findall(r"^  worker \w+ +model [\w-]+: ", out, re.MULTILINE)) == 3, out


def test_notebook_runs_cell_by_cell_in_a_running_event_loop(workdir: Path) -> None:
    path = ROOT / "examples/analyze.ipynb"
    notebook = json.loads(path.read_text())
    assert notebook["nbformat"] == 4 and notebook["metadata"]["kernelspec"]["language"] == "python"
    assert all(
        c["cell_type"] in ("code", "markdown") and isinstance(c["source"], list) for c in notebook["cells"]
    )
    assert all(
        "outputs" in c and "execution_count" in c for c in notebook["cells"] if c["cell_type"] == "code"
    )
    shutil.copy(ROOT / "examples/sample.jpg", workdir)  # Jupyter's working directory: the notebook's folder
    out = run(
        [sys.executable, "-c", NOTEBOOK_RUNNER, str(path)], workdir, environment(workdir), "analyze.ipynb"
    )
    assert len(re.findall(r"verdict: (Authentic|Manipulated|Inconclusive)", out)) == 2, out
    assert len(re.findall(r"report verified: True", out)) == 3, out


def test_the_readme_links_the_examples() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in ("examples/analyze.py", "examples/analyze.mjs", "examples/analyze.ipynb"):
        assert f"]({name})" in readme, f"README.md does not link {name}"
