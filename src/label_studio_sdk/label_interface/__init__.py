"""The labeling-config model: ``LabelInterface`` and its tags, regions and value objects.

``from label_studio_sdk.label_interface import LabelInterface`` loads only what reading a config
needs; pydantic-based value objects (``objects``) and the ``create`` helpers load on first use.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from label_studio_sdk.label_interface.interface import LabelInterface

__all__ = ["LabelInterface"]


def __getattr__(name: str) -> Any:
    if name == "LabelInterface":
        from label_studio_sdk.label_interface.interface import LabelInterface

        return LabelInterface
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
