"""The web page's server side without a browser: the page's files and their headers, and the public endpoints
(`/v1/public/...`, no key) on the embedded network with scripted workers: a request's view comes from the chain and
the committed reports (also for a request the gateway never saw), reports and media are served only when their
SHA-256 matches the chain, hostile report URIs (too large, refused destinations, swapped files) are contained, the
dashboard's figures add up, the rate limit per client address, and the documented statuses (schemathesis)."""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, Challenge, LocalNetwork, Modality, Verdict
from dfpn import instructions as ix
from dfpn.netguard import DestinationPolicy
from dfpn.pda import random_request_nonce, request_address
from dfpn.testing import Answer, ScriptedWorker, seated
from dfpn_gateway.app import create_app
from dfpn_gateway.config import Settings
from dfpn_gateway.public import PublicService, PublicSettings, band, fetch_command, parse_report
from dfpn_gateway.routers.web import CSP, load_assets, web_dir
from dfpn_gateway.sniff import sniff

from helpers import (
    FLAC,
    GIF,
    JPEG,
    M4A,
    MAJORITY,
    MKV,
    MODEL,
    MOV,
    MP3_FRAME,
    MP3_ID3,
    MP4,
    OGG,
    PNG,
    WAV,
    WEBM,
    WEBP,
    Key,
    eventually,
    make_settings,
    register_workers,
)

pytestmark = pytest.mark.sqlite_only  # about the chain and the page, not the gateway's state
WEB = web_dir()


# ---- the page's files -------------------------------------------------------------------------------------------


def test_page_files_ship_in_the_package_and_load_nothing_from_elsewhere() -> None:
    assets = load_assets()
    assert {"index.html", "app.js", "style.css", "verify.js", "evidence.js", "network.js"} <= set(assets)
    html = assets["index.html"].body.decode()
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert ref.startswith(("/", "#")), ref
        if ref.startswith("/web/"):
            assert ref.removeprefix("/web/") in assets, ref
    for name, asset in assets.items():
        text = asset.body.decode()
        # no URL of another origin (the SVG namespace is a name, not a request)
        urls = set(re.findall(r"https?://[\w.-]+[^\s\"'`)]*", text)) - {"http://www.w3.org/2000/svg"}
        assert not urls, (name, urls)
        if name.endswith(".js"):
            for module in re.findall(r'from "\./([^"]+)"', text):
                assert module in assets, (name, module)
            # every exported function documents itself (JSDoc right above it)
            for match in re.finditer(r"^export (?:async )?function (\w+)", text, re.M):
                before = text[: match.start()].rstrip()
                assert before.endswith("*/"), f"{name}: {match.group(1)} has no JSDoc"


async def test_pages_and_assets_are_served_with_a_strict_policy(api: httpx.AsyncClient) -> None:
    for path in ("/", "/network", "/r/7xKwnotevenanaddress", "/r/"):
        page = await api.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.headers["content-security-policy"] == CSP
        assert "default-src 'none'" in CSP and "connect-src 'self'" in CSP and "http" not in CSP
        assert page.headers["x-content-type-options"] == "nosniff"
        assert '<script type="module" src="/web/app.js">' in page.text
    script = await api.get("/web/app.js")
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    again = await api.get("/web/app.js", headers={"If-None-Match": script.headers["etag"]})
    assert again.status_code == 304 and not again.content
    for bad in ("/web/nope.js", "/web/..%2Fpublic.py", "/web/index.py", "/web/.hidden.js"):
        missing = await api.get(bad)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND", bad
    assert (WEB / "app.js").read_bytes() == script.content


# ---- a request from the chain ------------------------------------------------------------------------------------


async def finalize_via_sdk(
    sdk: AsyncDFPNClient, workers: list[ScriptedWorker], media: Path, answers: list[Answer] = MAJORITY
) -> str:
    """A request submitted with the SDK (the gateway never sees it), analysed and finalized."""
    sub = await sdk.submit_request(media, modalities=[Modality.IMAGE_AUTHENTICITY], min_workers=3)
    request = Pubkey.from_string(sub.id)
    for w, a in zip(await seated(sdk.transport, request, workers), answers, strict=True):
        await w.join(request)
        await w.commit(request, a)
    for w in await seated(sdk.transport, request, workers):
        await w.reveal(request)
    await sdk.wait_for_result(sub.id, timeout=30)
    return sub.id


