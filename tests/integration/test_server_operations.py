"""The operations issue 12 added from the 1.23.2 server schema, against the real server.

Every added operation is called at least once; the `ls` tests run with the sync and the async client.
"""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from label_studio_sdk import (
    ApiError,
    BadRequestError,
    ChunkedPredictionImportError,
    ForbiddenError,
    LabelStudio,
)
from label_studio_sdk.projects.client_ext import PredictionImportProgress

from .conftest import Flavour, tasks


def choice(label: str) -> List[Dict[str, Any]]:
    return [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [label]}}]


def prediction(task_id: int, label: str = "Positive", score: float = 0.5) -> Dict[str, Any]:
    return {"task": task_id, "result": choice(label), "score": score, "model_version": "it-v1"}


async def task_ids(ls: Flavour, project: Any, n: int) -> List[int]:
    answer = await ls.projects.import_tasks(project.id, request=tasks(n), return_task_ids=True)
    assert answer.task_ids is not None and len(answer.task_ids) == n
    return list(answer.task_ids)


# -- projects.import_tasks with one dict, projects.import_predictions ------------------------------


async def test_import_tasks_takes_one_task_dict(ls: Flavour, project: Any) -> None:
    answer = await ls.projects.import_tasks(project.id, request={"text": "solo"}, return_task_ids=True)

    assert answer.task_count == 1
    assert answer.task_ids is not None and len(answer.task_ids) == 1
    task = await ls.tasks.get(answer.task_ids[0])
    assert task.data == {"text": "solo"}


async def test_import_predictions_in_chunks_stores_every_prediction(ls: Flavour, project: Any) -> None:
    ids = await task_ids(ls, project, 5)
    seen: List[PredictionImportProgress] = []

    answer = await ls.projects.import_predictions(
        project.id,
        request=[prediction(i, score=0.1 * n) for n, i in enumerate(ids)],
        chunk_size=2,
        on_progress=seen.append,
    )

    assert answer.created == 5
    assert [(p.chunk_index, p.predictions_done, p.response.created) for p in seen] == [
        (0, 2, 2),
        (1, 4, 2),
        (2, 5, 1),
    ]
    stored = await ls.predictions.list(project=project.id)
    assert sorted(p.task for p in stored) == sorted(ids)
    assert {p.model_version for p in stored} == {"it-v1"}
    # The server's own filter by the task's project, added after the seed's arguments.
    assert len(await ls.predictions.list(task__project=project.id)) == 5


async def test_import_predictions_takes_one_prediction_dict(ls: Flavour, project: Any) -> None:
    (task_id,) = await task_ids(ls, project, 1)

    answer = await ls.projects.import_predictions(project.id, request=prediction(task_id, "Negative"))

    assert answer.created == 1
    (stored,) = await ls.predictions.list(task=task_id)
    assert stored.result[0]["value"]["choices"] == ["Negative"]


async def test_a_failed_prediction_chunk_says_how_many_landed_and_where_to_resume(
    ls: Flavour, project: Any
) -> None:
    ids = await task_ids(ls, project, 4)
    request = [prediction(i) for i in ids]
    request[3] = prediction(10**9)  # no such task: the server refuses the whole second chunk

    with pytest.raises(ChunkedPredictionImportError) as info:
        await ls.projects.import_predictions(project.id, request=request, chunk_size=2)

    error = info.value
    assert (error.predictions_imported, error.first_failed_prediction_index) == (2, 2)
    assert (error.chunk_index, error.chunks_total, error.predictions_total) == (1, 2, 4)
    assert error.partial.created == 2
    assert error.may_have_landed is False
    assert isinstance(error.__cause__, BadRequestError)
    assert "request[2:]" in str(error)
    assert len(await ls.predictions.list(project=project.id)) == 2

    request[3] = prediction(ids[3])
    resumed = await ls.projects.import_predictions(
        project.id, request=request[error.first_failed_prediction_index :]
    )
    assert resumed.created == 2
    assert sorted(p.task for p in await ls.predictions.list(project=project.id)) == sorted(ids)


async def test_an_unsplit_prediction_import_raises_the_servers_error_unchanged(
    sync_client: LabelStudio, project: Any
) -> None:
    with pytest.raises(BadRequestError) as info:
        sync_client.projects.import_predictions(project.id, request=[prediction(10**9)])
    assert info.value.status_code == 400


