"""Deprecated 0.x module ``label_studio_sdk.project``: importing it warns once.

Use ``label_studio_sdk.LabelStudio().projects`` (and ``.tasks``, ``.predictions``,
``.projects.exports``) instead. The 0.x names stay importable from here, and from
``label_studio_sdk._legacy`` without a warning.
"""

from label_studio_sdk._legacy.deprecated import warn_deprecated

warn_deprecated(
    "label_studio_sdk.project",
    "label_studio_sdk.LabelStudio().projects (with .tasks, .predictions and .projects.exports)",
    stacklevel=2,
)

from label_studio_sdk._legacy.client import Client  # noqa: E402
from label_studio_sdk._legacy.project import (  # noqa: E402
    AssignmentSamplingMethod,
    ExportSnapshotStatus,
    LabelStudioAttributeError,
    LabelStudioException,
    Project,
    ProjectSampling,
    ProjectStorage,
)
from label_studio_sdk._legacy.utils import chunk, parse_config  # noqa: E402

__all__ = [
    "AssignmentSamplingMethod",
    "Client",
    "ExportSnapshotStatus",
    "LabelStudioAttributeError",
    "LabelStudioException",
    "Project",
    "ProjectSampling",
    "ProjectStorage",
    "chunk",
    "parse_config",
]
