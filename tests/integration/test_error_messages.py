"""Error messages on the real server: one line for an HTML page, hints for a wrong URL, bad arguments
refused before the request (issue 14, items 3 and 6)."""

from __future__ import annotations

from typing import Any, AsyncIterator

import pytest

from label_studio_sdk import AsyncLabelStudio, InvalidArgumentError, LabelStudio, NotFoundError

from .conftest import API_KEY, URL, Flavour

ROOT = str(URL).rstrip("/")


@pytest.fixture(params=["sync", "async"])
async def ls_api(request: pytest.FixtureRequest) -> AsyncIterator[Flavour]:
    """A client whose base_url wrongly ends in /api."""
    if request.param == "sync":
        with LabelStudio(base_url=ROOT + "/api", api_key=API_KEY) as client:
            yield Flavour(client, is_async=False)
    else:
        async with AsyncLabelStudio(base_url=ROOT + "/api/", api_key=API_KEY) as aclient:
            yield Flavour(aclient, is_async=True)


async def test_a_base_url_ending_in_api_gets_a_one_line_hint(ls_api: Flavour) -> None:
    with pytest.raises(NotFoundError) as info:
        await ls_api.projects.get(1)
    error = info.value
    assert error.url == f"{ROOT}/api/api/projects/1/"
    assert str(error) == (
        f"GET {ROOT}/api/api/projects/1/ failed with status 404: an HTML page titled '404 | Label Studio' "
        "(the URL has /api/api/: base_url should be the server's root (without /api))"
    )
    assert len(error.body) > 100_000  # the whole page is kept in .body, only the message is short
    assert str(API_KEY) not in str(error)


@pytest.mark.parametrize(
    "call",
    [
        lambda ls: ls.prompts.list(),
        lambda ls: ls.workspaces.list(),
        lambda ls: ls.comments.list(),
    ],
)
async def test_an_enterprise_only_group_says_this_server_does_not_have_it(ls: Flavour, call: Any) -> None:
    with pytest.raises(NotFoundError) as info:
        await call(ls)
    text = str(info.value)
    assert "\n" not in text and len(text) < 400
    assert "an HTML page titled '404 | Label Studio'" in text
    assert text.endswith(
        "(this endpoint exists only in Label Studio Enterprise; this server (the open-source edition) "
        "does not have it)"
    )


async def test_a_missing_project_has_the_servers_detail_and_no_hint(ls: Flavour) -> None:
    with pytest.raises(NotFoundError) as info:
        await ls.projects.get(987654321)
    assert str(info.value) == (
        f"GET {ROOT}/api/projects/987654321/ failed with status 404: No Project matches the given query."
    )


async def test_a_project_passed_as_its_id_is_refused_with_a_suggestion(ls: Flavour, project: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await ls.projects.get(project)
    # The name comes from the caller's variable when it can be seen, else from the client group.
    assert str(info.value).endswith(f"not a {type(project).__name__} object: did you mean project.id?")
    assert info.value.request_sent is False
    assert (await ls.projects.get(project.id)).id == project.id


async def test_a_misspelt_request_option_is_refused(ls: Flavour, project: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"no option 'max_retry' \(did you mean 'max_retries'\?\)"):
        await ls.projects.get(project.id, request_options={"max_retry": 0})
    with pytest.raises(InvalidArgumentError, match="page_size must be a whole number"):
        await ls.tasks.list(project=project.id, page_size="100")
