"""The intermediate representation: plain data, every decision already made.

Templates read these objects and print them; they never decide anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

# What a TypeRef can be. Containers carry their element types in `args`.
PRIMITIVES = {"str", "int", "float", "bool", "datetime", "date", "any"}


@dataclass(frozen=True)
class TypeRef:
    kind: str  # a PRIMITIVE, "model", "list", "dict", "literal", "union", "file"
    model: Optional[str] = None  # Python class name, for kind == "model"
    ref: Optional[str] = None  # its component name in openapi.yaml (unique where class names are not)
    args: Tuple[TypeRef, ...] = ()
    values: Tuple[str, ...] = ()  # for kind == "literal"
    nullable: bool = False

    def annotation(self, *, sequence: bool = False) -> str:
        """The Python type expression. `sequence` writes lists as Sequence (for arguments)."""
        text = self._bare(sequence)
        return f"Optional[{text}]" if self.nullable else text

    def omittable(self, *, sequence: bool = False) -> str:
        """The type of an argument that may be left out: ``Union[X, Omit]``, with ``None`` only when
        the server takes null (``Union[X, Omit, None]``). Unions are flattened into one."""
        parts = [*self._parts(sequence), "Omit"]
        if self.nullable:
            parts.append("None")
        return "Union[" + ", ".join(parts) + "]"

    def _parts(self, sequence: bool) -> List[str]:
        if self.kind == "literal":
            return ["Literal[" + ", ".join(repr(v) for v in self.values) + "]", "str"]
        if self.kind == "union":
            return [a.annotation(sequence=sequence) for a in self.args]
        return [self._bare(sequence)]

    def _bare(self, sequence: bool) -> str:
        if self.kind in ("str", "int", "float", "bool"):
            return self.kind
        if self.kind == "datetime":
            return "dt.datetime"
        if self.kind == "date":
            return "dt.date"
        if self.kind == "any":
            return "Any"
        if self.kind == "file":
            return "File"
        if self.kind == "model":
            return str(self.model)
        if self.kind == "list":
            outer = "Sequence" if sequence else "List"
            return f"{outer}[{self.args[0].annotation(sequence=sequence)}]"
        if self.kind == "dict":
            return f"Dict[str, {self.args[0].annotation(sequence=sequence)}]"
        if self.kind == "literal":
            # Unknown values stay acceptable: a newer server must not break an older client.
            return "Union[Literal[" + ", ".join(repr(v) for v in self.values) + "], str]"
        if self.kind == "union":
            return "Union[" + ", ".join(a.annotation(sequence=sequence) for a in self.args) + "]"
        raise ValueError(f"unknown type kind {self.kind}")

    def walk(self) -> List[TypeRef]:
        found = [self]
        for arg in self.args:
            found.extend(arg.walk())
        return found

    def model_refs(self) -> Set[str]:
        return {t.ref for t in self.walk() if t.kind == "model" and t.ref}

    def typing_names(self, *, sequence: bool = False) -> Set[str]:
        names: Set[str] = set()
        for t in self.walk():
            if t.nullable:
                names.add("Optional")
            if t.kind == "any":
                names.add("Any")
            elif t.kind == "list":
                names.add("Sequence" if sequence else "List")
            elif t.kind == "dict":
                names.add("Dict")
            elif t.kind == "literal":
                names.update(("Literal", "Union"))
            elif t.kind == "union":
                names.add("Union")
        return names

    def uses_datetime(self) -> bool:
        return any(t.kind in ("datetime", "date") for t in self.walk())


@dataclass
class Field:
    name: str  # Python attribute
    wire_name: str
    type: TypeRef
    required: bool
    description: str

    @property
    def aliased(self) -> bool:
        return self.name != self.wire_name


@dataclass
class Model:
    name: str  # Python class / alias name
    schema_name: str  # component name in openapi.yaml
    kind: str  # "object", "alias" (enum, union, list...)
    module: str  # dotted, relative to the package: "types.project", "projects.types.projects_list_response"
    group: Optional[str]  # dotted group when the model belongs to one
    description: str
    fields: List[Field] = field(default_factory=list)
    alias_of: Optional[TypeRef] = None  # for kind == "alias"
    mixins: List[Tuple[str, str]] = field(
        default_factory=list
    )  # (module, class) bases before ApiModel (x-sdk-mixin)
    partial_of: Optional[str] = None  # for Partial<Name>: the component it is the partial form of

    @property
    def file_path(self) -> str:
        return self.module.replace(".", "/") + ".py"


@dataclass
class Param:
    name: str  # Python argument
    wire_name: str
    location: str  # "path", "query", "body", "form", "file", "whole_body"
    type: TypeRef
    required: bool
    description: str
    json_query: bool = False  # query value sent as JSON text (x-sdk-json-query)
    partial: bool = False  # when given, listed items carry only the fields it names (x-sdk-partial)
    field_per_file: bool = False  # each file of a list in its own form field (x-sdk-field-per-file)

    @property
    def keyword_only(self) -> bool:
        return self.location != "path"


@dataclass
class Pagination:
    items: str  # Python attribute of the page model holding the items
    total: Optional[str]
    next: Optional[str]
    item_type: TypeRef
    page_model: str


@dataclass
class PartialListing:
    """A list whose items hold only the fields an argument names (``include="id,title"``): the
    method is overloaded, returning full items without the argument and partial ones with it."""

    param: str  # Python name of the selecting argument
    page_model: str  # class of a page of partial items
    item_type: TypeRef  # the partial item


@dataclass
class Operation:
    operation_id: str
    group: str
    name: str
    http_method: str
    path: str  # as in the spec, e.g. /api/projects/{id}/
    summary: str
    description: str
    params: List[Param]
    body_kind: Optional[str]  # None, "json", "whole_json", "multipart", "json_or_files"
    returns: Optional[TypeRef]  # None: nothing; for pagers, the item type
    returns_kind: str  # "none", "json", "stream", "pager"
    pagination: Optional[Pagination] = None
    partial: Optional[PartialListing] = None
    success_status: int = 200
    path_expression: str = ""  # Python f-string body building the relative path
    response_schema_name: Optional[str] = None

    @property
    def path_params(self) -> List[Param]:
        return [p for p in self.params if p.location == "path"]

    @property
    def keyword_params(self) -> List[Param]:
        return [p for p in self.params if p.keyword_only]

    def params_in(self, *locations: str) -> List[Param]:
        return [p for p in self.params if p.location in locations]


@dataclass(frozen=True)
class OverlayMethod:
    """A public method of an overlay class, as its sync twin has it (for reference.md)."""

    name: str
    arguments: Tuple[str, ...]  # "project_id: int", "*", "timeout: Optional[float] = 600.0", ...
    returns: str
    doc: str


@dataclass(frozen=True)
class Overlay:
    """Hand-written subclasses a group's parent hands out (declared in codegen/config.yaml)."""

    sync_module: str  # inside the package: "projects._sync.client_ext"
    sync_class: str
    async_module: str
    async_class: str
    overrides: Tuple[str, ...] = ()  # generated methods the subclasses replace
    methods: Tuple[OverlayMethod, ...] = ()  # its public methods, read from the async source


