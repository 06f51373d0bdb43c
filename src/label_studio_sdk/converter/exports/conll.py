"""The CONLL2003 export: every token of the labelled text on its own line with a BIO entity tag.

``result.conll`` starts with ``-DOCSTART- -X- O``; each annotation then adds one ``token -X- _ TAG`` line
per token and a blank line. The text is the task-data value read by the first Labels control on a Text
object; the spans are the results of every Labels control on that same data key, so no control's tags are
dropped. Tokens come from ``converter.utils.token_offsets`` (no NLTK): each labelled span boundary is a token
boundary, so a span inside a word or made of CJK characters keeps its tag. A token takes the first label of
the span covering it; where spans overlap, the one starting earlier wins (then the one listed first).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any, Dict, Iterable, List, Mapping, Optional, Tuple

from label_studio_sdk.converter.exports._output import PathLike, atomic_text, file_in_dir
from label_studio_sdk.converter.formats import FormatNotSupportedError
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items
from label_studio_sdk.converter.utils import Span, span_of, tokens_and_tags

logger: logging.Logger = logging.getLogger(__name__)

FILE_NAME = "result.conll"
DOCUMENT_START = "-DOCSTART- -X- O\n"
_LABELS = "Labels"
_TEXT = "Text"
_LINE = "{} -X- _ {}\n"


def _text_key(control: Mapping[str, Any]) -> Optional[str]:
    """The data key of the first Text object a control reads, skipping Text given by URL (its text is not in the task)."""
    for input_info in control.get("inputs") or ():
        if input_info.get("type") == _TEXT and input_info.get("valueType") != "url":
            key = input_info.get("value")
            if isinstance(key, str):
                return key
    return None


def labels_controls(parsed_config: ParsedConfig) -> Tuple[str, Dict[str, Mapping[str, Any]]]:
    """The text's data key and the Labels controls reading it; an error when no Labels control reads a Text."""
    data_key: Optional[str] = None
    controls: Dict[str, Mapping[str, Any]] = {}
    for name, control in parsed_config.items():
        if control.get("type") != _LABELS:
            continue
        key = _text_key(control)
        if key is None or (data_key is not None and key != data_key):
            continue
        data_key = key
        controls[name] = control
    if data_key is None:
        raise FormatNotSupportedError("CONLL2003 needs a Labels control on a Text object")
    return data_key, controls


def _spans(output: Mapping[str, List[Dict[str, Any]]], text_length: int) -> List[Span]:
    values = (value for values in output.values() for value in values)
    spans = (span_of(value, order, text_length) for order, value in enumerate(values))
    return [span for span in spans if span is not None]


def _write_block(out: IO[str], text: str, spans: List[Span]) -> None:
    offsets, tags = tokens_and_tags(text, spans)
    tokens = [text[start:end] for start, end in offsets]
    out.write("".join(map(_LINE.format, tokens, tags)))
    out.write("\n")


def write_conll2003(
    tasks: Iterable[Mapping[str, Any]],
    parsed_config: ParsedConfig,
    output_dir: PathLike,
    *,
    choose: Choose = "newest",
) -> Path:
    """Write ``<output_dir>/result.conll``, one block per chosen annotation, one task in memory at a time.

    Tasks whose text is missing or not a string are left out with a warning.
    """
    data_key, controls = labels_controls(parsed_config)
    index = ControlIndex(controls)  # only these controls' results reach the items
    path = file_in_dir(output_dir, FILE_NAME)
    with atomic_text(path, newline="") as out:
        out.write(DOCUMENT_START)
        for task in tasks:
            data = task.get("data")
            text = data.get(data_key) if isinstance(data, dict) else None
            if not isinstance(text, str):
                logger.warning("task %s has no text under %r; it is left out", task.get("id"), data_key)
                continue
            for item in annotation_items(task, index, choose=choose):
                _write_block(out, text, _spans(item["output"], len(text)))
    return path