async def test_request_view_comes_from_the_chain_and_the_reports(
    api: httpx.AsyncClient, sdk: AsyncDFPNClient, network: LocalNetwork, tmp_path: Path, key: Key
) -> None:
    workers = await register_workers(network, tmp_path / "reports")
    media = tmp_path / "photo.png"
    media.write_bytes(PNG)
    request_id = await finalize_via_sdk(sdk, workers, media)
    result = await sdk.wait_for_result(request_id, timeout=5)
    # no key, and the gateway has no record of this request
    assert (await api.get(f"/v1/requests/{request_id}", headers=key.headers)).status_code == 404
    view = (await api.get(f"/v1/public/requests/{request_id}")).json()
    assert view["status"] == "Finalized" and view["phase"] == "finalized"
    assert (view["verdict"], view["confidence"], view["consensusType"]) == ("Manipulated", 56, "Majority")
    assert view["band"] == {"level": "moderate", "label": "50-79: moderate"}
    assert view["chargedLamports"] == result.fee_lamports
    assert view["audit"] == result.audit.model_dump(mode="json", by_alias=True)
    assert view["contentHash"] == hashlib.sha256(PNG).hexdigest()
    assert view["counts"] == {"drawn": 3, "accepted": 3, "commits": 3, "reveals": 3}
    seats = view["seats"]
    assert [s["verdict"] for s in seats] == ["Manipulated", "Manipulated", "Authentic"]
    assert all(s["modelId"] == MODEL and s["report"]["status"] == "verified" for s in seats)
    assert [s["reportHash"] for s in seats] == [w.report_hash for w in result.worker_results]
    first = seats[0]["report"]
    assert first["sha256"] == seats[0]["reportHash"]
    assert first["content"]["detections"][0]["region"] == {"x": 10.0, "y": 20.0, "w": 64.0, "h": 48.0}
    events = [e["event"] for e in view["timeline"]]
    assert events[0] == "RequestSubmitted" and "RequestFinalized" in events
    assert (
        events.count("SeatDrawn") == 3
        and events.count("ResultCommitted") == 3
        and events.count("WorkerPaid") == 2
    )
    assert view["verify"]["shareable"] is False and "embedded network" in view["verify"]["note"]
    assert view["verify"]["cli"][0] == f"dfpn --network local status {request_id} --json"
    assert all("sha256sum" in line and "# expect" in line for line in view["verify"]["cli"][1:])
    # the report's bytes are served as fetched (they hash to the committed hash), the media too
    for i, seat in enumerate(seats):
        report = await api.get(seat["report"]["url"])
        assert (
            report.status_code == 200 and hashlib.sha256(report.content).hexdigest() == seat["reportHash"]
        ), i
    media_answer = await api.get(view["mediaUrl"])
    assert media_answer.status_code == 200 and media_answer.content == PNG
    assert media_answer.headers["content-type"] == "image/png"
    assert "sandbox" in media_answer.headers["content-security-policy"]
    # a transaction of the program, decoded
    tx = (await api.get(f"/v1/public/transactions/{view['audit']['finalizeTx']}")).json()
    finalized = [e for e in tx["events"] if e["event"] == "RequestFinalized"]
    assert finalized and finalized[0]["request"] == request_id and finalized[0]["verdict"] == 2


async def test_open_request_shows_its_phase(
    api: httpx.AsyncClient, network: LocalNetwork, tmp_path: Path, key: Key
) -> None:
    workers = await register_workers(network, tmp_path / "reports")
    answer = await api.post(
        "/v1/requests", headers=key.headers, data={"modalities": "ImageAuthenticity"}, files={"file": PNG}
    )
    request_id = answer.json()["id"]
    request = Pubkey.from_string(request_id)

    async def drawn() -> Any:
        view = (await api.get(f"/v1/public/requests/{request_id}")).json()
        return view if view["counts"]["drawn"] == 3 else None

    view = await eventually(drawn)
    assert view["status"] == "Open" and view["phase"] == "committing" and view["verdict"] is None
    assert view["band"] is None and all(s["state"] == "Drawn" for s in view["seats"])
    for w, a in zip(await seated(network, request, workers), MAJORITY, strict=True):
        await w.join(request)
        await w.commit(request, a)
    await asyncio.sleep(1.1)  # the open view is cached for a second
    view = (await api.get(f"/v1/public/requests/{request_id}")).json()
    assert view["phase"] == "revealing" and view["counts"]["commits"] == 3
    assert all(s["report"] is None and s["commitment"] for s in view["seats"])


@contextmanager
def report_server(routes: dict[str, bytes]) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 serving `routes`; yields its URL and the paths asked for."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = routes.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