async def test_bad_predictions_are_refused_before_anything_is_sent(
    sync_client: LabelStudio, project: Any
) -> None:
    (task_id,) = (
        sync_client.projects.import_tasks(project.id, request=tasks(1), return_task_ids=True).task_ids or []
    )
    with pytest.raises(ValueError, match=r"request\[1\] has no 'result'"):
        sync_client.projects.import_predictions(
            project.id, request=[prediction(task_id), {"task": task_id}], chunk_size=1
        )
    with pytest.raises(TypeError, match="must be a list of prediction dicts, got str"):
        sync_client.projects.import_predictions(project.id, request="nope")  # type: ignore[arg-type]
    assert sync_client.predictions.list(project=project.id) == []


# -- projects: validation, counts, annotators, list filters -----------------------------------------


async def test_label_configs_are_validated_without_a_project(ls: Flavour, project: Any) -> None:
    assert await ls.projects.validate_label_config(label_config=project.label_config) is None
    with pytest.raises(BadRequestError) as info:
        await ls.projects.validate_label_config(label_config="<View>")
    assert "label_config" in str(info.value.body)
    # The project-level check the seed already had still answers for the same config.
    await ls.projects.validate_config(project.id, label_config=project.label_config)


async def test_project_counts_and_list_filters(ls: Flavour, project: Any) -> None:
    await ls.projects.import_tasks(project.id, request=tasks(3))

    counts = await (await ls.projects.list_counts(ids=str(project.id), include="id,task_number")).to_list()
    assert [(c.id, c.task_number) for c in counts] == [(project.id, 3)]
    assert counts[0].total_annotations_number is None  # left out by `include`

    found = await (await ls.projects.list(include="id,title", search=project.title, filter="all")).to_list()
    assert [(p.id, p.title) for p in found if p.id == project.id] == [(project.id, project.title)]
    assert all(p.label_config is None for p in found)


async def test_unique_annotators_of_a_project(ls: Flavour, project: Any) -> None:
    assert await ls.projects.list_unique_annotators(project.id) == []
    (task_id,) = await task_ids(ls, project, 1)
    me = await ls.users.whoami()
    await ls.annotations.create(task_id, result=choice("Positive"))
    await ls.annotations.create(task_id, result=choice("Negative"))

    annotators = await ls.projects.list_unique_annotators(project.id)
    assert [user.id for user in annotators] == [me.id]
    assert annotators[0].email == me.email


async def test_task_agreement_is_behind_a_feature_flag_on_the_default_server(
    sync_client: LabelStudio, project: Any
) -> None:
    (task_id,) = (
        sync_client.projects.import_tasks(project.id, request=tasks(1), return_task_ids=True).task_ids or []
    )
    with pytest.raises(ForbiddenError) as info:
        sync_client.tasks.get_agreement(task_id)
    assert info.value.detail == "Feature not enabled"


# -- users, organizations, session policy, tokens -------------------------------------------------


async def test_hotkeys_round_trip(ls: Flavour) -> None:
    before = await ls.users.get_hotkeys()
    wanted = {"editor:undo": {"key": "ctrl+alt+z", "active": True}}
    try:
        changed = await ls.users.update_hotkeys(custom_hotkeys=wanted)
        assert changed.custom_hotkeys == wanted
        assert (await ls.users.get_hotkeys()).custom_hotkeys == wanted
    finally:
        await ls.users.update_hotkeys(custom_hotkeys=before.custom_hotkeys)


async def test_organization_settings_and_invite_link(ls: Flavour) -> None:
    me = await ls.users.whoami()
    orgs = await ls.organizations.list()
    assert me.active_organization in [org.id for org in orgs]
    org = await ls.organizations.get(me.active_organization)
    assert me.id in org.users

    changed = await ls.organizations.update(org.id, contact_info="it-ops@example.com")
    try:
        assert changed.contact_info == "it-ops@example.com"
    finally:
        await ls.organizations.update(org.id, contact_info=org.contact_info)

    link = await ls.organizations.get_invite_link()
    fresh = await ls.organizations.reset_invite_token()
    assert fresh.token != link.token and fresh.token in fresh.invite_url
    assert (await ls.organizations.get_invite_link()).token == fresh.token


