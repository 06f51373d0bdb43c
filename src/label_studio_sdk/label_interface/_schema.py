"""The JSON Schema subset that describes region values, checked and sampled without a library.

Controls describe the fields of their values as small JSON Schema documents. This module compiles such
a document once into a checker (a closure that returns None, or a short reason) and generates sample
values from it. Supported keywords: type (one or a list), properties, required, items, minItems,
maxItems, uniqueItems, enum, const, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength,
maxLength, anyOf, oneOf. Unknown keywords (format, description, default, additionalProperties) are
ignored, and extra keys in an object are allowed, as Label Studio itself allows them.

``compile_schema(schema, lax=True)`` reads numbers and booleans the way Label Studio's geometry value
models always have: numeric strings, booleans and numpy scalars count as numbers, ``2.0`` and ``"3"``
as integers, ``1`` and ``"yes"``/``"off"`` as booleans; bounds apply to the number read, and NaN is out
of bounds (the strict mode lets NaN through). Every other keyword means the same in both modes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

if TYPE_CHECKING:
    import random

Checker = Callable[[Any], Optional[str]]
"""Returns None when the value fits, else a short reason naming the field."""

_NUMBER_TYPES = (int, float)
MAPPING_TYPES = (dict, Mapping)
"""For isinstance: checking ``dict`` first is ~25x faster than ``typing.Mapping`` alone on the hot path."""

_SHORT_LIST = 8
"""Up to this many items, checking each item is faster than the whole-list test (a polygon point)."""

_BOUND_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")

_EXACT_TYPES: Dict[str, Tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
    "null": (type(None),),
}
"""Classes whose instances (not subclasses: ``bool`` is an ``int``) surely fit a kind in both modes."""

# --- reading values ------------------------------------------------------------------------------

_TRUE_WORDS = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE_WORDS = frozenset({"0", "off", "f", "false", "n", "no"})
_INTEGRAL_TEXT = re.compile(r"^\s*[+-]?\d+(\.0*)?\s*$")


def lax_number(value: Any) -> Optional[float]:
    """``value`` read as a number (ints, floats, booleans, numeric strings, numpy scalars), else None."""
    if isinstance(value, (int, float)):  # bool is an int: True reads as 1
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    if getattr(type(value), "__float__", None) is None or hasattr(value, "__len__"):
        return None  # not a number, or an array that happens to convert
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def lax_int(value: Any) -> Optional[int]:
    """``value`` read as an integer (``2.0`` and ``"3"`` are, ``1.5`` and ``"1e2"`` are not), else None."""
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        return int(value.strip().split(".")[0]) if _INTEGRAL_TEXT.match(value) else None
    index = getattr(type(value), "__index__", None)
    if index is not None:
        return int(index(value))
    number = lax_number(value)
    return int(number) if isinstance(number, float) and number.is_integer() else None


def lax_bool(value: Any) -> Optional[bool]:
    """``value`` read as a boolean (``1``, ``"yes"``, ``"off"``...), else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        word = value.lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None


LAX_READERS: Dict[str, Callable[[Any], Any]] = {
    "number": lax_number,
    "integer": lax_int,
    "boolean": lax_bool,
}
"""The lax reading of each scalar kind: the value as that kind, or None."""


def _strict_number(value: Any) -> Optional[float]:
    return value if isinstance(value, _NUMBER_TYPES) and not isinstance(value, bool) else None


def _strict_integer(value: Any) -> Optional[float]:
    return value if _type_ok("integer", value) else None


_STRICT_READERS: Dict[str, Callable[[Any], Any]] = {"number": _strict_number, "integer": _strict_integer}


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


def _fits(kind: str, value: Any, lax: bool) -> bool:
    reader = LAX_READERS.get(kind) if lax else None
    return reader(value) is not None if reader is not None else _type_ok(kind, value)


def kinds_of(schema: Mapping[str, Any]) -> Tuple[str, ...]:
    """The kinds ``schema`` allows (its ``type``, as a tuple; empty when it names none)."""
    kinds = schema.get("type")
    if kinds is None:
        return ()
    return (kinds,) if isinstance(kinds, str) else tuple(kinds)


# --- compiling -----------------------------------------------------------------------------------


