"""webhooks: what is registered is what the server stores, changes and finally forgets."""

from __future__ import annotations

from typing import Any

import pytest

from label_studio_sdk import ForbiddenError, NotFoundError

from .conftest import Flavour

# 1.23.2 resolves a webhook URL on create and refuses loopback and private addresses (SSRF
# protection), so the lifecycle below uses a public literal address. Nothing is ever posted to it:
# the webhook only listens for annotation events of its own project, and the test makes none.
REFUSED = "http://127.0.0.1:9/hook"
ACCEPTED = "http://1.2.3.4:9/hook"
ACTIONS = ["ANNOTATION_CREATED", "ANNOTATION_UPDATED"]


async def test_webhook_lifecycle(ls: Flavour, project: Any) -> None:
    created = await ls.webhooks.create(
        url=ACCEPTED, project=project.id, send_payload=True, send_for_all_actions=False, actions=ACTIONS
    )
    try:
        assert (created.url, created.project, created.is_active) == (ACCEPTED, project.id, True)
        listed = await ls.webhooks.list(project=str(project.id))
        assert [w.id for w in listed] == [created.id]

        fetched = await ls.webhooks.get(created.id)
        assert fetched.url == ACCEPTED
        assert fetched.send_payload is True and fetched.send_for_all_actions is False
        assert sorted(fetched.actions or []) == sorted(ACTIONS)

        updated = await ls.webhooks.update(
            created.id,
            url=ACCEPTED,
            webhook_serializer_for_update_url=ACCEPTED,
            is_active=False,
            actions=["ANNOTATION_CREATED"],
            webhook_serializer_for_update_headers={"X-Test": "yes"},
        )
        assert updated.is_active is False
        again = await ls.webhooks.get(created.id)
        assert again.is_active is False
        assert again.actions == ["ANNOTATION_CREATED"]
        assert again.headers == {"X-Test": "yes"}
        assert (again.url, again.project) == (ACCEPTED, project.id)
    finally:
        await ls.webhooks.delete(created.id)
    with pytest.raises(NotFoundError) as info:
        await ls.webhooks.get(created.id)
    assert info.value.status_code == 404
    assert await ls.webhooks.list(project=str(project.id)) == []


async def test_webhook_to_a_loopback_address_is_refused(ls: Flavour, project: Any) -> None:
    with pytest.raises(ForbiddenError) as info:
        await ls.webhooks.create(url=REFUSED, project=project.id, send_payload=True, actions=ACTIONS)
    assert info.value.detail and "reserved network address" in info.value.detail
    assert await ls.webhooks.list(project=str(project.id)) == []


async def test_info_describes_the_events(ls: Flavour) -> None:
    every = (await ls.webhooks.info()).model_dump()
    created = every["ANNOTATION_CREATED"]
    assert created["name"] == "Annotation created"
    assert created["key"] == "annotation"
    assert created["organization_only"] is False
    assert every["PROJECT_CREATED"]["organization_only"] is True

    org_only = {k for k, v in (await ls.webhooks.info(organization_only=True)).model_dump().items() if v}
    others = {k for k, v in (await ls.webhooks.info(organization_only=False)).model_dump().items() if v}
    assert org_only == {"PROJECT_CREATED", "PROJECT_DELETED"}
    assert "ANNOTATION_CREATED" in others and not org_only & others
    assert org_only | others == {k for k, v in every.items() if v}
