"""The 0.x ``Project`` (deprecated: use ``label_studio_sdk.LabelStudio``, e.g. ``ls.projects``, ``ls.tasks``).

Every public method and property of the 0.x ``label_studio_sdk.project`` module is here with the same
name, arguments and return shape (plain dicts and lists), on top of the new client: requests go through
``self.ls`` (the generated methods) where one fits, and through ``self.make_request`` for the endpoints
the spec does not describe (project members, task assignees, model versions, prediction import, the
synchronous export, the one-page task listing). Retries and errors are the new client's: a failed call
raises a typed error (``NotFoundError``, ``BadRequestError``, ... from ``label_studio_sdk.core.errors``).

Fixed on purpose, compared with 0.x (each has a test in ``tests/unit/test_legacy_bugs.py``):

* Project fields read as attributes (``project.title``) raise ``LabelStudioAttributeError``, now also an
  ``AttributeError``, so ``hasattr``/``getattr(..., default)``/``copy``/``pickle`` work; names starting
  with ``_`` never reach the server; a project without ``params`` or without an ``id`` cannot recurse.
  A missing field costs at most one fetch until the cache is refreshed.
* ``set_params`` and the ``set_*`` helpers refresh the cached fields; ``_create_from_id`` copies the
  ``params`` it is given; no ``assert`` is used for runtime checks.
* ``get_tasks`` stops on an empty page, when ``total`` is reached, or on a 404 past the first page; any
  other error is raised (0.x returned a silent partial list on 400/401/500). ``page_size`` is a
  keyword-only argument; ``only_ids`` asks the server for the IDs only.
* ``import_tasks`` takes a list, a dict, a path (``str``/``Path``) or an ``http(s)://`` URL; large lists
  go in chunks; the IDs of all chunks are returned.
* ``export_tasks`` parses JSON formats only (bytes for CSV, ZIP, ...). ``export_snapshot_download``
  streams to disk, creates the folder, and never uses the server's file name as a path.
* ``create_prediction`` turns a label or a value dict into a full result, as 0.x documented, and sends
  ``score`` only when given; ``get_predictions_coverage`` survives a list answer and zero tasks.
* Sampling assignment never gives a user the same task twice, validates ``fraction`` and ``overlap``
  (after dropping non-members) and takes an optional ``random.Random``.
* The GCS helpers work without credentials and read a credentials file given by path; storage
  bodies leave ``None`` values out.

The methods the last 0.x release added (annotations, task and view deletion, ``export``,
``export_tasks(download_all_tasks, download_resources, ids, export_location)``, local and listed
storages, ``get_files_from_tasks``) keep that release's names, arguments and results, observed by running
it against Label Studio 1.23.2 (tests/integration/test_legacy_0x.py). Differences, on purpose:

* A name that is neither a method nor a project field raises ``AttributeError`` ("no such method or
  project field", with close matches) at once, with no request; 0.x fetched the project and then said
  the field "is not set".
* ``export_tasks(ids=...)`` sends ``ids[]``, the parameter the server reads (0.x sent ``ids``, which the
  server ignores, so it exported every task); ``export_location`` may be a folder (the file is named
  there) as well as a file path; other formats than JSON without a location return bytes (0.x raised).
* ``export`` converts formats other than JSON before downloading them, waits with a timeout, and
  deletes its temporary view even when the export fails; unknown keyword arguments are a ``TypeError``
  before any request.
* ``get_files_from_tasks`` walks nested data, skips text and numbers (0.x crashed on them), accepts one
  task dict, and warns about each file it cannot fetch.
* ``delete_tasks([])`` sends nothing; ``connect_local_import_storage`` leaves the local-files checks to
  the server (this process's environment says nothing about a remote server).
"""

from __future__ import annotations

import difflib
import inspect
import json
import logging
import os
import random
import re
import secrets
import time
from enum import Enum, auto
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import httpx

from ..core.errors import ApiError, LabelStudioError
from ..core.options import OMIT, RequestOptions
from ..core.serialization import dump_json, encode_path
from . import sampling, storage
from .client import Client, Response
from .results import prediction_result

if TYPE_CHECKING:
    from .users import User

logger: logging.Logger = logging.getLogger("label_studio_sdk")

ASSIGN_CHUNK_SIZE = 1000
"""Task IDs per request when assigning users to tasks or clearing assignments (as 0.x did)."""
DEFAULT_TASKS_PAGE_SIZE = 100
"""Tasks per request in ``get_tasks`` (0.x: fixed 100)."""
DEFAULT_EXPORT_TIMEOUT = 600.0
"""Seconds ``export`` waits, in all, for its snapshot (and conversion) to be ready."""
JSON_EXPORT_FORMATS = frozenset({"JSON", "JSON_MIN"})
"""Export formats whose body ``export_tasks`` parses; other formats come back as bytes."""

_LABELED_FILTER_ITEM = {"filter": "filter:tasks:completed_at", "operator": "empty", "type": "Datetime"}
_SAFE_FILE_NAME = re.compile(r"[\w.\-+=,@() ]+")
_EXTENSIONS = {"JSON": "json", "JSON_MIN": "json", "CSV": "csv", "TSV": "tsv", "CONLL2003": "conll"}

TasksArg = Union[List[Dict[str, Any]], Dict[str, Any], str, "os.PathLike[str]"]


class LabelStudioException(LabelStudioError):
    """An error of the 0.x API layer (also a ``label_studio_sdk.core.errors.LabelStudioError``)."""


class LabelStudioAttributeError(LabelStudioException, AttributeError):
    """A project field that is not set. An ``AttributeError`` too, so ``hasattr`` and
    ``getattr(project, name, default)`` work (0.x raised a plain exception there)."""


class ProjectSampling(Enum):
    """How the labeling stream picks the next task."""

    RANDOM = "Uniform sampling"
    """Tasks in random order."""
    SEQUENCE = "Sequential sampling"
    """Tasks in ID order."""
    UNCERTAINTY = "Uncertainty sampling"
    """Tasks whose predictions are least certain first (Enterprise)."""


class ProjectStorage(Enum):
    """Kinds of cloud storage a project can import from or export to."""

    GOOGLE = "gcs"
    """Google Cloud Storage."""
    S3 = "s3"
    """Amazon S3."""
    AZURE = "azure_blob"
    """Microsoft Azure Blob Storage."""
    LOCAL = "localfiles"
    """Files on the Label Studio host."""
    REDIS = "redis"
    """Redis."""
    S3_SECURED = "s3s"
    """Amazon S3 reached through IAM roles (Enterprise)."""


class AssignmentSamplingMethod(Enum):
    """How ``assign_*_by_sampling`` splits tasks among users."""

    RANDOM = auto()
    """Tasks in random order, split evenly among the users."""


class ExportSnapshotStatus:
    """The status of an export snapshot, as ``Project.export_snapshot_status`` returns it.

    ``response`` is the snapshot as a dict. Not the same class as
    ``label_studio_sdk.types.ExportSnapshotStatus`` (the status type of the new client).
    """

    CREATED = "created"
    """The snapshot is registered; building has not started."""
    IN_PROGRESS = "in_progress"
    """The snapshot is being built."""
    FAILED = "failed"
    """Building the snapshot failed."""
    COMPLETED = "completed"
    """The snapshot is ready to download."""

    def __init__(self, response: Dict[str, Any]) -> None:
        self.response = response

    @property
    def status(self) -> str:
        """The snapshot's status; ``LabelStudioException`` when the server did not say."""
        if not isinstance(self.response, Mapping) or "status" not in self.response:
            raise LabelStudioException('"status" field not found in the export snapshot response')
        return str(self.response["status"])

    def is_created(self) -> bool:
        """Whether the snapshot is registered but not started."""
        return self.status == self.CREATED

    def is_in_progress(self) -> bool:
        """Whether the snapshot is being built."""
        return self.status == self.IN_PROGRESS

    def is_failed(self) -> bool:
        """Whether building the snapshot failed."""
        return self.status == self.FAILED

    def is_completed(self) -> bool:
        """Whether the snapshot is ready to download."""
        return self.status == self.COMPLETED

    def __repr__(self) -> str:
        status = self.response.get("status") if isinstance(self.response, Mapping) else None
        return f"ExportSnapshotStatus(status={status!r})"