async def test_organization_members(ls: Flavour, unique: str) -> None:
    me = await ls.users.whoami()
    org_id = me.active_organization
    members = await (await ls.organizations.members.list(org_id, page_size=100)).to_list()
    mine = [m for m in members if m.user.id == me.id]
    assert len(mine) == 1 and mine[0].organization == org_id and mine[0].user.email == me.email

    detail = await ls.organizations.members.get(org_id, me.id, contributed_to_projects=True)
    assert (detail.user, detail.organization) == (me.id, org_id)
    assert isinstance(detail.created_projects, list)

    other = await ls.users.create(email=f"member-{unique}@example.com", username=f"member-{unique}")
    assert await ls.organizations.members.delete(org_id, other.id) is None
    with pytest.raises(ApiError) as info:
        await ls.organizations.members.delete(org_id, me.id)
    assert info.value.status_code == 405


async def test_session_policy_round_trip(ls: Flavour) -> None:
    policy = await ls.session_policy.get()
    changed = await ls.session_policy.update(max_time_between_activity=policy.max_time_between_activity + 1)
    try:
        assert changed.max_time_between_activity == policy.max_time_between_activity + 1
        assert changed.max_session_age == policy.max_session_age
    finally:
        await ls.session_policy.update(max_time_between_activity=policy.max_time_between_activity)


async def test_token_rotation(ls: Flavour) -> None:
    issued = await ls.tokens.create()
    rotated = await ls.tokens.rotate(refresh=issued.token)
    try:
        assert rotated.refresh and rotated.refresh != issued.token
        listed = await ls.tokens.list()
        assert [t.token for t in listed] == [t.token for t in await ls.tokens.get()]
        with pytest.raises(ApiError):  # the old token is revoked by the rotation
            await ls.tokens.refresh(refresh=issued.token)
    finally:
        await ls.tokens.blacklist(refresh=rotated.refresh)


# -- labels and label links, views order, actions -------------------------------------------------


async def test_custom_labels_and_their_links(ls: Flavour, project: Any, unique: str) -> None:
    value = [f"Neutral-{unique}"]
    (created,) = await ls.labels.create(
        request=[
            {"project": project.id, "from_name": "sentiment", "value": value, "title": f"neutral {unique}"}
        ]
    )
    try:
        assert (created.project, created.from_name, created.value) == (project.id, "sentiment", value)
        label = await ls.labels.get(created.id)
        assert label.projects == [project.id] and len(label.links) == 1
        assert (await ls.labels.update(created.id, title=f"calm {unique}")).title == f"calm {unique}"
        assert created.id in [item.id async for item in await ls.labels.list()]

        links = await (await ls.labels.links.list(project=project.id)).to_list()
        assert [(link.id, link.label, link.from_name) for link in links] == [
            (label.links[0], created.id, "sentiment")
        ]
        link = await ls.labels.links.get(links[0].id)
        assert (await ls.labels.links.update(link.id, from_name="sentiment")).label == created.id
        assert await ls.labels.links.delete(link.id) is None
        assert await (await ls.labels.links.list(project=project.id)).to_list() == []
        again = await ls.labels.links.create(from_name="sentiment", project=project.id, label=created.id)
        assert (again.project, again.label) == (project.id, created.id)
    finally:
        assert await ls.labels.delete(created.id) is None


async def test_bulk_label_rename_in_saved_annotations(ls: Flavour, project: Any) -> None:
    (task_id,) = await task_ids(ls, project, 1)
    annotation = await ls.annotations.create(task_id, result=choice("Positive"))

    renamed = await ls.labels.bulk_update(project=project.id, old_label=["Positive"], new_label=["Upbeat"])

    assert renamed.annotations_updated == 1
    assert (await ls.annotations.get(annotation.id)).result[0]["value"]["choices"] == ["Upbeat"]


async def test_views_order_and_actions_of_a_project(ls: Flavour, project: Any) -> None:
    first = await ls.views.create(project=project.id, data={"title": "first"})
    second = await ls.views.create(project=project.id, data={"title": "second"})

    assert await ls.views.update_order(project=project.id, ids=[second.id, first.id]) is None

    order = {view.id: view.order for view in await ls.views.list(project=project.id)}
    assert order[second.id] < order[first.id]
    actions = await ls.actions.list(project=project.id)
    assert "delete_tasks" in [action.id for action in actions]
