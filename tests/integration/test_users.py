"""users on a real server: the caller, the organization's users, and a user we create and remove.

users.reset_token is left out on purpose: resetting the admin's token would break every other test
running against the same server, and there is no other user whose key these tests hold.
"""

from __future__ import annotations

import pytest

from label_studio_sdk import NotFoundError

from .conftest import API_KEY, Flavour


async def test_whoami_is_the_admin(ls: Flavour) -> None:
    me = await ls.users.whoami()
    assert me.email == "admin@example.com"
    assert isinstance(me.id, int) and me.id > 0
    assert me.active_organization is not None
    # whoami is the one user endpoint that lists permissions.
    assert me.permissions and all(isinstance(p, str) for p in me.permissions)


async def test_list_and_get_contain_the_admin(ls: Flavour) -> None:
    me = await ls.users.whoami()
    users = await ls.users.list()
    by_id = {u.id: u for u in users}
    assert me.id in by_id
    assert by_id[me.id].email == "admin@example.com"
    fetched = await ls.users.get(me.id)
    assert (fetched.id, fetched.email) == (me.id, "admin@example.com")


async def test_create_update_and_delete_a_user(ls: Flavour, unique: str) -> None:
    email = f"it-{unique}@example.com"
    created = await ls.users.create(username=f"it-{unique}", email=email, last_name="Tester")
    try:
        assert (created.username, created.email, created.last_name) == (f"it-{unique}", email, "Tester")
        assert created.id in {u.id for u in await ls.users.list()}

        updated = await ls.users.update(created.id, first_name=f"First-{unique}")
        assert (updated.id, updated.first_name) == (created.id, f"First-{unique}")
        fetched = await ls.users.get(created.id)
        assert fetched.first_name == f"First-{unique}"
        assert (fetched.username, fetched.email, fetched.last_name) == (f"it-{unique}", email, "Tester")
    finally:
        # The open-source 1.23.2 server allows deleting a user (204).
        await ls.users.delete(created.id)
    with pytest.raises(NotFoundError) as info:
        await ls.users.get(created.id)
    assert info.value.status_code == 404
    assert created.id not in {u.id for u in await ls.users.list()}


async def test_get_token_returns_the_key_in_use(ls: Flavour) -> None:
    token = await ls.users.get_token()
    assert token.token == API_KEY
