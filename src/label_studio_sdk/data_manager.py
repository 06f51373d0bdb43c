"""Data Manager filters: pick tasks by their columns in task lists, views and actions.

A filter set is a plain dict in the layout the server reads, so it can go anywhere the API takes
filters::

    {"conjunction": "and",
     "items": [{"filter": "filter:tasks:id", "operator": "greater", "type": "Number", "value": 42}]}

Two ways to build one give the same dict. The typed builder::

    from label_studio_sdk.data_manager import F, Filters

    recent_cats = Filters.all_of(
        F.data("text").contains("cat"),
        F.created_at.between(datetime(2024, 1, 1, tzinfo=timezone.utc), datetime.now(timezone.utc)),
    )

and the 0.x functions, kept with their names and output::

    from label_studio_sdk.data_manager import Column, Filters, Operator, Type

    recent_cats = Filters.create(Filters.AND, [
        Filters.item(Column.data("text"), Operator.CONTAINS, Type.String, Filters.value("cat")),
        Filters.item(Column.created_at, Operator.IN, Type.Datetime,
                     Filters.value(datetime(2024, 1, 1, tzinfo=timezone.utc), datetime.now(timezone.utc))),
    ])

Where it goes::

    client.tasks.list(project=7, filters=recent_cats, ordering=["-" + Column.id])
    client.views.create(project=7, data={"title": "Cats", "filters": recent_cats})
    client.actions.create(id="delete_tasks", project=7, filters=recent_cats)

Under ``mypy --strict`` the last two parameters are typed as the generated models; turn the dict into
one with ``ActionsCreateRequestFilters.model_validate(recent_cats)`` (the JSON sent is the same).

Datetimes are sent in UTC as ``DATETIME_FORMAT`` text. An aware datetime is converted to UTC first. A
naive datetime is taken to be in UTC already (the server reads its naive wire values that way too);
for local wall-clock time, make it aware: ``datetime.now().astimezone()``.

Checks made here, because the server would otherwise answer 500 or, worse, ignore the condition and
match every task (a ``delete_tasks`` action would then delete them all): the column must be a task
column (``tasks:...``), the value must not be None, a range needs both ends, and conjunction, operator
and type must be among the ones listed on ``Filters``, ``Operator`` and ``Type``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Final, List, Mapping, Optional, Sequence, Union

from typing_extensions import TypedDict

from label_studio_sdk.core.errors import InvalidArgumentError

__all__ = [
    "DATETIME_FORMAT",
    "Column",
    "F",
    "Field",
    "FilterItemDict",
    "FilterValue",
    "Filters",
    "FiltersDict",
    "Operator",
    "RangeDict",
    "Type",
]

DATETIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.%fZ"
"""How the Data Manager writes and parses datetimes: UTC, microseconds, a literal ``Z``."""

_FILTER_PREFIX: Final = "filter:"
_TASK_PREFIX: Final = "tasks:"

RangeBound = Union[int, float, str]
"""One end of a range on the wire: a number, or a datetime already formatted as text."""


class RangeDict(TypedDict):
    """A closed range, for the ``in`` and ``not_in`` operators."""

    min: RangeBound
    max: RangeBound


FilterValue = Union[str, int, float, bool, RangeDict, List[Any]]
"""A condition's value on the wire: a scalar, a ``{"min", "max"}`` range or a list."""

ValueInput = Union[str, int, float, bool, _dt.datetime, RangeDict, Sequence[Any]]
"""What the helpers accept as a value; datetimes are turned into ``DATETIME_FORMAT`` text."""

BoundInput = Union[int, float, str, _dt.datetime]
"""What the helpers accept as one end of a range."""


class FilterItemDict(TypedDict):
    """One condition, e.g. "task id greater than 42"."""

    filter: str
    operator: str
    type: str
    value: FilterValue


class FiltersDict(TypedDict):
    """A set of conditions joined by "and" or "or": the ``filters`` object of the Data Manager."""

    conjunction: str
    items: List[FilterItemDict]


class Operator:
    """The comparisons a condition can make (the ones the server's filter code implements)."""

    EQUAL: Final = "equal"
    NOT_EQUAL: Final = "not_equal"
    LESS: Final = "less"
    GREATER: Final = "greater"
    LESS_OR_EQUAL: Final = "less_or_equal"
    GREATER_OR_EQUAL: Final = "greater_or_equal"
    IN: Final = "in"
    """Within a range, both ends included: the value is ``{"min": ..., "max": ...}``."""
    NOT_IN: Final = "not_in"
    """Outside a range given as ``{"min": ..., "max": ...}``."""
    IN_LIST: Final = "in_list"
    """Equal to one of the values in a list."""
    NOT_IN_LIST: Final = "not_in_list"
    EMPTY: Final = "empty"
    """The value is a bool: true selects tasks where the column is empty, false where it is not."""
    CONTAINS: Final = "contains"
    """Case-insensitive substring match."""
    NOT_CONTAINS: Final = "not_contains"
    REGEX: Final = "regex"


