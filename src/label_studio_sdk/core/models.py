"""The base class of every generated model. Importing this module imports pydantic."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """A Label Studio object. Unknown fields are kept (``model_extra``), so a newer server never
    breaks an older client; fields may be set by Python name or by wire name."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),  # fields such as `model_version` are real API fields
        # A model is built (its validator compiled) on first use, not when its module is imported:
        # touching a group imports every model its methods name, and most are never used.
        defer_build=True,
    )