def compile_schema(schema: Mapping[str, Any], path: str = "value", *, lax: bool = False) -> Checker:
    """A checker for ``schema``; reasons name the failing field with a dotted ``path``. ``lax`` reads
    numbers and booleans leniently (see the module)."""
    kinds = kinds_of(schema)
    solid = tuple(kind for kind in kinds if kind != "null")
    has_object = bool(schema.get("properties") or schema.get("required"))
    has_array = _has_array_keywords(schema)
    bounds = _bounds(schema)

    # The common shapes get one closure that checks the type too: fewer calls on the hot path.
    if not _has_value_keywords(schema):
        if solid == ("object",) and has_object and not has_array and not bounds:
            return _object_check(schema, kinds, path, lax, enforce=True)
        if solid == ("array",) and has_array and not has_object and not bounds:
            return _array_check(schema, kinds, path, lax, enforce=True)
        if solid in (("number",), ("integer",)) and not has_object and not has_array:
            return _number_check(bounds, kinds, path, lax, enforce=True)

    # Otherwise one check per keyword, in this order (the first failing one gives the reason).
    checks: List[Checker] = []
    if kinds:
        checks.append(_type_check(kinds, path, lax))
    if "enum" in schema:
        checks.append(_enum_check(list(schema["enum"]), path))
    if "const" in schema:
        expected = schema["const"]
        checks.append(lambda value: None if value == expected else f"{path} must be {expected!r}")
    if bounds:
        checks.append(_number_check(bounds, kinds, path, lax, enforce=False))
    min_length, max_length = schema.get("minLength"), schema.get("maxLength")
    if min_length is not None or max_length is not None:
        checks.append(_length_check(min_length, max_length, path))
    if has_object:
        checks.append(_object_check(schema, kinds, path, lax, enforce=False))
    if has_array:
        checks.append(_array_check(schema, kinds, path, lax, enforce=False))
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        checks.append(_any_check([compile_schema(sub, path, lax=lax) for sub in alternatives]))
    return _all_of(checks)


def _has_value_keywords(schema: Mapping[str, Any]) -> bool:
    """Whether ``schema`` uses a keyword that the fused shape checks leave out."""
    return (
        "enum" in schema
        or "const" in schema
        or schema.get("minLength") is not None
        or schema.get("maxLength") is not None
        or bool(schema.get("anyOf") or schema.get("oneOf"))
    )


def _has_array_keywords(schema: Mapping[str, Any]) -> bool:
    return (
        isinstance(schema.get("items"), Mapping)
        or schema.get("minItems") is not None
        or schema.get("maxItems") is not None
        or bool(schema.get("uniqueItems"))
    )


def _bounds(schema: Mapping[str, Any]) -> Dict[str, float]:
    return {key: schema[key] for key in _BOUND_KEYWORDS if isinstance(schema.get(key), _NUMBER_TYPES)}


def _kind_error(path: str, kinds: Sequence[str], value: Any) -> str:
    return f"{path} must be {' or '.join(kinds)}, got {_short(value)}"


def _type_check(kinds: Sequence[str], path: str, lax: bool) -> Checker:
    exact = frozenset(cls for kind in kinds for cls in _EXACT_TYPES.get(kind, ()))

    def check_type(value: Any) -> Optional[str]:
        if type(value) in exact:
            return None
        for kind in kinds:
            if _fits(kind, value, lax):
                return None
        return _kind_error(path, kinds, value)

    return check_type


def _number_check(
    bounds: Mapping[str, float], kinds: Sequence[str], path: str, lax: bool, *, enforce: bool
) -> Checker:
    """Reads the value as a number and checks ``bounds``. With ``enforce`` the value must be of the one
    numeric kind in ``kinds``; without, values that are not numbers pass (another check judges them)."""
    kind = next((k for k in kinds if k != "null"), "number") if enforce else "number"
    plain: FrozenSet[type] = frozenset(_EXACT_TYPES[kind])
    read = (LAX_READERS if lax else _STRICT_READERS)[kind]
    nullable = "null" in kinds
    minimum, maximum = bounds.get("minimum"), bounds.get("maximum")
    above, below = bounds.get("exclusiveMinimum"), bounds.get("exclusiveMaximum")

    def out_of_bounds(value: Any, key: str, bound: float) -> str:
        shown = _short(value) if lax else value
        return f"{path} {shown} is out of bounds ({key} {bound})"

    def check_number(value: Any) -> Optional[str]:
        if type(value) in plain:
            number = value
        else:
            number = read(value)
            if number is None:
                if enforce and not (value is None and nullable):
                    return _kind_error(path, kinds, value)
                return None
        # written as "not inside" so that NaN fails in lax mode; ``number == number`` lets it pass otherwise
        if minimum is not None and not number >= minimum and (lax or number == number):
            return out_of_bounds(value, "minimum", minimum)
        if maximum is not None and not number <= maximum and (lax or number == number):
            return out_of_bounds(value, "maximum", maximum)
        if above is not None and not number > above and (lax or number == number):
            return out_of_bounds(value, "exclusiveMinimum", above)
        if below is not None and not number < below and (lax or number == number):
            return out_of_bounds(value, "exclusiveMaximum", below)
        return None

    return check_number