class Type:
    """What kind of values a column holds; the server converts the condition's value accordingly."""

    Number: Final = "Number"
    Datetime: Final = "Datetime"
    Boolean: Final = "Boolean"
    String: Final = "String"
    List: Final = "List"
    Unknown: Final = "Unknown"
    """Compared as text."""


class Column:
    """Names of the Data Manager's task columns, as filters and ordering refer to them."""

    id: Final = "tasks:id"
    """The task ID."""
    inner_id: Final = "tasks:inner_id"
    """The task's number inside its project, counted from 1."""
    ground_truth: Final = "tasks:ground_truth"
    """Whether the task holds a ground-truth annotation."""
    annotations_results: Final = "tasks:annotations_results"
    """The results of the task's annotations, as JSON text."""
    reviewed: Final = "tasks:reviewed"
    """Whether the task was reviewed (Enterprise)."""
    predictions_score: Final = "tasks:predictions_score"
    """The score of the task's predictions."""
    predictions_model_versions: Final = "tasks:predictions_model_versions"
    """The model versions that made the task's predictions."""
    predictions_results: Final = "tasks:predictions_results"
    """The results of the task's predictions, as JSON text."""
    file_upload: Final = "tasks:file_upload"
    """The name of the uploaded file the task came from."""
    created_at: Final = "tasks:created_at"
    """When the task was created."""
    updated_at: Final = "tasks:updated_at"
    """When the task last changed (a new annotation or review counts)."""
    annotators: Final = "tasks:annotators"
    """Users who annotated the task (Enterprise adds assigned annotators); the value is a user ID."""
    total_predictions: Final = "tasks:total_predictions"
    """How many predictions the task has."""
    cancelled_annotations: Final = "tasks:cancelled_annotations"
    """How many of the task's annotations were skipped or cancelled."""
    total_annotations: Final = "tasks:total_annotations"
    """How many annotations the task has."""
    completed_at: Final = "tasks:completed_at"
    """When the task got all the annotations it needs."""
    agreement: Final = "tasks:agreement"
    """Agreement between the task's annotations (Enterprise)."""
    reviewers: Final = "tasks:reviewers"
    """Users who reviewed the task or are assigned to (Enterprise); the value is a user ID."""
    reviews_rejected: Final = "tasks:reviews_rejected"
    """How many of the task's annotations were rejected in review (Enterprise)."""
    reviews_accepted: Final = "tasks:reviews_accepted"
    """How many of the task's annotations were accepted in review (Enterprise)."""
    comments: Final = "tasks:comments"
    """How many comments the task has."""
    unresolved_comment_count: Final = "tasks:unresolved_comment_count"
    """How many of the task's comments are unresolved."""

    @staticmethod
    def data(task_field: str) -> str:
        """The column of one key of the task data, e.g. ``Column.data("text")`` -> ``"tasks:data.text"``."""
        if not isinstance(task_field, str) or not task_field:
            raise InvalidArgumentError(f"a task data field must be a non-empty str, not {task_field!r}")
        return _TASK_PREFIX + "data." + task_field


_CONJUNCTIONS: Final = ("or", "and")
_OPERATORS: Final = tuple(v for k, v in vars(Operator).items() if k.isupper())
_TYPES: Final = tuple(v for k, v in vars(Type).items() if k[:1].isupper() and isinstance(v, str))