# -- small helpers ----------------------------------------------------------------------------------


def _dump(model: Any) -> Dict[str, Any]:
    """A response model as the plain dict 0.x returned (the server's keys, unknown ones included)."""
    data: Dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return data


_signatures: Dict[Any, Tuple[str, ...]] = {}


def _split(
    method: Callable[..., Any], values: Mapping[str, Any], skip: Iterable[str] = ()
) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """``values`` split into the keyword arguments ``method`` declares and the rest (sent as extra body
    fields): 0.x passed any field through ``**kwargs``, the generated methods name a known subset."""
    func = getattr(method, "__func__", method)
    names = _signatures.get(func)
    if names is None:
        names = tuple(
            name
            for name, param in inspect.signature(func).parameters.items()
            if param.kind is inspect.Parameter.KEYWORD_ONLY and name != "request_options"
        )
        _signatures[func] = names
    excluded = set(skip)
    typed = {k: v for k, v in values.items() if k in names and k not in excluded}
    extra = {k: v for k, v in values.items() if k not in typed}
    return typed, extra


def _options(
    body: Optional[Mapping[str, Any]] = None, query: Optional[Mapping[str, Any]] = None
) -> Optional[RequestOptions]:
    options = RequestOptions()
    if body:
        options["additional_body_parameters"] = dict(body)
    if query:
        options["additional_query_parameters"] = dict(query)
    return options or None


_legacy_error_classes: Dict[type, type] = {}


def _legacy_error(error: ApiError, prefix: str) -> ApiError:
    """``error`` again, as an instance of its own class (``NotFoundError``, ...) that is also a
    ``LabelStudioException``: where 0.x raised ``LabelStudioException`` for a failed request, both
    ``except LabelStudioException`` (0.x scripts) and ``except NotFoundError`` (new code) catch it."""
    cls = type(error)
    legacy = _legacy_error_classes.get(cls)
    if legacy is None:
        legacy = type(cls.__name__, (cls, LabelStudioException), {"__module__": cls.__module__})
        _legacy_error_classes[cls] = legacy
    raised: ApiError = legacy(
        f"{prefix}: {error}",
        status_code=error.status_code,
        headers=error.headers,
        body=error.body,
        method=error.method,
        path=error.path,
    )
    return raised


def _user_id(user: Any) -> int:
    """A user's ID from a ``User`` (anything with an int ``id``) or the ID itself."""
    if isinstance(user, int) and not isinstance(user, bool):
        return user
    user_id = getattr(user, "id", None)
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        return user_id
    raise TypeError(f"expected a User or a user ID, got {user!r}")


def _chunks(items: Sequence[Any], size: int) -> List[List[Any]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _merge_counts(responses: Sequence[Any]) -> Dict[str, Any]:
    """Several answers as one: the last answer's fields, with the integer counts added up."""
    merged: Dict[str, Any] = {}
    for response in responses:
        if not isinstance(response, Mapping):
            continue
        for key, value in response.items():
            previous = merged.get(key)
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and isinstance(previous, int)
                and not isinstance(previous, bool)
            ):
                merged[key] = previous + value
            else:
                merged[key] = value
    return merged


def _tasks_query(
    filters: Any, ordering: Optional[Sequence[str]], selected_ids: Optional[Sequence[int]]
) -> str:
    """The Data Manager ``query`` parameter, as 0.x built it (``selected_ids=[]`` means all tasks)."""
    selected: Dict[str, Any] = (
        {"all": False, "included": list(selected_ids)} if selected_ids else {"all": True, "excluded": []}
    )
    query = {"filters": filters, "ordering": list(ordering) if ordering else [], "selectedItems": selected}
    # Label Studio percent-decodes this parameter once more after the usual decoding: a literal "%"
    # goes as "%25" so that "%41" in a filter value stays "%41" (see tasks.client_ext).
    return dump_json(query).decode("utf-8").replace("%", "%25")


def _labeled_filter(labeled: bool) -> Dict[str, Any]:
    return {"conjunction": "and", "items": [{**_LABELED_FILTER_ITEM, "value": not labeled}]}


def safe_file_name(name: Optional[str]) -> Optional[str]:
    """The last path component of a server-suggested file name if it is a plain, harmless name; None
    otherwise (empty, ``.``/``..``, hidden, control or unusual characters, too long)."""
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in (".", "..") or base.startswith(".") or len(base) > 200:
        return None
    if not _SAFE_FILE_NAME.fullmatch(base):
        return None
    return base


_MEDIA_REFERENCE = re.compile(r"(?:https?://|/data/|s3://|gs://|azure-blob://)\S+", re.IGNORECASE)


def _media_references(value: Any) -> Iterator[str]:
    """The strings inside task data (nested too) that name a file to fetch."""
    if isinstance(value, str):
        if _MEDIA_REFERENCE.fullmatch(value.strip()):
            yield value.strip()
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _media_references(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _media_references(item)


def _task_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"task IDs must be ints, got {value!r}")
    return value


def _storage_type(value: Any) -> str:
    """A storage type as the URL names it (``s3``, ``gcs``, ``azure``, ``localfiles``, ``redis``, ...)."""
    if isinstance(value, ProjectStorage):
        value = {ProjectStorage.AZURE: "azure", ProjectStorage.S3_SECURED: "s3s"}.get(value, value.value)
    text = str(value)
    if not re.fullmatch(r"[a-z0-9_]+", text):
        raise ValueError(
            f"invalid storage_type {value!r}: expected a name such as 's3', 'gcs' or 'localfiles'"
        )
    return text


def _local_response(method: str, url: str, body: Any) -> Response:
    """A response made here, for calls that need no request (the caller still gets ``.json()``, ``.ok``)."""
    request = httpx.Request(method, url)
    return Response(httpx.Response(200, json=body, request=request))


def _write_atomically(target: Path, chunks: Iterable[bytes]) -> None:
    """Stream ``chunks`` into a hidden temporary file beside ``target``, renamed over it when complete
    (a failed download leaves no partial file)."""
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        with open(part, "xb") as handle:
            for data in chunks:
                handle.write(data)
        os.replace(part, target)
    except BaseException:
        if part.exists():
            part.unlink()
        raise


def _header_file_name(headers: Mapping[str, str]) -> Optional[str]:
    name = headers.get("filename")
    if name:
        return name
    match = re.search(r'filename="?([^";]+)"?', headers.get("content-disposition", ""))
    return match.group(1) if match else None


# Project fields that 0.x documented for get_params/start_project, plus task_number (used by
# get_predictions_coverage); known_project_fields() adds every field of the typed project model.
_DOCUMENTED_FIELDS = frozenset(
    {
        "id", "title", "description", "label_config", "expert_instruction", "show_instruction",
        "show_skip_button", "enable_empty_annotation", "show_annotation_history", "organization", "color",
        "maximum_annotations", "is_published", "model_version", "is_draft", "created_by",
        "min_annotations_to_start_training", "show_collab_predictions", "sampling",
        "show_ground_truth_first", "show_overlap_first", "overlap_cohort_percentage", "task_data_login",
        "task_data_password", "control_weights", "evaluate_predictions_automatically", "task_number",
        "workspace",
    }
)  # fmt: skip
_known_fields: Optional[FrozenSet[str]] = None


def known_project_fields() -> FrozenSet[str]:
    """The names ``project.<name>`` may look up among the project's fields (fetching them if needed):
    the 0.x documented fields and every field of ``label_studio_sdk.types.Project``. Any other name
    that is neither a method nor already in ``params`` is an AttributeError at once, with no request."""
    global _known_fields
    if _known_fields is None:
        from ..types.project import Project as ProjectModel

        names = set(_DOCUMENTED_FIELDS)
        for name, field in ProjectModel.model_fields.items():
            names.add(name)
            if field.alias:
                names.add(field.alias)
        _known_fields = frozenset(names)
    return _known_fields


