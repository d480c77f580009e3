"""Slow and greedy clients against `dfpn-gateway serve` as a real process (issue #16): connections that send
nothing, half a request head, or stall mid-upload are closed within the server's timeouts (the stalled uploads'
temporary files removed at once); one address cannot hold more than its share of connections; and meanwhile a
well-behaved client from another address (127.0.0.2) gets /v1/health quickly and can submit."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import httpx

from dfpn_gateway.config import Settings
from hostile import Served, gateway_env, gateway_process, kill, start_gateway, stop_gateway

from helpers import PNG, make_settings, new_key, open_store

HEAD_TIMEOUT = 1.0
CHUNK_TIMEOUT = 1.5
PER_CLIENT = 12
BOUNDARY = "xyzzy"


def connect(served: Served, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=5, source_address=(source, 0))
    sock.settimeout(0.05)
    return sock


def closed_by_server(sock: socket.socket) -> tuple[bool, bytes]:
    """Whether the server has closed `sock` (EOF), and what it sent before."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        return False, data
    except ConnectionResetError:
        return True, data
    return True, data


def wait_closed(socks: list[socket.socket], within: float) -> tuple[float, list[bytes]]:
    """Seconds until the server closed every one of `socks` (the test fails after `within`), and what each got."""
    started = time.monotonic()
    answers: dict[int, bytes] = {}
    while len(answers) < len(socks):
        for i, sock in enumerate(socks):
            if i not in answers:
                done, data = closed_by_server(sock)
                if done:
                    answers[i] = data
        assert time.monotonic() - started < within, f"{len(socks) - len(answers)} connections still open"
    return time.monotonic() - started, [answers[i] for i in range(len(socks))]


