"""``LabelInterface``: a labeling config read into tags, with lookups, validation and sample data."""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    DefaultDict,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    Union,
)

from label_studio_sdk.label_interface import validation
from label_studio_sdk.label_interface._xml import XmlNode, parse_xml
from label_studio_sdk.label_interface.base import LabelStudioTag, TagTypes
from label_studio_sdk.label_interface.control_tags import CONTROL_TAGS_MAPPING, ControlTag
from label_studio_sdk.label_interface.exceptions import (
    LabelStudioValidationErrorSentryIgnored,
    LabelStudioXMLSyntaxErrorSentryIgnored,
)
from label_studio_sdk.label_interface.label_tags import LabelTag
from label_studio_sdk.label_interface.object_tags import _OBJECT_TAGS_MAPPING, ObjectTag
from label_studio_sdk.label_interface.region import Region

if TYPE_CHECKING:
    import logging
    import random


def _logger() -> logging.Logger:
    # logging loads on first use: importing LabelInterface stays cheap for one-shot scripts.
    import logging

    return logging.getLogger("label_studio_sdk.label_interface")


LABEL_TAGS = frozenset({"Label", "Choice", "Relation"})
NOT_CONTROL_TAGS = frozenset({"Filter"})
SELF_REFERENCING_TAGS = frozenset({"chat", "reactcode"})
"""Tags that are both an object and a control of themselves (they have a name, no toName, no value)."""
_REPEATER_TAG = "repeater"
_TASK_COMMENT = re.compile(r"^\s*\{")

TagsMapping = Mapping[str, Type[LabelStudioTag]]


