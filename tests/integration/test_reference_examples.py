"""A sample of reference.md's examples, run as written against the server after its setup.

Each example gets a fresh setup (its own project, task, annotation, ...), so deleting examples
run like the others; everything the setup made is deleted afterwards.
"""

from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator

import pytest

from tests.reference_examples import setup_and_examples

from .conftest import API_KEY, URL

SETUP, EXAMPLES = setup_and_examples()

# Open-source operations that neither need an outside service nor harm the account running the
# suite (users.delete/reset_token, tokens and the organization's invite token are left out).
SAMPLE = [
    "client.projects.list",
    "client.projects.create",
    "client.projects.get",
    "client.projects.update",
    "client.projects.delete",
    "client.projects.import_tasks",
    "client.projects.validate_config",
    "client.projects.validate_label_config",
    "client.projects.list_counts",
    "client.projects.list_unique_annotators",
    "client.projects.import_predictions",
    "client.projects.exports.download_sync",
    "client.projects.exports.list_formats",
    "client.projects.exports.list",
    "client.projects.exports.create",
    "client.projects.exports.get",
    "client.projects.exports.convert",
    "client.projects.exports.download",
    "client.projects.exports.delete",
    "client.tasks.list",
    "client.tasks.create",
    "client.tasks.get",
    "client.tasks.update",
    "client.tasks.delete",
    "client.tasks.delete_all_tasks",
    "client.annotations.get",
    "client.annotations.update",
    "client.annotations.list",
    "client.annotations.create",
    "client.annotations.delete",
    "client.predictions.list",
    "client.predictions.create",
    "client.predictions.get",
    "client.predictions.update",
    "client.predictions.delete",
    "client.users.whoami",
    "client.users.list",
    "client.users.get",
    "client.users.update",
    "client.users.get_hotkeys",
    "client.views.list",
    "client.views.create",
    "client.views.get",
    "client.views.update",
    "client.views.update_order",
    "client.views.delete",
    "client.views.delete_all",
    "client.webhooks.list",
    "client.webhooks.create",
    "client.webhooks.info",
    "client.webhooks.get",
    "client.webhooks.update",
    "client.webhooks.delete",
    "client.actions.list",
    "client.organizations.list",
    "client.organizations.get",
    "client.organizations.members.list",
    "client.versions.get",
]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[Dict[str, Any]]:
    """A namespace after reference.md's setup, run with the suite's server as the environment."""
    monkeypatch.setenv("LABEL_STUDIO_URL", str(URL))
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", str(API_KEY))
    monkeypatch.chdir(tmp_path)  # download examples write their file here
    namespace: Dict[str, Any] = {}
    try:
        exec(compile(SETUP, "reference.md setup", "exec"), namespace)
        yield namespace
    finally:
        client = namespace.get("client")
        if client is not None:
            user = namespace.get("user")
            if user is not None:  # the users.update example renames the account running the suite
                client.users.update(user.id, first_name=user.first_name)
            made = [namespace[name] for name in ("project",) if name in namespace]
            for project in made + namespace.get("created_projects", []):
                with contextlib.suppress(Exception):
                    client.projects.delete(project.id)
            client.close()


def test_the_sample_names_examples_that_exist() -> None:
    assert set(SAMPLE) <= set(EXAMPLES)
    assert len(SAMPLE) >= 50


@pytest.mark.parametrize("title", SAMPLE)
def test_example_runs_as_written(title: str, environment: Dict[str, Any]) -> None:
    code = EXAMPLES[title]
    exec(compile(code, f"reference.md {title}", "exec"), environment)
    if code.startswith("result = "):
        result = environment["result"]
        if title in ("client.projects.create",):
            environment.setdefault("created_projects", []).append(result)
        assert result is not None, title
