"""The 0.x ``Workspace`` (Enterprise; deprecated: use ``LabelStudio().workspaces``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ..core.serialization import encode_path

if TYPE_CHECKING:
    from .client import Client
    from .project import Project
    from .users import User


class Workspace:
    """A workspace of the organization: the server's fields as attributes, plus ``client``."""

    id: int
    title: Optional[str]
    description: Optional[str]
    color: Optional[str]
    is_personal: Optional[bool]
    created_by: Optional[int]

    def __init__(self, client: Client, **data: Any) -> None:
        self.client = client
        self.id = data.pop("id")
        for name in ("title", "description", "color", "is_personal", "created_by"):
            setattr(self, name, data.pop(name, None))
        self.extra: Dict[str, Any] = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        extra = self.__dict__.get("extra") or {}
        if name in extra:
            return extra[name]
        raise AttributeError(f"Workspace has no attribute {name!r}")

    def add_user(self, user: User) -> Any:
        """Make ``user`` a member of this workspace; returns the server's answer."""
        return self.client.make_request(
            "POST",
            f"/api/workspaces/{encode_path(self.id)}/memberships",
            json={"workspace": self.id, "user": user.id},
        ).json()

    def remove_user(self, user: User) -> None:
        """Remove ``user`` from this workspace (a typed error if the server refuses)."""
        self.client.make_request(
            "DELETE",
            f"/api/workspaces/{encode_path(self.id)}/memberships",
            json={"workspace": self.id, "user": user.id},
        )

    def get_projects(self) -> List[Project]:
        """The projects of this workspace (one request: 0.x fetched every project again)."""
        from .project import Project

        body = self.client.make_request("GET", f"/api/workspaces/{encode_path(self.id)}/projects").json()
        items = body.get("results", []) if isinstance(body, dict) else body
        return [Project._create_from_id(self.client, item["id"], params=item) for item in items]

    def __repr__(self) -> str:
        return f"Workspace(id={self.id!r}, title={self.title!r})"