async def test_hostile_reports_are_contained(
    api: httpx.AsyncClient, sdk: AsyncDFPNClient, network: LocalNetwork, tmp_path: Path
) -> None:
    workers = await register_workers(network, tmp_path / "reports")
    media = tmp_path / "photo.png"
    media.write_bytes(PNG)
    sub = await sdk.submit_request(media, modalities=[Modality.IMAGE_AUTHENTICITY], min_workers=3)
    request = Pubkey.from_string(sub.id)
    order = await seated(network, request, workers)
    for w, a in zip(order, MAJORITY, strict=True):
        await w.join(request)
        await w.commit(request, a)
    good = Path(order[0]._answers[request][3].removeprefix("file://")).read_bytes()
    routes = {"/good.json": good, "/huge.json": b" " * (3 * 1024 * 1024)}
    with report_server(routes) as (url, asked):
        # seat 0 serves its report over HTTP, seat 1 an endless one, seat 2's file is swapped after its commit
        for w, path in zip(order[:2], ("/good.json", "/huge.json"), strict=True):
            answer, digest, salt, _ = w._answers[request]
            w._answers[request] = (answer, digest, salt, url + path)
        swapped = Path(order[2]._answers[request][3].removeprefix("file://"))
        swapped.write_bytes(b'{"verdict": "Authentic", "detections": [{"type": "planted", "confidence": 1}]}')
        for w in order:
            await w.reveal(request)
        await sdk.finalize(sub.id)  # (the SDK's own wait_for_result refuses the swapped report, rightly)
        view = (await api.get(f"/v1/public/requests/{sub.id}")).json()
        first, huge, planted = (s["report"] for s in view["seats"])
        assert first["status"] == "verified" and first["content"]["detections"][0]["type"] == "face_swap"
        assert huge["status"] == "unavailable" and huge["message"].startswith("CONTENT_TOO_LARGE")
        assert planted["status"] == "mismatch" and planted["content"] is None and planted["url"] is None
        assert planted["sha256"] == hashlib.sha256(swapped.read_bytes()).hexdigest()
        assert (await api.get(f"/v1/public/requests/{sub.id}/reports/2")).status_code == 502
        assert (await api.get(f"/v1/public/requests/{sub.id}/reports/1")).status_code == 502
        assert (await api.get(f"/v1/public/requests/{sub.id}/reports/7")).status_code == 404
        assert "planted" not in (await api.get(f"/v1/public/requests/{sub.id}")).text
        # a gateway whose client reads public addresses only does not even connect to loopback
        before = len(asked)
        sdk.report_policy = DestinationPolicy()
        api.app.state.public = None  # type: ignore[attr-defined]
        view = (await api.get(f"/v1/public/requests/{sub.id}")).json()
        refused = view["seats"][0]["report"]
        assert refused["status"] == "unavailable" and refused["message"].startswith("DESTINATION_REFUSED")
        assert len(asked) == before


async def test_media_is_served_only_when_it_matches(
    api: httpx.AsyncClient, network: LocalNetwork, tmp_path: Path, key: Key, settings: Settings
) -> None:
    await register_workers(network, tmp_path / "reports")
    answer = await api.post(
        "/v1/requests", headers=key.headers, data={"modalities": "ImageAuthenticity"}, files={"file": PNG}
    )
    request_id = answer.json()["id"]
    gw = api.app.state.gateway  # type: ignore[attr-defined]
    api.app.state.public = PublicService(gw, PublicSettings(media_max_bytes=len(PNG) - 1))  # type: ignore[attr-defined]
    small = await api.get(f"/v1/public/requests/{request_id}/media")
    assert small.status_code == 502 and small.json()["error"]["code"] == "CONTENT_TOO_LARGE"
    api.app.state.public = None  # type: ignore[attr-defined]
    stored = next(settings.media_dir.glob("*.png"))
    stored.write_bytes(PNG[:-1] + b"\x00")
    swapped = await api.get(f"/v1/public/requests/{request_id}/media")
    assert swapped.status_code == 502 and swapped.json()["error"]["code"] == "CONTENT_HASH_MISMATCH"
    assert swapped.content.count(b"PNG") == 0