def no_such_attribute_message(cls: type, name: str) -> str:
    """``'Project' object has no attribute 'x': no such method or project field`` (+ close matches)."""
    public = sorted({attr for klass in cls.__mro__ for attr in vars(klass) if not attr.startswith("_")})
    close = difflib.get_close_matches(name, public + sorted(known_project_fields()), n=3, cutoff=0.75)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"{cls.__name__!r} object has no attribute {name!r}: no such method or project field{hint}"


# -- the project ------------------------------------------------------------------------------------


class Project(Client):
    """A Label Studio project in the 0.x style (deprecated: use ``LabelStudio().projects``).

    Project fields are read as attributes (``project.title``, ``project.label_config``), fetched once
    on first use and cached in ``project.params``. Build one with ``Client.get_project(id)``,
    ``Client.start_project(...)`` or ``Project.get_from_id(client, id)``.
    """

    params: Dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params = {}
        self._params_fetched = False

    # -- fields as attributes -------------------------------------------------------------------

    def __getattr__(self, item: str) -> Any:
        # Only reached for names that are not real attributes. Private and special names are never
        # project fields: copy, pickle and IPython probe those and must get a plain AttributeError.
        if item.startswith("_"):
            raise AttributeError(item)
        if any(item in klass.__dict__ for klass in type(self).__mro__):
            # A property of the class raised AttributeError inside: report that error, not a
            # missing project field of the same name.
            return object.__getattribute__(self, item)
        return self._get_param(item)

    def __dir__(self) -> Iterable[str]:
        return sorted(set(super().__dir__()) | set(self.__dict__.get("params") or ()))

    def __repr__(self) -> str:
        params = self.__dict__.get("params") or {}
        return f"Project(id={params.get('id')!r}, title={params.get('title')!r}, url={self.__dict__.get('url')!r})"

    def _get_param(self, param_name: str) -> Any:
        params = self.__dict__.get("params")
        if params is None:
            raise LabelStudioAttributeError(
                f'Project "{param_name}" field is not set (the project is not initialised)'
            )
        if param_name in params:
            return params[param_name]
        if param_name not in known_project_fields():
            # Not a method, not a field the server has for projects: a typo or a method of another
            # version. Say so at once, without asking the server (0.x fetched the project and then
            # reported 'field is not set', which sent people looking at their project).
            raise LabelStudioAttributeError(no_such_attribute_message(type(self), param_name))
        if "id" not in params:
            raise LabelStudioAttributeError(
                f'Project "{param_name}" field is not set: the project has no id yet '
                "(create it with start_project() or load it with Project.get_from_id())"
            )
        if not self.__dict__.get("_params_fetched"):
            self.update_params()
            params = self.__dict__["params"]
        if param_name not in params:
            raise LabelStudioAttributeError(f'Project "{param_name}" field is not set')
        return params[param_name]

    def _path(self, suffix: str = "") -> str:
        return f"/api/projects/{encode_path(self.id)}{suffix}"

    @property
    def parsed_label_config(self) -> Dict[str, Any]:
        """The label config parsed into ``{control_name: {"type", "to_name", "inputs", "labels"}}``."""
        from .utils import parse_config

        parsed: Dict[str, Any] = parse_config(self.label_config)
        return parsed

    def get_label_interface(self) -> Any:
        """The project's labeling config as a ``LabelInterface`` (tags, validation, sample data)."""
        from label_studio_sdk.label_interface.interface import LabelInterface

        return LabelInterface(self.label_config)

    # -- project settings ------------------------------------------------------------------------

    def get_params(self) -> Dict[str, Any]:
        """Every field of the project, as the server returns it (``GET /api/projects/{id}``)."""
        return _dump(self.ls.projects.get(self.id))

    def update_params(self) -> None:
        """Fetch every field of the project and cache them in ``params``."""
        self.params = self.get_params()
        self._params_fetched = True

    def set_params(self, **kwargs: Any) -> None:
        """Change project fields (``PATCH /api/projects/{id}``); the cached ``params`` are refreshed
        from the answer. Fields the typed client does not name are sent as they are."""
        method = self.ls.projects.update
        typed, extra = _split(method, kwargs)
        updated = method(self.id, **typed, request_options=_options(body=extra))
        self.params.update(_dump(updated))

    def set_sampling(self, sampling: Union[ProjectSampling, str]) -> None:
        """Set how the labeling stream picks tasks."""
        self.set_params(sampling=sampling.value if isinstance(sampling, ProjectSampling) else sampling)

    def set_published(self, is_published: bool) -> None:
        """Publish the project to annotators, or not (Enterprise)."""
        self.set_params(is_published=is_published)

    def set_model_version(self, model_version: str) -> None:
        """Set the model version whose predictions annotators see."""
        self.set_params(model_version=model_version)

    def start_project(self, **kwargs: Any) -> Project:
        """Create the project on the server with these fields (``title``, ``label_config``, ...) and
        cache what the server returns in ``params``; returns the project itself (0.x returned None).

        A refusal raises the typed error (``BadRequestError``, ...) naming the server's reason; it is
        also a ``LabelStudioException``, as 0.x raised.
        """
        method = self.ls.projects.create
        typed, extra = _split(method, kwargs)
        try:
            created = method(**typed, request_options=_options(body=extra))
        except ApiError as exc:
            raise _legacy_error(exc, "Project not created") from exc
        self.params = _dump(created)
        self._params_fetched = True
        return self

    @classmethod
    def _create_from_id(
        cls, client: Any, project_id: int, params: Optional[Dict[str, Any]] = None
    ) -> Project:
        kwargs: Dict[str, Any] = {
            "url": client.url,
            "api_key": client.api_key,
            "session": getattr(client, "session", None),
            "extra_headers": getattr(client, "headers", None),
        }
        if isinstance(client, Client):
            kwargs.update(
                cookies=client.cookies,
                versions=client.__dict__.get("_versions"),
                make_request_raise=client.make_request_raise,
                ls=client.ls,  # one connection pool for the client and all its projects
            )
        project = cls(**kwargs)
        project.params = dict(params) if isinstance(params, Mapping) else {}  # a copy: never the caller's
        project.params["id"] = project_id
        return project

    @classmethod
    def get_from_id(cls, client: Any, project_id: int) -> Project:
        """The project with this ID, its fields loaded (one request)."""
        project = cls._create_from_id(client, project_id)
        project.update_params()
        return project

    def get_model_versions(self) -> Any:
        """Model versions of the project's predictions, as the server returns them (open-source
        Label Studio: ``{version: number of predictions}``)."""
        return self.make_request("GET", self._path("/model-versions")).json()

    # -- members and assignments ------------------------------------------------------------------

    def get_members(self) -> List[User]:
        """The project's members as ``User`` objects (Enterprise)."""
        from .users import User

        members = self.make_request("GET", self._path("/members")).json()
        return [User(**{**member, "client": self}) for member in members]

    def add_member(self, user: Any) -> Dict[str, Any]:
        """Add a user (a ``User`` or an ID) to the project (Enterprise)."""
        body: Dict[str, Any] = self.make_request(
            "POST", self._path("/members"), json={"user": _user_id(user)}
        ).json()
        return body

    def _assign(self, users: Sequence[Any], tasks_ids: Sequence[int], kind: str) -> List[Any]:
        user_ids = [_user_id(user) for user in users]
        answers = []
        for part in _chunks(list(tasks_ids), ASSIGN_CHUNK_SIZE):
            payload = {"users": user_ids, "selectedItems": {"all": False, "included": part}, "type": kind}
            logger.debug("assigning %s to %d tasks as %s", user_ids, len(part), kind)
            answers.append(self.make_request("POST", self._path("/tasks/assignees"), json=payload).json())
        return answers

    def assign_annotators(self, users: Sequence[Any], tasks_ids: Sequence[int]) -> Dict[str, Any]:
        """Assign annotators (``User`` objects or IDs) to tasks, 1000 tasks per request; returns
        ``{"assignments": total}`` (Enterprise). An empty task list sends nothing."""
        merged = _merge_counts(self._assign(users, tasks_ids, "AN"))
        return {"assignments": merged.get("assignments", 0)}

    def assign_reviewers(self, users: Sequence[Any], tasks_ids: Sequence[int]) -> Dict[str, Any]:
        """Assign reviewers (``User`` objects or IDs) to tasks, 1000 tasks per request (0.x sent one
        request); returns the server's answer, counts added up over the requests (Enterprise)."""
        answers = self._assign(users, tasks_ids, "RE")
        return _merge_counts(answers) if answers else {"assignments": 0}

    def _delete_assignments(self, action: str, tasks_ids: Sequence[int]) -> Dict[str, Any]:
        from ..actions.types.actions_create_request_selected_items_included import (
            ActionsCreateRequestSelectedItemsIncluded,
        )

        answers = []
        for part in _chunks(list(tasks_ids), ASSIGN_CHUNK_SIZE):
            selected = ActionsCreateRequestSelectedItemsIncluded.model_validate(
                {"all": False, "included": part}
            )
            answers.append(_dump(self.ls.actions.create(id=action, project=self.id, selected_items=selected)))
        return _merge_counts(answers) if answers else {"processed_items": 0}

    def delete_annotators_assignment(self, tasks_ids: Sequence[int]) -> Dict[str, Any]:
        """Remove every annotator assignment of these tasks (Enterprise)."""
        return self._delete_assignments("delete_annotators", tasks_ids)

    def delete_reviewers_assignment(self, tasks_ids: Sequence[int]) -> Dict[str, Any]:
        """Remove every reviewer assignment of these tasks (Enterprise)."""
        return self._delete_assignments("delete_reviewers", tasks_ids)

    def _sampling_users(self, users: Sequence[Any]) -> List[Any]:
        """The users to assign, in the caller's order: IDs become the members with those IDs (IDs of
        non-members are dropped with a warning); ``User`` objects are kept."""
        if not users:
            raise ValueError("users list is empty")
        for user in users:
            _user_id(user)  # type check of every element, not just the first
        if not any(isinstance(user, int) for user in users):
            return list(users)
        members = {member.id: member for member in self.get_members()}
        resolved: List[Any] = []
        missing: List[int] = []
        for user in users:
            if not isinstance(user, int):
                resolved.append(user)
            elif user in members:
                resolved.append(members[user])
            else:
                missing.append(user)
        if missing:
            logger.warning("users %s are not members of project %s: they get no tasks", missing, self.id)
        return list({_user_id(user): user for user in resolved}.values())

    def _assign_by_sampling(
        self,
        users: Sequence[Any],
        assign_function: Callable[[List[Any], List[int]], Any],
        view_id: Optional[int] = None,
        method: AssignmentSamplingMethod = AssignmentSamplingMethod.RANDOM,
        fraction: float = 1.0,
        overlap: int = 1,
        *,
        rng: Optional[random.Random] = None,
    ) -> List[Any]:
        if method is not AssignmentSamplingMethod.RANDOM:
            raise ValueError(f"Sampling method {method} is not allowed")
        sampling.check_fraction(fraction)
        generator = sampling.make_rng(rng)
        resolved = self._sampling_users(users)
        if not resolved:
            raise ValueError("none of the given users is a member of the project")
        sampling.check_overlap(overlap, len(resolved))
        tasks = self.get_tasks_ids(view_id=view_id)
        if not tasks:
            raise LabelStudioException(
                "no tasks to assign" + (f" in view {view_id}" if view_id is not None else "")
            )
        selected = sampling.select_tasks(tasks, fraction, generator)
        plan = sampling.plan_assignments(resolved, selected, overlap)
        return [assign_function([user], user_tasks) for user, user_tasks in plan]

    def assign_reviewers_by_sampling(
        self,
        users: Sequence[Any],
        view_id: Optional[int] = None,
        method: AssignmentSamplingMethod = AssignmentSamplingMethod.RANDOM,
        fraction: float = 1.0,
        overlap: int = 1,
        *,
        rng: Optional[random.Random] = None,
    ) -> List[Any]:
        """Split the tasks (of a view, or all) among reviewers: a random ``fraction`` of them, each
        to ``overlap`` different users, evenly; one ``assign_reviewers`` call per user, whose answers
        are returned. ``rng`` (a ``random.Random``) makes the split repeatable."""
        return self._assign_by_sampling(
            users, self.assign_reviewers, view_id, method, fraction, overlap, rng=rng
        )

    def assign_annotators_by_sampling(
        self,
        users: Sequence[Any],
        view_id: Optional[int] = None,
        method: AssignmentSamplingMethod = AssignmentSamplingMethod.RANDOM,
        fraction: float = 1.0,
        overlap: int = 1,
        *,
        rng: Optional[random.Random] = None,
    ) -> List[Any]:
        """Split the tasks (of a view, or all) among annotators: a random ``fraction`` of them, each
        to ``overlap`` different users, evenly; one ``assign_annotators`` call per user, whose answers
        are returned. ``rng`` (a ``random.Random``) makes the split repeatable."""
        return self._assign_by_sampling(
            users, self.assign_annotators, view_id, method, fraction, overlap, rng=rng
        )

    # -- tasks -------------------------------------------------------------------------------------

    def get_paginated_tasks(
        self,
        filters: Any = None,
        ordering: Optional[Sequence[str]] = None,
        view_id: Optional[int] = None,
        selected_ids: Optional[Sequence[int]] = None,
        page: int = 1,
        page_size: int = -1,
        only_ids: bool = False,
    ) -> Dict[str, Any]:
        """One page of tasks: ``{"tasks": [...], "total", "total_annotations", "total_predictions"}``.

        ``page_size=-1`` (the default) returns every task in one page. ``filters`` come from
        ``data_manager.Filters.create``; ``ordering`` is a one-column list such as ``["-tasks:id"]``;
        ``selected_ids`` restricts to those tasks (an empty list means all tasks). With ``only_ids``,
        ``tasks`` is a list of IDs. A page past the end raises ``NotFoundError`` (also a
        ``LabelStudioException``, as in 0.x; so is any other failure of the request).
        """
        params: Dict[str, Any] = {
            "project": self.id,
            "page": page,
            "page_size": page_size,
            "view": view_id,
            "query": _tasks_query(filters, ordering, selected_ids),
        }
        if only_ids:
            params["include"] = "id"
        else:
            params["fields"] = "all"
        try:
            data: Dict[str, Any] = self.make_request("GET", "/api/tasks", params=params).json()
        except ApiError as exc:
            raise _legacy_error(exc, "Error loading tasks") from exc
        if only_ids:
            data["tasks"] = [task["id"] for task in data.get("tasks", [])]
        return data

    def get_tasks(
        self,
        filters: Any = None,
        ordering: Optional[Sequence[str]] = None,
        view_id: Optional[int] = None,
        selected_ids: Optional[Sequence[int]] = None,
        only_ids: bool = False,
        *,
        page_size: int = DEFAULT_TASKS_PAGE_SIZE,
    ) -> List[Any]:
        """Every task matching the filters, ordering, view or selection (see ``get_paginated_tasks``),
        fetched ``page_size`` at a time; task IDs only with ``only_ids``."""
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise ValueError(f"page_size must be a positive int, got {page_size!r}")
        # fields=OMIT: tasks.list asks for fields=all unless told not to, and IDs need none of them.
        fields: Dict[str, Any] = {"include": "id", "fields": OMIT} if only_ids else {"fields": "all"}
        pager = self.ls.tasks.list(
            project=self.id,
            page=1,
            page_size=page_size,
            view=OMIT if view_id is None else view_id,
            query=_tasks_query(filters, ordering, selected_ids),
            **fields,
        )
        if only_ids:
            return [task.id for task in pager]
        return [_dump(task) for task in pager]

    def get_tasks_ids(self, *args: Any, **kwargs: Any) -> List[int]:
        """``get_tasks`` returning task IDs only."""
        kwargs["only_ids"] = True
        return self.get_tasks(*args, **kwargs)

    def get_paginated_tasks_ids(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """``get_paginated_tasks`` with ``tasks`` as a list of IDs."""
        kwargs["only_ids"] = True
        return self.get_paginated_tasks(*args, **kwargs)

    @property
    def tasks(self) -> List[Dict[str, Any]]:
        """Every task of the project (fetches them all on each access: slow on big projects)."""
        return self.get_tasks()

    @property
    def tasks_ids(self) -> List[int]:
        """Every task ID of the project (fetched on each access)."""
        return self.get_tasks_ids()

    def get_labeled_tasks(self, only_ids: bool = False) -> List[Any]:
        """Tasks that are completed (they have the required number of annotations)."""
        return self.get_tasks(filters=_labeled_filter(True), only_ids=only_ids)

    def get_labeled_tasks_ids(self) -> List[int]:
        """IDs of the completed tasks."""
        return self.get_labeled_tasks(only_ids=True)

    def get_unlabeled_tasks(self, only_ids: bool = False) -> List[Any]:
        """Tasks that are not completed yet."""
        return self.get_tasks(filters=_labeled_filter(False), only_ids=only_ids)

    def get_unlabeled_tasks_ids(self) -> List[int]:
        """IDs of the tasks that are not completed yet."""
        return self.get_unlabeled_tasks(only_ids=True)

    def get_task(self, task_id: int) -> Dict[str, Any]:
        """One task with its annotations, predictions and drafts."""
        return _dump(self.ls.tasks.get(task_id))

    def update_task(self, task_id: int, **kwargs: Any) -> Dict[str, Any]:
        """Change fields of a task (``data``, ``meta``, ...); returns the updated task."""
        method = self.ls.tasks.update
        typed, extra = _split(method, kwargs)
        return _dump(method(task_id, **typed, request_options=_options(body=extra)))

    def get_files_from_tasks(self, tasks: Any, get_tasks: bool = False) -> List[str]:
        """Download the media files the tasks refer to; returns their local paths, task by task.

        Every string in a task's ``data`` (nested lists and dicts included) that refers to a file
        (``http(s)://`` URLs, the server's ``/data/...`` paths, ``s3://``, ``gs://``,
        ``azure-blob://`` URIs) is fetched with ``label_studio_tools``' ``get_local_path`` into its
        cache folder (a file already there is not fetched again), with this client's URL and API key.
        Other strings (text) and numbers are skipped; so are files that cannot be fetched, each with a
        warning (the published 0.x package skipped those silently, and crashed on numbers, lists and
        dicts). ``tasks`` is a list of task dicts or one task dict; with ``get_tasks=True`` the
        project's tasks are fetched and used instead.
        """
        from .._extensions.label_studio_tools.core.utils.io import get_local_path

        if get_tasks:
            tasks = self.get_tasks()
        elif isinstance(tasks, Mapping):
            tasks = [tasks]
        files: List[str] = []
        for task in tasks or []:
            if not isinstance(task, Mapping):
                raise TypeError(f"tasks must be task dicts, got {type(task).__name__}")
            task_id = task.get("id")
            for value in _media_references(task.get("data") or {}):
                try:
                    files.append(
                        get_local_path(value, hostname=self.url, access_token=self.api_key, task_id=task_id)
                    )
                except (LabelStudioError, OSError, ValueError) as exc:
                    logger.warning("task %s: cannot fetch %s: %s", task_id, value[:200], exc)
        return files

    def delete_task(self, task_id: int) -> Response:
        """Delete one task (``DELETE /api/tasks/{task_id}/``); returns the response (status 204).
        A task that does not exist raises ``NotFoundError``."""
        return self.make_request("DELETE", f"/api/tasks/{encode_path(task_id)}/")

    def delete_tasks(self, task_ids: Sequence[int]) -> Response:
        """Delete these tasks of the project (the Data Manager's ``delete_tasks`` action); returns the
        response, whose JSON is ``{"processed_items", "reload", "detail"}``.

        IDs of tasks that are not in the project are ignored by the server. An empty list sends
        nothing and returns a local ``200`` response with ``processed_items`` 0 (0.x returned an empty
        ``requests.Response`` with no status).
        """
        ids = [_task_id(task_id) for task_id in task_ids]
        if not ids:
            return _local_response(
                "POST",
                self.get_url("/api/dm/actions"),
                {"processed_items": 0, "reload": False, "detail": "no task IDs given"},
            )
        return self._delete_tasks_action({"all": False, "included": ids})

    def delete_all_tasks(self, excluded_ids: Optional[Sequence[int]] = None) -> Response:
        """Delete every task of the project except ``excluded_ids``; returns the response, whose JSON
        is ``{"processed_items", "reload", "detail"}``."""
        excluded = [_task_id(task_id) for task_id in (excluded_ids or [])]
        return self._delete_tasks_action({"all": True, "excluded": excluded})

    def _delete_tasks_action(self, selected: Dict[str, Any]) -> Response:
        params = {"id": "delete_tasks", "project": self.id}
        return self.make_request("POST", "/api/dm/actions", params=params, json={"selectedItems": selected})

    def get_views(self) -> List[Dict[str, Any]]:
        """The project's Data Manager tabs."""
        return [_dump(view) for view in self.ls.views.list(project=self.id)]

    def create_view(
        self, filters: Any, ordering: Optional[Sequence[str]] = None, title: str = "Tasks"
    ) -> Dict[str, Any]:
        """Create a Data Manager tab with these filters (``data_manager.Filters.create``) and ordering."""
        data = {
            "title": title,
            "ordering": list(ordering) if ordering is not None else None,
            "filters": filters,
        }
        # The caller's filters go out exactly as given (as in 0.x), not re-validated into a model.
        return _dump(self.ls.views.create(project=self.id, request_options=_options(body={"data": data})))

    def delete_view(self, view_id: int) -> None:
        """Delete a Data Manager tab (``DELETE /api/dm/views/{view_id}/``); ``NotFoundError`` if it
        does not exist. Returns None, as 0.x did."""
        self.ls.views.delete(str(view_id))

    # -- import, export, predictions and annotations ---------------------------------------------

    def import_tasks(
        self, tasks: TasksArg, preannotated_from_fields: Optional[List[str]] = None
    ) -> List[int]:
        """Import tasks and return their IDs.

        ``tasks`` is a list of task dicts (sent in chunks when large), one task dict, a path to a
        file (JSON, CSV, TSV, TXT; ``str`` or ``Path``) or an ``http(s)://`` URL the server downloads.
        ``preannotated_from_fields`` names data fields to turn into predictions.
        """
        fields: Any = OMIT
        if preannotated_from_fields:
            fields = (
                preannotated_from_fields
                if isinstance(preannotated_from_fields, str)
                else ",".join(preannotated_from_fields)
            )
        if isinstance(tasks, Mapping):
            tasks = [dict(tasks)]
        if isinstance(tasks, (list, tuple)):
            answer = self.ls.projects.import_tasks(
                self.id, request=list(tasks), return_task_ids=True, preannotated_from_fields=fields, wait=True
            )
            task_ids = answer.task_ids
        elif isinstance(tasks, (str, os.PathLike)):
            location = os.fspath(tasks)
            if isinstance(tasks, str) and re.match(r"https?://", tasks) and not os.path.exists(tasks):
                params = {"return_task_ids": "true", "preannotated_from_fields": fields or None}
                body = self.make_request(
                    "POST", self._path("/import"), params=params, data={"url": tasks}
                ).json()
                task_ids = body.get("task_ids") if isinstance(body, Mapping) else None
            elif not os.path.isfile(location):
                raise LabelStudioException(f"Not found import tasks file {location!r}: no such file")
            else:
                answer = self.ls.projects.import_tasks(
                    self.id,
                    files=[Path(location)],
                    return_task_ids=True,
                    preannotated_from_fields=fields,
                    wait=True,
                )
                task_ids = answer.task_ids
        else:
            raise TypeError(f'Not supported type provided as "tasks" argument: {type(tasks).__name__}')
        if task_ids is None:
            logger.warning("import into project %s: the server returned no task IDs", self.id)
            return []
        return list(task_ids)

    def export_tasks(
        self,
        export_type: str = "JSON",
        download_all_tasks: bool = False,
        download_resources: bool = False,
        ids: Optional[Sequence[int]] = None,
        export_location: Optional[Union[str, os.PathLike[str]]] = None,
    ) -> Any:
        """Export the project's tasks in one request (``GET /api/projects/{id}/export``).

        Args:
            export_type: ``JSON``, ``JSON_MIN``, ``CSV``, ``TSV``, ``COCO``, ``YOLO``, ...
            download_all_tasks: Every task, not only the annotated ones (the server's default).
            download_resources: Pack the media files into formats that can hold them.
            ids: Only these task IDs (sent as ``ids[]``, the name the server reads; the published
                0.x package sent ``ids`` and the server ignored them). Empty or None: no restriction.
            export_location: Where to write the export: a file path (replaced when complete), or an
                existing folder, in which the file gets the server's file name when it is a plain
                name, else ``project-<id>-export.<ext>``. The file is streamed to disk.

        Returns:
            With ``export_location``: the ``Path`` of the file written. Otherwise the parsed list of
            tasks for ``JSON`` and ``JSON_MIN``, and the file's bytes for any other format (the
            published 0.x package raised ``ValueError`` for those).
        """
        folder: Optional[Path] = None
        target: Optional[Path] = None
        if export_location is not None:
            location = Path(os.fspath(export_location)).expanduser()
            if location.is_dir():
                folder = location
            elif not location.parent.is_dir():
                raise FileNotFoundError(
                    f"export_location: the folder {str(location.parent)!r} does not exist"
                )
            else:
                target = location
        params: Dict[str, Any] = {
            "exportType": export_type,
            "download_all_tasks": bool(download_all_tasks),
            "download_resources": bool(download_resources),
        }
        if ids:
            params["ids[]"] = [int(task_id) for task_id in ids]
        response = self.make_request("GET", self._path("/export"), params=params, stream=True)
        with response:
            if folder is None and target is None:
                body = response.content
                return json.loads(body) if str(export_type).upper() in JSON_EXPORT_FORMATS else body
            if target is None:
                name = safe_file_name(_header_file_name(response.headers))
                if name is None:
                    extension = _EXTENSIONS.get(str(export_type).upper()) or (
                        "zip" if "zip" in response.headers.get("content-type", "") else "bin"
                    )
                    name = f"project-{self.id}-export.{extension}"
                target = Path(folder or ".") / name
            _write_atomically(target, response.iter_content())
        return target

    def create_prediction(
        self,
        task_id: int,
        result: Optional[Union[List[Dict[str, Any]], Dict[str, Any], str]] = None,
        score: Optional[float] = None,
        model_version: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Add a prediction to a task.

        ``result`` is a full result list, or (completed from the label config) the ``value`` alone,
        such as ``{"choices": ["Class A"]}``, or a choice label alone, such as ``"Class A"``.
        ``score`` and ``model_version`` are sent only when given.
        """
        full = prediction_result(
            result, self.parsed_label_config if isinstance(result, (str, Mapping)) else None
        )
        created = self.ls.predictions.create(
            task=task_id,
            result=OMIT if full is None else full,
            score=OMIT if score is None else score,
            model_version=OMIT if model_version is None else model_version,
        )
        return _dump(created)

    def create_predictions(self, predictions: List[Dict[str, Any]]) -> Any:
        """Add many predictions at once (each with its ``task``, ``result``, ...)."""
        return self.make_request("POST", self._path("/import/predictions"), json=predictions).json()

    def create_annotations_from_predictions(
        self, model_versions: Optional[List[str]] = None
    ) -> Dict[str, Any]:
        """Copy predictions into annotations, for all tasks: those of ``model_versions``, or all."""
        from ..actions.types.actions_create_request_filters import ActionsCreateRequestFilters
        from ..actions.types.actions_create_request_selected_items_excluded import (
            ActionsCreateRequestSelectedItemsExcluded,
        )

        answer = self.ls.actions.create(
            id="predictions_to_annotations",
            project=self.id,
            filters=ActionsCreateRequestFilters.model_validate({"conjunction": "and", "items": []}),
            selected_items=ActionsCreateRequestSelectedItemsExcluded.model_validate(
                {"all": True, "excluded": []}
            ),
            ordering=[],
            request_options=_options(body={"model_version": model_versions, "project": self.id}),
        )
        return _dump(answer)

    def update_annotation(self, annotation_id: int, **kwargs: Any) -> Dict[str, Any]:
        """Change fields of an annotation (``result``, ``ground_truth``, ...); returns it."""
        method = self.ls.annotations.update
        typed, extra = _split(method, kwargs)
        return _dump(method(annotation_id, **typed, request_options=_options(body=extra)))

    def create_annotation(self, task_id: int, **kwargs: Any) -> Dict[str, Any]:
        """Add an annotation to a task (``POST /api/tasks/{task_id}/annotations/``); returns it.

        ``kwargs`` are the annotation's fields: ``result`` (a list of result dicts),
        ``ground_truth``, ``was_cancelled``, ``lead_time``, ``completed_by``, ... Fields the typed
        client does not name are sent as they are. With no ``result`` the server stores an empty one.
        """
        method = self.ls.annotations.create
        typed, extra = _split(method, kwargs)
        return _dump(method(task_id, **typed, request_options=_options(body=extra)))

    def get_annotation(self, annotation_id: int) -> Dict[str, Any]:
        """One annotation (``GET /api/annotations/{annotation_id}/``); ``NotFoundError`` if there is none."""
        return _dump(self.ls.annotations.get(annotation_id))

    def list_annotations(self, task_id: int) -> List[Dict[str, Any]]:
        """The annotations of a task (``GET /api/tasks/{task_id}/annotations/``), oldest first."""
        return [_dump(annotation) for annotation in self.ls.annotations.list(task_id)]

    def delete_annotation(self, annotation_id: int) -> int:
        """Delete an annotation; returns the HTTP status (204), as 0.x did. A missing annotation
        raises ``NotFoundError``."""
        return self.make_request("DELETE", f"/api/annotations/{encode_path(annotation_id)}/").status_code

    def get_predictions_coverage(self) -> Dict[str, float]:
        """The share of the project's tasks (0 to 1) that each model version has predictions for."""
        versions = self.get_model_versions()
        counts: Dict[str, float] = {}
        if isinstance(versions, Mapping):
            items: Iterable[Tuple[Any, Any]] = versions.items()
        elif isinstance(versions, list):
            items = [
                (entry.get("model_version"), entry.get("count"))
                for entry in versions
                if isinstance(entry, Mapping)
            ]
            if any(not isinstance(entry, Mapping) for entry in versions):
                logger.warning("model versions without counts cannot be measured: %s", versions)
        else:
            items = []
        for version, count in items:
            if version is not None and isinstance(count, (int, float)) and not isinstance(count, bool):
                counts[str(version)] = float(count)
        task_number = self.get_params().get("task_number")
        if not isinstance(task_number, int) or isinstance(task_number, bool):
            task_number = int(self.get_paginated_tasks(page=1, page_size=1, only_ids=True).get("total") or 0)
        if task_number <= 0:
            return {version: 0.0 for version in counts}
        return {version: count / task_number for version, count in counts.items()}

    def get_predictions_conflict(self) -> Any:
        """Not implemented (as in 0.x)."""
        raise NotImplementedError("get_predictions_conflict is not implemented")

    def get_predictions_precision(self) -> Any:
        """Not implemented (as in 0.x)."""
        raise NotImplementedError("get_predictions_precision is not implemented")

    # -- storages ----------------------------------------------------------------------------------

    def connect_google_import_storage(
        self,
        bucket: str,
        prefix: Optional[str] = None,
        regex_filter: Optional[str] = None,
        use_blob_urls: Optional[bool] = True,
        google_application_credentials: Optional[str] = None,
        presign: Optional[bool] = True,
        presign_ttl: Optional[int] = 1,
        title: Optional[str] = "",
        description: Optional[str] = "",
    ) -> Dict[str, Any]:
        """Connect a GCS bucket to import tasks from. ``google_application_credentials`` is the
        credentials JSON or a path to its file; None lets the server use its own credentials."""
        body = storage.gcs_import(
            self.id, bucket, prefix, regex_filter, use_blob_urls, google_application_credentials,
            presign, presign_ttl, title, description,
        )  # fmt: skip
        return _dump(self.ls.import_storage.gcs.create(**body))

    def connect_google_export_storage(
        self,
        bucket: str,
        prefix: Optional[str] = None,
        google_application_credentials: Optional[str] = None,
        title: Optional[str] = "",
        description: Optional[str] = "",
        can_delete_objects: bool = False,
    ) -> Dict[str, Any]:
        """Connect a GCS bucket to export annotations to (credentials as for the import storage)."""
        body = storage.gcs_export(
            self.id, bucket, prefix, google_application_credentials, title, description, can_delete_objects
        )
        return _dump(self.ls.export_storage.gcs.create(**body))

    def connect_s3_import_storage(
        self,
        bucket: str,
        prefix: Optional[str] = None,
        regex_filter: Optional[str] = None,
        use_blob_urls: Optional[bool] = True,
        presign: Optional[bool] = True,
        presign_ttl: Optional[int] = 1,
        title: Optional[str] = "",
        description: Optional[str] = "",
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        region_name: Optional[str] = None,
        s3_endpoint: Optional[str] = None,
        recursive_scan: Optional[bool] = False,
    ) -> Dict[str, Any]:
        """Connect an S3 bucket to import tasks from (``recursive_scan``: objects in sub-folders of
        ``prefix`` too)."""
        body = storage.s3_import(
            self.id, bucket, prefix, regex_filter, use_blob_urls, presign, presign_ttl, title, description,
            aws_access_key_id, aws_secret_access_key, aws_session_token, region_name, s3_endpoint,
        )  # fmt: skip
        if recursive_scan:  # the server's default is False: sent only when asked for
            body["recursive_scan"] = True
        return _dump(self.ls.import_storage.s3.create(**body))

    def connect_s3s_iam_import_storage(
        self,
        role_arn: str,
        external_id: Optional[str] = None,
        bucket: Optional[str] = None,
        prefix: Optional[str] = None,
        regex_filter: Optional[str] = None,
        use_blob_urls: Optional[bool] = True,
        presign: Optional[bool] = True,
        presign_ttl: Optional[int] = 1,
        title: Optional[str] = "",
        description: Optional[str] = "",
        region_name: Optional[str] = None,
        s3_endpoint: Optional[str] = None,
        recursive_scan: Optional[bool] = False,
        aws_sse_kms_key_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Connect an S3 bucket reached through an IAM role to import tasks from
        (``POST /api/storages/s3s/``, Label Studio Enterprise; the open-source server answers 404)."""
        body = storage.without_none(
            project=self.id, role_arn=role_arn, external_id=external_id, bucket=bucket, prefix=prefix,
            regex_filter=regex_filter, use_blob_urls=use_blob_urls, presign=presign, presign_ttl=presign_ttl,
            title=title, description=description, region_name=region_name, s3endpoint=s3_endpoint,
            recursive_scan=recursive_scan,
        )  # fmt: skip
        extra = storage.without_none(aws_sse_kms_key_id=aws_sse_kms_key_id)
        return _dump(self.ls.import_storage.s3s.create(**body, request_options=_options(body=extra)))

    def connect_s3_export_storage(
        self,
        bucket: str,
        prefix: Optional[str] = None,
        title: Optional[str] = "",
        description: Optional[str] = "",
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        region_name: Optional[str] = None,
        s3_endpoint: Optional[str] = None,
        can_delete_objects: bool = False,
    ) -> Dict[str, Any]:
        """Connect an S3 bucket to export annotations to."""
        body = storage.s3_export(
            self.id, bucket, prefix, title, description, aws_access_key_id, aws_secret_access_key,
            aws_session_token, region_name, s3_endpoint, can_delete_objects,
        )  # fmt: skip
        return _dump(self.ls.export_storage.s3.create(**body))

    def connect_azure_import_storage(
        self,
        container: str,
        prefix: Optional[str] = None,
        regex_filter: Optional[str] = None,
        use_blob_urls: Optional[bool] = True,
        presign: Optional[bool] = True,
        presign_ttl: Optional[int] = 1,
        title: Optional[str] = "",
        description: Optional[str] = "",
        account_name: Optional[str] = None,
        account_key: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Connect an Azure Blob container to import tasks from."""
        body = storage.azure_import(
            self.id, container, prefix, regex_filter, use_blob_urls, presign, presign_ttl, title, description,
            account_name, account_key,
        )  # fmt: skip
        return _dump(self.ls.import_storage.azure.create(**body))

    def connect_azure_export_storage(
        self,
        container: str,
        prefix: Optional[str] = None,
        title: Optional[str] = "",
        description: Optional[str] = "",
        account_name: Optional[str] = None,
        account_key: Optional[str] = None,
        can_delete_objects: bool = False,
    ) -> Dict[str, Any]:
        """Connect an Azure Blob container to export annotations to."""
        body = storage.azure_export(
            self.id, container, prefix, title, description, account_name, account_key, can_delete_objects
        )
        return _dump(self.ls.export_storage.azure.create(**body))

    def connect_local_import_storage(
        self,
        local_store_path: str,
        regex_filter: Optional[str] = None,
        use_blob_urls: Optional[bool] = True,
        title: Optional[str] = "",
        description: Optional[str] = "",
    ) -> Dict[str, Any]:
        """Connect a folder on the Label Studio host to import tasks from (``POST /api/storages/localfiles/``).

        The server must serve local files (``LOCAL_FILES_SERVING_ENABLED``) and the folder must lie
        under its ``LOCAL_FILES_DOCUMENT_ROOT``; otherwise it answers ``BadRequestError`` naming the
        reason. (The checks are the server's: this process's environment variables say nothing about
        a server elsewhere.) Nothing is imported until the storage is synced
        (:meth:`sync_import_storage`).
        """
        path = os.fspath(local_store_path)
        if not isinstance(path, str) or not path:
            raise TypeError(f"local_store_path must be a non-empty str, got {local_store_path!r}")
        body = storage.without_none(
            project=self.id,
            path=path,
            regex_filter=regex_filter,
            use_blob_urls=use_blob_urls,
            title=title,
            description=description,
        )
        return _dump(self.ls.import_storage.local.create(**body))

    def get_import_storages(self) -> List[Dict[str, Any]]:
        """Every import storage of the project, of all types (``GET /api/storages/?project=``);
        each dict has its ``type`` (``s3``, ``gcs``, ``azure``, ``localfiles``, ...) and ``id``."""
        body = self.make_request("GET", "/api/storages/", params={"project": self.id}).json()
        return list(body) if isinstance(body, list) else []

    def get_export_storages(self) -> List[Dict[str, Any]]:
        """Every export storage of the project, of all types (``GET /api/storages/export?project=``)."""
        body = self.make_request("GET", "/api/storages/export", params={"project": self.id}).json()
        return list(body) if isinstance(body, list) else []

    def sync_import_storage(self, storage_type: str, storage_id: int) -> Dict[str, Any]:
        """Sync an import storage now (``POST /api/storages/{storage_type}/{storage_id}/sync``);
        returns the storage, whose ``status`` tells how far the sync got."""
        return self.sync_storage(_storage_type(storage_type), storage_id)

    def sync_export_storage(self, storage_type: str, storage_id: int) -> Dict[str, Any]:
        """Push annotations to an export storage now (``POST /api/storages/export/{storage_type}/{storage_id}/sync``)."""
        return self.sync_storage(f"export/{_storage_type(storage_type)}", storage_id)

    # -- export snapshots --------------------------------------------------------------------------

    def export_snapshot_list(self) -> List[Dict[str, Any]]:
        """The project's export snapshots (``id``, ``status``, ``created_at``, ...)."""
        return [_dump(snapshot) for snapshot in self.ls.projects.exports.list(self.id)]

    def export_snapshot_create(
        self,
        title: str,
        task_filter_options: Optional[Dict[str, Any]] = None,
        serialization_options_drafts: bool = True,
        serialization_options_predictions: bool = True,
        serialization_options_annotations__completed_by: bool = True,
        annotation_filter_options_usual: bool = True,
        annotation_filter_options_ground_truth: bool = True,
        annotation_filter_options_skipped: bool = True,
        interpolate_key_frames: bool = False,
    ) -> Dict[str, Any]:
        """Start building an export snapshot; returns it (poll ``export_snapshot_status``).

        ``task_filter_options`` picks tasks (e.g. ``{"view": tab_id}``). The three
        ``serialization_options_*`` flags mean "only the ID": True writes drafts, predictions and the
        annotation's ``completed_by`` as bare IDs, False writes them in full. The
        ``annotation_filter_options_*`` flags include ordinary, ground-truth and skipped annotations.
        """
        from ..types.annotation_filter_options import AnnotationFilterOptions
        from ..types.serialization_options import SerializationOptions
        from ..types.task_filter_options import TaskFilterOptions

        serialization = SerializationOptions.model_validate(
            {
                "drafts": {"only_id": serialization_options_drafts},
                "predictions": {"only_id": serialization_options_predictions},
                "annotations__completed_by": {"only_id": serialization_options_annotations__completed_by},
                "interpolate_key_frames": interpolate_key_frames,
            }
        )
        annotations = AnnotationFilterOptions.model_validate(
            {
                "usual": annotation_filter_options_usual,
                "ground_truth": annotation_filter_options_ground_truth,
                "skipped": annotation_filter_options_skipped,
            }
        )
        snapshot = self.ls.projects.exports.create(
            self.id,
            title=title,
            task_filter_options=TaskFilterOptions.model_validate(dict(task_filter_options or {})),
            annotation_filter_options=annotations,
            serialization_options=serialization,
        )
        return _dump(snapshot)

    def export_snapshot_delete(self, export_id: int) -> int:
        """Delete an export snapshot and its files; returns the HTTP status (204), as 0.x did."""
        path = self._path(f"/exports/{encode_path(export_id)}")
        return self.make_request("DELETE", path).status_code

    def export(
        self,
        filters: Any = None,
        title: str = "SDK Export",
        export_type: str = "JSON",
        output_dir: str = ".",
        **kwargs: Any,
    ) -> Dict[str, Any]:
        """Export through a snapshot and save it in ``output_dir``; returns ``{"status", "filename",
        "export_id"}`` (the download's HTTP status, the file name written, the snapshot's ID).

        ``filters`` (``data_manager.Filters.create(...)``) pick the tasks: they go into a temporary
        Data Manager tab that is deleted afterwards, even when the export fails. ``kwargs`` are the
        other arguments of :meth:`export_snapshot_create` (``serialization_options_drafts``,
        ``annotation_filter_options_skipped``, ``interpolate_key_frames``, ...), plus
        ``timeout`` (seconds to wait for the snapshot and its conversion, default 600). Formats other
        than JSON are converted on the server first and waited for (the published 0.x package
        downloaded them unconverted, which the server refuses). A failed snapshot or conversion raises
        ``ExportFailedError``, one not ready in time ``ExportTimeoutError``.
        """
        timeout = float(kwargs.pop("timeout", DEFAULT_EXPORT_TIMEOUT))
        create = inspect.signature(Project.export_snapshot_create).parameters
        unknown = sorted(set(kwargs) - set(create) | ({"title", "task_filter_options"} & set(kwargs)))
        if unknown:
            raise TypeError(f"export() got unexpected keyword arguments: {', '.join(unknown)}")
        view_id: Optional[int] = None
        try:
            task_filter_options: Dict[str, Any] = {}
            if filters is not None:
                view = self.create_view(filters=filters, title="Temp SDK export")
                view_id = int(view["id"])
                task_filter_options["view"] = view_id
            snapshot = self.export_snapshot_create(title, task_filter_options=task_filter_options, **kwargs)
            export_id = int(snapshot["id"])
            self._wait_for_snapshot(export_id, export_type, timeout)
            status, filename = self.export_snapshot_download(
                export_id, export_type=export_type, path=output_dir
            )
        finally:
            if view_id is not None:
                try:
                    self.delete_view(view_id)
                except ApiError as exc:  # never hide the export's own error
                    logger.warning("could not delete the temporary view %s: %s", view_id, exc)
        return {"status": status, "filename": filename, "export_id": export_id}

    def _wait_for_snapshot(self, export_id: int, export_type: str, timeout: float) -> None:
        """Poll until the snapshot is built and, for a format other than JSON, converted."""
        from ..projects.exports.errors import ExportFailedError, ExportTimeoutError

        deadline = time.monotonic() + timeout
        pause = 0.25
        conversion: Optional[str] = None  # the conversion's export_type once started
        while True:
            snapshot = self.ls.projects.exports.get(self.id, export_id)
            status: Optional[str] = snapshot.status
            if status == ExportSnapshotStatus.FAILED:
                raise ExportFailedError(project_id=self.id, snapshot_id=export_id, status=status)
            if status == ExportSnapshotStatus.COMPLETED:
                if str(export_type).upper() == "JSON":
                    return
                if conversion is None:
                    self.ls.projects.exports.convert(self.id, str(export_id), export_type=export_type)
                    conversion = str(export_type)
                entries = [f for f in snapshot.converted_formats or [] if f.export_type == conversion]
                entry = max(entries, key=lambda f: f.id or 0) if entries else None
                status = None if entry is None else entry.status
                if status == ExportSnapshotStatus.FAILED:
                    raise ExportFailedError(
                        project_id=self.id,
                        snapshot_id=export_id,
                        status=status,
                        export_type=conversion,
                        traceback=None if entry is None else entry.traceback,
                    )
                if status == ExportSnapshotStatus.COMPLETED:
                    return
            if time.monotonic() + pause > deadline:
                raise ExportTimeoutError(
                    project_id=self.id,
                    snapshot_id=export_id,
                    status=status,
                    timeout=timeout,
                    export_type=conversion,
                )
            time.sleep(pause)
            pause = min(pause * 1.5, 5.0)

    def export_snapshot_status(self, export_id: int) -> ExportSnapshotStatus:
        """The snapshot's current state (``.is_completed()``, ``.is_failed()``, ``.response``)."""
        return ExportSnapshotStatus(_dump(self.ls.projects.exports.get(self.id, export_id)))

    def export_snapshot_download(
        self, export_id: int, export_type: str = "JSON", path: str = "."
    ) -> Tuple[int, Optional[str]]:
        """Download a snapshot into the folder ``path`` (created if needed); returns
        ``(status_code, file_name)``.

        The body is streamed to a temporary file that is renamed when complete. The server's file
        name is used only if it is a plain name (its last component, no hidden or odd characters);
        otherwise the file is called ``project-<id>-export-<export_id>.<ext>``. Formats other than
        JSON must have been converted on the server first (``ls.projects.exports.convert``).
        """
        folder = Path(os.fspath(path)).expanduser()
        stream = self.ls.projects.exports.download(self.id, str(export_id), export_type=export_type)
        with stream:
            status = stream.response.status_code
            if status != 200:
                logger.warning("export %s download answered %s: nothing written", export_id, status)
                return status, None
            folder.mkdir(parents=True, exist_ok=True)
            suggested = _header_file_name(stream.headers)
            name = safe_file_name(suggested)
            if name is None:
                extension = _EXTENSIONS.get(
                    str(export_type).upper(),
                    "zip" if "zip" in stream.headers.get("content-type", "") else "bin",
                )
                name = f"project-{self.id}-export-{export_id}.{extension}"
                if suggested:
                    logger.warning(
                        "server file name %r is not a plain file name: saving as %r", suggested, name
                    )
            target = folder / name
            part = folder / f".{name}.{secrets.token_hex(4)}.part"
            try:
                with open(part, "xb") as handle:
                    for data in stream:
                        handle.write(data)
                os.replace(part, target)
            except BaseException:
                if part.exists():
                    part.unlink()
                raise
        return status, name
