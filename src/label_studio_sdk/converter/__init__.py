"""Label Studio JSON exports to and from other formats: ``Converter``, ``Format`` and the format modules.

The names load on first use, so ``from label_studio_sdk.converter.brush import mask2rle`` (what ML
backends import) does not pull in the export machinery.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from label_studio_sdk.converter.converter import Converter
    from label_studio_sdk.converter.formats import Format, FormatNotSupportedError, UnknownFormatError

__all__ = ["Converter", "Format", "FormatNotSupportedError", "UnknownFormatError"]


def __getattr__(name: str) -> Any:
    if name == "Converter":
        from label_studio_sdk.converter.converter import Converter

        return Converter
    if name in ("Format", "FormatNotSupportedError", "UnknownFormatError"):
        from label_studio_sdk.converter import formats

        return getattr(formats, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