async def test_addresses_and_the_rate_limit(api: httpx.AsyncClient) -> None:
    bad = await api.get("/v1/public/requests/not-an-address")
    assert bad.status_code == 400 and "not a request address" in bad.json()["error"]["message"]
    unknown = await api.get(f"/v1/public/requests/{Keypair().pubkey()}")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "REQUEST_NOT_FOUND"
    assert (await api.get(f"/v1/public/transactions/{'1' * 64}")).status_code == 404
    assert (await api.get("/v1/public/transactions/x!y")).status_code == 400
    info = (await api.get("/v1/public/info")).json()
    assert info["network"] == "local" and info["shareable"] is False and info["explorer"] is None
    assert info["maxBytes"]["image"] == 50_000_000 and "image/png" in info["formats"]["image"]
    gw = api.app.state.gateway  # type: ignore[attr-defined]
    api.app.state.public = PublicService(gw, PublicSettings(rate="3/min"))  # type: ignore[attr-defined]
    statuses = [(await api.get("/v1/public/info")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = await api.get("/v1/public/network")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    # the page itself is not counted
    assert (await api.get("/")).status_code == 200


async def test_dashboard_figures_add_up(
    api: httpx.AsyncClient, sdk: AsyncDFPNClient, network: LocalNetwork, tmp_path: Path
) -> None:
    workers = await register_workers(network, tmp_path / "reports")
    media = tmp_path / "photo.png"
    media.write_bytes(PNG)
    ordinary = await finalize_via_sdk(sdk, workers, media)
    # a known-answer challenge (label Manipulated): the two Manipulated seats are right, the Authentic one wrong
    await network.send_transaction(
        [
            ix.register_challenger(
                authority=network.authority.pubkey(),
                challenger=sdk.wallet.pubkey(),
                program_id=network.program_id,
            )
        ],
        [network.authority],
    )
    challenge = Challenge(Verdict.MANIPULATED)
    nonce = random_request_nonce(sdk.wallet.pubkey())
    address = request_address(sdk.wallet.pubkey(), nonce)
    media.write_bytes(PNG + b"challenge")
    sub = await sdk.submit_request(
        media,
        modalities=[Modality.IMAGE_AUTHENTICITY],
        min_workers=3,
        nonce=nonce,
        attestation=challenge.attestation(address),
    )
    order = await seated(network, address, workers)
    verdict_of = {}
    for w, a in zip(order, MAJORITY, strict=True):
        await w.join(address)
        await w.commit(address, a)
        verdict_of[str(w.pubkey)] = a.verdict
    for w in order:
        await w.reveal(address)
    await sdk.wait_for_result(sub.id, challenge=challenge, timeout=30)
    charged = [
        (await api.get(f"/v1/public/requests/{r}")).json()["chargedLamports"] for r in (ordinary, sub.id)
    ]

    view = (await api.get("/v1/public/network")).json()
    assert view["requests"] == {"total": 2, "open": 0, "finalized": 2, "expired": 0}
    assert view["feesTotal"] == sum(charged) == sum(f["lamports"] for f in view["fees"])
    kinds = {f["kind"] for f in view["fees"]}
    assert kinds == {"worker", "model", "treasury", "insurance"}
    assert {f["label"] for f in view["fees"] if f["kind"] == "model"} == {f"model {MODEL}"}
    assert {r["id"] for r in view["recent"]} == {ordinary, sub.id}
    rows = {w["authority"]: w for w in view["workers"]}
    assert set(rows) == {str(w.pubkey) for w in workers}
    for authority, row in rows.items():
        assert row["seatsHeld"] == 2 and row["uptime"] == 1.0 and row["models"] == [MODEL]
        score = row["challenges"]
        right = verdict_of[authority] is Verdict.MANIPULATED
        assert (score["correct"], score["wrong"], score["total"]) == ((1, 0, 1) if right else (0, 1, 1))
        assert score["accuracy"] == (1.0 if right else 0.0)
    assert sum(b["submitted"] for b in view["series"]) == 2
    assert sum(b["finalized"] for b in view["series"]) == 2
    assert any(b["latencyP50"] is not None for b in view["series"])


# ---- pieces -----------------------------------------------------------------------------------------------------


def test_bands_in_the_specifications_words() -> None:
    assert [band(c).label for c in (100, 80, 79, 50, 49, 0)] == [
        "80-100: high",
        "80-100: high",
        "50-79: moderate",
        "50-79: moderate",
        "below 50: treat as inconclusive",
        "below 50: treat as inconclusive",
    ]


def test_reports_are_read_defensively() -> None:
    assert parse_report(b"not json").notes == "the report is not JSON"
    assert parse_report(b"[1, 2]").notes == "the report is not a JSON object"
    many = {
        "verdict": "Manipulated" * 100,
        "detections": [
            {"type": "x", "confidence": 0.5, "region": {"x": 1, "y": 2, "w": 3, "h": 4}, "time": 1.5},
            {"type": "no-confidence"},
            {"type": "bad-region", "confidence": 0.1, "region": {"x": -1, "y": "a", "w": 3, "h": 4}},
            {"type": "span", "confidence": 0.9, "start": 0.5, "end": 1.0},
            "not a detection",
            *({"type": "filler", "confidence": 0.1} for _ in range(500)),
        ],
        "detectors": [{"modelId": "d", "verdict": "Manipulated", "confidence": 1e400, "detections": None}]
        * 50,
        "notes": ["a", 1, "b"],
    }
    content = parse_report(json.dumps(many).encode())
    assert len(content.verdict or "") == 200
    assert len(content.detections) == 198  # the first 200 entries, two of which are not detections
    first, bad, span = content.detections[:3]
    assert first.region is not None and first.time == 1.5
    assert bad.region is None and span.start == 0.5 and span.end == 1.0
    assert len(content.detectors) == 32 and content.detectors[0].confidence == 0.0
    assert content.notes == "a; b"


def test_fetch_commands_quote_what_workers_wrote() -> None:
    assert fetch_command("https://example.org/r.json") == "curl -sS https://example.org/r.json | sha256sum"
    assert fetch_command("ipfs://bafyabc") == "ipfs cat bafyabc | sha256sum"
    assert fetch_command("s3://bucket/key.json") == "aws s3 cp s3://bucket/key.json - | sha256sum"
    assert fetch_command("file:///tmp/x.json") == "sha256sum /tmp/x.json"
    hostile = fetch_command("https://example.org/$(rm -rf ~);x")
    assert hostile == "curl -sS 'https://example.org/$(rm -rf ~);x' | sha256sum"


# ---- schemathesis -----------------------------------------------------------------------------------------------

OPERATIONS = [
    "/v1/public/info",
    "/v1/public/requests/{address}",
    "/v1/public/requests/{address}/media",
    "/v1/public/requests/{address}/reports/{seat}",
    "/v1/public/transactions/{signature}",
    "/v1/public/network",
]


@pytest.fixture(scope="module")
def public_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = create_app(make_settings(tmp_path_factory.mktemp("public-schema")))
    app.state.public = PublicService(app.state.gateway, PublicSettings(rate="100000/sec"))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", OPERATIONS)
def test_public_api_conforms_to_openapi(public_schema: Any, mode: GenerationMode, path: str) -> None:
    if mode is GenerationMode.NEGATIVE and path in ("/v1/public/info", "/v1/public/network"):
        pytest.skip("no inputs to make invalid")
    operation = public_schema[path]["GET"]
    statuses: list[int] = []

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case: Any) -> None:
        response = case.call_and_validate(
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ]
        )
        statuses.append(response.status_code)

    call()
    assert statuses and all(s < 500 or s in (502, 503) for s in statuses), statuses