def _choice(kind: str, value: object, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidArgumentError(f"unknown {kind} {value!r}; expected one of: {', '.join(allowed)}")
    return value


def _column(name: object) -> str:
    """A task column name with any ``filter:`` prefix removed; anything but a task column is refused."""
    if not isinstance(name, str):
        raise InvalidArgumentError(
            f"a filter column must be a str such as Column.id, not {type(name).__name__}"
        )
    column = name[len(_FILTER_PREFIX) :] if name.startswith(_FILTER_PREFIX) else name
    if not column.startswith(_TASK_PREFIX) or column == _TASK_PREFIX:
        # The server skips conditions on other names and then matches every task.
        raise InvalidArgumentError(
            f"{name!r} is not a task column: use a Column constant or Column.data(...), "
            f'which look like "tasks:<name>"'
        )
    return column


def _bound(value: object, end: str) -> RangeBound:
    if isinstance(value, _dt.datetime):
        return Filters.datetime(value)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidArgumentError(
            f"the {end} of a range must be a number, a str or a datetime, not {value!r}"
        )
    return value


def _wire_value(value: object) -> FilterValue:
    """A condition value as sent: datetimes formatted, ranges checked, None refused."""
    if value is None:
        # The server ignores a condition whose value is null (or fails on it).
        raise InvalidArgumentError("a filter value cannot be None")
    if isinstance(value, _dt.datetime):
        return Filters.datetime(value)
    if isinstance(value, Mapping):
        if set(value) != {"min", "max"}:
            raise InvalidArgumentError(
                f'a range value needs exactly the keys "min" and "max", got {sorted(value)}'
            )
        return RangeDict(min=_bound(value["min"], "min"), max=_bound(value["max"], "max"))
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [Filters.datetime(v) if isinstance(v, _dt.datetime) else v for v in value]
    raise InvalidArgumentError(f"a filter value cannot be a {type(value).__name__}")


class Filters:
    """Build the ``filters`` object: conditions, values and how conditions combine."""

    OR: Final = "or"
    """A task matches when any condition holds."""
    AND: Final = "and"
    """A task matches when every condition holds."""

    @staticmethod
    def create(conjunction: str, items: Sequence[FilterItemDict]) -> FiltersDict:
        """Join conditions with ``Filters.AND`` or ``Filters.OR``; no conditions at all match every task."""
        joined = _choice("conjunction", conjunction, _CONJUNCTIONS)
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            raise InvalidArgumentError("items must be a list of conditions made with Filters.item or a Field")
        for entry in items:
            if not isinstance(entry, Mapping):
                raise InvalidArgumentError(f"a filter condition must be a dict, not {type(entry).__name__}")
        return FiltersDict(conjunction=joined, items=list(items))

    @staticmethod
    def item(name: str, operator: str, column_type: str, value: ValueInput) -> FilterItemDict:
        """One condition: ``Filters.item(Column.id, Operator.GREATER, Type.Number, 42)``.

        ``name`` is a Column constant or ``Column.data(key)`` (a leading "filter:" is accepted once);
        a datetime value, or datetime ends of a range, are formatted like ``Filters.datetime``.
        """
        return FilterItemDict(
            filter=_FILTER_PREFIX + _column(name),
            operator=_choice("operator", operator, _OPERATORS),
            type=_choice("type", column_type, _TYPES),
            value=_wire_value(value),
        )

    @staticmethod
    def datetime(dt: _dt.datetime) -> str:
        """A datetime as the Data Manager reads it: in UTC (naive means UTC already), ``DATETIME_FORMAT``."""
        if not isinstance(dt, _dt.datetime):
            raise InvalidArgumentError(f"expected a datetime, not {type(dt).__name__}")
        if dt.utcoffset() is not None:
            dt = dt.astimezone(_dt.timezone.utc)
        return dt.strftime(DATETIME_FORMAT)

    @classmethod
    def value(cls, value: ValueInput, maximum: Optional[BoundInput] = None) -> FilterValue:
        """A condition value; with ``maximum``, the range ``{"min": value, "max": maximum}``.

        Datetimes become ``DATETIME_FORMAT`` text. The server has no open-ended range: for "at least"
        or "at most" use ``Operator.GREATER_OR_EQUAL`` or ``Operator.LESS_OR_EQUAL``.
        """
        if maximum is not None:
            if value is None:
                raise InvalidArgumentError(
                    "a range needs both ends; for 'at most' use Operator.LESS_OR_EQUAL"
                )
            return RangeDict(min=_bound(value, "min"), max=_bound(maximum, "max"))
        return _wire_value(value)

    @staticmethod
    def all_of(*items: FilterItemDict) -> FiltersDict:
        """Conditions that must all hold: ``Filters.all_of(F.id.greater(5), F.data("text").contains("cat"))``."""
        return Filters.create(Filters.AND, items)

    @staticmethod
    def any_of(*items: FilterItemDict) -> FiltersDict:
        """Conditions of which at least one must hold."""
        return Filters.create(Filters.OR, items)


class Field:
    """A column with its value type; each method makes one condition on it (a ``FilterItemDict``).

    Use the ready-made ones on ``F`` (``F.id``, ``F.completed_at``, ``F.data("text")``) or make one:
    ``Field(Column.data("score"), Type.Number)``.
    """

    __slots__ = ("column", "type")

    def __init__(self, column: str, column_type: str) -> None:
        self.column: str = _column(column)
        """The column name, e.g. ``"tasks:id"``."""
        self.type: str = _choice("type", column_type, _TYPES)
        """The column's value type, e.g. ``"Number"``."""

    def __repr__(self) -> str:
        return f"Field({self.column!r}, {self.type!r})"

    def _condition(self, operator: str, value: ValueInput) -> FilterItemDict:
        return Filters.item(self.column, operator, self.type, value)

    def equal(self, value: Union[str, int, float, bool, _dt.datetime]) -> FilterItemDict:
        """The column equals ``value``."""
        return self._condition(Operator.EQUAL, value)

    def not_equal(self, value: Union[str, int, float, bool, _dt.datetime]) -> FilterItemDict:
        """The column differs from ``value``."""
        return self._condition(Operator.NOT_EQUAL, value)

    def less(self, value: BoundInput) -> FilterItemDict:
        """The column is below ``value``."""
        return self._condition(Operator.LESS, value)

    def less_or_equal(self, value: BoundInput) -> FilterItemDict:
        """The column is at most ``value``."""
        return self._condition(Operator.LESS_OR_EQUAL, value)

    def greater(self, value: BoundInput) -> FilterItemDict:
        """The column is above ``value``."""
        return self._condition(Operator.GREATER, value)

    def greater_or_equal(self, value: BoundInput) -> FilterItemDict:
        """The column is at least ``value``."""
        return self._condition(Operator.GREATER_OR_EQUAL, value)

    def between(self, minimum: BoundInput, maximum: BoundInput) -> FilterItemDict:
        """The column lies from ``minimum`` to ``maximum``, both included."""
        return self._condition(Operator.IN, Filters.value(minimum, maximum))

    def not_between(self, minimum: BoundInput, maximum: BoundInput) -> FilterItemDict:
        """The column lies outside ``minimum`` .. ``maximum``."""
        return self._condition(Operator.NOT_IN, Filters.value(minimum, maximum))

    def in_list(self, values: Sequence[Union[str, int, float]]) -> FilterItemDict:
        """The column equals one of ``values``."""
        return self._condition(Operator.IN_LIST, _as_list(values))

    def not_in_list(self, values: Sequence[Union[str, int, float]]) -> FilterItemDict:
        """The column equals none of ``values``."""
        return self._condition(Operator.NOT_IN_LIST, _as_list(values))

    def contains(self, value: Union[str, int]) -> FilterItemDict:
        """The column contains ``value`` (text: case-insensitive; people columns: a user ID)."""
        return self._condition(Operator.CONTAINS, value)

    def not_contains(self, value: Union[str, int]) -> FilterItemDict:
        """The column does not contain ``value``."""
        return self._condition(Operator.NOT_CONTAINS, value)

    def regex(self, pattern: str) -> FilterItemDict:
        """The column matches the regular expression ``pattern``."""
        return self._condition(Operator.REGEX, pattern)

    def empty(self, is_empty: bool = True) -> FilterItemDict:
        """The column is empty (or, with ``False``, is not)."""
        if not isinstance(is_empty, bool):
            raise InvalidArgumentError("empty() takes True or False")
        return self._condition(Operator.EMPTY, is_empty)


def _as_list(values: Sequence[Any]) -> List[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise InvalidArgumentError("expected a list of values")
    return list(values)


class F:
    """The task columns as typed ``Field`` objects: ``F.id.greater(42)``, ``F.data("text").contains("x")``."""

    id: Final = Field(Column.id, Type.Number)
    inner_id: Final = Field(Column.inner_id, Type.Number)
    ground_truth: Final = Field(Column.ground_truth, Type.Boolean)
    annotations_results: Final = Field(Column.annotations_results, Type.String)
    reviewed: Final = Field(Column.reviewed, Type.Boolean)
    predictions_score: Final = Field(Column.predictions_score, Type.Number)
    predictions_model_versions: Final = Field(Column.predictions_model_versions, Type.List)
    predictions_results: Final = Field(Column.predictions_results, Type.String)
    file_upload: Final = Field(Column.file_upload, Type.String)
    created_at: Final = Field(Column.created_at, Type.Datetime)
    updated_at: Final = Field(Column.updated_at, Type.Datetime)
    annotators: Final = Field(Column.annotators, Type.List)
    total_predictions: Final = Field(Column.total_predictions, Type.Number)
    cancelled_annotations: Final = Field(Column.cancelled_annotations, Type.Number)
    total_annotations: Final = Field(Column.total_annotations, Type.Number)
    completed_at: Final = Field(Column.completed_at, Type.Datetime)
    agreement: Final = Field(Column.agreement, Type.Number)
    reviewers: Final = Field(Column.reviewers, Type.List)
    reviews_rejected: Final = Field(Column.reviews_rejected, Type.Number)
    reviews_accepted: Final = Field(Column.reviews_accepted, Type.Number)
    comments: Final = Field(Column.comments, Type.Number)
    unresolved_comment_count: Final = Field(Column.unresolved_comment_count, Type.Number)

    @staticmethod
    def data(key: str, column_type: str = Type.String) -> Field:
        """A key of the task data; say ``Type.Number`` to compare it as a number."""
        return Field(Column.data(key), column_type)
