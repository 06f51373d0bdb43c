"""Every example in reference.md parses and uses only names its setup defines."""

from __future__ import annotations

import ast
import builtins

from tests.reference_examples import setup_and_examples


def _defined(code: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_every_example_uses_only_what_the_setup_makes() -> None:
    setup, examples = setup_and_examples()
    known = _defined(setup) | set(dir(builtins))
    assert {"client", "project", "task", "annotation", "export"} <= known
    assert len(examples) > 200
    for title, code in examples.items():
        tree = ast.parse(code)
        loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        missing = loaded - known - _defined(code)
        assert not missing, f"{title}: {sorted(missing)} not made by the setup"
        assert f"{title}(" in code, f"{title}: the example does not call the method"


def test_examples_use_ids_of_real_objects_not_placeholders() -> None:
    _, examples = setup_and_examples()
    assert examples["client.tasks.get"].strip() == "result = client.tasks.get(task.id)"
    assert "export.id" in examples["client.projects.exports.download"]
    assert '"id"' not in "".join(examples.values())
