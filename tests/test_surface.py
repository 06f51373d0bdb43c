"""The public surface: openapi.yaml, both root clients and the seed reference agree, method by method.

* every operation of openapi.yaml is a method on LabelStudio and on AsyncLabelStudio, and neither
  root exposes a method the spec lacks;
* every seed method (tests/data/seed_surface.json: 201 from the seed reference plus the two export
  downloads) has the seed's parameter names, in the seed's order.
"""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest
import yaml

from label_studio_sdk import AsyncLabelStudio, LabelStudio

ROOT = Path(__file__).resolve().parent.parent
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SEED_SURFACE: Dict[str, List[str]] = json.loads(
    (Path(__file__).parent / "data" / "seed_surface.json").read_text()
)


def spec_operations() -> Dict[str, str]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    found = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                op = item[method]
                found[f"{op['x-sdk-group']}.{op['x-sdk-method']}"] = f"{method.upper()} {path}"
    return found


# The root's low-level layer (any request, with the client's key, retries and typed errors): not
# operations of the spec.
LOW_LEVEL = {"request", "stream", "build_request", "send", "auth_headers", "httpx_client", "follow_redirects"}


def walk(client: Any, prefix: str = "") -> Iterator[Tuple[str, Any]]:
    """(dotted name, bound method) for every public method reachable from a client."""
    for name in dir(type(client)):
        if name.startswith("_") or name in ("close", "base_url") or (not prefix and name in LOW_LEVEL):
            continue
        attribute = getattr(type(client), name)
        value = getattr(client, name)
        if callable(value) and inspect.isfunction(attribute):
            yield prefix + name, value
        elif hasattr(value, "_client"):  # a sub-client
            yield from walk(value, f"{prefix}{name}.")


def is_overlay_only(method: Any) -> bool:
    """A helper a hand-written overlay (client_ext.py) adds, such as exports.as_json: not an API operation."""
    owner = next((cls for cls in type(method.__self__).__mro__ if method.__name__ in vars(cls)), None)
    if owner is None or not owner.__module__.endswith(("._sync.client_ext", "._async.client_ext")):
        return False
    return not any(method.__name__ in vars(base) for base in owner.__mro__[1:])


@pytest.fixture(scope="module")
def roots() -> Dict[str, Dict[str, Any]]:
    sync = LabelStudio(base_url="http://testserver", api_key="key")
    asynchronous = AsyncLabelStudio(base_url="http://testserver", api_key="key")
    return {
        flavour: {name: method for name, method in walk(root) if not is_overlay_only(method)}
        for flavour, root in (("sync", sync), ("async", asynchronous))
    }


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_every_spec_operation_is_a_method_and_nothing_else(
    roots: Dict[str, Dict[str, Any]], flavour: str
) -> None:
    exposed: Set[str] = set(roots[flavour])
    spec = set(spec_operations())
    assert sorted(spec - exposed) == [], "operations of openapi.yaml with no method"
    assert sorted(exposed - spec) == [], "methods with no operation in openapi.yaml"


def test_async_methods_are_awaitable_or_return_awaitable_iterables(roots: Dict[str, Dict[str, Any]]) -> None:
    for name, method in roots["async"].items():
        annotation = str(inspect.signature(method).return_annotation)
        # A listing with include= is typed Union[AsyncPager[Item], AsyncPager[PartialItem]].
        if annotation.startswith(("AsyncPager", "AsyncByteStream", "Union[AsyncPager")):
            assert not inspect.iscoroutinefunction(method), name
        else:
            assert inspect.iscoroutinefunction(method), name


def seed_methods_in_spec() -> List[str]:
    groups = {key.rsplit(".", 1)[0] for key in spec_operations()}
    return sorted(key for key in SEED_SURFACE if key.rsplit(".", 1)[0] in groups)


@pytest.mark.parametrize("name", seed_methods_in_spec())
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_seed_method_has_the_seed_parameters(
    roots: Dict[str, Dict[str, Any]], flavour: str, name: str
) -> None:
    method = roots[flavour].get(name)
    assert method is not None, f"{name} is missing on the {flavour} root"
    parameters = inspect.signature(method).parameters
    ours = list(parameters)
    expected = [p for p in SEED_SURFACE[name] if p not in READ_ONLY_DROPPED.get(name, ())]
    # The seed's arguments in the seed's order; anything we add (files= on import_tasks, overlay
    # options) must be keyword-only and optional, so no seed-style call can break.
    assert [p for p in ours if p in expected] == expected
    for extra in (p for p in ours if p not in expected):
        assert parameters[extra].kind is inspect.Parameter.KEYWORD_ONLY, extra
        assert parameters[extra].default is not inspect.Parameter.empty, extra
    variadic = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    assert not any(p.kind in variadic for p in parameters.values())


# Seed arguments for fields the server sets itself and ignores in requests (readOnly in the spec):
# deliberately no arguments any more (README, "How calls behave").
READ_ONLY_DROPPED = {
    "projects.exports.create": ("id", "created_at"),
    "webhooks.create": ("id", "organization", "created_at", "updated_at"),
    "webhooks.update": ("id", "organization", "project", "created_at", "updated_at"),
}


@pytest.mark.parametrize("name", sorted(READ_ONLY_DROPPED))
def test_read_only_fields_are_no_arguments(roots: Dict[str, Dict[str, Any]], name: str) -> None:
    dropped = READ_ONLY_DROPPED[name]
    assert set(dropped) <= set(SEED_SURFACE[name])
    for flavour in ("sync", "async"):
        parameters = inspect.signature(roots[flavour][name]).parameters  # webhooks.update's path ID is id_
        assert not set(dropped) & set(parameters), (flavour, name)


def test_the_spec_covers_every_seed_method() -> None:
    assert len(SEED_SURFACE) == 203
    assert sorted(set(SEED_SURFACE) - set(spec_operations())) == []


SEED_TYPES: Dict[str, Dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "seed_types.json").read_text()
)


@pytest.mark.parametrize("name", sorted(SEED_TYPES))
def test_seed_type_is_importable_where_users_import_it(name: str) -> None:
    """Each type the seeds name lives at its upstream module path and is exported by its package."""
    for module_path in SEED_TYPES[name]["modules"]:
        module = importlib.import_module("label_studio_sdk." + module_path.replace("/", "."))
        assert hasattr(module, name), f"{name} not in {module.__name__}"
        package = module_path.rsplit("/types/", 1)[0] if "/types/" in module_path else ""
        exporter = importlib.import_module(
            "label_studio_sdk" + ("." + package.replace("/", ".") if package else "")
        )
        assert getattr(exporter, name) is getattr(module, name)
