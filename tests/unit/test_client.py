"""The root clients: configuration, connection pools, lazy sub-clients and imports, headers, logging."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any, Callable, Iterator, List

import httpx
import pytest
import respx

import label_studio_sdk
from label_studio_sdk import AsyncLabelStudio, LabelStudio, LabelStudioError, Project
from label_studio_sdk._version import __version__
from label_studio_sdk.core import _http_base as http_module
from tests.samples import sample

from .helpers import Api, access_token, refresh_token

SUB_CLIENTS = ["projects", "tasks", "annotations", "predictions", "users"]

PROJECT_1 = sample(Project, id=1)


# -- configuration --------------------------------------------------------------------------------


async def test_env_var_fallbacks(make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://envhost:9000")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "env-key")
    api = make_api(base_url=None, api_key=None)

    with respx.mock(base_url="http://envhost:9000") as router:
        route = router.get("/api/projects/1/").mock(return_value=httpx.Response(200, json=PROJECT_1))
        await api.run(lambda c: c.projects.get(1))

    assert api.client.base_url == "http://envhost:9000/"
    assert route.calls.last.request.headers["Authorization"] == "Token env-key"


async def test_arguments_beat_env_vars(make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://envhost:9000")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "env-key")
    api = make_api(base_url="http://argshost", api_key="arg-key")

    assert api.client.base_url == "http://argshost/"
    assert api.http.auth.sync_header(None, "") == "Token arg-key"


async def test_default_base_url(make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)

    assert make_api(base_url=None).client.base_url == "http://localhost:8080/"


@pytest.mark.parametrize("cls", [LabelStudio, AsyncLabelStudio])
@pytest.mark.parametrize("api_key", [None, "", "   "])
def test_missing_api_key_is_a_clear_error(cls: type, api_key: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)

    with pytest.raises(LabelStudioError) as info:
        cls(base_url="http://testserver", api_key=api_key)

    assert "api_key" in str(info.value)
    assert "LABEL_STUDIO_API_KEY" in str(info.value)


@pytest.mark.parametrize("cls", [LabelStudio, AsyncLabelStudio])
@pytest.mark.parametrize("base_url", ["localhost:8080", "ftp://host", "testserver"])
def test_base_url_needs_a_scheme(cls: type, base_url: str) -> None:
    with pytest.raises(LabelStudioError, match="http"):
        cls(base_url=base_url, api_key="k")


@pytest.mark.parametrize(
    "base_url", ["http://testserver/prefix", "http://testserver/prefix/", " http://testserver/prefix//"]
)
async def test_base_url_path_prefix_is_kept(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter, base_url: str
) -> None:
    api = make_api(base_url=base_url)
    route = respx_mock.get("/prefix/api/projects/1/").mock(return_value=httpx.Response(200, json=PROJECT_1))

    await api.run(lambda c: c.projects.get(1))

    assert route.call_count == 1
    assert api.client.base_url == "http://testserver/prefix/"


async def test_token_refresh_uses_the_path_prefix(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter
) -> None:
    api = make_api(base_url="http://testserver/ls", api_key=refresh_token())
    refresh = respx_mock.post("/ls/api/token/refresh/").mock(
        return_value=httpx.Response(200, json={"access": access_token(None)})
    )
    respx_mock.get("/ls/api/projects/1/").mock(return_value=httpx.Response(200, json=PROJECT_1))

    await api.run(lambda c: c.projects.get(1))

    assert refresh.call_count == 1


def test_client_module_import_path() -> None:
    from label_studio_sdk.client import AsyncLabelStudio as AsyncFromModule
    from label_studio_sdk.client import LabelStudio as FromModule

    assert FromModule is LabelStudio
    assert AsyncFromModule is AsyncLabelStudio


# -- connection pools -----------------------------------------------------------------------------


def test_injected_httpx_client_is_used_and_not_closed(sleeps: List[float]) -> None:
    seen: List[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=PROJECT_1)

    injected = httpx.Client(transport=httpx.MockTransport(handler), headers={"X-Proxy": "p"})
    with LabelStudio(base_url="http://testserver", api_key="k", httpx_client=injected) as ls:
        ls.projects.get(1)
        assert ls._client.http is injected

    assert len(seen) == 1
    assert seen[0].headers["X-Proxy"] == "p"
    assert seen[0].headers["User-Agent"] == f"label-studio-sdk-python/{__version__}"
    assert seen[0].headers["Authorization"] == "Token k"
    assert not injected.is_closed
    injected.close()


async def test_injected_async_httpx_client_is_used_and_not_closed(sleeps: List[float]) -> None:
    seen: List[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=PROJECT_1)

    injected = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with AsyncLabelStudio(base_url="http://testserver", api_key="k", httpx_client=injected) as ls:
        await ls.projects.get(1)

    assert len(seen) == 1
    assert not injected.is_closed
    await injected.aclose()


def test_own_pool_is_closed() -> None:
    with LabelStudio(base_url="http://testserver", api_key="k") as ls:
        pool = ls._client.http
        assert not pool.is_closed
    assert pool.is_closed

    other = LabelStudio(base_url="http://testserver", api_key="k")
    other.close()
    assert other._client.http.is_closed


async def test_own_async_pool_is_closed() -> None:
    async with AsyncLabelStudio(base_url="http://testserver", api_key="k") as ls:
        pool = ls._client.http
        assert not pool.is_closed
    assert pool.is_closed

    other = AsyncLabelStudio(base_url="http://testserver", api_key="k")
    await other.close()
    assert other._client.http.is_closed


# -- lazy sub-clients and imports -----------------------------------------------------------------


@pytest.mark.parametrize("name", SUB_CLIENTS)
async def test_sub_clients_are_created_lazily_and_cached(api: Api, name: str) -> None:
    assert name not in vars(api.client)

    first = getattr(api.client, name)

    assert getattr(api.client, name) is first
    assert first._client is api.http
    assert type(first).__name__.startswith("Async") == api.is_async


def run_python(code: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(result.stdout)


def test_importing_the_package_loads_no_resource_or_model() -> None:
    loaded = run_python(
        "import json, sys\n"
        "from label_studio_sdk import LabelStudio, AsyncLabelStudio, NotFoundError\n"
        "LabelStudio(base_url='http://x', api_key='k'); AsyncLabelStudio(base_url='http://x', api_key='k')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )

    heavy = [
        name
        for name in loaded
        if name == "pydantic.main"
        or name == "label_studio_sdk.core.models"
        or any(
            name == f"label_studio_sdk.{package}" or name.startswith(f"label_studio_sdk.{package}.")
            for package in ["types", *SUB_CLIENTS]
        )
    ]
    assert heavy == []
    assert "label_studio_sdk.client" in loaded


def test_first_sub_client_access_loads_only_its_resource() -> None:
    loaded = run_python(
        "import json, sys\n"
        "from label_studio_sdk import LabelStudio\n"
        "LabelStudio(base_url='http://x', api_key='k').projects\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )

    assert "label_studio_sdk.projects.client" in loaded
    assert not any(name.startswith("label_studio_sdk.tasks") for name in loaded)


def test_lazy_root_exports() -> None:
    from label_studio_sdk import NotFoundError, Project
    from label_studio_sdk.core.errors import NotFoundError as CoreNotFoundError
    from label_studio_sdk.projects import ProjectsListResponse
    from label_studio_sdk.projects.types.projects_list_response import ProjectsListResponse as Direct
    from label_studio_sdk.types.project import Project as DirectProject

    assert NotFoundError is CoreNotFoundError
    assert Project is DirectProject
    assert ProjectsListResponse is Direct
    with pytest.raises(ImportError):
        from label_studio_sdk import ProjectsListResponse as _  # noqa: F401
    with pytest.raises(AttributeError):
        label_studio_sdk.DoesNotExist  # noqa: B018


def test_every_public_name_resolves() -> None:
    for name in label_studio_sdk.__all__:
        assert getattr(label_studio_sdk, name) is not None, name
    assert set(label_studio_sdk.__all__) <= set(dir(label_studio_sdk))


# -- headers --------------------------------------------------------------------------------------


async def test_default_and_custom_headers(make_api: Callable[..., Api], respx_mock: respx.MockRouter) -> None:
    api = make_api(headers={"X-Team": "vision"})
    route = respx_mock.get("/api/projects/1/").mock(return_value=httpx.Response(200, json=PROJECT_1))

    await api.run(lambda c: c.projects.get(1))

    headers = route.calls.last.request.headers
    assert headers["User-Agent"] == f"label-studio-sdk-python/{__version__}"
    assert headers["Accept"] == "application/json"
    assert headers["X-Team"] == "vision"


# -- logging --------------------------------------------------------------------------------------

SECRET = "log-secret-5a4b3c2d1e"


@pytest.fixture
def sdk_logger(monkeypatch: pytest.MonkeyPatch) -> Iterator[logging.Logger]:
    """The SDK logger, configured afresh from the environment, and restored afterwards."""
    logger = logging.getLogger("label_studio_sdk")
    level, handlers = logger.level, list(logger.handlers)
    monkeypatch.setattr(http_module, "_logging_configured", False)
    yield logger
    logger.setLevel(level)
    for handler in logger.handlers[:]:
        if handler not in handlers:
            logger.removeHandler(handler)


async def test_debug_logging_from_env(
    make_api: Callable[..., Api],
    respx_mock: respx.MockRouter,
    sdk_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_LOG", "debug")
    api = make_api(api_key=SECRET)
    assert sdk_logger.isEnabledFor(logging.DEBUG)
    respx_mock.get("/api/projects/1/").mock(
        side_effect=[httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(200, json=PROJECT_1)]
    )

    await api.run(lambda c: c.projects.get(1))

    messages = [record.getMessage() for record in caplog.records if record.name == "label_studio_sdk"]

    def logged(*parts: str) -> bool:
        return any(all(part in message for part in parts) for message in messages)

    assert logged("GET /api/projects/1/", "503"), messages  # the failed attempt
    assert logged("GET /api/projects/1/", "503", "retry 1 of 2", "1.00 s"), (
        messages
    )  # the retry and its delay
    assert logged("GET /api/projects/1/", "200", "1 retries"), messages  # the outcome, with the retry count
    assert SECRET not in caplog.text
    assert all(SECRET not in repr(record.args) for record in caplog.records)


async def test_no_debug_logging_without_env(
    make_api: Callable[..., Api],
    respx_mock: respx.MockRouter,
    sdk_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("LABEL_STUDIO_LOG", raising=False)
    api = make_api()
    respx_mock.get("/api/projects/1/").mock(return_value=httpx.Response(200, json=PROJECT_1))

    await api.run(lambda c: c.projects.get(1))

    assert [r for r in caplog.records if r.name == "label_studio_sdk" and r.levelno == logging.DEBUG] == []
