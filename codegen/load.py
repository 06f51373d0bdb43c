"""openapi.yaml -> IR. Every naming, typing and placement decision is made here.

Anything the conventions (codegen/README.md) do not cover stops the load with a SpecError that
names the spot, so a mistake in the spec never turns into silently wrong code.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from .ir import Api, Examples, Field, Model, Operation, Pagination, Param, PartialListing, Resource, TypeRef
from .overlays import declare_overlays
from .shapes import merge_same_shapes

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Attribute names pydantic's BaseModel already uses; a field with one of these names gets a "_" suffix.
MODEL_RESERVED = {
    "copy", "dict", "json", "schema", "schema_json", "construct", "validate", "parse_obj", "parse_raw",
    "parse_file", "from_orm", "update_forward_refs", "model_config", "model_fields", "model_extra",
    "model_fields_set", "model_computed_fields", "model_dump", "model_dump_json", "model_copy",
    "model_validate", "model_validate_json", "model_construct", "model_post_init", "model_rebuild",
    "model_json_schema", "model_parametrized_name", "model_validate_strings",
}  # fmt: skip
KNOWN_OPERATION_KEYS = {
    "operationId", "summary", "description", "parameters", "requestBody", "responses", "tags",
    "x-sdk-group", "x-sdk-method", "x-pagination", "deprecated",
}  # fmt: skip


class SpecError(Exception):
    """The spec says something the conventions do not allow."""


def snake_case(name: str) -> str:
    """Module name for a class name, as users already import them: S3SImportStorage -> s3s_import_storage."""
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    text = re.sub(r"([a-z])([A-Z])", r"\1_\2", text)  # no break after a digit: S3Create -> s3create
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()


def pascal_case(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9a-zA-Z]+", name) if part)


def python_identifier(name: str, where: str) -> str:
    if keyword.iskeyword(name):
        return name + "_"
    if not name.isidentifier():
        raise SpecError(f"{where}: {name!r} is not a Python identifier; give it an x-sdk-name")
    return name


def first_line(text: Optional[str]) -> str:
    return " ".join((text or "").split())


class Loader:
    def __init__(
        self, spec: Dict[str, Any], package_dir: Optional[Path], config: Optional[Mapping[str, Any]] = None
    ) -> None:
        self.spec = spec
        self.package_dir = package_dir
        self.config: Mapping[str, Any] = config or {}
        self.schemas: Dict[str, Any] = spec.get("components", {}).get("schemas", {}) or {}
        self.models: Dict[str, Model] = {}

    # ---------------------------------------------------------------- schemas and types

    def resolve(self, schema: Dict[str, Any], where: str) -> Dict[str, Any]:
        """Follow $ref to the component schema (one level is all the spec uses)."""
        seen = 0
        while "$ref" in schema:
            schema = self.schemas[self.ref_name(schema["$ref"], where)]
            seen += 1
            if seen > 20:
                raise SpecError(f"{where}: $ref loop")
        return schema

    def ref_name(self, ref: str, where: str) -> str:
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix) or ref[len(prefix) :] not in self.schemas:
            raise SpecError(f"{where}: unknown $ref {ref!r}")
        return ref[len(prefix) :]

    def type_of(self, schema: Optional[Dict[str, Any]], where: str) -> TypeRef:
        if schema is None or schema == {}:
            return TypeRef("any")
        nullable = bool(schema.get("nullable", False))
        if "$ref" in schema:
            name = self.ref_name(schema["$ref"], where)
            model = self.model(name)
            return TypeRef("model", model=model.name, ref=name, nullable=nullable)
        for combinator in ("oneOf", "anyOf"):
            if combinator in schema:
                options = tuple(self.type_of(s, f"{where}.{combinator}") for s in schema[combinator])
                return TypeRef("union", args=options, nullable=nullable)
        if "allOf" in schema:
            if len(schema["allOf"]) != 1:
                raise SpecError(f"{where}: allOf with more than one schema is not supported")
            inner = self.type_of(schema["allOf"][0], where)
            return TypeRef(
                inner.kind, inner.model, inner.ref, inner.args, inner.values, nullable or inner.nullable
            )
        kind = schema.get("type")
        if "enum" in schema:
            values = tuple(str(v) for v in schema["enum"] if v is not None)
            if kind not in (None, "string"):
                raise SpecError(f"{where}: only string enums are supported")
            return TypeRef("literal", values=values, nullable=nullable or None in schema["enum"])
        if kind == "string":
            fmt = schema.get("format")
            if fmt == "date-time":
                return TypeRef("datetime", nullable=nullable)
            if fmt == "date":
                return TypeRef("date", nullable=nullable)
            if fmt == "binary":
                return TypeRef("file", nullable=nullable)
            return TypeRef("str", nullable=nullable)
        if kind == "integer":
            return TypeRef("int", nullable=nullable)
        if kind == "number":
            return TypeRef("float", nullable=nullable)
        if kind == "boolean":
            return TypeRef("bool", nullable=nullable)
        if kind == "array":
            return TypeRef(
                "list", args=(self.type_of(schema.get("items"), f"{where}.items"),), nullable=nullable
            )
        if kind == "object" or kind is None:
            if schema.get("properties"):
                raise SpecError(
                    f"{where}: an object with properties must be a component ($ref) to get a class name"
                )
            extra = schema.get("additionalProperties", True)
            value = self.type_of(extra if isinstance(extra, dict) else None, f"{where}.additionalProperties")
            if kind is None and "additionalProperties" not in schema:
                return TypeRef("any", nullable=nullable)
            return TypeRef("dict", args=(value,), nullable=nullable)
        raise SpecError(f"{where}: unsupported schema type {kind!r}")

    def model(self, schema_name: str) -> Model:
        """The Model for a component schema, built on first use (so unused components cost nothing)."""
        if schema_name in self.models:
            return self.models[schema_name]
        schema = self.schemas[schema_name]
        where = f"components.schemas.{schema_name}"
        name = python_identifier(schema.get("x-sdk-name", schema_name), where)
        group = schema.get("x-sdk-group")
        module = (group + ".types." if group else "types.") + snake_case(name)
        model = Model(
            name=name,
            schema_name=schema_name,
            kind="object" if schema.get("properties") else "alias",
            module=module,
            group=group,
            description=first_line(schema.get("description")) or f"The {name} schema.",
        )
        for spec in schema.get("x-sdk-mixin", []):
            module, _, cls = str(spec).partition(":")
            if not cls or not all(part.isidentifier() for part in (*module.split("."), cls)):
                raise SpecError(f"{where}: x-sdk-mixin entries are 'package.module:Class', not {spec!r}")
            model.mixins.append((module, cls))
        self.models[schema_name] = model  # registered before fields, so self-references resolve
        if model.kind == "object":
            required = set(schema.get("required", []))
            unknown = required - set(schema["properties"])
            if unknown:
                raise SpecError(f"{where}: required names unknown properties {sorted(unknown)}")
            for wire_name, prop in schema["properties"].items():
                spot = f"{where}.properties.{wire_name}"
                attr = prop.get("x-sdk-name", wire_name)
                attr = python_identifier(attr, spot)
                if attr in MODEL_RESERVED:
                    attr += "_"
                model.fields.append(
                    Field(
                        name=attr,
                        wire_name=wire_name,
                        type=self.type_of(prop, spot),
                        required=wire_name in required,
                        description=first_line(prop.get("description")),
                    )
                )
        else:
            target = {k: v for k, v in schema.items() if not k.startswith("x-sdk-")}
            target.pop("description", None)
            model.alias_of = self.type_of(target, where)
        return model

    # ---------------------------------------------------------------- operations

    def parameter(self, raw: Dict[str, Any], where: str) -> Param:
        location = raw.get("in")
        if location not in ("path", "query"):
            raise SpecError(f"{where}: parameters in {location!r} are not supported (path and query are)")
        wire = raw["name"]
        param_type = self.type_of(raw.get("schema"), where)
        if raw.get("x-sdk-id"):
            # An ID the server's schema types as a string, while results carry it as an integer.
            if param_type != TypeRef("str"):
                raise SpecError(f"{where}: x-sdk-id marks a string parameter that also takes integer IDs")
            param_type = TypeRef("union", args=(TypeRef("int"), TypeRef("str")))
        return Param(
            name=python_identifier(raw.get("x-sdk-name", wire), where),
            wire_name=wire,
            location=location,
            type=param_type,
            required=bool(raw.get("required", location == "path")),
            description=first_line(raw.get("description")),
            json_query=bool(raw.get("x-sdk-json-query", False)),
            partial=bool(raw.get("x-sdk-partial", False)),
        )

    def body_params(self, body: Dict[str, Any], where: str) -> Tuple[Optional[str], List[Param]]:
        content = body.get("content", {})
        if set(content) == {"application/json", "multipart/form-data"}:
            # Either a whole JSON body or uploaded files: the caller passes exactly one of them.
            if not body.get("x-sdk-body-name"):
                raise SpecError(f"{where}: a JSON-or-files body needs x-sdk-body-name for the JSON argument")
            _, json_params = self.body_params(
                {**body, "content": {"application/json": content["application/json"]}}, where
            )
            form_params = self.object_params(content["multipart/form-data"].get("schema", {}), where, "form")
            if any(p.location != "file" or p.required for p in form_params):
                raise SpecError(f"{where}: the multipart alternative may only hold optional files")
            json_params[0].required = False
            return "json_or_files", json_params + form_params
        if len(content) != 1:
            raise SpecError(
                f"{where}: a request body must have exactly one content type (or JSON and multipart)"
            )
        media, entry = next(iter(content.items()))
        schema = entry.get("schema", {})
        if media == "application/json":
            whole = body.get("x-sdk-body-name")
            if whole:
                param = Param(
                    name=python_identifier(whole, where),
                    wire_name=whole,
                    location="whole_body",
                    type=self.type_of(schema, where),
                    required=bool(body.get("required", False)),
                    description=first_line(body.get("description")),
                )
                return "whole_json", [param]
            return "json", self.object_params(schema, where, "body")
        if media == "multipart/form-data":
            return "multipart", self.object_params(schema, where, "form")
        raise SpecError(f"{where}: request content type {media!r} is not supported")

    def object_params(self, schema: Dict[str, Any], where: str, location: str) -> List[Param]:
        resolved = self.resolve(schema, where)
        properties = resolved.get("properties")
        if resolved.get("type", "object") != "object" or properties is None:
            raise SpecError(f"{where}: the body must be an object with properties, or set x-sdk-body-name")
        required = set(resolved.get("required", []))
        params = []
        for wire_name, prop in properties.items():
            spot = f"{where}.{wire_name}"
            if prop.get("readOnly"):
                # The server sets it and ignores what a request says: no argument for it.
                if wire_name in required:
                    raise SpecError(f"{spot}: a readOnly body field cannot be required")
                continue
            type_ref = self.type_of(prop, spot)
            is_file = type_ref.kind == "file" or (type_ref.kind == "list" and type_ref.args[0].kind == "file")
            params.append(
                Param(
                    name=python_identifier(prop.get("x-sdk-name", wire_name), spot),
                    wire_name=wire_name,
                    location="file" if (location == "form" and is_file) else location,
                    type=type_ref,
                    required=wire_name in required,
                    description=first_line(prop.get("description")),
                    field_per_file=bool(prop.get("x-sdk-field-per-file", False)),
                )
            )
        return params

    def response(
        self, responses: Dict[str, Any], where: str
    ) -> Tuple[int, str, Optional[TypeRef], Optional[str]]:
        codes = sorted(str(code) for code in responses if str(code).startswith("2"))
        if not codes:
            raise SpecError(f"{where}: no 2xx response")
        code = codes[0]
        content = (responses.get(code) or responses.get(int(code)) or {}).get("content")
        if not content:
            return int(code), "none", None, None
        if "application/json" in content:
            schema = content["application/json"].get("schema")
            type_ref = self.type_of(schema, f"{where}.{code}")
            if type_ref.kind == "file":
                return int(code), "stream", None, None
            name = self.ref_name(schema["$ref"], where) if schema and "$ref" in schema else None
            return int(code), "json", type_ref, name
        return int(code), "stream", None, None  # any other media type is handed over as bytes

    def operation(
        self, path: str, method: str, raw: Dict[str, Any], shared: List[Dict[str, Any]]
    ) -> Operation:
        where = f"paths.{path}.{method}"
        unknown = set(raw) - KNOWN_OPERATION_KEYS
        if unknown:
            raise SpecError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("x-sdk-group", "x-sdk-method", "operationId", "summary", "responses"):
            if key not in raw:
                raise SpecError(f"{where}: missing {key}")
        params = [
            self.parameter(p, f"{where}.parameters.{p.get('name')}")
            for p in shared + raw.get("parameters", [])
        ]
        body_kind = None
        if "requestBody" in raw:
            body_kind, body = self.body_params(raw["requestBody"], f"{where}.requestBody")
            params.extend(body)
        names = [p.name for p in params]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates or "request_options" in names:
            raise SpecError(f"{where}: argument names clash: {sorted(duplicates) or ['request_options']}")
        placeholders = re.findall(r"{([^}]+)}", path)
        path_params = {p.wire_name: p for p in params if p.location == "path"}
        if set(placeholders) != set(path_params):
            raise SpecError(f"{where}: path placeholders {placeholders} do not match path parameters")
        # Path parameters in the order they are listed (the seed's positional order, which need not
        # be the path's), then a whole-body argument, query parameters, body fields.
        ordered = [p for p in params if p.location == "path"]
        ordered += [p for p in params if p.location == "whole_body"]
        ordered += [p for p in params if p.location not in ("path", "whole_body")]

        status, kind, returns, response_name = self.response(raw["responses"], f"{where}.responses")
        pagination = None
        if "x-pagination" in raw:
            pagination = self.pagination(raw["x-pagination"], response_name, ordered, where)
            kind, returns = "pager", pagination.item_type
        partial = self.partial_listing(ordered, pagination, response_name, where)
        expression = re.sub(
            r"{([^}]+)}", lambda m: "{encode_path(" + path_params[m.group(1)].name + ")}", path.lstrip("/")
        )
        return Operation(
            operation_id=raw["operationId"],
            group=raw["x-sdk-group"],
            name=python_identifier(raw["x-sdk-method"], where),
            http_method=method.upper(),
            path=path,
            summary=first_line(raw["summary"]),
            description=(raw.get("description") or "").strip(),
            params=ordered,
            body_kind=body_kind,
            returns=returns,
            returns_kind=kind,
            pagination=pagination,
            partial=partial,
            success_status=status,
            path_expression=('f"' if placeholders else '"') + expression + '"',
            response_schema_name=response_name,
        )

    def pagination(
        self, raw: Dict[str, Any], page_schema: Optional[str], params: List[Param], where: str
    ) -> Pagination:
        if page_schema is None:
            raise SpecError(f"{where}: x-pagination needs a 200 response that is a component ($ref)")
        wire_names = {p.wire_name for p in params if p.location == "query"}
        # page_size is optional: some servers' lists page by a fixed size and take only `page`.
        if "page" not in wire_names:
            raise SpecError(f"{where}: x-pagination needs a page query parameter")
        page_model = self.model(page_schema)
        by_wire = {f.wire_name: f for f in page_model.fields}
        for key in ("items", "total", "next"):
            if key in raw and raw[key] not in by_wire:
                raise SpecError(
                    f"{where}: x-pagination.{key} names {raw[key]!r}, not a field of {page_schema}"
                )
        items_field = by_wire[raw["items"]]
        if items_field.type.kind != "list":
            raise SpecError(f"{where}: x-pagination.items must name an array field")
        return Pagination(
            items=items_field.name,
            total=by_wire[raw["total"]].name if raw.get("total") else None,
            next=by_wire[raw["next"]].name if raw.get("next") else None,
            item_type=items_field.type.args[0],
            page_model=page_model.name,
        )

    def partial_listing(
        self, params: List[Param], pagination: Optional[Pagination], page_schema: Optional[str], where: str
    ) -> Optional[PartialListing]:
        selecting = [p for p in params if p.partial]
        if not selecting:
            return None
        if len(selecting) > 1 or pagination is None or page_schema is None:
            raise SpecError(f"{where}: x-sdk-partial marks one optional query argument of a paginated list")
        param = selecting[0]
        if param.required or param.location != "query" or param.type.kind != "str":
            raise SpecError(f"{where}: x-sdk-partial marks an optional string query argument")
        item = pagination.item_type
        if item.kind != "model" or item.ref is None or self.models[item.ref].kind != "object":
            raise SpecError(f"{where}: x-sdk-partial needs the listed items to be an object model")
        partial_item = self.partial_model(
            self.models[item.ref],
            f"{{name}} as a listing with ``{param.name}=`` sends it: only the fields asked for are set.",
        )
        partial_ref = TypeRef("model", model=partial_item.name, ref=partial_item.schema_name)
        page = self.partial_model(
            self.models[page_schema],
            f"A page of ``{partial_item.name}``: a listing with ``{param.name}=``.",
            items=(pagination.items, TypeRef("list", args=(partial_ref,))),
        )
        return PartialListing(param=param.name, page_model=page.name, item_type=partial_ref)

    def partial_model(
        self, full: Model, description: str, items: Optional[Tuple[str, TypeRef]] = None
    ) -> Model:
        """``Partial<Name>``: ``full`` with every field optional (or, for a page, its items partial)."""
        key = f"Partial{full.schema_name}"
        if key in self.models:
            return self.models[key]
        if key in self.schemas:
            raise SpecError(f"components.schemas.{key}: the name is taken by the partial form of {full.name}")
        name = f"Partial{full.name}"
        fields = []
        for f in full.fields:
            if items is not None:
                replaced = f.name == items[0]
                fields.append(
                    Field(f.name, f.wire_name, items[1] if replaced else f.type, f.required, f.description)
                )
            else:
                fields.append(Field(f.name, f.wire_name, f.type, False, f.description))
        model = Model(
            name=name,
            schema_name=key,
            kind="object",
            module=full.module.rpartition(".")[0] + "." + snake_case(name),
            group=full.group,
            description=description.format(name=full.name),
            fields=fields,
            partial_of=full.schema_name,
        )
        self.models[key] = model
        return model

    # ---------------------------------------------------------------- the tree

    def load(self) -> Api:
        group_docs = {t["name"]: first_line(t.get("description")) for t in self.spec.get("tags", []) or []}
        resources: Dict[Tuple[str, ...], Resource] = {}

        def resource(path: Tuple[str, ...]) -> Resource:
            if path not in resources:
                name = pascal_case(path[-1])
                resources[path] = Resource(
                    path=path,
                    class_name=f"{name}Client",
                    async_class_name=f"Async{name}Client",
                    description=group_docs.get(".".join(path)) or f"Operations on {'.'.join(path)}.",
                )
                if len(path) > 1:
                    resource(path[:-1]).children.append(resources[path])
            return resources[path]

        seen_ids: Dict[str, str] = {}
        seen_methods: Dict[Tuple[str, str], str] = {}
        for path, item in (self.spec.get("paths") or {}).items():
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                op = self.operation(path, method, item[method], shared)
                where = f"{method.upper()} {path}"
                if op.operation_id in seen_ids:
                    raise SpecError(
                        f"{where}: operationId {op.operation_id} also used by {seen_ids[op.operation_id]}"
                    )
                key = (op.group, op.name)
                if key in seen_methods:
                    raise SpecError(f"{where}: {op.group}.{op.name} is also {seen_methods[key]}")
                seen_ids[op.operation_id] = seen_methods[key] = where
                group_path = tuple(op.group.split("."))
                for part in group_path:
                    python_identifier(part, where)
                resource(group_path).operations.append(op)

        for res in resources.values():
            names = {op.name for op in res.operations}
            clashes = names & {child.attribute for child in res.children}
            if clashes:
                raise SpecError(f"group {res.dotted}: {sorted(clashes)} is both a method and a sub-group")

        # Every component becomes a model, used or not: the spec is the catalogue of types.
        for name in self.schemas:
            self.model(name)
        self.check_model_modules()

        ordered: List[Resource] = []

        def walk(res: Resource) -> None:
            ordered.append(res)
            for child in res.children:
                walk(child)

        top = [res for path, res in resources.items() if len(path) == 1]
        for res in top:
            walk(res)
        info = self.spec.get("info", {})
        api = Api(
            title=info.get("title", ""),
            version=str(info.get("version", "")),
            resources=top,
            models=self.models,
            all_resources=ordered,
        )
        merge_same_shapes(api)
        return api

    def check_model_modules(self) -> None:
        modules: Dict[str, str] = {}
        exported: Dict[Tuple[Optional[str], str], str] = {}
        for model in self.models.values():
            if model.module in modules:
                raise SpecError(
                    f"schemas {modules[model.module]} and {model.schema_name} map to one module {model.module}"
                )
            modules[model.module] = model.schema_name
            key = (model.group, model.name)
            if key in exported:
                raise SpecError(
                    f"schemas {exported[key]} and {model.schema_name} export the same name {model.name}"
                )
            exported[key] = model.schema_name


def load_api(spec_path: Path, package_dir: Optional[Path], config: Optional[Mapping[str, Any]] = None) -> Api:
    """The IR of ``spec_path``. ``config`` (codegen/config.yaml) declares the overlays and extra root
    exports; with ``package_dir`` each overlay's async source is checked against the spec."""
    with open(spec_path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    if not isinstance(spec, dict) or not str(spec.get("openapi", "")).startswith("3."):
        raise SpecError(f"{spec_path}: not an OpenAPI 3 document")
    api = Loader(spec, package_dir, config).load()
    declare_overlays(api, config or {}, package_dir)
    api.examples = examples_of(config or {})
    return api


def examples_of(config: Mapping[str, Any]) -> Examples:
    """The `examples` section of codegen/config.yaml."""
    raw = config.get("examples") or {}
    if not isinstance(raw, dict):
        raise SpecError("codegen/config.yaml: `examples` is a mapping (setup, objects, arguments)")
    unknown = set(raw) - {"setup", "objects", "arguments"}
    if unknown:
        raise SpecError(f"codegen/config.yaml: unknown keys under `examples`: {sorted(unknown)}")
    return Examples(
        setup=str(raw.get("setup") or "").strip(),
        objects=tuple((str(k), str(v)) for k, v in (raw.get("objects") or {}).items()),
        arguments=tuple((str(k), str(v)) for k, v in (raw.get("arguments") or {}).items()),
    )