def stalled_upload(served: Served, key: str) -> socket.socket:
    """Headers of a 5 MB multipart upload, its first part and 1 KB of a PNG, then nothing."""
    sock = connect(served)
    part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="modalities"\r\n\r\nFaceManipulation\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + PNG[:1024]
    head = (
        f"POST /v1/requests HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: 5000000\r\n\r\n"
    ).encode()
    sock.sendall(head + part)
    return sock


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_slow_and_greedy_clients_are_cut_off_and_others_still_served(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    env = gateway_env(
        tmp_path,
        header_timeout=str(HEAD_TIMEOUT),
        body_chunk_timeout=str(CHUNK_TIMEOUT),
        keep_alive_timeout="1",
        max_connections_per_client=str(PER_CLIENT),
        upload_tmp_dir=str(uploads),
    )
    settings: Settings = make_settings(tmp_path)
    store = open_store(settings)
    key = new_key(store).key
    store.close()
    with gateway_process(tmp_path, env) as served:
        pid = served.process.pid
        baseline_fds = open_fds(pid)
        # Given one address holding its whole share: silent connections, half request heads, stalled uploads
        silent = [connect(served) for _ in range(4)]
        half = [connect(served) for _ in range(4)]
        for sock in half:
            sock.sendall(b"POST /v1/requests HTTP/1.1\r\nHost: gateway\r\nContent-Ty")
        stalled = [stalled_upload(served, key) for _ in range(PER_CLIENT - 8)]
        deadline = time.monotonic() + 5
        while len(list(uploads.glob("upload-*"))) < len(stalled):  # positive control: the temp files exist
            assert time.monotonic() < deadline, list(uploads.iterdir())
            time.sleep(0.05)
        opened = time.monotonic()

        # When it opens more, they are refused at once (503, closed)
        extra = [connect(served) for _ in range(3)]
        _, answers = wait_closed(extra, within=2)
        assert all(a.startswith(b"HTTP/1.1 503") for a in answers), answers

        # Then a client from another address is served quickly meanwhile, and can submit
        with httpx.Client(
            base_url=served.base, transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=10
        ) as other:
            started = time.monotonic()
            assert other.get("/v1/health").status_code == 200
            assert time.monotonic() - started < 1.0
            submitted = other.post(
                "/v1/requests",
                headers={"Authorization": f"Bearer {key}"},
                data={"modalities": "FaceManipulation", "min_workers": "1"},
                files={"file": ("photo.png", PNG, "image/png")},
            )
            assert submitted.status_code == 202, submitted.text

        # And the silent and half-sent connections are closed after the head timeout, the stalled uploads after
        # the body chunk timeout (408), their temporary files removed
        wait_closed(silent + half, within=HEAD_TIMEOUT + 3 - (time.monotonic() - opened))
        _, answers = wait_closed(stalled, within=CHUNK_TIMEOUT + 3)
        assert all(a.startswith(b"HTTP/1.1 408") for a in answers), answers
        assert b"REQUEST_TIMEOUT" in answers[0]
        assert list(uploads.glob("upload-*")) == []
        # The address has its share back, and the descriptors are released
        with httpx.Client(base_url=served.base, timeout=5) as again:
            assert again.get("/v1/health").status_code == 200
        assert open_fds(pid) <= baseline_fds + 3, (baseline_fds, open_fds(pid))
        for sock in silent + half + stalled + extra:
            sock.close()


def test_a_trickled_unread_body_does_not_hold_a_connection(tmp_path: Path) -> None:
    # A request the gateway answers without reading its body (no key: 401), whose body then trickles in
    env = gateway_env(
        tmp_path, header_timeout=str(HEAD_TIMEOUT), body_chunk_timeout="30", keep_alive_timeout="30"
    )
    with gateway_process(tmp_path, env) as served:
        sock = connect(served)
        sock.sendall(
            b"POST /v1/requests HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"
        )
        started = time.monotonic()
        closed = False
        answer = b""
        while not closed and time.monotonic() - started < 5:
            closed, data = closed_by_server(sock)
            answer += data
            if not closed:
                sock.sendall(b" ")  # one byte at a time: never the whole body
                time.sleep(0.2)
        assert answer.startswith(b"HTTP/1.1 401"), answer
        assert closed and time.monotonic() - started < 2
        # Positive control: a complete request on a kept-alive connection is answered and the connection stays
        keep = connect(served)
        keep.sendall(b"GET /v1/health HTTP/1.1\r\nHost: gateway\r\n\r\n")
        data, closed, give_up = b"", False, time.monotonic() + 5
        while b"\r\n\r\n" not in data and not closed and time.monotonic() < give_up:
            closed, chunk = closed_by_server(keep)
            data += chunk
        time.sleep(0.5)
        closed, _ = closed_by_server(keep)
        assert data.startswith(b"HTTP/1.1 200") and not closed
        sock.close()
        keep.close()


def test_the_global_cap_holds_whatever_the_addresses(tmp_path: Path) -> None:
    # Connections from several addresses, each under its own cap, fill the global cap: the next one is refused
    env = gateway_env(tmp_path, max_connections="6", max_connections_per_client="4", header_timeout="30")
    with gateway_process(tmp_path, env) as served:
        held = [connect(served, "127.0.0.1") for _ in range(4)] + [
            connect(served, "127.0.0.3") for _ in range(2)
        ]
        time.sleep(0.3)
        assert not any(closed_by_server(s)[0] for s in held)  # positive control: all six are held open
        refused = connect(served, "127.0.0.4")
        _, answers = wait_closed([refused], within=2)
        assert answers[0].startswith(b"HTTP/1.1 503")
        for sock in held:
            sock.close()
        # Once they are gone, the same address is served
        deadline = time.monotonic() + 5
        while True:
            try:
                with httpx.Client(
                    base_url=served.base, transport=httpx.HTTPTransport(local_address="127.0.0.4"), timeout=5
                ) as http:
                    if http.get("/v1/health").status_code == 200:
                        break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.1)
        refused.close()


def test_the_cap_stays_below_the_file_descriptor_limit(tmp_path: Path) -> None:
    # With 300 descriptors, each upload needing a socket and a temporary file: (300 - 128) / 2 = 86 connections
    env = gateway_env(tmp_path, max_connections="1000")
    served = start_gateway(tmp_path, env, max_fds=300)
    try:
        assert "limits: 86 connections (64 per client)" in served.log_text()
    finally:
        kill(served)


def test_sigterm_stops_the_server_during_a_stalled_upload(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    env = gateway_env(tmp_path, body_chunk_timeout="120", shutdown_timeout="2", upload_tmp_dir=str(uploads))
    store = open_store(make_settings(tmp_path))
    key = new_key(store).key
    store.close()
    served = start_gateway(tmp_path, env)
    try:
        sock = stalled_upload(served, key)
        deadline = time.monotonic() + 5
        while not list(uploads.glob("upload-*")):  # positive control: the upload is in progress
            assert time.monotonic() < deadline
            time.sleep(0.05)
        took = stop_gateway(served, timeout=15)
        # Stopped within the shutdown timeout (plus start-up of the stop), the upload's temporary file removed
        assert took < 2 + 4, took
        assert list(uploads.glob("upload-*")) == []
        assert "gateway stopped" in served.log_text()
        sock.close()
    finally:
        kill(served)
