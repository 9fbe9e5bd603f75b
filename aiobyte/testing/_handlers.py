"""The fake's resource endpoints: parse a request, touch the state, answer like Airbyte.

Handlers are plain functions of a :class:`~._requests.Call` (the body is already
read), so they never await; errors are raised as :class:`~._problems.ApiError` and
rendered by the server.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import web

from ._data import DEFINITION_IDS
from ._problems import bad_request, conflict, json_response, not_found, unprocessable
from ._requests import (
    Call,
    Handler,
    body_object,
    body_str,
    body_uuid,
    link,
    list_filters,
    merge_patch,
    no_content,
    page_answer,
    path_uuid,
    query_bool,
    query_instant,
    query_page,
    query_uuids,
)
from ._state import (
    CONNECTION_STATUSES,
    FINAL_STATUSES,
    JOB_STATUSES,
    JOB_TYPES,
    Collection,
    JobRecord,
    NotFound,
    State,
)
from ._state_more import AdminState

__all__ = ["Resources"]

JSON = dict[str, Any]

_ORDER_BY = re.compile(r"^(\w+)\|(ASC|DESC)$")


class Resources:
    """Handlers for workspaces, sources, destinations, connections, jobs, tags and streams."""

    def __init__(
        self, state: State, admin: AdminState, page_default_limit: Callable[[], int]
    ) -> None:
        self.state = state
        self.admin = admin
        self._default_limit = page_default_limit

    def routes(self) -> list[tuple[str, str, Handler]]:
        """``(method, template, handler)`` for every resource endpoint."""
        return [
            ("GET", "/workspaces", self.list_workspaces),
            ("POST", "/workspaces", self.create_workspace),
            ("GET", "/workspaces/{workspaceId}", self.get_workspace),
            ("PATCH", "/workspaces/{workspaceId}", self.update_workspace),
            ("DELETE", "/workspaces/{workspaceId}", self.delete_workspace),
            ("PUT", "/workspaces/{workspaceId}/oauthCredentials", self.put_oauth_credentials),
            (
                "DELETE",
                "/workspaces/{workspaceId}/oauthCredentials/{actorType}/{name}",
                self.delete_oauth_credentials,
            ),
            ("GET", "/sources", self.list_sources),
            ("POST", "/sources", self.create_source),
            ("POST", "/sources/initiateOAuth", self.initiate_oauth),
            ("GET", "/sources/{sourceId}", self.get_source),
            ("PATCH", "/sources/{sourceId}", self.patch_source),
            ("PUT", "/sources/{sourceId}", self.put_source),
            ("DELETE", "/sources/{sourceId}", self.delete_source),
            ("GET", "/destinations", self.list_destinations),
            ("POST", "/destinations", self.create_destination),
            ("GET", "/destinations/{destinationId}", self.get_destination),
            ("PATCH", "/destinations/{destinationId}", self.patch_destination),
            ("PUT", "/destinations/{destinationId}", self.put_destination),
            ("DELETE", "/destinations/{destinationId}", self.delete_destination),
            ("GET", "/connections", self.list_connections),
            ("POST", "/connections", self.create_connection),
            ("GET", "/connections/{connectionId}", self.get_connection),
            ("PATCH", "/connections/{connectionId}", self.patch_connection),
            ("DELETE", "/connections/{connectionId}", self.delete_connection),
            ("GET", "/jobs", self.list_jobs),
            ("POST", "/jobs", self.create_job),
            ("GET", "/jobs/{jobId}", self.get_job),
            ("DELETE", "/jobs/{jobId}", self.cancel_job),
            ("GET", "/tags", self.list_tags),
            ("POST", "/tags", self.create_tag),
            ("GET", "/tags/{tagId}", self.get_tag),
            ("PATCH", "/tags/{tagId}", self.patch_tag),
            ("DELETE", "/tags/{tagId}", self.delete_tag),
            ("GET", "/streams", self.get_streams),
        ]

    # -- helpers -------------------------------------------------------------------------

    def _get(self, collection: Collection, resource_id: str) -> JSON:
        try:
            return collection.get(resource_id)
        except NotFound as exc:
            raise not_found(exc.resource_type, exc.resource_id) from None

    def _list(
        self, call: Call, collection: Collection, path: str, *, tags: bool = False
    ) -> web.Response:
        workspace_ids = query_uuids(call, "workspaceIds")
        tag_ids = query_uuids(call, "tagIds") if tags else ()
        include_deleted = query_bool(call, "includeDeleted")
        limit, offset = query_page(call, self._default_limit())
        matching = collection.query(
            workspace_ids=workspace_ids, include_deleted=include_deleted, tag_ids=tag_ids
        )
        data = matching[offset : offset + limit]
        filters = list_filters(workspace_ids, include_deleted, tag_ids)
        return page_answer(call, path, data, filters, limit, offset)

    # -- workspaces ----------------------------------------------------------------------

    def list_workspaces(self, call: Call) -> web.Response:
        """GET /workspaces"""
        return self._list(call, self.state.workspaces, "/workspaces")

    def create_workspace(self, call: Call) -> web.Response:
        """POST /workspaces: in ``organizationId``, its data residency the name of
        ``regionId``'s region (400 for either unknown: the spec has no 404 here)."""
        body = call.json()
        name = body_str(body, "name")
        assert name is not None
        organization_id = body_uuid(body, "organizationId", required=False)
        if organization_id is not None and organization_id not in self.admin.organizations:
            raise bad_request(f"No organization with id {organization_id}.")
        extra: JSON = {}
        region_id = body_uuid(body, "regionId", required=False)
        if region_id is not None:
            extra["dataResidency"] = self._region_name(region_id)
        workspace = self.state.new_workspace(name, **extra)
        if organization_id is not None:
            self.state.workspace_organizations[workspace["workspaceId"]] = organization_id
        notifications = body_object(body, "notifications", required=False)
        if notifications:
            workspace = self.state.workspaces.update(
                workspace["workspaceId"],
                {"notifications": merge_patch(workspace["notifications"], notifications)},
            )
        return json_response(workspace)

    def get_workspace(self, call: Call) -> web.Response:
        """GET /workspaces/{workspaceId}"""
        return json_response(self._get(self.state.workspaces, call.path_uuid("workspaceId")))

    def update_workspace(self, call: Call) -> web.Response:
        """PATCH /workspaces/{workspaceId}"""
        workspace_id = call.path_uuid("workspaceId")
        workspace = self._get(self.state.workspaces, workspace_id)
        body = call.json()
        changes: JSON = {}
        name = body_str(body, "name", required=False)
        if name is not None:
            changes["name"] = name
        notifications = body_object(body, "notifications", required=False)
        if notifications is not None:
            changes["notifications"] = merge_patch(workspace["notifications"], notifications)
        region_id = body_uuid(body, "regionId", required=False)
        if region_id is not None:
            changes["dataResidency"] = self._region_name(region_id)
        return json_response(self.state.workspaces.update(workspace_id, changes))

    def _region_name(self, region_id: str) -> str:
        """A workspace's data residency in a region: its name, lower case (400 if unknown)."""
        region = self.admin.regions.items.get(region_id)
        if region is None or region_id not in self.admin.regions:
            raise bad_request(f"No region with id {region_id}.")
        return str(region["name"]).lower()

    def delete_workspace(self, call: Call) -> web.Response:
        """DELETE /workspaces/{workspaceId}"""
        workspace_id = call.path_uuid("workspaceId")
        self._get(self.state.workspaces, workspace_id)
        self.state.workspaces.delete(workspace_id)
        return no_content()

    def put_oauth_credentials(self, call: Call) -> web.Response:
        """PUT /workspaces/{workspaceId}/oauthCredentials"""
        workspace_id = call.path_uuid("workspaceId")
        self._get(self.state.workspaces, workspace_id)
        body = call.json()
        actor_type = body_str(body, "actorType")
        name = body_str(body, "name")
        configuration = body_object(body, "configuration")
        if actor_type not in ("source", "destination"):
            raise bad_request("actorType must be 'source' or 'destination'.")
        assert name is not None
        assert configuration is not None
        self.state.oauth_credentials[(workspace_id, actor_type, name)] = configuration
        return web.Response(status=200)

    def delete_oauth_credentials(self, call: Call) -> web.Response:
        """DELETE /workspaces/{workspaceId}/oauthCredentials/{actorType}/{name}"""
        workspace_id = call.path_uuid("workspaceId")
        self._get(self.state.workspaces, workspace_id)
        actor_type = call.params["actorType"]
        if actor_type not in ("source", "destination"):
            raise bad_request("actorType must be 'source' or 'destination'.")
        self.state.oauth_credentials.pop((workspace_id, actor_type, call.params["name"]), None)
        return no_content()

    # -- sources and destinations --------------------------------------------------------

    def _create_actor(self, call: Call, actor: str) -> web.Response:
        body = call.json()
        name = body_str(body, "name")
        workspace_id = body_uuid(body, "workspaceId")
        configuration = body_object(body, "configuration")
        definition = body_uuid(body, "definitionId", required=False)
        assert name is not None
        assert workspace_id is not None
        assert configuration is not None
        actor_type = configuration.get(f"{actor}Type")
        if not isinstance(actor_type, str) and definition is not None:
            known = {v: k for k, v in DEFINITION_IDS.items()}.get(definition, f"{actor}-custom")
            actor_type = known.split("-", 1)[1]
        if not isinstance(actor_type, str):
            raise bad_request(f"One of configuration.{actor}Type or definitionId must be provided.")
        self._get(self.state.workspaces, workspace_id)
        if actor == "source":
            collection = self.state.sources
            obj = self.state.new_source(
                workspace_id,
                name=name,
                source_type=actor_type,
                configuration=configuration,
                definition_id=definition,
            )
        else:
            collection = self.state.destinations
            obj = self.state.new_destination(
                workspace_id,
                name=name,
                destination_type=actor_type,
                configuration=configuration,
                definition_id=definition,
            )
        allocation = body_object(body, "resourceAllocation", required=False)
        if allocation is not None:
            obj = collection.update(obj[f"{actor}Id"], {"resourceAllocation": allocation})
        return json_response(obj)

    def _patch_actor(self, call: Call, collection: Collection, *, replace: bool) -> web.Response:
        resource_id = call.path_uuid(collection.id_field)
        current = self._get(collection, resource_id)
        body = call.json()
        changes: JSON = {}
        name = body_str(body, "name", required=replace)
        configuration = body_object(body, "configuration", required=replace)
        if name is not None:
            changes["name"] = name
        if configuration is not None:
            changes["configuration"] = (
                configuration if replace else merge_patch(current["configuration"], configuration)
            )
        allocation = body_object(body, "resourceAllocation", required=False)
        if allocation is not None:
            changes["resourceAllocation"] = allocation
        if not replace and collection is self.state.sources:
            workspace_id = body_uuid(body, "workspaceId", required=False)
            if workspace_id is not None:
                self._get(self.state.workspaces, workspace_id)
                changes["workspaceId"] = workspace_id
        return json_response(collection.update(resource_id, changes))

    def _delete_actor(self, call: Call, collection: Collection) -> web.Response:
        resource_id = call.path_uuid(collection.id_field)
        self._get(collection, resource_id)
        self.state.delete_actor(collection, resource_id)
        return no_content()

    def list_sources(self, call: Call) -> web.Response:
        """GET /sources"""
        return self._list(call, self.state.sources, "/sources")

    def create_source(self, call: Call) -> web.Response:
        """POST /sources"""
        return self._create_actor(call, "source")

    def get_source(self, call: Call) -> web.Response:
        """GET /sources/{sourceId}"""
        return json_response(self._get(self.state.sources, call.path_uuid("sourceId")))

    def patch_source(self, call: Call) -> web.Response:
        """PATCH /sources/{sourceId}: the configuration is merged (JSON merge patch)."""
        return self._patch_actor(call, self.state.sources, replace=False)

    def put_source(self, call: Call) -> web.Response:
        """PUT /sources/{sourceId}: name and configuration replaced."""
        return self._patch_actor(call, self.state.sources, replace=True)

    def delete_source(self, call: Call) -> web.Response:
        """DELETE /sources/{sourceId}"""
        return self._delete_actor(call, self.state.sources)

    def initiate_oauth(self, call: Call) -> web.Response:
        """POST /sources/initiateOAuth: a consent URL at a (made-up) identity provider."""
        body = call.json()
        redirect_url = body_str(body, "redirectUrl")
        workspace_id = body_uuid(body, "workspaceId")
        source_type = body_str(body, "sourceType", required=False) or body_str(
            body, "name", required=False
        )
        if not source_type:
            raise bad_request("sourceType is required.")
        assert redirect_url is not None
        assert workspace_id is not None
        self._get(self.state.workspaces, workspace_id)
        consent = link(
            "https://oauth.example.com",
            f"/{source_type}/authorize",
            [
                ("client_id", "airbyte-fake"),
                ("redirect_uri", redirect_url),
                ("response_type", "code"),
                ("state", secrets.token_urlsafe(12)),
            ],
        )
        return json_response({"redirectUrl": consent})

    def list_destinations(self, call: Call) -> web.Response:
        """GET /destinations"""
        return self._list(call, self.state.destinations, "/destinations")

    def create_destination(self, call: Call) -> web.Response:
        """POST /destinations"""
        return self._create_actor(call, "destination")

    def get_destination(self, call: Call) -> web.Response:
        """GET /destinations/{destinationId}"""
        return json_response(self._get(self.state.destinations, call.path_uuid("destinationId")))

    def patch_destination(self, call: Call) -> web.Response:
        """PATCH /destinations/{destinationId}"""
        return self._patch_actor(call, self.state.destinations, replace=False)

    def put_destination(self, call: Call) -> web.Response:
        """PUT /destinations/{destinationId}"""
        return self._patch_actor(call, self.state.destinations, replace=True)

    def delete_destination(self, call: Call) -> web.Response:
        """DELETE /destinations/{destinationId}"""
        return self._delete_actor(call, self.state.destinations)

    # -- connections ---------------------------------------------------------------------

    def _connection_changes(self, body: JSON) -> JSON:
        changes: JSON = {}
        for key in ("name", "namespaceFormat", "prefix", "dataResidency"):
            value = body_str(body, key, required=False)
            if value is not None:
                changes[key] = value
        for key in ("namespaceDefinition", "nonBreakingSchemaUpdatesBehavior"):
            value = body_str(body, key, required=False)
            if value is not None:
                changes[key] = value
        for key in ("schedule", "configurations"):
            obj = body_object(body, key, required=False)
            if obj is not None:
                changes[key] = obj
        status = body_str(body, "status", required=False)
        if status is not None:
            if status not in CONNECTION_STATUSES:
                raise bad_request(f"status must be one of {', '.join(CONNECTION_STATUSES)}.")
            changes["status"] = status
        tags = body.get("tags")
        if tags is not None:
            if not isinstance(tags, list) or not all(isinstance(t, dict) for t in tags):
                raise bad_request("tags must be a list of tags.")
            changes["tags"] = [self._get(self.state.tags, path_tag(t)) for t in tags]
        return changes

    def list_connections(self, call: Call) -> web.Response:
        """GET /connections"""
        return self._list(call, self.state.connections, "/connections", tags=True)

    def create_connection(self, call: Call) -> web.Response:
        """POST /connections"""
        body = call.json()
        source_id = body_uuid(body, "sourceId")
        destination_id = body_uuid(body, "destinationId")
        assert source_id is not None
        assert destination_id is not None
        self._get(self.state.sources, source_id)
        self._get(self.state.destinations, destination_id)
        changes = self._connection_changes(body)
        connection = self.state.new_connection(
            source_id,
            destination_id,
            name=changes.pop("name", None),
            status=changes.pop("status", "active"),
            schedule=changes.pop("schedule", None),
            configurations=changes.pop("configurations", None),
        )
        if changes:
            connection = self.state.connections.update(connection["connectionId"], changes)
        return json_response(connection)

    def get_connection(self, call: Call) -> web.Response:
        """GET /connections/{connectionId}"""
        return json_response(self._get(self.state.connections, call.path_uuid("connectionId")))

    def patch_connection(self, call: Call) -> web.Response:
        """PATCH /connections/{connectionId}"""
        connection_id = call.path_uuid("connectionId")
        self._get(self.state.connections, connection_id)
        changes = self._connection_changes(call.json())
        return json_response(self.state.connections.update(connection_id, changes))

    def delete_connection(self, call: Call) -> web.Response:
        """DELETE /connections/{connectionId}"""
        connection_id = call.path_uuid("connectionId")
        self._get(self.state.connections, connection_id)
        self.state.delete_connection(connection_id)
        return no_content()

    # -- jobs ----------------------------------------------------------------------------

    def _job_id(self, call: Call) -> int:
        raw = call.params["jobId"]
        try:
            return int(raw)
        except ValueError:
            raise bad_request(f"jobId must be an integer, got {raw!r}.") from None

    def _job(self, call: Call) -> JobRecord:
        job_id = self._job_id(call)
        try:
            return self.state.get_job(job_id)
        except NotFound:
            raise not_found("job", job_id) from None

    def list_jobs(self, call: Call) -> web.Response:
        """GET /jobs: one database page, THEN filtered by status and dates (as the server does)."""
        limit, offset = query_page(call, self._default_limit())
        connection_id = call.query.get("connectionId") or None
        if connection_id is not None:
            connection_id = path_uuid(connection_id)
        workspace_ids = query_uuids(call, "workspaceIds")
        job_type = call.query.get("jobType") or None
        if job_type is not None and job_type not in JOB_TYPES:
            raise bad_request(f"Invalid jobType {job_type!r}.")
        status = call.query.get("status") or None
        if status is not None and status not in JOB_STATUSES:
            raise bad_request(f"Invalid status {status!r}.")
        order_field, descending = "createdAt", False
        order_by = call.query.get("orderBy")
        if order_by:
            match = _ORDER_BY.match(order_by)
            if match is None or match.group(1) not in ("createdAt", "updatedAt"):
                raise bad_request(
                    f"Invalid orderBy {order_by!r}: expected createdAt|ASC, updatedAt|DESC, ..."
                )
            order_field, descending = match.group(1), match.group(2) == "DESC"
        ranges = {
            name: query_instant(call, name)
            for name in ("createdAtStart", "createdAtEnd", "updatedAtStart", "updatedAtEnd")
        }
        jobs = self.state.query_jobs(
            connection_id=connection_id,
            workspace_ids=workspace_ids,
            job_type=job_type,
            order_by=order_field,
            descending=descending,
        )
        page = jobs[offset : offset + limit]
        now = self.state.now()
        data = []
        for job in page:
            updated = job.updated_at(now)
            if (
                (status is not None and job.status(now) != status)
                or not _within(job.created_at, ranges["createdAtStart"], ranges["createdAtEnd"])
                or not _within(updated, ranges["updatedAtStart"], ranges["updatedAtEnd"])
            ):
                continue
            data.append(job.to_json(now))
        # The server's jobs `next` keeps only these three filters: status, the date
        # ranges and orderBy are dropped (a real defect, reproduced on purpose).
        filters: list[tuple[str, str]] = []
        if job_type is not None:
            filters.append(("jobType", job_type))
        if connection_id is not None:
            filters.append(("connectionId", connection_id))
        if workspace_ids:
            filters.append(("workspaceIds", ",".join(workspace_ids)))
        return page_answer(call, "/jobs", data, filters, limit, offset, had_items=bool(page))

    def create_job(self, call: Call) -> web.Response:
        """POST /jobs"""
        body = call.json()
        connection_id = body_uuid(body, "connectionId")
        job_type = body_str(body, "jobType")
        assert connection_id is not None
        if job_type not in JOB_TYPES:
            raise bad_request(f"jobType must be one of {', '.join(JOB_TYPES)}.")
        if job_type == "refresh":
            raise unprocessable("Refresh jobs cannot be started through the public API.")
        self._get(self.state.connections, connection_id)
        running = self.state.running_job(connection_id)
        if running is not None:
            raise conflict(
                f"A sync is already running for connection {connection_id}: job {running.job_id}."
            )
        job = self.state.new_job(connection_id, job_type=job_type)
        return json_response(job.to_json(self.state.now()))

    def get_job(self, call: Call) -> web.Response:
        """GET /jobs/{jobId}"""
        return json_response(self._job(call).to_json(self.state.now()))

    def cancel_job(self, call: Call) -> web.Response:
        """DELETE /jobs/{jobId}: cancels a job that has not finished; 409 if it has."""
        job = self._job(call)
        now = self.state.now()
        status = job.status(now)
        if status in FINAL_STATUSES:
            raise conflict(
                f"Job {job.job_id} has already {status} and cannot be cancelled.",
                title="state-conflict",
            )
        self.state.cancel_job(job)
        return json_response(job.to_json(now))

    # -- tags and streams ----------------------------------------------------------------

    def list_tags(self, call: Call) -> web.Response:
        """GET /tags: every tag in one answer (no pagination)."""
        tags = self.state.tags.query(workspace_ids=query_uuids(call, "workspaceIds"))
        return json_response({"data": tags})

    def create_tag(self, call: Call) -> web.Response:
        """POST /tags"""
        body = call.json()
        name = body_str(body, "name")
        color = body_str(body, "color")
        workspace_id = body_uuid(body, "workspaceId")
        assert workspace_id is not None
        self._get(self.state.workspaces, workspace_id)
        if any(t["name"] == name for t in self.state.tags.query(workspace_ids=(workspace_id,))):
            raise conflict(
                f"A tag named {name!r} already exists in this workspace.",
                title="tag-already-exists",
            )
        tag = {
            "tagId": str(uuid.uuid4()),
            "name": name,
            "color": color,
            "workspaceId": workspace_id,
        }
        return json_response(self.state.tags.add(tag))

    def get_tag(self, call: Call) -> web.Response:
        """GET /tags/{tagId}"""
        return json_response(self._get(self.state.tags, call.path_uuid("tagId")))

    def patch_tag(self, call: Call) -> web.Response:
        """PATCH /tags/{tagId}"""
        tag_id = call.path_uuid("tagId")
        self._get(self.state.tags, tag_id)
        body = call.json()
        changes = {"name": body_str(body, "name"), "color": body_str(body, "color")}
        return json_response(self.state.tags.update(tag_id, changes))

    def delete_tag(self, call: Call) -> web.Response:
        """DELETE /tags/{tagId}"""
        tag_id = call.path_uuid("tagId")
        self._get(self.state.tags, tag_id)
        self.state.tags.delete(tag_id)
        return no_content()

    def get_streams(self, call: Call) -> web.Response:
        """GET /streams?sourceId=...: the streams the source offers."""
        raw = call.query.get("sourceId")
        if not raw:
            raise bad_request("sourceId is required.")
        source = self._get(self.state.sources, path_uuid(raw))
        names = {
            stream["name"]
            for connection in self.state.connections.query()
            if connection["sourceId"] == source["sourceId"]
            for stream in connection["configurations"].get("streams", ())
        } or {"users", "orders", "products"}
        streams = [
            {
                "streamName": name,
                "syncModes": [
                    "full_refresh_overwrite",
                    "full_refresh_append",
                    "incremental_append",
                    "incremental_deduped_history",
                ],
                "defaultCursorField": ["updated_at"],
                "sourceDefinedCursorField": False,
                "sourceDefinedPrimaryKey": [["id"]],
                "propertyFields": [["id"], ["created_at"], ["updated_at"], ["name"]],
            }
            for name in sorted(names)
        ]
        return json_response(streams)


def path_tag(tag: JSON) -> str:
    """The id of a tag given in a request body (400 if malformed)."""
    tag_id = body_uuid(tag, "tagId")
    assert tag_id is not None
    return tag_id


def _within(moment: float, start: float | None, end: float | None) -> bool:
    return (start is None or moment >= start) and (end is None or moment <= end)
