"""Overlays, as codegen/config.yaml declares them: which groups hand out hand-written subclasses,
and which generated methods those replace.

Nothing is guessed from file names. With the package folder at hand, each overlay's async source
(the twin of its sync class is generated from it) is read with ``ast``, never imported, and checked:
the class exists, every declared override is there and accepts every parameter of the generated
method (a parameter the spec gains must reach users through the overlay too), and no other generated
method is replaced unannounced.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Any, List, Mapping, Optional, Tuple

from .ir import Api, Overlay, OverlayMethod, Resource
from .unasync import drop_awaitable, rename_identifiers


class OverlayError(ValueError):
    """An overlay declaration that does not match the spec or the overlay's source."""


def _class_path(value: Any, where: str) -> Tuple[str, str]:
    text = str(value or "")
    module, _, name = text.rpartition(".")
    if not module or not name.isidentifier():
        raise OverlayError(f"{where}: expected 'module.path.ClassName', got {text!r}")
    return module, name


def declare_overlays(api: Api, config: Mapping[str, Any], package_dir: Optional[Path]) -> None:
    """Attach the declared overlays to their groups, and the extra root exports and lazy names to ``api``."""
    groups = {res.dotted: res for res in api.all_resources}
    for group, entry in (config.get("overlays") or {}).items():
        where = f"config.yaml: overlays.{group}"
        res = groups.get(str(group))
        if res is None:
            raise OverlayError(f"{where}: the spec has no group {group!r}")
        if not isinstance(entry, Mapping):
            raise OverlayError(f"{where}: expected sync, async and overrides")
        sync_module, sync_class = _class_path(entry.get("sync"), where + ".sync")
        async_module, async_class = _class_path(entry.get("async"), where + ".async")
        overrides = tuple(str(name) for name in entry.get("overrides") or ())
        res.overlay = Overlay(sync_module, sync_class, async_module, async_class, overrides)
        if package_dir is not None:
            methods = check_overlay(res, res.overlay, package_dir)
            names = (config.get("unasync") or {}).get("names") or {}
            res.overlay = dataclasses.replace(
                res.overlay, methods=tuple(_described(method, names) for method in methods)
            )
    api.client_lazy_names = [
        (str(name), str(function)) for name, function in (config.get("client_lazy_names") or {}).items()
    ]
    api.root_exports = [
        (str(module), str(name))
        for module, names in (config.get("root_exports") or {}).items()
        for name in names
    ]


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Tuple[List[str], bool]:
    arguments = function.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    return names, arguments.kwarg is not None


def _described(function: ast.FunctionDef | ast.AsyncFunctionDef, names: Mapping[str, str]) -> OverlayMethod:
    """A method's signature and docstring, renamed the way its sync twin is (``AsyncPager`` -> ``SyncPager``)."""
    arguments = function.args
    texts: List[str] = []
    positional = arguments.posonlyargs + arguments.args
    defaults: List[Optional[ast.expr]] = [None] * (len(positional) - len(arguments.defaults)) + list(
        arguments.defaults
    )
    for argument, default in zip(positional, defaults):
        if argument.arg != "self":
            texts.append(_argument(argument, default))
    if arguments.vararg is not None:
        texts.append("*" + _argument(arguments.vararg, None))
    elif arguments.kwonlyargs:
        texts.append("*")
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        texts.append(_argument(argument, default))
    if arguments.kwarg is not None:
        texts.append("**" + _argument(arguments.kwarg, None))
    returns = ast.unparse(function.returns) if function.returns is not None else "None"
    return OverlayMethod(
        name=function.name,
        arguments=tuple(drop_awaitable(rename_identifiers(text, names)) for text in texts),
        returns=drop_awaitable(rename_identifiers(returns, names)),
        doc=rename_identifiers(ast.get_docstring(function) or "", names),
    )


def _argument(argument: ast.arg, default: Optional[ast.expr]) -> str:
    text = argument.arg
    if argument.annotation is not None:
        text += ": " + ast.unparse(argument.annotation)
    if default is not None:
        text += (" = " if argument.annotation is not None else "=") + ast.unparse(default)
    return text


def check_overlay(
    res: Resource, overlay: Overlay, package_dir: Path
) -> List[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Check the overlay's async source against the group; its public methods, in source order."""
    source = package_dir.joinpath(*overlay.async_module.split(".")).with_suffix(".py")
    where = f"overlay of {res.dotted} ({source.name} in {source.parent.name})"
    if not source.is_file():
        raise OverlayError(f"{where}: {source} does not exist")
    tree = ast.parse(source.read_text(encoding="utf-8"), str(source))
    classes = [
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == overlay.async_class
    ]
    if not classes:
        raise OverlayError(f"{where}: {source} defines no class {overlay.async_class}")
    methods = {
        node.name: node
        for node in classes[0].body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    operations = {op.name: op for op in res.operations}
    for name in sorted(set(methods) & set(operations) - set(overlay.overrides)):
        raise OverlayError(
            f"{where}: {overlay.async_class}.{name} replaces the generated {res.dotted}.{name}; "
            "list it under `overrides` in codegen/config.yaml"
        )
    for name in overlay.overrides:
        if name not in operations:
            raise OverlayError(f"{where}: `overrides` names {name!r}, which {res.dotted} does not generate")
        if name not in methods:
            raise OverlayError(
                f"{where}: `overrides` names {name!r}, which {overlay.async_class} does not define"
            )
        accepted, takes_any = _parameters(methods[name])
        if takes_any:
            continue
        expected = [param.name for param in operations[name].params] + ["request_options"]
        missing = [param for param in expected if param not in accepted]
        if missing:
            raise OverlayError(
                f"{where}: {overlay.async_class}.{name} does not accept {', '.join(missing)}, which the "
                f"generated {res.dotted}.{name} takes; add them and pass them on"
            )
    return [method for name, method in methods.items() if not name.startswith("_")]