class LabelInterface:
    """A labeling config, read once: its controls, objects and labels, and what results it accepts.

    ``LabelInterface(config)`` raises ``LabelStudioXMLSyntaxErrorSentryIgnored`` (a ``ValueError``) for
    a config that is not well-formed XML, uses DTDs or entities, or exceeds the size and depth bounds.
    ``tags_mapping`` maps a lowercased tag name to the class to use for it (to customise ``label()``).
    """

    SELF_REFERENCING_CONTROLS = frozenset({"chatmessage", "reactcode", "pairwise"})
    """Controls whose regions name the control itself as ``to_name``."""

    def __init__(
        self, config: str, tags_mapping: Optional[TagsMapping] = None, *args: Any, **kwargs: Any
    ) -> None:
        if config is None:
            raise LabelStudioXMLSyntaxErrorSentryIgnored("the labeling config is missing (None)")
        self._config = config
        self._tags_mapping = {key.lower(): cls for key, cls in (tags_mapping or {}).items()}
        document = parse_xml(config)
        self._root = document.root
        self._comments = document.comments
        self._controls: Dict[str, ControlTag] = {}
        self._objects: Dict[str, ObjectTag] = {}
        self._labels: Dict[str, Dict[str, LabelTag]] = {}
        self._index_flags: List[str] = []
        self._control_patterns: List[Tuple[re.Pattern[str], ControlTag]] = []
        self._object_patterns: List[Tuple[re.Pattern[str], ObjectTag]] = []
        self._read_tags()
        task, annotations, predictions = self.get_task_from_labeling_config(config, self._comments)
        self._sample_config_task = task
        self._sample_config_ann = annotations
        self._sample_config_pred = predictions

    # --- reading the config ---------------------------------------------------------------------------

    def _class_for(self, tag: str, mapping: Mapping[str, Type[Any]], default: Type[Any]) -> Type[Any]:
        lowered = tag.lower()
        return self._tags_mapping.get(lowered) or mapping.get(lowered) or default

    def _read_tags(self) -> None:
        label_nodes: List[XmlNode] = []
        for node in self._root.iter():
            attrib = node.attrib
            name = attrib.get("name")
            tag = node.tag
            if tag.lower() == _REPEATER_TAG and attrib.get("indexFlag"):
                self._index_flags.append(attrib["indexFlag"])
            if name and tag.lower() in SELF_REFERENCING_TAGS:
                self._add_object(node, name)  # also its own control, added below
            elif name and attrib.get("toName") and tag not in NOT_CONTROL_TAGS:
                self._add_control(node, name)
            elif name and (attrib.get("value") or attrib.get("valueList")):
                self._add_object(node, name)
            elif tag in LABEL_TAGS:
                label_nodes.append(node)
        for obj in list(self._objects.values()):
            if obj.tag.lower() in SELF_REFERENCING_TAGS and obj.name and obj.name not in self._controls:
                control_tag = "ChatMessage" if obj.tag.lower() == "chat" else obj.tag
                cls = self._class_for(control_tag, CONTROL_TAGS_MAPPING, ControlTag)
                self._controls[obj.name] = cls(
                    tag=control_tag, name=obj.name, to_name=[obj.name], attr=dict(obj.attr), line=obj.line
                )
        for node in label_nodes:
            self._add_label(node)
        for control in self._controls.values():
            control.set_objects(self._objects[name] for name in control.to_name if name in self._objects)
            labels = self._labels.get(control.name or "", {})
            control.set_labels(labels)
            control.set_labels_attrs(labels)
        if self._index_flags:
            self._compile_repeater_patterns()

    def _add_control(self, node: XmlNode, name: str) -> None:
        attrib = node.attrib
        cls = self._class_for(node.tag, CONTROL_TAGS_MAPPING, ControlTag)
        value = attrib.get("value", "")
        control = cls(
            tag=node.tag,
            name=name,
            to_name=[part.strip() for part in attrib["toName"].split(",") if part.strip()],
            attr=dict(attrib),
            conditionals=_conditionals(attrib),
            dynamic_value=value.startswith("$") or bool(attrib.get("apiUrl")),
            line=node.line,
            children=node.children,
        )
        self._controls[name] = control

    def _add_object(self, node: XmlNode, name: str) -> None:
        attrib = node.attrib
        cls = self._class_for(node.tag, _OBJECT_TAGS_MAPPING, ObjectTag)
        self._objects[name] = cls(
            tag=node.tag,
            name=name,
            value=attrib.get("valueList") or attrib.get("value") or "",
            attr=dict(attrib),
            children=node.children,
            line=node.line,
        )

    def _add_label(self, node: XmlNode) -> None:
        value = node.attrib.get("alias") or node.attrib.get("value")
        if not value:
            return
        owner = node.parent
        while owner is not None and owner.attrib.get("name") not in self._controls:
            owner = owner.parent
        if owner is None:
            return
        parent_name = owner.attrib["name"]
        self._labels.setdefault(parent_name, {})[value] = LabelTag(
            tag=node.tag, value=value, parent_name=parent_name, attr=dict(node.attrib), line=node.line
        )

    def _compile_repeater_patterns(self) -> None:
        def pattern(name: str) -> Optional[re.Pattern[str]]:
            if not any(flag in name for flag in self._index_flags):
                return None
            text = re.escape(name)
            for flag in self._index_flags:
                text = text.replace(re.escape(flag), r"(\d+)")
            return re.compile(f"^{text}$")

        for control in self._controls.values():
            compiled = pattern(control.name or "")
            if compiled is not None:
                self._control_patterns.append((compiled, control))
        for obj in self._objects.values():
            compiled = pattern(obj.name or "")
            if compiled is not None:
                self._object_patterns.append((compiled, obj))

    # --- lookups used by validation (exact name first, then Repeater patterns) ---------------------------

    def _find_control(self, name: Any) -> Optional[ControlTag]:
        control = self._controls.get(name) if isinstance(name, str) else None
        if control is None and self._control_patterns and isinstance(name, str):
            control = next((c for p, c in self._control_patterns if p.match(name)), None)
        return control

    def _find_object(self, name: Any) -> Optional[ObjectTag]:
        obj = self._objects.get(name) if isinstance(name, str) else None
        if obj is None and self._object_patterns and isinstance(name, str):
            obj = next((o for p, o in self._object_patterns if p.match(name)), None)
        return obj

    def _control_targets(self, control: ControlTag, from_name: str, to_name: str) -> bool:
        """Whether ``control`` (reached as ``from_name``) may label ``to_name``, Repeater indexes included."""
        if to_name in control.to_name:
            return True
        if not self._control_patterns:
            return False
        index = _repeater_index(self._control_patterns, control, from_name)
        if index is None:
            return False
        return any(_fill_index(target, self._index_flags, index) == to_name for target in control.to_name)

    def _split_value_reason(self, control: ControlTag, region_type: str, value: Any) -> Optional[str]:
        """Check a ``<Labels>`` value that travels on a geometry region (the split format)."""
        geometry = region_type[:-6] if region_type.endswith("labels") else region_type
        geometry_cls = CONTROL_TAGS_MAPPING.get(geometry)
        reason = control.labels_reason(value) if isinstance(value, Mapping) else "value must be an object"
        if reason is not None or geometry_cls is None:
            return reason
        stand_in = geometry_cls(tag=geometry, name=control.name, to_name=control.to_name)
        return stand_in._value_checker()(value)

    # --- properties -----------------------------------------------------------------------------------

    @property
    def config(self) -> str:
        """The config string as given."""
        return self._config

    @property
    def controls(self) -> Any:
        return self._controls.values()

    @property
    def objects(self) -> Any:
        return self._objects.values()

    @property
    def labels(self) -> Any:
        return self._labels.values()

    @property
    def ner_tags(self) -> List[ControlTag]:
        return self.find_tags("controls", lambda tag: tag.tag.lower() in ("labels", "hypertextlabels"))  # type: ignore[return-value]

    @property
    def image_tags(self) -> List[ObjectTag]:
        return self.find_tags("objects", lambda tag: tag.tag.lower() == "image")  # type: ignore[return-value]

    @property
    def pdf_tags(self) -> List[ObjectTag]:
        return self.find_tags("objects", lambda tag: tag.tag.lower() == "pdf")  # type: ignore[return-value]

    # --- lookups ------------------------------------------------------------------------------------------

    def get_tag(self, name: str) -> LabelStudioTag:
        """The control or object called ``name``."""
        tag: Optional[LabelStudioTag] = self._find_control(name) or self._find_object(name)
        if tag is None:
            raise KeyError(f"Tag with name {name!r} not found; the config has {self._names()}")
        return tag

    def _names(self) -> List[str]:
        return [*self._controls, *self._objects]

    @staticmethod
    def _single(tags: Dict[str, Any], name: Optional[str], kind: str, finder: Callable[[str], Any]) -> Any:
        if name is None:
            if len(tags) == 1:
                return next(iter(tags.values()))
            raise ValueError(
                f"the config has {len(tags)} {kind} tags ({', '.join(tags) or 'none'}): you should specify name"
            )
        found = finder(name)
        if found is None:
            raise KeyError(f"Name {name} is not found, available names: {', '.join(tags)}")
        return found

    def get_control(self, name: Optional[str] = None) -> ControlTag:
        """The control ``name``, or the only control when no name is given (``KeyError`` if unknown)."""
        return self._single(self._controls, name, "control", self._find_control)  # type: ignore[no-any-return]

    get_output = get_control

    def get_object(self, name: Optional[str] = None) -> ObjectTag:
        """The object ``name``, or the only object when no name is given (``KeyError`` if unknown)."""
        return self._single(self._objects, name, "object", self._find_object)  # type: ignore[no-any-return]

    get_input = get_object

    def find_tags_by_class(self, tag_class: Union[type, Sequence[type]]) -> List[LabelStudioTag]:
        """Objects, then controls, that are instances of ``tag_class`` (a class or a list of them)."""
        classes = tuple(tag_class) if isinstance(tag_class, (list, tuple)) else (tag_class,)
        return [
            tag for tag in (*self._objects.values(), *self._controls.values()) if isinstance(tag, classes)
        ]

    def find_tags(
        self, tag_type: Optional[str] = None, match_fn: Optional[Callable[[Any], bool]] = None
    ) -> List[LabelStudioTag]:
        """Tags of a kind (``objects``/``inputs`` or ``controls``/``outputs``; anything else: both) passing ``match_fn``."""
        tags: Iterable[LabelStudioTag]
        if tag_type in ("objects", "inputs"):
            tags = self._objects.values()
        elif tag_type in ("controls", "outputs"):
            tags = self._controls.values()
        else:
            tags = (*self._objects.values(), *self._controls.values())
        return [tag for tag in tags if match_fn is None or match_fn(tag)]

    def get_first_tag_occurence(
        self,
        control_type: TagTypes,
        object_type: TagTypes,
        name_filter: Optional[Callable[[str], bool]] = None,
        to_name_filter: Optional[Callable[[str], bool]] = None,
    ) -> Tuple[str, str, str]:
        """``(control name, object name, object value name)`` of the first control of ``control_type``
        labelling an object of ``object_type`` (``ValueError`` when there is none). Types compare in any case;
        the filters get the lowercased control and object names."""
        control_types = _lowered(control_type)
        object_types = _lowered(object_type)
        for control in self._controls.values():
            if control.tag.lower() not in control_types:
                continue
            if name_filter is not None and not name_filter((control.name or "").lower()):
                continue
            for obj in control.objects:
                if obj.tag.lower() not in object_types:
                    continue
                if to_name_filter is not None and not to_name_filter((obj.name or "").lower()):
                    continue
                return control.name or "", obj.name or "", obj.value_name
        raise ValueError(
            f"No control tag of type {control_type} connected to an object of type {object_type}"
        )

    def get_all_labels(self) -> Tuple[DefaultDict[str, List[str]], Dict[str, bool]]:
        """``({control: [labels]}, {control: True for controls with dynamic labels})``."""
        labels: DefaultDict[str, List[str]] = defaultdict(list)
        for name, found in self._labels.items():
            labels[name].extend(found)
        dynamic = {name: True for name, control in self._controls.items() if control.dynamic_value}
        return labels, dynamic

    def get_all_object_tag_names(self) -> Any:
        return self._objects.keys()

    def extract_data_types(self) -> Dict[str, ObjectTag]:
        return self._objects

    def is_video_object_tracking(self) -> bool:
        return any(control.tag.lower() == "videorectangle" for control in self._controls.values())

    # --- tasks and schema --------------------------------------------------------------------------------

    def load_task(self, task: Mapping[str, Any]) -> LabelInterface:
        """A copy whose objects show ``task``'s values (``task`` is the data dict, keyed by value names)."""
        loaded = copy.deepcopy(self)
        for obj in loaded._objects.values():
            if obj.value_is_variable and obj.value_name in task:
                obj.value = task[obj.value_name]
        return loaded

    def to_json_schema(self) -> Dict[str, Any]:
        """A JSON schema of ``create_regions`` input: one property per control, required where ``required="true"``."""
        return {
            "type": "object",
            "properties": {name: control.to_json_schema() for name, control in self._controls.items()},
            "required": [name for name, control in self._controls.items() if control.is_output_required],
        }

    @classmethod
    def get_task_from_labeling_config(
        cls, config: str, comments: Optional[List[str]] = None
    ) -> Tuple[Dict[str, Any], Optional[List[Any]], Optional[List[Any]]]:
        """The sample task a config may carry in a ``<!-- {...} -->`` comment: ``(data, annotations, predictions)``."""
        if comments is None:
            comments = re.findall(r"<!--(.*?)-->", config or "", flags=re.DOTALL)
        for text in comments:
            if not _TASK_COMMENT.match(text):
                continue
            try:
                import json

                body = json.loads(text)
            except ValueError:
                _logger().debug("a config comment that looks like a task is not JSON; ignored")
                continue
            if not isinstance(body, dict):
                continue
            if "data" in body:
                return body["data"], body.get("annotations"), body.get("predictions")
            if "predictions" in body or "annotations" in body:
                return {}, body.get("annotations"), body.get("predictions")
            return body, None, None
        return {}, None, None

    @classmethod
    def parse_config_to_json(cls, config_string: str) -> Dict[str, Any]:
        """The config as a badgerfish-style dict: ``{"View": {"@attr": ..., "Tag": {...} or [...]}}``."""
        root = parse_xml(config_string).root
        return {root.tag: _badgerfish(root)}

    # --- validating the config ----------------------------------------------------------------------------

    def validate(self) -> None:
        """Check the config itself; raises ``LabelStudioValidationErrorSentryIgnored`` naming the tag and line."""
        problems = self._structure_problems()
        if problems:
            raise LabelStudioValidationErrorSentryIgnored("\n".join(problems))
        self._tag_attribute_validation()

    def _structure_problems(self) -> List[str]:
        problems: List[str] = []
        if self._root.tag != "View":
            problems.append(f"the root tag must be <View>, not <{self._root.tag}> (line {self._root.line})")
        seen: Dict[str, XmlNode] = {}
        names = set()
        for node in self._root.iter():
            name = node.attrib.get("name")
            if name is None:
                continue
            if node.tag in LABEL_TAGS:
                continue
            if name in seen:
                problems.append(f"the name {name!r} is used twice: {seen[name].where} and {node.where}")
            seen.setdefault(name, node)
            names.add(name)
        for control in self._controls.values():
            if not control.to_name:
                problems.append(
                    f"<{control.tag} name={control.name!r}> (line {control.line}) has an empty toName"
                )
            for target in control.to_name:
                if target not in names and not self._find_object(target):
                    problems.append(
                        f"toName={target!r} of <{control.tag} name={control.name!r}> (line {control.line}) "
                        f"names no tag of the config"
                    )
        for node in self._root.iter():
            if node.tag in ("Label", "Choice") and not (node.attrib.get("value") or node.attrib.get("alias")):
                problems.append(f"{node.where} has no value")
        return problems

    def _tag_attribute_validation(self) -> None:
        """Check tag attributes (playback speeds, ...); raises ``LabelStudioValidationErrorSentryIgnored``."""
        problems: List[str] = []
        for obj in self._objects.values():
            problems.extend(obj.validate_config())
        for control in self._controls.values():
            problems.extend(control.validate_config())
        if problems:
            raise LabelStudioValidationErrorSentryIgnored("\n".join(problems))

    @property
    def is_valid(self) -> bool:
        try:
            self.validate()
        except LabelStudioValidationErrorSentryIgnored:
            return False
        return True

    def config_essential_data_has_changed(self, new_config_str: str) -> bool:
        """Whether ``new_config_str`` would break results made with this config: a control it adds or
        retypes, objects a control points to that changed, or labels of this config it no longer has."""
        new = LabelInterface(new_config_str)
        for name, control in new._controls.items():
            old = self._controls.get(name)
            if old is None or old.tag != control.tag:
                return True
            old_objects = [(o.name, o.tag, o.value) for o in old.objects]
            if old_objects != [(o.name, o.tag, o.value) for o in control.objects]:
                return True
            if not set(old.labels) <= set(control.labels):
                return True
        return False

    # --- validating results ---------------------------------------------------------------------------------

    def _result_errors(self, item: Any) -> List[str]:
        if not isinstance(item, Mapping):
            return [f"a prediction or annotation must be a dictionary, got {type(item).__name__}"]
        try:
            return validation.result_errors(self, item)
        except Exception as exc:  # a bug here must not take the caller's request down
            _logger().exception("unexpected error while validating a result")
            return [f"Unexpected error during validation: {exc}"]

    def validate_prediction(self, prediction: Mapping[str, Any], return_errors: bool = False) -> Any:
        """Whether ``prediction`` fits the config; with ``return_errors``, the list of problems (empty: valid)."""
        errors = self._result_errors(prediction)
        return errors if return_errors else not errors

    def validate_annotation(self, annotation: Mapping[str, Any], return_errors: bool = False) -> Any:
        """Whether ``annotation`` fits the config; with ``return_errors``, the list of problems (empty: valid)."""
        errors = self._result_errors(annotation)
        return errors if return_errors else not errors

    def validate_region(
        self,
        region: Mapping[str, Any],
        return_errors: bool = False,
        region_index: int = 0,
        context: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        """Whether one region fits the config; with ``return_errors``, the list of problems."""
        errors = validation.region_errors(self, region, region_index, context)
        return errors if return_errors else not errors

    def validate_relation(
        self,
        relation: Mapping[str, Any],
        regions: Iterable[Any],
        return_errors: bool = False,
        relation_index: int = 0,
    ) -> Any:
        """Whether one relation links two of ``regions`` (dicts or ``Region``); with ``return_errors``, the problems."""
        ids = {r.id if isinstance(r, Region) else r.get("id") for r in regions}
        errors = validation.relation_errors(relation, ids, relation_index)
        return errors if return_errors else not errors

    def validate_task(self, task: Mapping[str, Any], validate_regions_only: bool = False) -> bool:
        """Whether a task's annotations and predictions all fit the config."""
        items = [*(task.get("annotations") or []), *(task.get("predictions") or [])]
        return all(not self._result_errors(item) for item in items)

    # --- building results -----------------------------------------------------------------------------------

    def create_regions(self, data: Mapping[str, Any]) -> List[Region]:
        """Regions from ``{control name: payload}``: a label, a list of labels, a dict of fields, or a list of dicts."""
        regions: List[Region] = []
        for name, payload in data.items():
            control = self._find_control(name)
            if payload is None or control is None:
                _logger().info(
                    "create_regions: skipped %r (%s)", name, "no value" if control else "no such control"
                )
                continue
            for item in _payload_items(control, payload):
                regions.append(control.label(**item))
        return regions

    # --- samples --------------------------------------------------------------------------------------------

    def generate_sample_task(self, mode: str = "upload", secure_mode: bool = False) -> Dict[str, Any]:
        """Sample task data: ``{value name: example}`` for every object."""
        from label_studio_sdk.label_interface import samples

        data: Dict[str, Any] = {}
        # Video goes last: when a Video and an Audio read the same field, the server plays it as video.
        ordered = sorted(self._objects.values(), key=lambda obj: obj.tag.lower() == "video")
        for obj in ordered:
            if obj.value_is_variable and obj.value_name:
                data[obj.value_name] = obj.generate_example_value(mode=mode, secure_mode=secure_mode)
        for control in self._controls.values():
            value = control.attr.get("value", "")
            if value.startswith("$") and len(value) > 1:
                nested = str(control.attr.get("allowNested", "")).lower() == "true"
                data.setdefault(value[1:], samples.dynamic_options(nested=nested))
        return data

    def _sample_result(self, rng: random.Random) -> List[Dict[str, Any]]:
        from label_studio_sdk.label_interface import samples

        result: List[Dict[str, Any]] = []
        for control in self._controls.values():
            if not control.objects and control.tag.lower() not in self.SELF_REFERENCING_CONTROLS:
                continue
            if control.tag.lower() == "chatmessage" and "toName" in control.attr:
                # A <Chat toName=...> is typed "chat" by the published validator and "chatmessage" by
                # ours; a sample must pass both, so it leaves the chat's own messages out.
                continue
            if control.dynamic_value and not control.labels and control.attr.get("value", "").startswith("$"):
                # Labels come from the task: sample with the options generate_sample_task puts there.
                control = copy.copy(control)
                control.labels = list(samples.DYNAMIC_OPTIONS)
            payload = control.sample_payload(rng)
            if payload is None:
                continue
            for item in _payload_items(control, payload):
                region = control.label(**item)
                region.id = f"{rng.getrandbits(40):010x}"  # from the seeded generator: repeatable samples
                result.append(region._dict())
        return result

    def generate_sample_prediction(self, seed: Optional[int] = None) -> Optional[Dict[str, Any]]:
        """A random prediction that validates against this config, or None when none could be made."""
        import random

        rng = random.Random(seed)
        prediction = {
            "model_version": "sample model version",
            "score": 0.95,
            "result": self._sample_result(rng),
        }
        return prediction if self.validate_prediction(prediction) else None

    def generate_sample_annotation(self, seed: Optional[int] = None) -> Optional[Dict[str, Any]]:
        """A random annotation that validates against this config, or None when none could be made."""
        import random

        rng = random.Random(seed)
        annotation = {
            "was_cancelled": False,
            "ground_truth": False,
            "completed_by": -1,
            "result": self._sample_result(rng),
        }
        return annotation if self.validate_annotation(annotation) else None

    def generate_complete_sample_task(
        self, raise_on_failure: bool = False, seed: Optional[int] = None
    ) -> Dict[str, Any]:
        """``{"data": ..., "annotations": [...], "predictions": [...]}`` with samples that validate."""
        data = self.generate_sample_task()
        try:
            prediction = self.generate_sample_prediction(seed)
            annotation = self.generate_sample_annotation(None if seed is None else seed + 1)
        except Exception as exc:
            if raise_on_failure:
                raise ValueError(f"could not generate a sample for this config: {exc}") from exc
            prediction = annotation = None
        if raise_on_failure and prediction is None:
            raise ValueError("the generated sample prediction does not validate against the config")
        if raise_on_failure and annotation is None:
            raise ValueError("the generated sample annotation does not validate against the config")
        return {
            "data": data,
            "annotations": [annotation] if annotation else [],
            "predictions": [prediction] if prediction else [],
        }

    # --- building configs --------------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        tags: Mapping[str, Any],
        mapping: Optional[Mapping[str, str]] = None,
        title: Union[str, Mapping[str, str], None] = None,
        style: Union[str, Mapping[str, str], None] = None,
        pretty: bool = True,
    ) -> str:
        """A config string from ``{name: tag}``; see ``label_studio_sdk.label_interface.create``."""
        from label_studio_sdk.label_interface.create import build_config

        return build_config(tags, mapping=mapping, title=title, style=style, pretty=pretty)

    @classmethod
    def create_instance(cls, *args: Any, **kwargs: Any) -> LabelInterface:
        """``LabelInterface(LabelInterface.create(...))``."""
        return cls(config=cls.create(*args, **kwargs))

    def __repr__(self) -> str:
        return f"LabelInterface(controls={list(self._controls)}, objects={list(self._objects)})"


