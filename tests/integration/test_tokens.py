"""Personal access tokens on a real server: settings, issue/list/refresh/revoke, and a client that uses one.

Label Studio 1.23.2 lets a user hold one live personal access token (PAT) at a time (a second
``POST /api/token/`` answers 409), and the admin account is shared with other test runs. So every test
that issues a PAT does it as a fresh member of the organization (the ``member`` fixture), revokes it,
and deletes that member afterwards; the admin's legacy token is never touched.

The server's access tokens live 5 minutes (simple-jwt's default; ``jwt_settings`` has no switch for
it), too long to wait for. Renewal is shown by moving the client's clock to the server-issued ``exp``
claim, and the 401 path by presenting a tampered access token that the server really rejects.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Dict, Iterator, List, NamedTuple, Optional

import httpx
import pytest

from label_studio_sdk import AsyncLabelStudio, LabelStudio
from label_studio_sdk.core.auth import PersonalAccessTokenAuth, jwt_claims
from label_studio_sdk.core.errors import ConflictError, NotFoundError, UnauthorizedError

from .conftest import TEXT_CONFIG, URL, Flavour

REFRESH_PATH = "/api/token/refresh/"
WHOAMI_PATH = "/api/current-user/whoami"
# The server default (200 years). 1.23.2 ignores the field, but the SDK method requires it.
DEFAULT_TTL_DAYS = 200 * 365


# ------------------------------------------------------------------------------------------ helpers


class Call(NamedTuple):
    method: str
    path: str
    auth: str  # the Authorization header sent ("" when none)
    status: int


@dataclass
class Wire:
    """Every request a client sent and the status it got back, as httpx saw them."""

    calls: List[Call] = field(default_factory=list)

    def record(self, response: httpx.Response) -> None:
        request = response.request
        self.calls.append(
            Call(
                request.method,
                request.url.path,
                request.headers.get("Authorization", ""),
                response.status_code,
            )
        )

    async def arecord(self, response: httpx.Response) -> None:
        self.record(response)

    def since(self, start: int) -> List[Call]:
        return self.calls[start:]


@dataclass
class Session:
    """A client in the flavour under test: ``api`` to call, ``raw`` to reach its auth, ``wire`` to inspect."""

    api: Flavour
    raw: Any
    wire: Wire

    @property
    def auth(self) -> Any:
        return self.raw._client.auth


@contextlib.asynccontextmanager
async def open_session(is_async: bool, api_key: str) -> AsyncIterator[Session]:
    """A LabelStudio or AsyncLabelStudio for ``api_key`` whose requests are recorded on a Wire."""
    assert URL
    wire = Wire()
    if is_async:
        ahttp = httpx.AsyncClient(event_hooks={"response": [wire.arecord]})
        async with ahttp, AsyncLabelStudio(base_url=URL, api_key=api_key, httpx_client=ahttp) as aclient:
            yield Session(Flavour(aclient, is_async=True), aclient, wire)
    else:
        http = httpx.Client(event_hooks={"response": [wire.record]})
        with http, LabelStudio(base_url=URL, api_key=api_key, httpx_client=http) as client:
            yield Session(Flavour(client, is_async=False), client, wire)


@contextlib.asynccontextmanager
async def pats_enabled(admin: Flavour) -> AsyncIterator[Any]:
    """Personal access tokens on and legacy tokens kept on (everyone else's keys depend on them);
    the organization's original settings are put back afterwards, whatever happens."""
    original = await admin.jwt_settings.get()
    ttl = original.api_token_ttl_days or DEFAULT_TTL_DAYS
    try:
        yield await admin.jwt_settings.create(
            api_tokens_enabled=True, legacy_api_tokens_enabled=True, api_token_ttl_days=ttl
        )
    finally:
        await admin.jwt_settings.create(
            api_tokens_enabled=original.api_tokens_enabled,
            legacy_api_tokens_enabled=original.legacy_api_tokens_enabled,
            api_token_ttl_days=ttl,
        )


class FakeClock:
    """Time as PersonalAccessTokenAuth sees it; tests move it instead of sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def bearer_claims(header: str) -> Dict[str, Any]:
    assert header.startswith("Bearer "), header
    claims = jwt_claims(header[len("Bearer ") :])
    assert claims is not None
    return claims


def tamper(token: str) -> str:
    """The same header and claims under a signature the server cannot verify."""
    head, payload, signature = token.split(".")
    return ".".join([head, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])


# ----------------------------------------------------------------------------------------- fixtures


@dataclass
class Member:
    id: int
    email: str
    legacy_token: str


def sign_up(web: httpx.Client, email: str) -> int:
    """Register a user through the web sign-up form (logging ``web`` in as them); their user ID.

    The REST API can create users but cannot log in as them or hand out their key, so this one step
    goes through the HTML form, with Django's CSRF cookie; everything after it uses the SDK.
    """
    web.get("/user/signup/").raise_for_status()
    answer = web.post(
        "/user/signup/",
        data={
            "email": email,
            "password": f"pat-{uuid.uuid4().hex}",
            "csrfmiddlewaretoken": web.cookies["csrftoken"],
        },
        headers={"Referer": f"{URL}/user/signup/"},
        follow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    user_id: int = web.get(WHOAMI_PATH).raise_for_status().json()["id"]
    return user_id


def issue_legacy_token(web: httpx.Client) -> str:
    """A legacy token for the user logged in on ``web``.

    Reset rather than read: 1.23.2 creates a new user's token in a post_save signal, and deleting a
    project disconnects every signal while it runs, so with other tests deleting projects at the
    same time a fresh account sometimes has no token (GET /api/current-user/token answers 500).
    """
    answer = web.post(
        "/api/current-user/reset-token/",
        headers={"X-CSRFToken": web.cookies["csrftoken"], "Referer": f"{URL}/"},
    )
    token: str = answer.raise_for_status().json()["token"]
    return token


@pytest.fixture
def member(sync_client: LabelStudio, unique: str) -> Iterator[Member]:
    """A fresh member of the admin's organization, with a legacy token; deleted afterwards."""
    assert URL
    email = f"pat-{unique}@example.com"
    with httpx.Client(base_url=URL) as web:
        user_id = sign_up(web, email)
        try:
            yield Member(id=user_id, email=email, legacy_token=issue_legacy_token(web))
        finally:
            sync_client.users.delete(user_id)


# -------------------------------------------------------------------------------------------- tests


async def test_jwt_settings_enable_pats_and_keep_legacy_tokens(ls: Flavour) -> None:
    original = await ls.jwt_settings.get()
    assert isinstance(original.api_tokens_enabled, bool)
    assert original.legacy_api_tokens_enabled is True  # this very call used a legacy token
    async with pats_enabled(ls) as answered:
        assert (answered.api_tokens_enabled, answered.legacy_api_tokens_enabled) == (True, True)
        stored = await ls.jwt_settings.get()
        assert (stored.api_tokens_enabled, stored.legacy_api_tokens_enabled) == (True, True)
        # The admin's legacy token still works with the new settings.
        assert (await ls.users.whoami()).email == "admin@example.com"
    restored = await ls.jwt_settings.get()
    assert (restored.api_tokens_enabled, restored.legacy_api_tokens_enabled) == (
        original.api_tokens_enabled,
        original.legacy_api_tokens_enabled,
    )


async def test_personal_access_token_create_list_refresh_revoke(ls: Flavour, member: Member) -> None:
    async with pats_enabled(ls), open_session(ls.is_async, member.legacy_token) as me:
        created = await me.api.tokens.create()
        claims = jwt_claims(created.token)
        assert claims is not None
        assert (claims["token_type"], claims["user_id"]) == ("refresh", str(member.id))

        # One live token per user.
        with pytest.raises(ConflictError) as conflict:
            await me.api.tokens.create()
        assert conflict.value.status_code == 409

        # The listing shows the token without its signature part.
        listed = await me.api.tokens.get()
        assert [t.token for t in listed] == [created.token.rsplit(".", 1)[0]]

        access = (await me.api.tokens.refresh(refresh=created.token)).access
        access_claims = jwt_claims(access)
        assert access_claims is not None
        assert (access_claims["token_type"], access_claims["user_id"]) == ("access", str(member.id))
        assert access_claims["exp"] > time.time()

        # An access token is itself a usable key: the client sends it as a Bearer token.
        async with open_session(ls.is_async, access) as bearer:
            assert (await bearer.api.users.whoami()).id == member.id
            assert bearer.wire.calls == [Call("GET", WHOAMI_PATH, f"Bearer {access}", 200)]

        await me.api.tokens.blacklist(refresh=created.token)
        with pytest.raises(UnauthorizedError) as revoked:
            await me.api.tokens.refresh(refresh=created.token)
        assert revoked.value.status_code == 401
        assert revoked.value.detail == "Token is blacklisted"
        with pytest.raises(NotFoundError):  # already revoked
            await me.api.tokens.blacklist(refresh=created.token)
        assert await me.api.tokens.get() == []


@contextlib.asynccontextmanager
async def pat_session(
    ls: Flavour, member: Member, clock: Optional[FakeClock] = None
) -> AsyncIterator[Session]:
    """PATs enabled, a PAT issued to ``member``, and a client built from it; the PAT is revoked after."""
    async with pats_enabled(ls), open_session(ls.is_async, member.legacy_token) as me:
        pat = (await me.api.tokens.create()).token
        try:
            async with open_session(ls.is_async, pat) as session:
                assert isinstance(session.auth, PersonalAccessTokenAuth)
                if clock is not None:
                    session.raw._client.auth = PersonalAccessTokenAuth(pat, clock=clock)
                yield session
        finally:
            with contextlib.suppress(NotFoundError):  # a test may have revoked it already
                await me.api.tokens.blacklist(refresh=pat)


async def test_client_built_from_a_personal_access_token(ls: Flavour, member: Member, unique: str) -> None:
    async with pat_session(ls, member) as session:
        assert session.auth.refresh_count == 0  # nothing is exchanged before the first call
        me = await session.api.users.whoami()
        assert (me.id, me.email) == (member.id, member.email)
        project = await session.api.projects.create(title=f"pat-{unique}", label_config=TEXT_CONFIG)
        try:
            listed = [p.id async for p in await session.api.projects.list(title=f"pat-{unique}")]
            assert listed == [project.id]
        finally:
            await session.api.projects.delete(project.id)
        assert session.auth.refresh_count == 1  # one exchange served all four calls

        exchange, *api_calls = session.wire.calls
        assert exchange == Call("POST", REFRESH_PATH, "", 200)  # the PAT goes in the body, not a header
        bearer = api_calls[0].auth
        claims = bearer_claims(bearer)
        assert (claims["token_type"], claims["user_id"]) == ("access", str(member.id))
        assert all(c.auth == bearer and c.status < 300 for c in api_calls), api_calls


async def test_access_token_is_renewed_before_the_servers_expiry(ls: Flavour, member: Member) -> None:
    clock = FakeClock()
    async with pat_session(ls, member, clock) as session:
        auth = session.auth
        await session.api.users.whoami()
        first = session.wire.calls[-1].auth
        expires = bearer_claims(first)["exp"]  # set by the server: 5 minutes after issue

        clock.now = expires - 60  # still comfortably valid: the cached token is reused
        await session.api.users.whoami()
        assert auth.refresh_count == 1 and session.wire.calls[-1].auth == first

        clock.now = expires - 5  # inside the renewal margin: exchanged again before sending
        start = len(session.wire.calls)
        me = await session.api.users.whoami()
        assert me.id == member.id
        assert auth.refresh_count == 2
        renewed = session.wire.since(start)
        assert [(c.method, c.path, c.status) for c in renewed] == [
            ("POST", REFRESH_PATH, 200),
            ("GET", WHOAMI_PATH, 200),
        ]
        second = renewed[-1].auth
        assert second != first
        assert bearer_claims(second)["jti"] != bearer_claims(first)["jti"]


async def test_a_rejected_access_token_is_renewed_once_and_the_call_succeeds(
    ls: Flavour, member: Member
) -> None:
    async with pat_session(ls, member) as session:
        auth = session.auth
        await session.api.users.whoami()
        assert auth.refresh_count == 1
        forged = tamper(auth._access)
        auth._access = forged  # still "fresh" for the client, rejected by the server

        start = len(session.wire.calls)
        me = await session.api.users.whoami()
        assert me.id == member.id
        assert auth.refresh_count == 2
        calls = session.wire.since(start)
        assert [(c.method, c.path, c.status) for c in calls] == [
            ("GET", WHOAMI_PATH, 401),
            ("POST", REFRESH_PATH, 200),
            ("GET", WHOAMI_PATH, 200),
        ]
        assert calls[0].auth == f"Bearer {forged}"
        assert calls[2].auth not in ("", calls[0].auth)


async def test_a_revoked_personal_access_token_fails_with_a_typed_error(ls: Flavour, member: Member) -> None:
    clock = FakeClock()
    async with pat_session(ls, member, clock) as session:
        auth = session.auth
        await session.api.users.whoami()
        pat = auth._refresh_token
        async with open_session(ls.is_async, member.legacy_token) as me:
            await me.api.tokens.blacklist(refresh=pat)

        # Access tokens are not revocable: the one already issued works until it expires.
        assert (await session.api.users.whoami()).id == member.id
        expires = bearer_claims(session.wire.calls[-1].auth)["exp"]

        clock.now = expires + 1
        with pytest.raises(UnauthorizedError) as info:
            await session.api.users.whoami()
        assert info.value.status_code == 401
        assert info.value.detail == "Token is blacklisted"
        assert (info.value.method, info.value.path) == ("POST", REFRESH_PATH)
        assert auth.refresh_count == 1
        assert session.wire.calls[-1] == Call("POST", REFRESH_PATH, "", 401)
