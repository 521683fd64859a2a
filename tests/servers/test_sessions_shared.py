"""Two uvicorn processes behind one redis-server share sessions: logged in on one, known on the
other; rotated, revoked everywhere and expired for both."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
import requests
from server_helpers import Served, uvicorn_processes

MAX_AGE = 120


@pytest.fixture(scope="module")
def servers(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Served]]:
    env = {"SESSIONS_REDIS_URL": redis_url, "SESSIONS_MAX_AGE": str(MAX_AGE)}
    log_dir = tmp_path_factory.mktemp("sessions")
    with uvicorn_processes("sessions_app:app", ("a", "b"), log_dir, env) as started:
        yield started


@pytest.fixture
def store(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield client
    client.close()


def login(browser: requests.Session, served: Served, user: str) -> dict[str, object]:
    answer: dict[str, object] = browser.get(f"{served.base}/login?user={user}", timeout=10).json()
    return answer


def test_a_session_made_on_one_process_is_read_and_changed_on_the_other(
    servers: list[Served], store: redis.Redis
) -> None:
    a, b = servers
    browser = requests.Session()
    planted = browser.get(f"{a.base}/add?item=pen", timeout=10).json()
    logged_in = login(browser, b, "ada")  # on the other process, which rotates the id
    assert logged_in["id"] != planted["id"]
    assert logged_in["data"] == {"items": ["pen"], "user_id": "ada"}
    assert store.exists(f"session:{planted['id']}") == 0
    on_a = browser.get(f"{a.base}/add?item=ink", timeout=10).json()
    assert (on_a["id"], on_a["data"]) == (
        logged_in["id"],
        {"items": ["pen", "ink"], "user_id": "ada"},
    )
    assert on_a["pid"] != logged_in["pid"]
    assert browser.get(f"{b.base}/me", timeout=10).json()["data"]["items"] == ["pen", "ink"]
    # The cookie carries the id only; Redis holds the data, expiring MAX_AGE after the last write.
    cookie = browser.cookies["session"]
    assert "pen" not in cookie
    assert cookie.startswith(f"{logged_in['id']}.")
    assert MAX_AGE - 5 <= store.ttl(f"session:{logged_in['id']}") <= MAX_AGE


def test_rotation_on_one_process_kills_the_old_id_on_both(
    servers: list[Served], store: redis.Redis
) -> None:
    a, b = servers
    browser = requests.Session()
    before = login(browser, a, "ada")
    old_cookie = browser.cookies["session"]
    after = browser.get(f"{b.base}/rotate", timeout=10).json()
    assert after["id"] != before["id"]
    assert after["data"] == {"user_id": "ada"}
    assert browser.get(f"{a.base}/me", timeout=10).json()["id"] == after["id"]
    for served in servers:
        replay = requests.get(f"{served.base}/me", cookies={"session": old_cookie}, timeout=10)
        assert replay.json()["data"] == {}
        assert "expires=Thu, 01 Jan 1970" in replay.headers["set-cookie"]


def test_log_out_everywhere(servers: list[Served], store: redis.Redis) -> None:
    a, b = servers
    laptop, phone, other = requests.Session(), requests.Session(), requests.Session()
    login(laptop, a, "ada")
    login(phone, b, "ada")
    login(other, b, "bob")
    revoked = phone.post(f"{b.base}/logout-everywhere", timeout=10).json()["revoked"]
    assert revoked == 2
    for browser, served in ((laptop, a), (laptop, b), (phone, a)):
        assert browser.get(f"{served.base}/me", timeout=10).json()["data"] == {}
    assert other.get(f"{a.base}/me", timeout=10).json()["data"] == {"user_id": "bob"}


def test_expiry_by_the_redis_servers_clock(servers: list[Served], store: redis.Redis) -> None:
    a, b = servers
    browser = requests.Session()
    session_id = login(browser, a, "ada")["id"]
    store.pexpire(f"session:{session_id}", 50)  # as if MAX_AGE had passed since the last write
    time.sleep(0.2)
    cookie = browser.cookies["session"]
    for served in servers:
        answer = requests.get(f"{served.base}/me", cookies={"session": cookie}, timeout=10)
        assert answer.json()["data"] == {}
    fresh = browser.get(f"{b.base}/add?item=pen", timeout=10).json()
    assert fresh["id"] != session_id  # a write after expiry makes a new id, never the old one
