"""``client.connections``: what is synced from a source to a destination, and when."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import _config
from .._pagination import Pager
from .._types import Id
from .._validate import check_enum, check_name, check_uuid
from ..models import (
    UNSET,
    AirbyteApiConnectionSchedule,
    Connection,
    ConnectionCreate,
    ConnectionPatch,
    ConnectionStatus,
    NamespaceDefinition,
    NonBreakingSchemaUpdatesBehavior,
    StreamConfigurations,
    Tag,
    TagResponse,
    UnsetType,
)
from ._base import Params, as_model
from ._crud import Deletable

__all__ = ["Connections"]


def _settings(
    *,
    name: Any,
    configurations: Any,
    schedule: Any,
    namespace_definition: Any,
    namespace_format: Any,
    prefix: Any,
    non_breaking_schema_updates_behavior: Any,
    status: Any,
    tags: Any,
) -> dict[str, Any]:
    """The optional settings a create or an update sends, checked; UNSET ones left out."""
    settings: dict[str, Any] = {}
    if name is not UNSET:
        settings["name"] = check_name(name, "name")
    if configurations is not UNSET:
        settings["configurations"] = as_model(
            StreamConfigurations, configurations, "configurations"
        )
    if schedule is not UNSET:
        settings["schedule"] = as_model(AirbyteApiConnectionSchedule, schedule, "schedule")
    if namespace_definition is not UNSET:
        settings["namespace_definition"] = check_enum(
            NamespaceDefinition, namespace_definition, "namespace_definition"
        )
    if namespace_format is not UNSET:
        if namespace_format is not None and not isinstance(namespace_format, str):
            raise ValueError("namespace_format must be a string or None")
        settings["namespace_format"] = namespace_format
    if prefix is not UNSET:
        if not isinstance(prefix, str):
            raise ValueError("prefix must be a string")
        settings["prefix"] = prefix
    if non_breaking_schema_updates_behavior is not UNSET:
        settings["non_breaking_schema_updates_behavior"] = check_enum(
            NonBreakingSchemaUpdatesBehavior,
            non_breaking_schema_updates_behavior,
            "non_breaking_schema_updates_behavior",
        )
    if status is not UNSET:
        settings["status"] = check_enum(ConnectionStatus, status, "status")
    if tags is not UNSET:
        if isinstance(tags, (str, Mapping)):
            raise ValueError("tags must be a list of tags")
        settings["tags"] = [as_model(Tag, tag, f"tags[{i}]") for i, tag in enumerate(tags)]
    return settings


class Connections(Deletable[Connection]):
    """Connections: ``list``, ``get``, ``create``, ``update``, ``delete``."""

    _path = "/connections"
    _id_name = "connection_id"
    _model = Connection

    def list(
        self,
        *,
        workspace_ids: Iterable[Id] | None = None,
        tag_ids: Iterable[Id] | None = None,
        include_deleted: bool = False,
        page_size: int = _config.PAGE_SIZE,
        cursor: str | None = None,
    ) -> Pager[Connection]:
        """Every connection in the given workspaces (all the credentials may see if
        none), optionally only those with all of ``tag_ids``."""
        params = Params().uuids("workspaceIds", workspace_ids, "workspace_ids")
        params.uuids("tagIds", tag_ids, "tag_ids")
        params.flag("includeDeleted", include_deleted)
        return self._pager(self._path, Connection, params, page_size=page_size, cursor=cursor)

    async def create(
        self,
        *,
        source_id: Id,
        destination_id: Id,
        name: str | UnsetType = UNSET,
        configurations: StreamConfigurations | Mapping[str, Any] | UnsetType = UNSET,
        schedule: AirbyteApiConnectionSchedule | Mapping[str, Any] | UnsetType = UNSET,
        namespace_definition: NamespaceDefinition | str | UnsetType = UNSET,
        namespace_format: str | UnsetType | None = UNSET,
        prefix: str | UnsetType = UNSET,
        non_breaking_schema_updates_behavior: NonBreakingSchemaUpdatesBehavior
        | str
        | UnsetType = UNSET,
        status: ConnectionStatus | str | UnsetType = UNSET,
        tags: Iterable[Tag | TagResponse | Mapping[str, Any]] | UnsetType = UNSET,
    ) -> Connection:
        """Create a connection from a source to a destination.

        ``schedule`` like ``{"scheduleType": "cron", "cronExpression": "0 0 * * * ?"}``;
        ``configurations`` selects streams and sync modes. Not resent after an
        ambiguous failure.
        """
        body = ConnectionCreate(
            source_id=check_uuid(source_id, "source_id"),
            destination_id=check_uuid(destination_id, "destination_id"),
            **_settings(
                name=name,
                configurations=configurations,
                schedule=schedule,
                namespace_definition=namespace_definition,
                namespace_format=namespace_format,
                prefix=prefix,
                non_breaking_schema_updates_behavior=non_breaking_schema_updates_behavior,
                status=status,
                tags=tags,
            ),
        )
        return await self._call("POST", self._path, Connection, body=body)

    async def update(
        self,
        connection_id: Id,
        /,
        *,
        name: str | UnsetType = UNSET,
        configurations: StreamConfigurations | Mapping[str, Any] | UnsetType = UNSET,
        schedule: AirbyteApiConnectionSchedule | Mapping[str, Any] | UnsetType = UNSET,
        namespace_definition: NamespaceDefinition | str | UnsetType = UNSET,
        namespace_format: str | UnsetType | None = UNSET,
        prefix: str | UnsetType = UNSET,
        non_breaking_schema_updates_behavior: NonBreakingSchemaUpdatesBehavior
        | str
        | UnsetType = UNSET,
        status: ConnectionStatus | str | UnsetType = UNSET,
        tags: Iterable[Tag | TagResponse | Mapping[str, Any]] | UnsetType = UNSET,
    ) -> Connection:
        """Change some settings (PATCH); only the arguments given are sent, and
        ``namespace_format=None`` clears it."""
        body = ConnectionPatch(
            **_settings(
                name=name,
                configurations=configurations,
                schedule=schedule,
                namespace_definition=namespace_definition,
                namespace_format=namespace_format,
                prefix=prefix,
                non_breaking_schema_updates_behavior=non_breaking_schema_updates_behavior,
                status=status,
                tags=tags,
            )
        )
        path = self._item_path(connection_id)
        return await self._call("PATCH", path, Connection, body=body)
