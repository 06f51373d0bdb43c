"""Hand-written methods of the project models (declared with ``x-sdk-mixin`` in openapi.yaml)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from label_studio_sdk.label_interface.interface import LabelInterface


class ProjectExt:
    """Adds ``get_label_interface()`` to every project the API returns."""

    __slots__ = ()
    if TYPE_CHECKING:  # declared for type checkers only: at run time the model's own field is the one
        label_config: Optional[str]

    def get_label_interface(self) -> LabelInterface:
        """The project's labeling config as a ``LabelInterface`` (tags, validation, sample data)."""
        from label_studio_sdk.core.errors import InvalidArgumentError
        from label_studio_sdk.label_interface.interface import LabelInterface

        if not self.label_config:
            raise InvalidArgumentError("this project has no label_config (was it fetched with its fields?)")
        return LabelInterface(self.label_config)