@dataclass
class Resource:
    path: Tuple[str, ...]  # ("projects", "exports")
    class_name: str  # ExportsClient
    async_class_name: str  # AsyncExportsClient
    description: str
    operations: List[Operation] = field(default_factory=list)
    children: List[Resource] = field(default_factory=list)
    overlay: Optional[Overlay] = None

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    @property
    def attribute(self) -> str:
        return self.path[-1]

    @property
    def package(self) -> str:
        return "/".join(self.path)

    def handed_out(self, is_async: bool) -> Tuple[str, str]:
        """(module, class) the parent returns for this resource: the overlay's subclass when there is one."""
        if self.overlay is not None:
            if is_async:
                return self.overlay.async_module, self.overlay.async_class
            return self.overlay.sync_module, self.overlay.sync_class
        return f"{self.dotted}.client", self.async_class_name if is_async else self.class_name


@dataclass(frozen=True)
class Examples:
    """What reference.md's examples assume (declared in codegen/config.yaml, `examples`)."""

    setup: str = ""  # code that makes the objects the examples use
    objects: Tuple[Tuple[str, str], ...] = ()  # path segment -> variable whose `.id` a path argument takes
    arguments: Tuple[Tuple[str, str], ...] = ()  # "name" or "group.method.name" -> expression

    def path_value(self, segment: str) -> Optional[str]:
        found = dict(self.objects).get(segment)
        return f"{found}.id" if found else None

    def argument(self, group: str, method: str, name: str, *, specific: bool = False) -> Optional[str]:
        """The declared value for `group.method.name`, else (unless `specific`) for `name`."""
        known = dict(self.arguments)
        found = known.get(f"{group}.{method}.{name}")
        return found if specific else found or known.get(name)


@dataclass
class Api:
    title: str
    version: str
    resources: List[Resource]  # top level
    models: Dict[str, Model]  # by component name
    all_resources: List[Resource] = field(default_factory=list)  # depth first
    root_exports: List[Tuple[str, str]] = field(default_factory=list)  # (module in the package, name)
    # Names `label_studio_sdk.client` resolves on first use: (name, function in the package that makes it).
    client_lazy_names: List[Tuple[str, str]] = field(default_factory=list)
    examples: Examples = field(default_factory=Examples)

    def operations(self) -> List[Operation]:
        return [op for r in self.all_resources for op in r.operations]
