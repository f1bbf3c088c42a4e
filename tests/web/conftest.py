"""A web app over a temporary store holding two years of sample results, and signed-in clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_fixtures import PASSWORD, SignIn, csrf, seed

from maturity.store.store import open_store
from maturity.web.app import create_app


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded store file, made once; each test copies it."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    with open_store(str(path), create=True) as store:
        seed(store)
    return path


@pytest.fixture
def store_path(seeded_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "maturity.db"
    path.write_bytes(seeded_db.read_bytes())
    return path


@pytest.fixture
def app(store_path: Path) -> Iterator[Starlette]:
    store = open_store(str(store_path))
    yield create_app(store, "test secret key")
    store.close()


@pytest.fixture
def sign_in(app: Starlette) -> SignIn:
    """A client signed in as the user given (`None`: a client nobody signed in on)."""

    def make(email: str | None, base_url: str = "http://testserver") -> TestClient:
        client = TestClient(app, follow_redirects=False, base_url=base_url)
        if email is None:
            return client
        page = client.get("/sign-in")
        reply = client.post(
            "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf(page.text)}
        )
        assert reply.status_code == 303, reply.text
        return client

    return make