# ---- the page's pure functions, in node ------------------------------------------------------------------------


def test_page_sha256_fallback_and_sniffing_agree_with_the_gateway() -> None:
    """The page's own SHA-256 (used where WebCrypto is not available: plain http on a non-local host) and its
    format sniffing give what hashlib and the gateway's sniffer give."""
    node = shutil.which("node")
    assert node is not None, "node is needed (Debian nodejs; make test-ts installs it)"
    blobs = [b"", b"abc", bytes(range(256)) * 3, b"x" * 55, b"y" * 56, b"z" * 64, b"w" * 1000]
    samples = [
        PNG,
        JPEG,
        GIF,
        WEBP,
        WAV,
        MP3_ID3,
        MP3_FRAME,
        FLAC,
        OGG,
        MP4,
        MOV,
        M4A,
        WEBM,
        MKV,
        b"text file",
    ]
    script = (
        f"import {{ sha256Plain }} from '{(WEB / 'sha256.js').as_uri()}';"
        f"import {{ sniffBytes }} from '{(WEB / 'sniff.js').as_uri()}';"
        "const input = JSON.parse(process.argv[1]);"
        "const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');"
        "const bytes = (h) => Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16));"
        "console.log(JSON.stringify({"
        "  hashes: input.blobs.map((h) => hex(sha256Plain(bytes(h)))),"
        "  kinds: input.samples.map((h) => sniffBytes(bytes(h).slice(0, 64))),"
        "}));"
    )
    payload = json.dumps({"blobs": [b.hex() for b in blobs], "samples": [s.hex() for s in samples]})
    done = subprocess.run(
        [node, "--input-type=module", "-e", script, payload],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["hashes"] == [hashlib.sha256(b).hexdigest() for b in blobs]
    expected = [(t.mime, t.kind) if (t := sniff(s[:64])) else None for s in samples]
    assert [(k["mime"], k["kind"]) if k else None for k in out["kinds"]] == expected
