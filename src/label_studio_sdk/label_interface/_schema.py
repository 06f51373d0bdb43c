"""The JSON Schema subset that describes region values, checked and sampled without a library.

Controls describe the fields of their values as small JSON Schema documents. This module compiles such
a document once into a checker (a closure that returns None, or a short reason) and generates sample
values from it. Supported keywords: type (one or a list), properties, required, items, minItems,
maxItems, uniqueItems, enum, const, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength,
maxLength, anyOf, oneOf. Unknown keywords (format, description, additionalProperties) are ignored,
and extra keys in an object are allowed, as Label Studio itself allows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, List, Mapping, Optional, Sequence

if TYPE_CHECKING:
    import random

Checker = Callable[[Any], Optional[str]]
"""Returns None when the value fits, else a short reason naming the field."""

_NUMBER_TYPES = (int, float)
MAPPING_TYPES = (dict, Mapping)
"""For isinstance: checking ``dict`` first is ~25x faster than ``typing.Mapping`` alone on the hot path."""


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "number":
        return isinstance(value, _NUMBER_TYPES) and not isinstance(value, bool)
    if kind == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, (list, tuple))
    if kind == "object":
        return isinstance(value, MAPPING_TYPES)
    if kind == "null":
        return value is None
    return True


def compile_schema(schema: Mapping[str, Any], path: str = "value") -> Checker:
    """A checker for ``schema``; reasons name the failing field with a dotted ``path``."""
    checks: List[Checker] = []

    kinds = schema.get("type")
    if kinds is not None:
        kind_list: Sequence[str] = [kinds] if isinstance(kinds, str) else list(kinds)

        def check_type(value: Any) -> Optional[str]:
            for kind in kind_list:
                if _type_ok(kind, value):
                    return None
            return f"{path} must be {' or '.join(kind_list)}, got {_short(value)}"

        checks.append(check_type)

    if "enum" in schema:
        allowed = list(schema["enum"])

        def check_enum(value: Any) -> Optional[str]:
            return None if value in allowed else f"{path} must be one of {allowed}, got {_short(value)}"

        checks.append(check_enum)

    if "const" in schema:
        expected = schema["const"]
        checks.append(lambda value: None if value == expected else f"{path} must be {expected!r}")

    bounds = [
        (key, schema[key])
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        if isinstance(schema.get(key), _NUMBER_TYPES)
    ]
    if bounds:

        def check_bounds(value: Any) -> Optional[str]:
            if not isinstance(value, _NUMBER_TYPES) or isinstance(value, bool):
                return None
            for key, bound in bounds:
                if (
                    (key == "minimum" and value < bound)
                    or (key == "maximum" and value > bound)
                    or (key == "exclusiveMinimum" and value <= bound)
                    or (key == "exclusiveMaximum" and value >= bound)
                ):
                    return f"{path} {value} is out of bounds ({key} {bound})"
            return None

        checks.append(check_bounds)

    min_length, max_length = schema.get("minLength"), schema.get("maxLength")
    if min_length is not None or max_length is not None:

        def check_length(value: Any) -> Optional[str]:
            if not isinstance(value, str):
                return None
            if min_length is not None and len(value) < min_length:
                return f"{path} must have at least {min_length} characters"
            if max_length is not None and len(value) > max_length:
                return f"{path} must have at most {max_length} characters"
            return None

        checks.append(check_length)

    properties: Mapping[str, Any] = schema.get("properties") or {}
    required: Sequence[str] = schema.get("required") or ()
    if properties or required:
        field_checks = [(name, compile_schema(sub, f"{path}.{name}")) for name, sub in properties.items()]

        def check_object(value: Any) -> Optional[str]:
            if not isinstance(value, MAPPING_TYPES):
                return None
            for name in required:
                if name not in value:
                    return f"{path}.{name} is required"
            for name, check in field_checks:
                if name in value:
                    reason = check(value[name])
                    if reason is not None:
                        return reason
            return None

        checks.append(check_object)

    items = schema.get("items")
    min_items, max_items = schema.get("minItems"), schema.get("maxItems")
    unique = bool(schema.get("uniqueItems"))
    if isinstance(items, Mapping) or min_items is not None or max_items is not None or unique:
        item_check = compile_schema(items, f"{path}[]") if isinstance(items, Mapping) else None

        def check_array(value: Any) -> Optional[str]:
            if not isinstance(value, (list, tuple)):
                return None
            if min_items is not None and len(value) < min_items:
                return f"{path} must have at least {min_items} items"
            if max_items is not None and len(value) > max_items:
                return f"{path} must have at most {max_items} items"
            if unique and len({repr(item) for item in value}) != len(value):
                return f"{path} must not repeat items"
            if item_check is not None:
                for item in value:
                    reason = item_check(item)
                    if reason is not None:
                        return reason
            return None

        checks.append(check_array)

    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        options = [compile_schema(sub, path) for sub in alternatives]

        def check_any(value: Any) -> Optional[str]:
            reasons = [option(value) for option in options]
            if any(reason is None for reason in reasons):
                return None
            return reasons[0]

        checks.append(check_any)

    if not checks:
        return _accept
    if len(checks) == 1:
        return checks[0]

    def check_all(value: Any) -> Optional[str]:
        for check in checks:
            reason = check(value)
            if reason is not None:
                return reason
        return None

    return check_all


def _accept(value: Any) -> Optional[str]:
    return None


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def sample(schema: Mapping[str, Any], rng: random.Random) -> Any:
    """A value that fits ``schema``, drawn with ``rng`` (seed it for repeatable samples)."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return rng.choice(list(schema["enum"]))
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        return sample(rng.choice(list(alternatives)), rng)
    kinds = schema.get("type", "object" if "properties" in schema else "string")
    kind = kinds if isinstance(kinds, str) else next((k for k in kinds if k != "null"), "null")
    if kind in ("number", "integer"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get("maximum", schema.get("exclusiveMaximum", low + 100))
        if kind == "integer":
            return rng.randint(int(low) if low == int(low) else int(low) + 1, int(high))
        return round(rng.uniform(low, high), 2)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "array":
        items: Mapping[str, Any] = schema.get("items") or {"type": "string"}
        low_count = int(schema.get("minItems", 1))
        high_count = int(schema.get("maxItems", max(low_count, 2)))
        count = rng.randint(low_count, max(low_count, high_count))
        if schema.get("uniqueItems") and items.get("enum"):
            pool = list(items["enum"])
            return rng.sample(pool, min(count, len(pool)))
        return [sample(items, rng) for _ in range(count)]
    if kind == "object":
        properties: Mapping[str, Any] = schema.get("properties") or {}
        return {name: sample(sub, rng) for name, sub in properties.items()}
    low_len = int(schema.get("minLength", 5))
    high_len = int(schema.get("maxLength", max(low_len, 12)))
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(rng.choice(letters) for _ in range(rng.randint(low_len, high_len)))
