"""Organiser login hardened: failed logins are throttled per account and per address (429 with
Retry-After), unknown addresses cost the same hash, logging out ends the login on the server,
and a new password ends the other logins."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_cli_plan import parcours
from tests.web.test_organiser import PASSWORD, make_organiser

EMAIL = "orga@example.org"


def attempt(client: Any, email: str = EMAIL, password: str = "falsch-falsch") -> Any:
    return client.post("/organiser/login", data={"email": email, "password": password})


def from_address(app: Any, address: str) -> Any:
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_repeated_failures_lock_the_account_for_a_few_minutes(app: Any) -> None:
    make_organiser(app, EMAIL)
    make_organiser(app, "zweite@example.org")
    client = from_address(app, "198.51.100.7")
    assert [attempt(client).status_code for _ in range(5)] == [401] * 5
    locked = attempt(client, password=PASSWORD)  # even the right password waits now
    assert locked.status_code == 429
    wait = int(locked.headers["Retry-After"])
    assert 0 < wait <= 300
    assert "Too many failed logins" in locked.get_data(as_text=True)
    elsewhere = from_address(app, "203.0.113.9")  # the lock is on the account, from anywhere
    assert attempt(elsewhere, EMAIL.upper(), PASSWORD).status_code == 429
    assert attempt(client, "zweite@example.org", PASSWORD).status_code == 302  # others log in


def test_one_address_guessing_many_accounts_is_throttled(app: Any) -> None:
    make_organiser(app, EMAIL)
    script = from_address(app, "198.51.100.66")
    answers = [attempt(script, f"guess{i}@example.org").status_code for i in range(30)]
    assert answers == [401] * 30
    blocked = attempt(script, EMAIL, PASSWORD)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert attempt(from_address(app, "198.51.100.67"), EMAIL, PASSWORD).status_code == 302


def test_a_right_password_clears_the_account_count(app: Any) -> None:
    make_organiser(app, EMAIL)
    client = from_address(app, "198.51.100.8")
    for _ in range(4):
        assert attempt(client).status_code == 401
    assert attempt(client, password=PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(client).status_code == 401  # counting starts again


def test_unknown_and_known_addresses_both_run_the_password_hash(
    app: Any, client: Any, monkeypatch: Any
) -> None:
    from parcours.services import accounts

    make_organiser(app, EMAIL)
    hashes: list[str] = []
    real = accounts.check_password_hash

    def spy(stored: str, password: str) -> bool:
        hashes.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    assert attempt(client, "nobody@example.org").status_code == 401
    assert attempt(client, EMAIL).status_code == 401
    assert len(hashes) == 2  # one scrypt run each: the answer gives no hint which exists
    method = [h.split("$", 1)[0] for h in hashes]
    assert method[0] == method[1] and method[0].startswith("scrypt:")


def login(client: Any, email: str = EMAIL, password: str = PASSWORD) -> None:
    assert attempt(client, email, password).status_code == 302


def saved_cookie(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def with_cookie(app: Any, value: str) -> Any:
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_saved_before_logout_is_refused_afterwards(app: Any, client: Any) -> None:
    make_organiser(app, EMAIL)
    login(client)
    value = saved_cookie(client)
    assert with_cookie(app, value).get("/organiser/").status_code == 200  # a copy works...
    assert client.post("/organiser/logout").status_code == 302
    assert client.get("/organiser/").status_code == 302
    replay = with_cookie(app, value).get("/organiser/")  # ...until the login ended
    assert replay.status_code == 302 and "/organiser/login" in replay.location


def test_a_new_password_ends_the_other_logins(app: Any, client: Any) -> None:
    make_organiser(app, EMAIL)
    login(client)
    laptop = app.test_client()
    login(laptop)
    wrong = client.post(
        "/organiser/account", data={"current_password": "nicht-es", "new_password": "neu-und-lang"}
    )
    assert wrong.status_code == 400
    assert laptop.get("/organiser/").status_code == 200
    done = client.post(
        "/organiser/account", data={"current_password": PASSWORD, "new_password": "neu-und-lang"}
    )
    assert done.status_code == 302
    assert client.get("/organiser/").status_code == 200  # this browser stays logged in
    assert laptop.get("/organiser/").status_code == 302  # the other login ended
    assert attempt(app.test_client(), EMAIL, PASSWORD).status_code == 401
    login(app.test_client(), EMAIL, "neu-und-lang")


@pytest.mark.server
def test_a_password_set_on_the_command_line_ends_every_login(
    app: Any, client: Any, database_url: str
) -> None:
    make_organiser(app, EMAIL)
    login(client)
    done = parcours(
        "organiser", "password", EMAIL, "--password", "vom-server-gesetzt",
        database_url=database_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 login(s) ended" in done.stdout
    assert client.get("/organiser/").status_code == 302
    login(app.test_client(), EMAIL, "vom-server-gesetzt")