def _enum_check(allowed: List[Any], path: str) -> Checker:
    def check_enum(value: Any) -> Optional[str]:
        return None if value in allowed else f"{path} must be one of {allowed}, got {_short(value)}"

    return check_enum


def _length_check(min_length: Optional[int], max_length: Optional[int], path: str) -> Checker:
    def check_length(value: Any) -> Optional[str]:
        if not isinstance(value, str):
            return None
        if min_length is not None and len(value) < min_length:
            return f"{path} must have at least {min_length} characters"
        if max_length is not None and len(value) > max_length:
            return f"{path} must have at most {max_length} characters"
        return None

    return check_length


def _object_check(
    schema: Mapping[str, Any], kinds: Sequence[str], path: str, lax: bool, *, enforce: bool
) -> Checker:
    """Checks required keys and declared fields; other values pass unless ``enforce`` (then only
    None passes, and only when ``kinds`` allows null)."""
    nullable = "null" in kinds
    required: Sequence[str] = tuple(schema.get("required") or ())
    properties: Mapping[str, Any] = schema.get("properties") or {}
    fields = [(name, compile_schema(sub, f"{path}.{name}", lax=lax)) for name, sub in properties.items()]
    fields = [(name, check) for name, check in fields if check is not _accept]

    def check_object(value: Any) -> Optional[str]:
        if not isinstance(value, MAPPING_TYPES):
            if enforce and not (value is None and nullable):
                return _kind_error(path, kinds, value)
            return None
        for name in required:
            if name not in value:
                return f"{path}.{name} is required"
        for name, check in fields:
            if name in value:
                reason = check(value[name])
                if reason is not None:
                    return reason
        return None

    return check_object


def _array_check(
    schema: Mapping[str, Any], kinds: Sequence[str], path: str, lax: bool, *, enforce: bool
) -> Checker:
    """Checks the item count, uniqueness and every item; other values pass unless ``enforce``."""
    nullable = "null" in kinds
    items = schema.get("items")
    min_items, max_items = schema.get("minItems"), schema.get("maxItems")
    unique = bool(schema.get("uniqueItems"))
    item_check = compile_schema(items, f"{path}[]", lax=lax) if isinstance(items, Mapping) else _accept
    all_plain = _plain_items_test(items) if isinstance(items, Mapping) else None

    def check_array(value: Any) -> Optional[str]:
        if not isinstance(value, (list, tuple)):
            if enforce and not (value is None and nullable):
                return _kind_error(path, kinds, value)
            return None
        if min_items is not None and len(value) < min_items:
            return f"{path} must have at least {min_items} items"
        if max_items is not None and len(value) > max_items:
            return f"{path} must have at most {max_items} items"
        if unique and len({repr(item) for item in value}) != len(value):
            return f"{path} must not repeat items"
        if item_check is _accept or (all_plain is not None and len(value) > _SHORT_LIST and all_plain(value)):
            return None
        for item in value:
            reason = item_check(item)
            if reason is not None:
                return reason
        return None

    return check_array


def _plain_items_test(items: Mapping[str, Any]) -> Optional[Callable[[Sequence[Any]], bool]]:
    """For arrays of numbers with at most a minimum and a maximum: a whole-list test that says True when
    every item is a plain int (or float) inside the bounds, so that the per-item check runs only to say
    why not (brush values carry lists of thousands of bytes)."""
    kinds = kinds_of(items)
    if kinds not in (("integer",), ("number",)) or _has_value_keywords(items):
        return None
    if "exclusiveMinimum" in items or "exclusiveMaximum" in items:
        return None
    bounds = _bounds(items)
    minimum, maximum = bounds.get("minimum"), bounds.get("maximum")
    plain = frozenset(_EXACT_TYPES[kinds[0]])

    def all_plain(values: Sequence[Any]) -> bool:
        if not values:
            return True
        if not set(map(type, values)) <= plain:
            return False
        if float in plain:
            total = sum(values)
            if total != total:  # a NaN (min() and max() are not reliable then), or inf - inf
                return False
        return (minimum is None or min(values) >= minimum) and (maximum is None or max(values) <= maximum)

    return all_plain


def _any_check(options: List[Checker]) -> Checker:
    def check_any(value: Any) -> Optional[str]:
        reasons = [option(value) for option in options]
        if any(reason is None for reason in reasons):
            return None
        return reasons[0]

    return check_any


def _all_of(checks: List[Checker]) -> Checker:
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
