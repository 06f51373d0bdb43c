"""The 0.x ``User`` (deprecated: ``LabelStudio().users`` returns typed ``BaseUser`` models)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ..core.serialization import encode_path

if TYPE_CHECKING:
    from .client import Client, Response


class UserRole(Enum):
    """A member's role in an organization (Enterprise)."""

    ANNOTATOR = "AN"
    REVIEWER = "RE"
    MANAGER = "MA"
    ADMINISTRATOR = "AD"
    OWNER = "OW"
    NOT_ACTIVATED = "NO"
    DISABLED = "DI"


class OrgMembership:
    """One organization the user belongs to, with the role held there."""

    def __init__(
        self,
        role: Any = None,
        active: Optional[bool] = None,
        organization_id: Optional[int] = None,
        **extra: Any,
    ) -> None:
        self.role: Any = _role(role)
        self.active = active
        self.organization_id = organization_id
        self.extra = extra

    def __repr__(self) -> str:
        return f"OrgMembership(role={self.role!r}, active={self.active!r}, organization_id={self.organization_id!r})"


def _role(value: Any) -> Any:
    if isinstance(value, UserRole) or value is None:
        return value
    try:
        return UserRole(value)
    except ValueError:
        return value  # a role this module does not know: keep the server's value


def _datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "username",
    "email",
    "last_activity",
    "avatar",
    "initials",
    "phone",
    "active_organization",
    "allow_newsletters",
    "date_joined",
)


class User:
    """A Label Studio user, as 0.x exposed it: the server's fields as attributes, plus ``client``.

    Built from the server's dict with a ``client`` key (``User(**data, client=client)``). Every
    field is optional (0.x failed on users without ``phone`` or ``last_activity``); fields this
    class does not name are kept in ``extra`` and readable as attributes.
    """

    id: Optional[int]
    first_name: Optional[str]
    last_name: Optional[str]
    username: Optional[str]
    email: Optional[str]
    last_activity: Optional[dt.datetime]
    avatar: Optional[str]
    initials: Optional[str]
    phone: Optional[str]
    active_organization: Optional[int]
    allow_newsletters: Optional[bool]
    date_joined: Optional[dt.datetime]

    def __init__(self, client: Optional[Client] = None, **data: Any) -> None:
        self.client = client
        for name in _FIELDS:
            value = data.pop(name, None)
            if name in ("last_activity", "date_joined"):
                value = _datetime(value)
            setattr(self, name, value)
        memberships = data.pop("org_membership", None) or []
        self.org_membership: List[OrgMembership] = [
            m if isinstance(m, OrgMembership) else OrgMembership(**m) for m in memberships
        ]
        self.extra: Dict[str, Any] = data

    @classmethod
    def from_model(cls, model: Any, client: Optional[Client]) -> User:
        """A ``User`` from a typed ``BaseUser`` (keeps every key the server sent)."""
        return cls(client=client, **model.model_dump(mode="json", by_alias=True, exclude_unset=True))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        extra = self.__dict__.get("extra") or {}
        if name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def dict(self) -> Dict[str, Any]:
        """The user's fields as a dict (without the client), like 0.x's pydantic ``.dict()``."""
        data: Dict[str, Any] = {name: getattr(self, name) for name in _FIELDS}
        data["org_membership"] = [
            {"role": m.role, "active": m.active, "organization_id": m.organization_id}
            for m in self.org_membership
        ]
        data.update(self.extra)
        return data

    def set_role(self, role: UserRole) -> Response:
        """Set the user's role in their active organization (Enterprise)."""
        if self.client is None:
            raise ValueError("this User has no client to send the request with")
        if self.active_organization is None:
            raise ValueError("this User has no active organization")
        role = UserRole(role)
        response = self.client.make_request(
            "PATCH",
            f"/api/organizations/{encode_path(self.active_organization)}/memberships",
            json={"user_id": self.id, "role": role.value},
        )
        for membership in self.org_membership:
            if membership.organization_id == self.active_organization:
                membership.role = role  # 0.x stored the UserRole class itself here
        return response

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        return self.id is not None and self.id == other.id

    def __hash__(self) -> int:
        return hash((User, self.id))

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, email={self.email!r}, username={self.username!r})"
