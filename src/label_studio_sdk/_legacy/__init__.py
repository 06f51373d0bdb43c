"""The 0.x API (``Client``, ``Project`` and their helpers), rebuilt on ``LabelStudio``.

Deprecated: new code should use :class:`label_studio_sdk.LabelStudio`. This package keeps 0.x
scripts working; importing it does not warn (the old public paths ``label_studio_sdk.Client``,
``label_studio_sdk.Project``, ``label_studio_sdk.client.Client`` and ``label_studio_sdk.project``
do). ``Project`` and the names of the 0.x ``project`` module load on first use.
"""

import importlib
from typing import TYPE_CHECKING, Any, List

from .client import Client, Response
from .login import ClientCredentials, CredentialsNotSupportedError, LoginFailedError
from .users import OrgMembership, User, UserRole
from .utils import LabelConfigParseError, chunk, parse_config

if TYPE_CHECKING:
    from .project import (
        AssignmentSamplingMethod,
        ExportSnapshotStatus,
        LabelStudioAttributeError,
        LabelStudioException,
        Project,
        ProjectSampling,
        ProjectStorage,
    )
    from .workspaces import Workspace

_LAZY = {
    "Project": ".project",
    "LabelStudioException": ".project",
    "LabelStudioAttributeError": ".project",
    "ProjectSampling": ".project",
    "ProjectStorage": ".project",
    "AssignmentSamplingMethod": ".project",
    "ExportSnapshotStatus": ".project",
    "Workspace": ".workspaces",
}

__all__ = [
    "AssignmentSamplingMethod",
    "Client",
    "ClientCredentials",
    "CredentialsNotSupportedError",
    "ExportSnapshotStatus",
    "LabelConfigParseError",
    "LabelStudioAttributeError",
    "LabelStudioException",
    "LoginFailedError",
    "OrgMembership",
    "Project",
    "ProjectSampling",
    "ProjectStorage",
    "Response",
    "User",
    "UserRole",
    "Workspace",
    "chunk",
    "parse_config",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
