"""End to end on the local network (the real dfpn.so in LiteSVM): media uploaded through the gateway's HTTP server
(uvicorn on 127.0.0.1), scripted workers join, commit and reveal over the same network, the gateway finalizes,
serves the SDKs' result JSON and delivers one signed webhook. Then the same across a gateway restart."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
import uvicorn
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn.testing import Answer
from dfpn_gateway import store as st
from dfpn_gateway.app import create_app
from dfpn_gateway.config import Settings
from dfpn_gateway.webhooks import verify

from helpers import (
    MAJORITY,
    PNG,
    Key,
    analyse,
    eventually,
    free_port,
    open_store,
    register_workers,
    running,
    webhook_delivered,
    webhook_receiver,
)


async def test_upload_through_http_workers_finalize_signed_webhook(
    tmp_path: Path, settings: Settings, network: LocalNetwork, sdk: AsyncDFPNClient, key: Key
) -> None:
    # Given the gateway served by uvicorn on 127.0.0.1, three workers, and a webhook receiver
    workers = await register_workers(network, tmp_path / "reports")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, sdk), host="127.0.0.1", port=port, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    await eventually(lambda: server.started)
    try:
        with webhook_receiver(secret=key.record.webhook_secret) as hook:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                # When a PNG is uploaded as multipart/form-data with a webhook URL
                response = await http.post(
                    "/v1/requests",
                    headers=key.headers,
                    data={
                        "modalities": "FaceManipulation,ImageAuthenticity",
                        "min_workers": "3",
                        "deadline_seconds": "300",
                        "webhook_url": hook.url,
                    },
                    files={"file": ("photo.png", PNG, "application/octet-stream")},
                )
                # Then it is accepted: Open, the media pinned as file:// with its SHA-256, the fee of 3 workers
                assert response.status_code == 202, response.text
                view = response.json()
                assert response.headers["location"] == f"/v1/requests/{view['id']}"
                assert view["status"] == "Open" and view["mediaType"] == "image/png"
                assert view["modalities"] == ["ImageAuthenticity", "FaceManipulation"]
                assert view["feeLamports"] == 7_500_000 and view["sizeBytes"] == len(PNG)
                assert view["storageUri"].startswith("file://") and view["storageUri"].endswith(".png")
                assert view["webhook"] == {
                    "url": hook.url,
                    "state": "scheduled",
                    "attempts": 0,
                    "deliveredAt": None,
                    "lastStatus": None,
                }
                # And the request is on-chain, paid by the gateway's wallet, with the upload's hash
                info = await sdk.get_request(view["id"])
                assert info.client == str(sdk.wallet.pubkey())
                assert (await sdk.fetch_media(view["id"])) == PNG
                # While it runs, GET shows the live progress: the gateway drew the three workers into the seats
                running_view = (await http.get(f"/v1/requests/{view['id']}", headers=key.headers)).json()
                assert running_view["progress"] == {"drawn": 3, "joined": 0, "commits": 0, "reveals": 0}
                assert running_view["result"] is None

                # When the workers analyse it (M 90, M 80, A 70)
                await analyse(workers, view["id"], MAJORITY)

                # Then the gateway finalizes it and serves the SDKs' result JSON unchanged
                async def finalized() -> dict[str, object] | None:
                    body = (await http.get(f"/v1/requests/{view['id']}", headers=key.headers)).json()
                    return body if body["status"] == "Finalized" else None

                done = await eventually(finalized)
                async with AsyncDFPNClient(network) as reader:  # another SDK user, reading the same request
                    expected = (await reader.wait_for_result(view["id"], timeout=5)).model_dump(
                        mode="json", by_alias=True
                    )
                assert done["result"] == expected
                assert done["result"]["verdict"] == "Manipulated" and done["result"]["confidence"] == 56
                assert done["result"]["consensusType"] == "Majority"
                assert done["result"]["workerResults"][0]["detections"][0]["type"] == "face_swap"
                assert done["progress"] is None and done["error"] is None
                # And the gateway finalized as the request's client, at once: before the deadline, when no one
                # else may (a cranker must wait FINALIZE_GRACE_SECS after it)
                info = await sdk.get_request(view["id"])
                assert info.finalized_at < info.deadline
                finalize = await network.get_transaction(done["result"]["audit"]["finalizeTx"])
                assert finalize is not None and finalize.accounts[0] == sdk.wallet.pubkey()

                # And exactly one webhook arrives, signed with the key's secret, carrying the same result
                await eventually(lambda: hook.deliveries)
                await eventually(lambda: webhook_delivered(http, view["id"], key.headers))
                await asyncio.sleep(0.5)  # no second delivery follows
                assert len(hook.deliveries) == 1
                delivery = hook.deliveries[0]
                assert delivery["valid"] and verify(
                    key.record.webhook_secret, delivery["signature"], delivery["body"]
                )
                assert not verify("whsec_wrong", delivery["signature"], delivery["body"])
                assert delivery["event"] == "request.finalized" and delivery["delivery"].startswith("dlv_")
                assert delivery["json"]["event"] == "request.finalized"
                assert delivery["json"]["request"]["result"] == expected
                final = (await http.get(f"/v1/requests/{view['id']}", headers=key.headers)).json()
                assert final["webhook"]["state"] == "delivered" and final["webhook"]["attempts"] == 1
    finally:
        server.should_exit = True
        await serving


async def test_expired_request_reports_no_workers_and_webhook(
    tmp_path: Path, network: LocalNetwork, sdk: AsyncDFPNClient, api: httpx.AsyncClient, key: Key
) -> None:
    # Given a request for 3 workers of which only one commits
    workers = await register_workers(network, tmp_path / "reports", n=1)
    with webhook_receiver(secret=key.record.webhook_secret) as hook:
        response = await api.post(
            "/v1/requests",
            headers=key.headers,
            data={"modalities": "ImageAuthenticity", "min_workers": "3", "webhook_url": hook.url},
            files={"file": ("a.png", PNG)},
        )
        assert response.status_code == 202, response.text
        request_id = response.json()["id"]
        await workers[0].join(Pubkey.from_string(request_id))
        await workers[0].commit(Pubkey.from_string(request_id), Answer(MAJORITY[0].verdict, 90))
        # When the commit deadline passes
        network.advance(300)

        # Then the gateway expires it (the escrow returns) and reports NO_WORKERS_AVAILABLE
        async def expired() -> dict[str, object] | None:
            body = (await api.get(f"/v1/requests/{request_id}", headers=key.headers)).json()
            return body if body["status"] == "Expired" else None

        body = await eventually(expired)
        assert body["result"] is None and body["error"]["code"] == "NO_WORKERS_AVAILABLE"
        assert (await sdk.get_request(request_id)).status.value == "Expired"
        # And the webhook says so, once
        await eventually(lambda: hook.deliveries)
        assert [d["event"] for d in hook.deliveries] == ["request.expired"]
        assert hook.deliveries[0]["valid"] and hook.deliveries[0]["json"]["request"]["status"] == "Expired"


async def test_restart_mid_request_serves_result_and_delivers_webhook_once(
    tmp_path: Path, settings: Settings, network: LocalNetwork, key: Key
) -> None:
    # Given a gateway (its wallet is kept, as a keypair file would keep it) and three workers
    workers = await register_workers(network, tmp_path / "reports")
    wallet = network.funded_keypair(50 * 10**9)
    with webhook_receiver(secret=key.record.webhook_secret) as hook:
        async with (
            AsyncDFPNClient(network, wallet, poll_interval=0.02) as first,
            running(settings, first) as api,
        ):
            response = await api.post(
                "/v1/requests",
                headers=key.headers,
                data={"modalities": "FaceManipulation", "min_workers": "3", "webhook_url": hook.url},
                files={"file": ("a.png", PNG)},
            )
            assert response.status_code == 202, response.text
            request_id = response.json()["id"]
            # And the workers join and commit while it runs
            request = Pubkey.from_string(request_id)
            for w, a in zip(workers, MAJORITY, strict=True):
                await w.join(request)
                await w.commit(request, a)
        # When the gateway stops (lifespan shutdown) before anything is revealed
        async with AsyncDFPNClient(network, wallet, poll_interval=0.02) as second:
            store = open_store(settings, b"unused")  # read-only look: the request is still open
            assert store.get_request(request_id).state == st.OPEN  # type: ignore[union-attr]
            store.close()
            # And the workers reveal while it is down
            for w in workers:
                await w.reveal(request)
            assert hook.attempts == 0
            # And a new gateway starts on the same database and network
            async with running(settings, second) as api:
                # Then it resumes the request, finalizes it and serves the result
                async def finalized() -> dict[str, object] | None:
                    body = (await api.get(f"/v1/requests/{request_id}", headers=key.headers)).json()
                    return (
                        body
                        if body["status"] == "Finalized" and body["webhook"]["state"] == "delivered"
                        else None
                    )

                body = await eventually(finalized)
                assert body["result"]["verdict"] == "Manipulated"
                await asyncio.sleep(0.5)
            # And the webhook arrived exactly once, signed
            assert len(hook.deliveries) == 1 and hook.attempts == 1
            assert hook.deliveries[0]["valid"]
            assert hook.deliveries[0]["json"]["request"]["result"] == body["result"]


async def test_restart_with_webhook_pending_delivers_once(
    tmp_path: Path, settings: Settings, network: LocalNetwork, key: Key
) -> None:
    # Given a finalized request whose webhook receiver fails every attempt while the first gateway runs
    workers = await register_workers(network, tmp_path / "reports")
    wallet = network.funded_keypair(50 * 10**9)
    with webhook_receiver(secret=key.record.webhook_secret, fail_first=10**6) as hook:
        async with (
            AsyncDFPNClient(network, wallet, poll_interval=0.02) as first,
            running(settings, first) as api,
        ):
            response = await api.post(
                "/v1/requests",
                headers=key.headers,
                data={"modalities": "FaceManipulation", "webhook_url": hook.url},
                files={"file": ("a.png", PNG)},
            )
            request_id = response.json()["id"]
            await analyse(workers, request_id, MAJORITY)
            await eventually(lambda: hook.attempts >= 2)
            body = (await api.get(f"/v1/requests/{request_id}", headers=key.headers)).json()
            assert body["status"] == "Finalized" and body["webhook"]["state"] == "pending"
            assert body["webhook"]["lastStatus"] == 500
        # When the gateway restarts and the receiver works again
        hook.fail_first = 0
        attempts_before = hook.attempts
        async with (
            AsyncDFPNClient(network, wallet, poll_interval=0.02) as second,
            running(settings, second) as api,
        ):
            await eventually(lambda: hook.deliveries)
            await eventually(lambda: webhook_delivered(api, request_id, key.headers))
            await asyncio.sleep(0.5)  # no second delivery follows
            body = (await api.get(f"/v1/requests/{request_id}", headers=key.headers)).json()
        # Then the webhook is delivered exactly once (the same delivery id and body as the failed attempts)
        assert len(hook.deliveries) == 1 and hook.attempts == attempts_before + 1
        assert hook.deliveries[0]["valid"] and body["webhook"]["state"] == "delivered"
        assert json.loads(hook.deliveries[0]["body"])["request"]["id"] == request_id


@pytest.mark.parametrize("landed", [True, False])
async def test_interrupted_submission_is_recovered(
    settings: Settings, network: LocalNetwork, sdk: AsyncDFPNClient, store: st.Store, key: Key, landed: bool
) -> None:
    # Given a submission recorded as Submitting (the gateway stopped between sending it and recording the outcome)
    from dfpn.pda import request_address

    nonce = 4242
    address = str(request_address(sdk.wallet.pubkey(), nonce, sdk.program_id))
    hold = store.reserve_quota(key.record.id, "a-replica-that-died")
    assert hold is not None
    assert store.begin_request(
        address,
        key.record.id,
        json.dumps({"max_fee_lamports": 3_000_000}),
        None,
        0,
        owner="a-replica-that-died",
        hold=hold,
    )
    if landed:
        await sdk.submit_request(
            uri="https://example.org/a.png",
            content_hash="ab" * 32,
            modalities=[2],
            min_workers=1,
            nonce=nonce,
        )
    # When the gateway starts
    async with running(settings, sdk) as api:
        response = await api.get(f"/v1/requests/{address}", headers=key.headers)
    # Then a transaction that landed is followed as Open, and one that did not is forgotten with its quota back
    if landed:
        assert response.status_code == 200 and response.json()["status"] == "Open"
        assert response.json()["storageUri"] == "https://example.org/a.png"
        assert store.get_key(key.record.id).used == 1  # type: ignore[union-attr]
    else:
        assert response.status_code == 404, response.text
        assert store.get_key(key.record.id).used == 0  # type: ignore[union-attr]
