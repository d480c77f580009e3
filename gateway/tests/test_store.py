"""The store, on SQLite and PostgreSQL alike: keys (hashed, peppered), quotas, rates, request outcomes with their
webhooks."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from dfpn_gateway import store as st
from dfpn_gateway.config import Settings

from helpers import open_store


@pytest.fixture
def db(store: st.Store) -> st.Store:
    return store


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10/min", st.Rate(10, 60)),
        ("5/sec", st.Rate(5, 1)),
        ("5/s", st.Rate(5, 1)),
        ("1000/day", st.Rate(1000, 86400)),
        ("100 / hour", st.Rate(100, 3600)),
        ("30/5min", st.Rate(30, 300)),
        ("2/minutes", st.Rate(2, 60)),
    ],
)
def test_parse_rate(text: str, rate: st.Rate) -> None:
    assert st.parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "10", "ten/min", "10/fortnight", "0/min", "-1/min", "10/0min"])
def test_parse_rate_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="rate"):
        st.parse_rate(text)


def test_rate_str() -> None:
    assert [str(st.Rate(10, 60)), str(st.Rate(1, 86400)), str(st.Rate(3, 5))] == ["10/min", "1/day", "3/5s"]


def test_keys(db: st.Store) -> None:
    record, key = db.create_key("acme", quota=5, rate=st.Rate(10, 60))
    assert key.startswith(f"dfpn_{record.id}_") and st.key_id_of(key) == record.id
    assert record.webhook_secret.startswith("whsec_") and record.quota == 5 and not record.revoked
    assert db.verify_key(key) == record
    assert db.verify_key(key + "x") is None and db.verify_key("dfpn_" + record.id) is None
    # The stored hash is HMAC-SHA256 with the pepper, not the key or its plain SHA-256
    with db.read() as conn:
        row = conn.exec_driver_sql("SELECT key_hash FROM api_keys").one()
    assert row[0] == db.hash_key(key) and len(row[0]) == 64
    import hashlib

    assert row[0] != hashlib.sha256(key.encode()).hexdigest()
    assert [k.id for k in db.list_keys()] == [record.id]
    assert db.revoke_key(record.id) and not db.revoke_key(record.id)
    revoked = db.verify_key(key)
    assert revoked is not None and revoked.revoked


def test_quota_reservations(db: st.Store) -> None:
    record, _ = db.create_key("q", quota=2, rate=st.Rate(10, 60))
    first, second = db.reserve_quota(record.id, "r1"), db.reserve_quota(record.id, "r1")
    assert first and second and db.holds(record.id) == 2
    assert db.reserve_quota(record.id, "r1") is None
    assert db.release_hold(first) and not db.release_hold(first)  # given back once
    third = db.reserve_quota(record.id, "r1")
    assert third is not None
    # A hold becomes the request's record: giving it back afterwards changes nothing
    assert db.begin_request("R", record.id, "{}", None, 0, owner="r1", hold=third)
    assert not db.release_hold(third) and db.get_key(record.id).used == 2  # type: ignore[union-attr]
    # and a dropped submission gives its quota back
    assert db.drop_request("R") and db.get_key(record.id).used == 1  # type: ignore[union-attr]
    unlimited, _ = db.create_key("u", quota=None, rate=st.Rate(10, 60))
    assert all(db.reserve_quota(unlimited.id, "r1") for _ in range(50))
    with pytest.raises(ValueError, match="quota"):
        db.create_key("neg", quota=-1, rate=st.Rate(1, 1))


def test_pepper_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "g.db.pepper"
    first = st.load_pepper(path)
    assert len(first) == 32 and st.load_pepper(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_request_outcome_and_webhook_in_one_step(db: st.Store) -> None:
    record, _ = db.create_key("k", quota=None, rate=st.Rate(10, 60))
    assert db.begin_request("R1", record.id, "{}", "https://example.org/h", 100)
    db.confirm_request("R1", json.dumps({"x": 1}), 120, 5000)
    stored = db.get_request("R1")
    assert stored is not None and stored.state == st.OPEN and stored.deadline == 120
    assert [r.id for r in db.open_requests()] == ["R1"]
    assert db.usage(record.id)[0][1:] == (1, 5000)
    assert db.finish_request(
        "R1", st.FINALIZED, result_json='{"verdict":"Authentic"}', webhook_payload='{"a":1}'
    )
    # A second outcome for the same request changes nothing
    assert not db.finish_request("R1", st.EXPIRED, webhook_payload='{"b":2}')
    delivery = db.get_delivery("R1")
    assert delivery is not None and delivery.payload == '{"a":1}' and delivery.state == st.PENDING
    assert db.counts() == {"openRequests": 0, "pendingWebhooks": 1}
    claimed = db.claim_deliveries("r1", lease_seconds=30, now=delivery.next_at)
    assert [d.request_id for d in claimed] == ["R1"] and claimed[0].claimed_by == "r1"
    db.mark_failed_attempt("R1", status=500, error="HTTP 500", next_at=delivery.next_at + 10, owner="r1")
    assert db.claim_deliveries("r1", lease_seconds=30, now=delivery.next_at) == []
    assert db.next_delivery_at(now=delivery.next_at) == delivery.next_at + 10
    db.mark_delivered("R1", 204)
    done = db.get_delivery("R1")
    assert done is not None and (done.state, done.attempts, done.last_status) == (st.DELIVERED, 2, 204)
    # A delivered webhook is never attempted again
    db.mark_failed_attempt("R1", status=500, error="late", next_at=None)
    assert db.get_delivery("R1").state == st.DELIVERED  # type: ignore[union-attr]
    # A request without a webhook URL gets no delivery; a dropped submission is gone
    db.begin_request("R2", record.id, "{}", None, 100)
    db.confirm_request("R2", "{}", 100, 1)
    assert db.finish_request("R2", st.EXPIRED, error=("NO_WORKERS_AVAILABLE", "none"), webhook_payload="{}")
    assert db.get_delivery("R2") is None
    db.begin_request("R3", record.id, "{}", None, 100)
    assert [r.id for r in db.submitting_requests()] == ["R3"]
    db.drop_request("R3")
    assert db.get_request("R3") is None


def test_two_connections_share_state(settings: Settings) -> None:
    a, b = open_store(settings, b"p"), open_store(settings, b"p")
    record, key = a.create_key("shared", quota=1, rate=st.Rate(1, 1))
    assert b.verify_key(key) is not None
    assert b.reserve_quota(record.id, "b") and not a.reserve_quota(record.id, "a")
    a.close()
    b.close()
