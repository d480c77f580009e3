"""The HTTP API on the local network: keys, quotas and rate limits, upload limits and sniffing, parameter errors,
JSON submissions, fees and health. Every error has the body {"error": {"code", "message"}}."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, LocalNetwork, Modality
from dfpn import instructions as ix
from dfpn_gateway.config import Settings
from dfpn_gateway.store import Store
from dfpn_gateway.testing import ThrowawayPostgres

from helpers import (
    JPEG,
    MP3_ID3,
    MP4,
    PNG,
    WAV,
    Database,
    Key,
    make_settings,
    new_key,
    open_store,
    running,
    sqlite_only,
)

IMAGE_FORM = {"modalities": "FaceManipulation", "min_workers": "1"}


def error_of(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return response.status_code, body["error"]["code"]


async def upload(
    api: httpx.AsyncClient, key: Key, data: bytes, form: dict[str, Any] | None = None
) -> httpx.Response:
    return await api.post(
        "/v1/requests",
        headers=key.headers,
        data=IMAGE_FORM if form is None else form,
        files={"file": ("media.bin", data, "image/png")},
    )


# ---- keys -------------------------------------------------------------------------------------------------------


async def test_health_needs_no_key(
    api: httpx.AsyncClient, sdk: AsyncDFPNClient, key: Key, database: Database
) -> None:
    # Without a key: liveness only, nothing about the wallet (no address, no balance) nor the database
    response = await api.get("/v1/health")
    assert response.status_code == 200
    assert set(response.json()) == {"status", "version", "network"}
    assert response.json()["status"] == "ok" and response.json()["network"] == "local"
    assert str(sdk.wallet.pubkey()) not in response.text and str(100 * LAMPORTS_PER_SOL) not in response.text
    # With a key: the details
    response = await api.get("/v1/health", headers=key.headers)
    body = response.json()
    assert body["status"] == "ok" and body["network"] == "local" and body["storage"] == "file"
    assert body["wallet"] == str(sdk.wallet.pubkey()) and body["walletLamports"] == 100 * LAMPORTS_PER_SOL
    assert (body["openRequests"], body["pendingWebhooks"]) == (0, 0)
    assert body["database"] == {"sqlite": "sqlite", "postgres": "postgresql"}[database.backend]
    assert body["replicas"] == 1


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, (401, "MISSING_API_KEY")),
        ({"Authorization": "Bearer "}, (401, "MISSING_API_KEY")),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, (401, "MISSING_API_KEY")),
        ({"X-API-Key": "not-a-key"}, (403, "INVALID_API_KEY")),
        ({"X-API-Key": "dfpn_0123456789ab_" + "x" * 43}, (403, "INVALID_API_KEY")),
    ],
)
async def test_missing_or_bad_key(
    api: httpx.AsyncClient, headers: dict[str, str], expected: tuple[int, str]
) -> None:
    for response in (
        await api.get("/v1/fees/estimate", params={"modalities": "FaceManipulation"}, headers=headers),
        await api.get("/v1/requests/11111111111111111111111111111111", headers=headers),
        await api.post("/v1/requests", headers=headers, data=IMAGE_FORM, files={"file": ("a.png", PNG)}),
    ):
        assert error_of(response) == expected
    if expected[0] == 401:
        assert response.headers["www-authenticate"] == "Bearer"


async def test_key_via_either_header_and_revocation(api: httpx.AsyncClient, store: Store, key: Key) -> None:
    params = {"modalities": "FaceManipulation"}
    assert (
        await api.get("/v1/fees/estimate", params=params, headers={"X-API-Key": key.key})
    ).status_code == 200
    assert (await api.get("/v1/fees/estimate", params=params, headers=key.headers)).status_code == 200
    # A key of the same shape with another secret is refused
    forged = key.key[:-4] + ("AAAA" if not key.key.endswith("AAAA") else "BBBB")
    assert error_of(await api.get("/v1/fees/estimate", params=params, headers={"X-API-Key": forged})) == (
        403,
        "INVALID_API_KEY",
    )
    # A revoked key is refused at once
    assert store.revoke_key(key.record.id)
    assert error_of(await api.get("/v1/fees/estimate", params=params, headers=key.headers)) == (
        403,
        "API_KEY_REVOKED",
    )


async def test_keys_are_stored_hashed_with_the_pepper(settings: Settings, store: Store, key: Key) -> None:
    # Every value in the database (all tables, as text)
    with store.read() as db:
        tables = (
            [r[0] for r in db.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
            if (store.backend == "sqlite")
            else [
                r[0]
                for r in db.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ]
        )
        raw = " ".join(
            str(v) for t in tables for row in db.exec_driver_sql(f"SELECT * FROM {t}") for v in row
        )
    assert store.hash_key(key.key) in raw  # positive control: the hash is there
    assert key.key not in raw
    # The secret is everything after "dfpn_<id>_" (token_urlsafe may itself contain "_")
    assert key.key.split("_", 2)[2] not in raw
    assert store.verify_key(key.key) is not None
    # The same database with another pepper knows no key
    other = open_store(settings, b"another pepper")
    try:
        assert other.verify_key(key.key) is None
    finally:
        other.close()


async def test_rate_limit(api: httpx.AsyncClient, store: Store) -> None:
    limited = new_key(store, rate="2/min")
    params = {"modalities": "FaceManipulation"}
    statuses = [
        (await api.get("/v1/fees/estimate", params=params, headers=limited.headers)) for _ in range(3)
    ]
    assert [r.status_code for r in statuses[:2]] == [200, 200]
    assert error_of(statuses[2]) == (429, "RATE_LIMITED")
    assert 1 <= int(statuses[2].headers["retry-after"]) <= 30


async def test_quota(api: httpx.AsyncClient, store: Store) -> None:
    one = new_key(store, quota=1)
    assert (await upload(api, one, PNG)).status_code == 202
    assert error_of(await upload(api, one, PNG)) == (429, "QUOTA_EXHAUSTED")
    assert store.get_key(one.record.id).used == 1  # type: ignore[union-attr]
    # Raising the quota lets the key submit again
    assert store.set_quota(one.record.id, 2)
    assert (await upload(api, one, PNG)).status_code == 202


async def test_a_key_sees_only_its_requests(api: httpx.AsyncClient, store: Store, key: Key) -> None:
    response = await upload(api, key, PNG)
    request_id = response.json()["id"]
    other = new_key(store)
    assert error_of(await api.get(f"/v1/requests/{request_id}", headers=other.headers)) == (
        404,
        "REQUEST_NOT_FOUND",
    )
    assert (await api.get(f"/v1/requests/{request_id}", headers=key.headers)).status_code == 200
    assert error_of(await api.get("/v1/requests/not-a-request", headers=key.headers)) == (
        404,
        "REQUEST_NOT_FOUND",
    )


async def test_list_requests_pages_newest_first(api: httpx.AsyncClient, store: Store, key: Key) -> None:
    submitted = []
    for n in range(5):
        response = await upload(api, key, PNG + bytes([n]))
        assert response.status_code == 202, response.text
        submitted.append(response.json()["id"])
    # Pages of two, newest first, until nextCursor is null
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await api.get("/v1/requests", params=params, headers=key.headers)
        assert response.status_code == 200, response.text
        pages.append(response.json()["requests"])
        cursor = response.json()["nextCursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [r["id"] for p in pages for r in p] == submitted[::-1]
    # Each is the request's own view (as GET shows it, without the live progress)
    single = (await api.get(f"/v1/requests/{submitted[0]}", headers=key.headers)).json()
    assert pages[-1][0] == {**single, "progress": None}
    # Filtered by state; the default page; another key sees none of them (and its own, once it has one)
    listed = await api.get("/v1/requests", params={"status": "Open"}, headers=key.headers)
    assert [r["id"] for r in listed.json()["requests"]] == submitted[::-1] and listed.json()[
        "nextCursor"
    ] is None
    assert (await api.get("/v1/requests", params={"status": "Finalized"}, headers=key.headers)).json() == {
        "requests": [],
        "nextCursor": None,
    }
    other = new_key(store)
    assert (await api.get("/v1/requests", headers=other.headers)).json()["requests"] == []
    mine = (await upload(api, other, PNG)).json()["id"]
    assert [r["id"] for r in (await api.get("/v1/requests", headers=other.headers)).json()["requests"]] == [
        mine
    ]


@pytest.mark.parametrize(
    ("params", "mentions"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "YzE6bmFuOlI"}, "cursor"),  # "c1:nan:R": a cursor's shape, not a time
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"status": "Submitting"}, "status"),
    ],
)
async def test_list_requests_bad_parameters_400(
    api: httpx.AsyncClient, key: Key, params: dict[str, Any], mentions: str
) -> None:
    response = await api.get("/v1/requests", params=params, headers=key.headers)
    assert error_of(response) == (400, "INVALID_ARGUMENT") and mentions in response.json()["error"]["message"]
    # Positive control: the same call without the bad parameter is answered
    assert (await api.get("/v1/requests", headers=key.headers)).status_code == 200
    assert error_of(await api.get("/v1/requests")) == (401, "MISSING_API_KEY")


@sqlite_only  # its own PostgreSQL server, stopped in the middle
async def test_a_database_that_goes_away_is_503_not_500(
    tmp_path: Path, database: Database, sdk: AsyncDFPNClient
) -> None:
    with ThrowawayPostgres() as server:
        url = server.create_database("gone")
        settings = make_settings(tmp_path, Database("postgres", url))
        store = open_store(settings)
        key = new_key(store)
        store.close()
        async with running(settings, sdk) as api:
            # Positive control: answered while the database is there
            assert (await api.get("/v1/requests", headers=key.headers)).status_code == 200
            server.stop()
            for response in (
                await api.get("/v1/requests", headers=key.headers),
                await api.get("/v1/requests/11111111111111111111111111111111", headers=key.headers),
                await api.get(
                    "/v1/fees/estimate", params={"modalities": "FaceManipulation"}, headers=key.headers
                ),
            ):
                assert error_of(response) == (503, "DATABASE_UNAVAILABLE")
                assert response.headers["retry-after"] == "5"
                assert "127.0.0.1" not in response.text and url not in response.text


# ---- uploads ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "modalities", "mime"),
    [
        (PNG, "ImageAuthenticity", "image/png"),
        (JPEG, "AiGeneratedImage", "image/jpeg"),
        (MP4, "VideoAuthenticity", "video/mp4"),
        (MP4, "FaceManipulation", "video/mp4"),
        (WAV, "VoiceCloning", "audio/wav"),
        (MP3_ID3, "VoiceCloning", "audio/mpeg"),
    ],
)
async def test_sniffed_types_are_accepted(
    api: httpx.AsyncClient, key: Key, settings: Settings, data: bytes, modalities: str, mime: str
) -> None:
    response = await upload(api, key, data, {"modalities": modalities, "min_workers": "1"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["mediaType"] == mime and body["sizeBytes"] == len(data)
    assert body["contentHash"] == hashlib.sha256(data).hexdigest()
    stored = settings.media_dir / f"{body['contentHash']}{Path(body['storageUri']).suffix}"
    assert stored.read_bytes() == data
    # Nothing is left in the upload scratch directory
    assert list((settings.media_dir / ".incoming").iterdir()) == []


@pytest.mark.parametrize("fields_first", [True, False])
async def test_unsupported_media_415(
    api: httpx.AsyncClient, key: Key, settings: Settings, fields_first: bool
) -> None:
    # Text claiming to be a PNG is refused whatever the client's Content-Type says
    assert error_of(await upload(api, key, b"hello, this is not an image at all" * 10)) == (
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    )
    # Audio for image modalities is refused, whether the modalities come before or after the file
    boundary = "b0undary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="modalities"\r\n\r\nAiGeneratedImage\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + WAV
        + b"\r\n",
    ]
    body = b"".join(parts if fields_first else parts[::-1]) + f"--{boundary}--\r\n".encode()
    response = await api.post(
        "/v1/requests",
        headers={**key.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body,
    )
    status, code = error_of(response)
    assert (status, code) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert "audio" in response.json()["error"]["message"]
    assert list((settings.media_dir / ".incoming").iterdir()) == []
    # A request body that is neither multipart nor JSON
    response = await api.post(
        "/v1/requests", headers={**key.headers, "Content-Type": "text/plain"}, content=b"hi"
    )
    assert error_of(response) == (415, "UNSUPPORTED_MEDIA_TYPE")


async def test_size_limits_413(
    tmp_path: Path, database: Database, sdk: AsyncDFPNClient, store: Store, key: Key
) -> None:
    settings = make_settings(
        tmp_path, database, max_image_bytes=2_000, max_audio_bytes=1_000, max_video_bytes=3_000
    )
    async with running(settings, sdk) as api:
        # Exactly at the limit is fine; one byte over is 413, for each kind's own limit
        assert (await upload(api, key, PNG + bytes(2_000 - len(PNG)))).status_code == 202
        response = await upload(api, key, PNG + bytes(2_001 - len(PNG)))
        assert (
            error_of(response) == (413, "PAYLOAD_TOO_LARGE") and "2000" in response.json()["error"]["message"]
        )
        response = await upload(api, key, WAV + bytes(1_500), {"modalities": "VoiceCloning"})
        assert (
            error_of(response) == (413, "PAYLOAD_TOO_LARGE")
            and "audio" in response.json()["error"]["message"]
        )
        assert (
            await upload(api, key, MP4 + bytes(2_500), {"modalities": "VideoAuthenticity"})
        ).status_code == 202

        # A streamed body (no Content-Length) is cut off at the limit: the rest is never read
        sent = 0

        async def chunks() -> Any:
            nonlocal sent
            head = (
                b'--xx\r\nContent-Disposition: form-data; name="modalities"\r\n\r\nImageAuthenticity\r\n'
                b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
            )
            yield head + PNG
            for _ in range(1_000):
                sent += 1
                yield bytes(1_000)

        response = await api.post(
            "/v1/requests",
            headers={**key.headers, "Content-Type": "multipart/form-data; boundary=xx"},
            content=chunks(),
        )
        assert error_of(response) == (413, "PAYLOAD_TOO_LARGE")
        assert sent < 10
        # A declared Content-Length over the largest limit is refused before the body is read
        response = await api.post(
            "/v1/requests",
            headers={
                **key.headers,
                "Content-Type": "multipart/form-data; boundary=xx",
                "Content-Length": "9999999",
            },
            content=b"--xx--\r\n",
        )
        assert error_of(response) == (413, "PAYLOAD_TOO_LARGE")
        assert list((settings.media_dir / ".incoming").iterdir()) == []
        # Only the accepted uploads consumed quota
        assert store.get_key(key.record.id).used == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({}, (400, "INVALID_ARGUMENT")),
        ({"modalities": "Telepathy"}, (400, "INVALID_ARGUMENT")),
        ({"modalities": "FaceManipulation", "min_workers": "11"}, (400, "INVALID_ARGUMENT")),
        ({"modalities": "FaceManipulation", "min_workers": "three"}, (400, "INVALID_ARGUMENT")),
        (
            {"modalities": "FaceManipulation", "min_workers": "3", "max_workers": "2"},
            (400, "INVALID_WORKER_COUNT"),
        ),
        ({"modalities": "FaceManipulation", "deadline_seconds": "30"}, (400, "DEADLINE_TOO_SHORT")),
        ({"modalities": "FaceManipulation", "deadline_seconds": "86400"}, (400, "INVALID_ARGUMENT")),
        ({"modalities": "FaceManipulation", "max_fee_lamports": "100"}, (400, "MAX_FEE_TOO_LOW")),
        ({"modalities": "FaceManipulation", "max_fee_lamports": str(10**9)}, (400, "FEE_CAP_EXCEEDED")),
        (
            {"modalities": "FaceManipulation", "webhook_url": "ftp://example.org/x"},
            (400, "INVALID_WEBHOOK_URL"),
        ),
        ({"modalities": "FaceManipulation", "colour": "blue"}, (400, "INVALID_ARGUMENT")),
        (
            {"modalities": "FaceManipulation", "media_uri": "https://example.org/a.png"},
            (400, "INVALID_ARGUMENT"),
        ),
    ],
)
async def test_bad_parameters_400(
    api: httpx.AsyncClient, store: Store, key: Key, form: dict[str, str], expected: tuple[int, str]
) -> None:
    assert error_of(await upload(api, key, PNG, form)) == expected
    assert store.get_key(key.record.id).used == 0  # type: ignore[union-attr]


async def test_a_deadline_beyond_the_networks_maximum_is_400(
    tmp_path: Path, database: Database, sdk: AsyncDFPNClient, network: LocalNetwork
) -> None:
    # Given a gateway that allows longer deadlines than the network does
    settings = make_settings(tmp_path, database, max_deadline_seconds=2 * network.params.max_deadline_secs)
    async with running(settings, sdk) as api:
        store = open_store(settings)
        key = new_key(store)
        # When a request asks for more than the network's maximum, Then the program's refusal is a bad request
        form = {**IMAGE_FORM, "deadline_seconds": str(network.params.max_deadline_secs + 1)}
        assert error_of(await upload(api, key, PNG, form)) == (400, "DEADLINE_TOO_LONG")
        store.close()


async def test_min_workers_follow_the_networks_floor(
    api: httpx.AsyncClient, store: Store, key: Key, network: LocalNetwork
) -> None:
    # Given a network asking for at least 4 workers per request (above the gateway's default of 3)
    params = dataclasses.replace(network.params, min_workers_floor=4)
    network.process(
        [ix.update_config(authority=network.authority.pubkey(), params=params)], [network.authority]
    )
    # When a request names fewer, Then it is refused with the floor in the message, and no quota is used
    response = await upload(api, key, PNG, {"modalities": "FaceManipulation", "min_workers": "3"})
    assert error_of(response) == (400, "MIN_WORKERS_BELOW_FLOOR") and "floor of 4" in response.text
    assert store.get_key(key.record.id).used == 0  # type: ignore[union-attr]
    # When it names none, Then the gateway asks for the floor (and as many seats)
    view = (await upload(api, key, PNG, {"modalities": "FaceManipulation"})).json()
    assert (view["minWorkers"], view["maxWorkers"]) == (4, 4)


async def test_multipart_shape_errors(api: httpx.AsyncClient, key: Key) -> None:
    # No file at all
    response = await api.post(
        "/v1/requests", headers=key.headers, data=IMAGE_FORM, files={"other": ("x", b"1")}
    )
    assert error_of(response) == (400, "INVALID_ARGUMENT")
    response = await api.post(
        "/v1/requests",
        headers={**key.headers, "Content-Type": "multipart/form-data; boundary=zz"},
        content=b'--zz\r\nContent-Disposition: form-data; name="modalities"\r\n\r\nFaceManipulation\r\n--zz--\r\n',
    )
    assert error_of(response) == (400, "INVALID_ARGUMENT") and "file" in response.json()["error"]["message"]
    # Two files
    response = await api.post(
        "/v1/requests",
        headers=key.headers,
        data=IMAGE_FORM,
        files=[("file", ("a", PNG)), ("file", ("b", PNG))],
    )
    assert error_of(response) == (400, "INVALID_ARGUMENT")
    # An empty file, a truncated body, no boundary
    assert error_of(await upload(api, key, b"")) == (400, "INVALID_ARGUMENT")
    response = await api.post(
        "/v1/requests",
        headers={**key.headers, "Content-Type": "multipart/form-data; boundary=zz"},
        content=b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n' + PNG,
    )
    assert error_of(response) == (400, "INVALID_ARGUMENT")
    response = await api.post(
        "/v1/requests", headers={**key.headers, "Content-Type": "multipart/form-data"}, content=b"x"
    )
    assert error_of(response) == (400, "INVALID_ARGUMENT")


async def test_json_submission_with_media_uri(api: httpx.AsyncClient, sdk: AsyncDFPNClient, key: Key) -> None:
    digest = hashlib.sha256(b"elsewhere").hexdigest()
    body = {
        "media_uri": "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
        "content_hash": digest,
        "modalities": ["VideoAuthenticity", "VoiceCloning"],
        "min_workers": 2,
        "max_workers": 4,
        "max_fee_lamports": 30_000_000,
        "deadline_seconds": 600,
    }
    response = await api.post("/v1/requests", headers=key.headers, json=body)
    assert response.status_code == 202, response.text
    view = response.json()
    assert (view["storageUri"], view["contentHash"], view["mediaType"]) == (body["media_uri"], digest, None)
    assert (view["minWorkers"], view["maxWorkers"], view["maxFeeLamports"]) == (2, 4, 30_000_000)
    info = await sdk.get_request(view["id"])
    assert info.modalities == [Modality.VIDEO_AUTHENTICITY, Modality.VOICE_CLONING]
    assert info.deadline - info.created_at == 600
    # Schema violations are 400 with the field named
    for bad in (
        {**body, "media_uri": "file:///etc/passwd"},
        {**body, "content_hash": "xyz"},
        {**body, "modalities": []},
        {**body, "surprise": 1},
        {k: v for k, v in body.items() if k != "content_hash"},
    ):
        response = await api.post("/v1/requests", headers=key.headers, json=bad)
        assert error_of(response) == (400, "INVALID_ARGUMENT")
    response = await api.post(
        "/v1/requests", headers={**key.headers, "Content-Type": "application/json"}, content=b"{not json"
    )
    assert error_of(response) == (400, "INVALID_ARGUMENT")


async def test_insufficient_funds_402_gives_the_quota_back(
    settings: Settings, network: LocalNetwork, store: Store, key: Key
) -> None:
    async with (
        AsyncDFPNClient(network, network.funded_keypair(1_000_000)) as poor,
        running(settings, poor) as api,
    ):
        assert error_of(await upload(api, key, PNG)) == (402, "INSUFFICIENT_FUNDS")
    assert store.get_key(key.record.id).used == 0  # type: ignore[union-attr]


async def test_webhook_url_policy(tmp_path: Path, database: Database, sdk: AsyncDFPNClient, key: Key) -> None:
    strict = make_settings(tmp_path, database, webhook_require_https=True, webhook_allow_private=False)
    async with running(strict, sdk) as api:
        for url in (
            "http://example.org/hook",
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://[::1]/hook",
            "https://10.0.0.8/hook",
            "https://169.254.169.254/latest",
            "https://user:pw@example.org/hook",
        ):
            response = await upload(api, key, PNG, {**IMAGE_FORM, "webhook_url": url})
            assert error_of(response) == (400, "INVALID_WEBHOOK_URL"), url
        ok = await upload(api, key, PNG, {**IMAGE_FORM, "webhook_url": "https://hooks.example.org/dfpn"})
        assert ok.status_code == 202


# ---- fees, errors -----------------------------------------------------------------------------------------------


async def test_fee_estimate_matches_the_sdk(api: httpx.AsyncClient, sdk: AsyncDFPNClient, key: Key) -> None:
    response = await api.get(
        "/v1/fees/estimate",
        params=[
            ("modalities", "FaceManipulation"),
            ("modalities", "ImageAuthenticity"),
            ("min_workers", "3"),
        ],
        headers=key.headers,
    )
    assert response.status_code == 200
    body = response.json()
    expected = await sdk.estimate_fee_lamports([Modality.FACE_MANIPULATION, Modality.IMAGE_AUTHENTICITY], 3)
    assert body == {
        "modalities": ["ImageAuthenticity", "FaceManipulation"],
        "minWorkers": 3,
        "feeLamports": expected,
        "feeSol": expected / LAMPORTS_PER_SOL,
    }
    assert expected == 7_500_000
    for params in ({"modalities": "Nope"}, {}, {"modalities": "FaceManipulation", "min_workers": "0"}):
        assert error_of(await api.get("/v1/fees/estimate", params=params, headers=key.headers)) == (
            400,
            "INVALID_ARGUMENT",
        )


async def test_unknown_route_and_method(api: httpx.AsyncClient, key: Key) -> None:
    assert error_of(await api.get("/v2/nothing")) == (404, "NOT_FOUND")
    assert error_of(await api.delete("/v1/health")) == (405, "METHOD_NOT_ALLOWED")
