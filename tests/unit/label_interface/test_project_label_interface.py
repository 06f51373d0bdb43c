"""Projects returned by the REST client expose their labeling config as a LabelInterface."""

from __future__ import annotations

import httpx
import pytest
import respx

from label_studio_sdk import Project
from label_studio_sdk.label_interface import LabelInterface
from tests.conftest import BASE_URL
from tests.samples import sample
from tests.unit.helpers import Api

CONFIG = '<View><Text name="text" value="$text"/><Choices name="s" toName="text"><Choice value="A"/></Choices></View>'


async def test_projects_get_create_update_give_a_label_interface(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    body = sample(Project, id=5, title="p", label_config=CONFIG)
    respx_mock.get(f"{BASE_URL}/api/projects/5/").mock(return_value=httpx.Response(200, json=body))
    respx_mock.post(f"{BASE_URL}/api/projects/").mock(return_value=httpx.Response(201, json=body))
    respx_mock.patch(f"{BASE_URL}/api/projects/5/").mock(return_value=httpx.Response(200, json=body))
    for call in (
        lambda c: c.projects.get(5),
        lambda c: c.projects.create(title="p", label_config=CONFIG),
        lambda c: c.projects.update(5, title="p"),
    ):
        project = await api.run(call)
        li = project.get_label_interface()
        assert isinstance(li, LabelInterface)
        assert li.get_control("s").labels == ["A"]


async def test_a_project_without_config_says_so(api: Api, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{BASE_URL}/api/projects/5/").mock(
        return_value=httpx.Response(200, json=sample(Project, id=5))
    )
    project = await api.run(lambda c: c.projects.get(5))
    with pytest.raises(ValueError, match="no label_config"):
        project.get_label_interface()


def test_the_mixin_adds_no_field() -> None:
    from label_studio_sdk.types.project import Project

    assert "get_label_interface" not in Project.model_fields
    assert next(iter(Project.model_fields)) == "id"
