"""One model per server shape: object schemas with the same fields become one class.

The server's schema repeats itself (a project as it is listed, created and updated; a storage as it
is read and as a create returns it). Each repeat keeps its name as an alias of one class, so
``ProjectsCreateResponse`` is ``Project``: what ``projects.create`` returns is a ``Project``, and the
seed's names still import. Fields compare by Python name, wire name, type and whether they are
required; descriptions do not count. The class that stays is a top-level one (``types/``) when
there is one, else the first by name.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Hashable, List, Tuple

from .ir import Api, Model, TypeRef


def _resolved(type_ref: TypeRef, api: Api) -> TypeRef:
    """``type_ref`` with every model alias followed, so that merged models compare equal."""
    if type_ref.kind == "model" and type_ref.ref is not None:
        target = api.models.get(type_ref.ref)
        if target is not None and target.alias_of is not None and target.alias_of.kind == "model":
            return dataclasses.replace(_resolved(target.alias_of, api), nullable=type_ref.nullable)
    if type_ref.args:
        return dataclasses.replace(type_ref, args=tuple(_resolved(arg, api) for arg in type_ref.args))
    return type_ref


def _shape(model: Model, api: Api) -> Hashable:
    fields = tuple((f.name, f.wire_name, _resolved(f.type, api), f.required) for f in model.fields)
    return fields, tuple(model.mixins)


def _keeper(members: List[Model]) -> Model:
    return sorted(members, key=lambda m: (m.group is not None, m.name, m.schema_name))[0]


def merge_same_shapes(api: Api) -> List[Tuple[str, str]]:
    """Turn every repeat of a shape into an alias of one model; ``(alias, model)`` pairs, in order."""
    merged: List[Tuple[str, str]] = []
    while True:  # a merge can make the models that refer to the merged ones equal in turn
        groups: Dict[Hashable, List[Model]] = {}
        for model in api.models.values():
            # A partial model stays its own class even while its full form has no required field.
            if model.kind == "object" and model.partial_of is None:
                groups.setdefault(_shape(model, api), []).append(model)
        repeats = [members for members in groups.values() if len(members) > 1]
        if not repeats:
            return merged
        for members in repeats:
            keeper = _keeper(members)
            for model in members:
                if model is keeper:
                    continue
                model.kind = "alias"
                model.alias_of = TypeRef("model", model=keeper.name, ref=keeper.schema_name)
                model.fields = []
                model.mixins = []
                merged.append((model.schema_name, keeper.schema_name))
