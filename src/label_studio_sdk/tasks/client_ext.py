"""tasks.list with Data Manager filters (``filters=`` and ``ordering=`` are encoded into ``query``) and
``fields="all"`` by default, so listed tasks carry their annotations and predictions (as the seed-era SDK did).

The server reads ``query`` as JSON text of the shape ``{"filters": {...}, "ordering": [...]}``, the
same shape a view stores (see ``label_studio_sdk.data_manager`` for building the filters).

This module holds what the overlay decides, written once; the clients that send are
``tasks/_async/client_ext.py`` (written by hand) and ``tasks/_sync/client_ext.py`` (its generated twin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from label_studio_sdk.core.errors import InvalidArgumentError
from label_studio_sdk.core.options import OMIT, Omit
from label_studio_sdk.core.serialization import dump_json

if TYPE_CHECKING:
    from label_studio_sdk.actions.types.actions_create_request_filters import ActionsCreateRequestFilters
    from label_studio_sdk.data_manager import FiltersDict
    from label_studio_sdk.views.types.views_create_request_data_filters import ViewsCreateRequestDataFilters
    from label_studio_sdk.views.types.views_update_request_data_filters import ViewsUpdateRequestDataFilters

TaskFilters = Union[
    "FiltersDict",
    Mapping[str, Any],
    "ActionsCreateRequestFilters",
    "ViewsCreateRequestDataFilters",
    "ViewsUpdateRequestDataFilters",
]
"""What ``filters=`` takes: a dict from ``data_manager`` (or written by hand) or a generated filters model."""


def _filters_object(filters: object) -> Dict[str, Any]:
    """The filters as a plain dict, after a shape check that catches mistakes before the server does."""
    model_dump = getattr(filters, "model_dump", None)
    if callable(model_dump):
        filters = model_dump(mode="json", by_alias=True, exclude_unset=True)
    if not isinstance(filters, Mapping):
        raise InvalidArgumentError(
            f"filters must be a dict such as Filters.all_of(...) returns, not {type(filters).__name__}"
        )
    if filters.get("conjunction") not in ("and", "or"):
        raise InvalidArgumentError(
            f'filters need "conjunction": "and" or "or", got {filters.get("conjunction")!r}'
        )
    items = filters.get("items")
    if not isinstance(items, (list, tuple)):
        raise InvalidArgumentError('filters need "items": a list of conditions')
    return dict(filters)


def _ordering_columns(ordering: object) -> Optional[List[Any]]:
    """``ordering`` as a list (one str is a list of one); None when it is not a sequence of anything."""
    if isinstance(ordering, str):
        return [ordering]
    if isinstance(ordering, (bytes, bytearray, Mapping)) or not isinstance(ordering, Iterable):
        return None
    return list(ordering)


def tasks_query(filters: Optional[TaskFilters], ordering: Optional[Sequence[str]]) -> Optional[str]:
    """The ``query`` text for ``GET /api/tasks/``, or None when there are neither filters nor ordering."""
    body: Dict[str, Any] = {}
    if filters is not None:
        body["filters"] = _filters_object(filters)
    if ordering is not None:
        columns = _ordering_columns(ordering)
        if columns is None or not all(isinstance(column, str) for column in columns):
            raise InvalidArgumentError('ordering must be a list of column names such as ["-tasks:id"]')
        body["ordering"] = columns
    if not body:
        return None
    try:
        text = dump_json(body).decode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"filters cannot be sent as JSON: {exc}") from exc
    # Label Studio 1.23 percent-decodes the already decoded value a second time, so a literal "%" in
    # a value would turn "%41" into "A": send it as "%25", which that second decoding turns back.
    return text.replace("%", "%25")


def _pick_query(
    query: Union[str, Omit, None], filters: Optional[TaskFilters], ordering: Optional[Sequence[str]]
) -> Union[str, Omit]:
    encoded = tasks_query(filters, ordering)
    if encoded is None:
        return OMIT if query is None else query
    if query is not OMIT and query is not None:
        raise InvalidArgumentError(
            "pass either query= or filters=/ordering=, not both: they fill the same parameter"
        )
    return encoded
