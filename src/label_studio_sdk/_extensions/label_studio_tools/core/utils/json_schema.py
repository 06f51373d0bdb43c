"""Pydantic models built from JSON Schema documents at run time, without generating source code.

The schema is walked once and turned into classes with ``pydantic.create_model``: objects become models (fields
not listed in ``required`` are optional and default to None), arrays become lists, enums and consts become
``Literal``, ``anyOf``/``oneOf`` become unions and local ``$ref`` pointers (``$defs``, ``definitions``, or any
``#/...`` path, recursive ones included) become shared, possibly self-referencing, models.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import keyword
import re
import typing
import uuid
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Literal, Mapping, Set, Tuple, Type

if TYPE_CHECKING:
    from pydantic import BaseModel

# The typing constructors are subscripted with run-time values here; typed as Any so that is allowed.
_Annotated: Any = typing.Annotated
_Dict: Any = Dict
_List: Any = List
_Literal: Any = typing.Literal
_Tuple: Any = Tuple
_Union: Any = typing.Union

_SCALAR_TYPES: Mapping[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "null": type(None),
}
_STRING_FORMATS: Mapping[str, Any] = {
    "date-time": datetime.datetime,
    "date": datetime.date,
    "time": datetime.time,
    "uuid": uuid.UUID,
}
_CACHE_SIZE = 128


@contextlib.contextmanager
def json_schema_to_pydantic(
    json_schema: Dict[str, Any], class_name: str = "MyModel"
) -> Iterator[Type[BaseModel]]:
    """Yield a pydantic model class that validates documents against ``json_schema``.

    Classes are cached by the schema's JSON text, so the same schema gives the same class; it stays usable after the block.
    """
    if not isinstance(json_schema, dict):
        raise TypeError(f"a JSON Schema must be a dict, got {type(json_schema).__name__}")
    yield _model_from_text(json.dumps(json_schema), class_name)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _model_from_text(schema_text: str, class_name: str) -> Type[BaseModel]:
    return _ModelBuilder(json.loads(schema_text)).build(class_name)


class _ModelBuilder:
    """Walks one schema document and creates the models it describes."""

    def __init__(self, root: Dict[str, Any]) -> None:
        self._root = root
        self._models: Dict[str, Type[BaseModel]] = {}  # by JSON pointer, for $ref targets and the root
        self._in_progress: Dict[str, str] = {}  # pointer -> class name, to detect recursion
        self._inlining: Set[str] = set()
        self._namespace: Dict[str, Any] = {}  # class name -> class, for resolving forward references
        self._created: List[Type[BaseModel]] = []

    def build(self, class_name: str) -> Type[BaseModel]:
        model: Type[BaseModel]
        if _is_object_schema(self._root):
            # The root is never in progress here, so this is a model class, not a forward reference.
            model = typing.cast("Type[BaseModel]", self._model_for_pointer("#", self._root, class_name))
        else:
            model = self._root_model(class_name)
        self._resolve_forward_references()
        return model

    # -- models -----------------------------------------------------------------------------------

    def _model_for_pointer(self, pointer: str, schema: Mapping[str, Any], name: str) -> Any:
        if pointer in self._models:
            return self._models[pointer]
        if pointer in self._in_progress:
            return typing.ForwardRef(self._in_progress[pointer])  # recursion: resolved once all models exist
        class_name = self._unique_class_name(name)
        self._in_progress[pointer] = class_name
        try:
            model = self._object_model(schema, class_name)
        finally:
            del self._in_progress[pointer]
        self._models[pointer] = model
        return model

    def _object_model(self, schema: Mapping[str, Any], class_name: str) -> Type[BaseModel]:
        from pydantic import ConfigDict, create_model

        self._namespace.setdefault(class_name, None)  # reserve the name before nested models are named
        required = set(schema.get("required") or ())
        fields: Dict[str, Any] = {}
        for property_name, property_schema in (schema.get("properties") or {}).items():
            field_name = _field_name(property_name, taken=fields.keys())
            fields[field_name] = self._field(
                property_name, field_name, property_schema, property_name in required
            )
        extra: Literal["forbid", "ignore"] = (
            "forbid" if schema.get("additionalProperties") is False else "ignore"
        )
        # Python's re engine understands the lookarounds JSON Schema patterns (ECMA 262) may use.
        config = ConfigDict(
            populate_by_name=True, protected_namespaces=(), extra=extra, regex_engine="python-re"
        )
        model: Type[BaseModel] = create_model(class_name, __config__=config, **fields)
        if schema.get("description"):
            model.__doc__ = str(schema["description"])
        self._namespace[class_name] = model
        self._created.append(model)
        return model

    def _root_model(self, class_name: str) -> Type[BaseModel]:
        from pydantic import ConfigDict, RootModel

        root_model: Any = RootModel  # parametrised with a run-time annotation below
        annotation = self._annotation(self._root, class_name)
        namespace = {"__module__": __name__, "model_config": ConfigDict(regex_engine="python-re")}
        model: Type[BaseModel] = type(_identifier(class_name), (root_model[annotation],), namespace)
        self._created.append(model)
        return model

    def _field(self, property_name: str, field_name: str, schema: Any, required: bool) -> Tuple[Any, Any]:
        from pydantic import Field

        annotation = self._annotation(schema, property_name)
        details: Dict[str, Any] = {}
        if isinstance(schema, Mapping):
            for key in ("title", "description"):
                if isinstance(schema.get(key), str):
                    details[key] = schema[key]
        if field_name != property_name:
            details["alias"] = property_name
        if required:
            return annotation, Field(..., **details)
        default = schema.get("default") if isinstance(schema, Mapping) else None
        return _Union[annotation, None], Field(default, **details)

    def _resolve_forward_references(self) -> None:
        namespace = {name: model for name, model in self._namespace.items() if model is not None}
        for model in reversed(self._created):
            if not model.__pydantic_complete__:
                model.model_rebuild(force=True, _types_namespace=namespace)

    def _unique_class_name(self, name: str) -> str:
        base = _identifier(name)
        candidate, counter = base, 1
        while candidate in self._namespace:
            counter += 1
            candidate = f"{base}{counter}"
        return candidate

    # -- types ------------------------------------------------------------------------------------

    def _annotation(self, schema: Any, hint: str) -> Any:
        if schema is True or schema is False or schema == {}:
            return Any
        if not isinstance(schema, Mapping):
            raise ValueError(f"expected a JSON Schema object at {hint!r}, got {schema!r}")
        annotation = self._bare_annotation(schema, hint)
        if schema.get("nullable") is True:  # the OpenAPI 3.0 spelling of "or null"
            annotation = _Union[annotation, None]
        return annotation

    def _bare_annotation(self, schema: Mapping[str, Any], hint: str) -> Any:
        if "$ref" in schema:
            return self._reference(str(schema["$ref"]), hint)
        if "const" in schema:
            return _literal([schema["const"]])
        if "enum" in schema:
            return _literal(list(schema["enum"]))
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return _union([self._annotation(option, hint) for option in schema[key]])
        if "allOf" in schema:
            return self._annotation(self._merge_all_of(schema), hint)
        kind = schema.get("type")
        if isinstance(kind, list):
            return _union([self._annotation({**schema, "type": one}, hint) for one in kind])
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else None
        if kind is None:
            return Any
        if kind == "object":
            return self._object_annotation(schema, hint)
        if kind == "array":
            return self._array_annotation(schema, hint)
        if kind not in _SCALAR_TYPES:
            raise ValueError(f"unsupported JSON Schema type {kind!r} at {hint!r}")
        base = _STRING_FORMATS.get(schema.get("format", ""), str) if kind == "string" else _SCALAR_TYPES[kind]
        return _constrained(base, _scalar_constraints(schema, kind))

    def _object_annotation(self, schema: Mapping[str, Any], hint: str) -> Any:
        if schema.get("properties"):
            name = schema.get("title") if isinstance(schema.get("title"), str) else hint
            return self._object_model(schema, self._unique_class_name(str(name)))
        extra = schema.get("additionalProperties")
        value_type = self._annotation(extra, hint + "Value") if isinstance(extra, Mapping) else Any
        return _Dict[str, value_type]

    def _array_annotation(self, schema: Mapping[str, Any], hint: str) -> Any:
        positional = schema.get("prefixItems")
        if positional is None and isinstance(schema.get("items"), list):
            positional = schema["items"]  # draft 4-7 tuple form
        if positional is not None:
            members = tuple(
                self._annotation(item, f"{hint}Item{index}") for index, item in enumerate(positional)
            )
            return _Tuple[members] if members else _Tuple[()]
        items = schema.get("items", {})
        annotation = _List[self._annotation(items, hint + "Item")]
        bounds = {}
        if "minItems" in schema:
            bounds["min_length"] = schema["minItems"]
        if "maxItems" in schema:
            bounds["max_length"] = schema["maxItems"]
        return _constrained(annotation, bounds)

    def _reference(self, ref: str, hint: str) -> Any:
        if not ref.startswith("#"):
            raise ValueError(f"only local $ref pointers (starting with '#') are supported, got {ref!r}")
        target = self._resolve_pointer(ref)
        if _is_object_schema(target):
            name = ref.rstrip("/").rsplit("/", 1)[-1] if ref != "#" else hint
            return self._model_for_pointer(ref, target, _unescape_pointer(name) or hint)
        if ref in self._inlining:
            raise ValueError(f"the recursive $ref {ref!r} must point to an object schema")
        self._inlining.add(ref)
        try:
            return self._annotation(target, hint)
        finally:
            self._inlining.discard(ref)

    def _resolve_pointer(self, ref: str) -> Any:
        node: Any = self._root
        path = ref[1:].strip("/")
        for part in path.split("/") if path else ():
            key = _unescape_pointer(part)
            if isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            elif isinstance(node, Mapping) and key in node:
                node = node[key]
            else:
                raise ValueError(f"the $ref {ref!r} points to nothing in this schema")
        return node

    def _merge_all_of(self, schema: Mapping[str, Any]) -> Dict[str, Any]:
        merged: Dict[str, Any] = {key: value for key, value in schema.items() if key != "allOf"}
        for part in schema["allOf"]:
            while isinstance(part, Mapping) and "$ref" in part:
                part = self._resolve_pointer(str(part["$ref"]))
            if not isinstance(part, Mapping):
                continue
            if "allOf" in part:
                part = self._merge_all_of(part)
            for key, value in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged.setdefault(key, value)
        return merged


def _is_object_schema(schema: Any) -> bool:
    if not isinstance(schema, Mapping) or not schema.get("properties"):
        return False
    kind = schema.get("type", "object")
    return kind == "object" or (isinstance(kind, list) and "object" in kind and len(kind) == 1)


def _scalar_constraints(schema: Mapping[str, Any], kind: str) -> Dict[str, Any]:
    constraints: Dict[str, Any] = {}
    if kind == "string":
        for key, name in (("minLength", "min_length"), ("maxLength", "max_length"), ("pattern", "pattern")):
            if key in schema:
                constraints[name] = schema[key]
    elif kind in ("integer", "number"):
        _number_bounds(schema, constraints)
    return constraints


def _number_bounds(schema: Mapping[str, Any], constraints: Dict[str, Any]) -> None:
    # Draft 4 spells exclusive bounds as booleans next to minimum/maximum; later drafts as numbers.
    for inclusive, exclusive, ge_name, gt_name in (
        ("minimum", "exclusiveMinimum", "ge", "gt"),
        ("maximum", "exclusiveMaximum", "le", "lt"),
    ):
        flag = schema.get(exclusive)
        if _is_number(flag):
            constraints[gt_name] = flag
        if inclusive in schema:
            constraints[gt_name if flag is True else ge_name] = schema[inclusive]
    if "multipleOf" in schema:
        constraints["multiple_of"] = schema["multipleOf"]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _constrained(annotation: Any, constraints: Mapping[str, Any]) -> Any:
    if not constraints:
        return annotation
    from pydantic import Field

    return _Annotated[annotation, Field(**constraints)]


def _literal(values: List[Any]) -> Any:
    hashable = (str, int, float, bool, type(None))
    if not values or not all(isinstance(value, hashable) for value in values):
        return Any  # Literal cannot hold lists or objects; accept anything rather than reject valid data
    return _Literal[tuple(values)]


def _union(members: List[Any]) -> Any:
    unique: List[Any] = []
    for member in members:
        if member is Any:
            return Any
        if member not in unique:
            unique.append(member)
    return _Union[tuple(unique)] if len(unique) > 1 else unique[0]


def _unescape_pointer(part: str) -> str:
    from urllib.parse import unquote

    return unquote(part).replace("~1", "/").replace("~0", "~")


def _identifier(name: str) -> str:
    """A CamelCase class name made of the letters and digits of ``name``."""
    words = [word for word in re.split(r"[^0-9A-Za-z]+", name) if word]
    camel = "".join(word[:1].upper() + word[1:] for word in words) or "Model"
    return "Model" + camel if camel[0].isdigit() else camel


@functools.cache
def _reserved_field_names() -> frozenset[str]:
    from pydantic import BaseModel

    return frozenset(dir(BaseModel))


def _field_name(property_name: str, taken: typing.Iterable[str]) -> str:
    """A Python attribute name for a JSON property; the original stays the alias."""
    name = re.sub(r"\W", "_", property_name)
    if not name or name[0].isdigit():
        name = "field_" + name
    if name.startswith("_"):
        name = "field" + name
    if keyword.iskeyword(name) or name in _reserved_field_names():
        name += "_"
    taken = set(taken)
    candidate, counter = name, 1
    while candidate in taken:
        counter += 1
        candidate = f"{name}_{counter}"
    return candidate