def _conditionals(attrib: Mapping[str, str]) -> Optional[Dict[str, str]]:
    if attrib.get("perRegion") != "true":
        return None
    for attribute, kind in (
        ("whenTagName", "tag"),
        ("whenLabelValue", "label"),
        ("whenChoiceValue", "choice"),
    ):
        if attrib.get(attribute):
            return {"type": kind, "name": attrib[attribute]}
    return None


def _lowered(kinds: TagTypes) -> Tuple[str, ...]:
    return (kinds.lower(),) if isinstance(kinds, str) else tuple(kind.lower() for kind in kinds)


def _repeater_index(
    patterns: List[Tuple[re.Pattern[str], ControlTag]], control: ControlTag, name: str
) -> Optional[str]:
    for pattern, candidate in patterns:
        if candidate is control:
            found = pattern.match(name)
            if found:
                return found.group(1)
    return None


def _fill_index(name: str, flags: Sequence[str], index: str) -> str:
    for flag in flags:
        name = name.replace(flag, index)
    return name


def _payload_items(control: ControlTag, payload: Any) -> List[Dict[str, Any]]:
    """``create_regions`` input for one control, as keyword arguments of ``control.label``."""
    if isinstance(payload, Mapping):
        return [dict(payload)]
    if isinstance(payload, (list, tuple)):
        if not payload:
            return [{"label": []}]
        if all(isinstance(item, Mapping) for item in payload):
            return [dict(item) for item in payload]
        if all(isinstance(item, (list, tuple)) for item in payload):
            return [{"label": [list(item) for item in payload]}]
        return [{"label": list(payload)}]
    return [{"label": payload}]


def _badgerfish(node: XmlNode) -> Dict[str, Any]:
    out: Dict[str, Any] = {f"@{key}": value for key, value in node.attrib.items()}
    if node.text.strip():
        out["$"] = node.text.strip()
    for child in node.children:
        converted = _badgerfish(child)
        if child.tag in out:
            existing = out[child.tag]
            out[child.tag] = [*existing, converted] if isinstance(existing, list) else [existing, converted]
        else:
            out[child.tag] = converted
    return out
