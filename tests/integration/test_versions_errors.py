"""The server's version report, and how real error answers (404, 401) reach the caller."""

from __future__ import annotations

from typing import AsyncIterator

import pytest

from label_studio_sdk import ApiError, AsyncLabelStudio, LabelStudio, NotFoundError, UnauthorizedError

from .conftest import URL, Flavour

MISSING = 987654321


async def test_version_reports_the_community_release(ls: Flavour) -> None:
    version = await ls.versions.get()
    assert version.release == "1.23.2"
    assert version.edition == "Community"
    # Hyphenated wire names land on their Python aliases.
    assert version.label_studio_os_package is not None
    assert version.label_studio_os_package["version"] == "1.23.2"
    assert version.label_studio_os_backend is not None and "commit" in version.label_studio_os_backend


async def test_missing_project_is_a_typed_404_with_the_servers_detail(ls: Flavour) -> None:
    with pytest.raises(NotFoundError) as info:
        await ls.projects.get(MISSING)
    error = info.value
    assert isinstance(error, ApiError)
    assert error.status_code == 404
    assert error.detail == "No Project matches the given query."
    assert "No Project matches the given query." in str(error)
    assert (error.method, error.path) == ("GET", f"/api/projects/{MISSING}/")
    assert str(error).startswith(f"GET {str(URL).rstrip('/')}/api/projects/{MISSING}/ failed with status 404")
    assert isinstance(error.body, dict) and error.body["status_code"] == 404


async def test_missing_task_is_a_typed_404_with_the_servers_detail(ls: Flavour) -> None:
    with pytest.raises(NotFoundError) as info:
        await ls.tasks.get(str(MISSING))
    assert info.value.status_code == 404
    assert info.value.detail == "No Task matches the given query."
    assert "No Task matches the given query." in str(info.value)
    assert f"api/tasks/{MISSING}/" in str(info.value)


@pytest.fixture
async def bad_key(ls: Flavour, unique: str) -> str:
    return f"not-a-real-key-{unique}"


@pytest.fixture
async def wrong_client(ls: Flavour, bad_key: str) -> AsyncIterator[Flavour]:
    """A client of the same flavour as `ls`, holding a key the server does not know; no retries."""
    assert URL
    if ls.is_async:
        async with AsyncLabelStudio(base_url=URL, api_key=bad_key, max_retries=0) as aclient:
            yield Flavour(aclient, is_async=True)
    else:
        with LabelStudio(base_url=URL, api_key=bad_key, max_retries=0) as client:
            yield Flavour(client, is_async=False)


async def test_wrong_key_is_a_typed_401_that_does_not_leak_the_key(
    wrong_client: Flavour, bad_key: str
) -> None:
    with pytest.raises(UnauthorizedError) as info:
        await wrong_client.users.whoami()
    error = info.value
    assert error.status_code == 401
    assert error.detail == "Invalid token."
    assert "Invalid token." in str(error)
    assert bad_key not in str(error)
    assert bad_key not in repr(error)
    assert bad_key not in repr(error.args)
    assert bad_key not in str(error.headers) and bad_key not in str(error.body)


async def test_wrong_key_fails_a_listing_too(wrong_client: Flavour, bad_key: str) -> None:
    with pytest.raises(UnauthorizedError) as info:
        await wrong_client.projects.list()
    assert info.value.status_code == 401
    assert bad_key not in str(info.value) and bad_key not in repr(info.value)
