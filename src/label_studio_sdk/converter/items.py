"""One task of an export turned into the per-annotation items that the export formats write.

An item holds the task data (``input``) and one annotation's results grouped by control (``output``:
``{from_name: [value with "type" and, when known, "original_width"/"original_height"]}``), plus the
annotation's id, author, timestamps, lead time, history and the task's agreement.

Which annotations become items is the ``choose`` argument:

- ``"all"``: every annotation, newest first (by ``created_at``), as earlier releases yielded them;
- ``"newest"`` (the default): only the most recent one, which is what a one-file-per-image format should
  write (earlier releases let the oldest overwrite it, label-studio#5421);
- ``"oldest"``: only the first one.

Cancelled and skipped annotations are never used. A task with an empty annotation list gives one item
with an empty ``output`` (so unlabelled images are still exported); a task without annotations at all, or
whose annotations were all cancelled, gives none. The legacy ``completions`` key is read when
``annotations`` is absent.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, Iterator, List, Literal, Mapping, Optional, Pattern, Sequence, Tuple, Union

logger: logging.Logger = logging.getLogger(__name__)

Choose = Literal["all", "newest", "oldest"]
ParsedConfig = Mapping[str, Mapping[str, Any]]

_CHOICES = ("all", "newest", "oldest")
_INDEX_FLAG = re.compile(r"\{\{[^{}]*\}\}")
_CHAT_MESSAGE = "chatmessage"  # chat turns are kept even though no control tag declares them


class ControlIndex:
    """Finds the control of a result by its ``from_name``: exactly, or through a Repeater name like ``label_{{idx}}``."""

    def __init__(self, config: ParsedConfig) -> None:
        self.controls: Dict[str, Mapping[str, Any]] = dict(config)
        patterns: List[Tuple[int, Pattern[str], Mapping[str, Any]]] = []
        for name, control in self.controls.items():
            if _INDEX_FLAG.search(name):
                parts = _INDEX_FLAG.split(name)
                patterns.append(
                    (len(name), re.compile(".*".join(re.escape(part) for part in parts)), control)
                )
        # The longest name is the most specific: "ch_{{idx}}_more" before "ch_{{idx}}".
        patterns.sort(key=lambda entry: -entry[0])
        self.patterns = [(pattern, control) for _, pattern, control in patterns]

    def find(self, from_name: str) -> Optional[Mapping[str, Any]]:
        control = self.controls.get(from_name)
        if control is not None:
            return control
        for pattern, candidate in self.patterns:
            if pattern.fullmatch(from_name):
                return candidate
        return None


def _annotation_list(task: Mapping[str, Any]) -> Optional[Sequence[Mapping[str, Any]]]:
    annotations = task.get("annotations")
    if annotations is None:
        annotations = task.get("completions")
    return annotations if isinstance(annotations, list) else None


def _created_at_key(annotation: Mapping[str, Any]) -> Tuple[bool, str]:
    created_at = annotation.get("created_at")
    # Annotations without a timestamp count as the oldest instead of breaking the sort.
    return (created_at is not None, "" if created_at is None else str(created_at))


def _chosen(annotations: Sequence[Mapping[str, Any]], choose: Choose) -> List[Mapping[str, Any]]:
    kept = [ann for ann in annotations if not ann.get("was_cancelled") and not ann.get("skipped")]
    if len(kept) < 2:
        return kept  # the usual single annotation: no sort to run
    newest_first = sorted(kept, key=_created_at_key, reverse=True)
    if choose == "all":
        return newest_first
    return [newest_first[0] if choose == "newest" else newest_first[-1]]


def _output(results: Any, index: ControlIndex) -> Dict[str, List[Dict[str, Any]]]:
    """The results grouped by control name; results of unknown controls, relations and empty ones are left out."""
    output: Dict[str, List[Dict[str, Any]]] = {}
    controls = index.controls
    keep_all = not controls  # custom interfaces: no controls to match against
    for result in results or ():
        from_name = result.get("from_name")
        value = result.get("value")
        if from_name is None or not isinstance(value, dict):
            continue
        control = controls.get(from_name)
        if control is None and index.patterns:
            control = index.find(from_name)
        if control is not None:
            result_type = control.get("type")
        elif keep_all or result.get("type") == _CHAT_MESSAGE:
            result_type = result.get("type")
        else:
            continue
        item_value = dict(value)  # a copy: exporters may add keys without changing the task
        item_value["type"] = result_type
        if "original_width" in result:
            item_value["original_width"] = result["original_width"]
        if "original_height" in result:
            item_value["original_height"] = result["original_height"]
        group = output.get(from_name)
        if group is None:
            output[from_name] = [item_value]
        else:
            group.append(item_value)
    return output


def _item(task: Mapping[str, Any], annotation: Mapping[str, Any], output: Dict[str, Any]) -> Dict[str, Any]:
    get = annotation.get
    item = {
        "id": task.get("id"),
        "input": task.get("data"),
        "output": output,
        "completed_by": get("completed_by", {}),
        "annotation_id": get("id"),
        "created_at": get("created_at"),
        "updated_at": get("updated_at"),
        "lead_time": get("lead_time"),
        "history": get("history"),
        "was_cancelled": get("was_cancelled"),
    }
    if annotation and "agreement" in task:  # the stand-in item of an unannotated task has none
        item["agreement"] = task["agreement"]
    return item


def annotation_items(
    task: Mapping[str, Any],
    config: Union[ParsedConfig, ControlIndex, None] = None,
    *,
    choose: Choose = "newest",
) -> Iterator[Dict[str, Any]]:
    """The items of one task, for the controls of ``config`` (a ``parse_config`` dict or a prebuilt ``ControlIndex``)."""
    if choose not in _CHOICES:
        raise ValueError(f"choose must be one of {', '.join(_CHOICES)}, not {choose!r}")
    index = config if isinstance(config, ControlIndex) else ControlIndex(config or {})
    annotations = _annotation_list(task)
    if annotations is None:
        logger.warning("task %s has no list of annotations; it is left out", task.get("id"))
        return
    if not annotations:
        yield _item(task, {}, {})
        return
    for annotation in _chosen(annotations, choose):
        yield _item(task, annotation, _output(annotation.get("result"), index))
