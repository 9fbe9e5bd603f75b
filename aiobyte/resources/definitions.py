"""``client.source_definitions``, ``client.destination_definitions`` and
``client.declarative_source_definitions``: a workspace's custom connector definitions.

All three live at ``/workspaces/{workspaceId}/definitions/<kind>/{definitionId}`` and
answer a deletion with the definition deleted; they differ in what defines one (a
Docker image, or a low-code manifest).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from .._pagination import Pager
from .._types import Id
from .._validate import check_name, check_uuid, optional_name
from ..models import (
    UNSET,
    CreateDeclarativeSourceDefinition,
    CreateDefinition,
    DeclarativeSourceDefinition,
    Definition,
    UnsetType,
    UpdateDeclarativeSourceDefinition,
    UpdateDefinition,
)
from ._base import Resource, configuration_arg

__all__ = ["DeclarativeSourceDefinitions", "DestinationDefinitions", "SourceDefinitions"]

D = TypeVar("D")


class WorkspaceDefinitions(Resource, Generic[D]):
    """``list``, ``get``, ``delete``; the subclasses add ``create`` and ``replace``."""

    _kind: ClassVar[str]  # the path segment: "sources", "destinations", ...
    _model: type[D]  # the model of one definition, set by each subclass

    def _list_path(self, workspace_id: Id) -> str:
        return f"/workspaces/{check_uuid(workspace_id, 'workspace_id')}/definitions/{self._kind}"

    def _item_path(self, workspace_id: Id, definition_id: Id) -> str:
        return f"{self._list_path(workspace_id)}/{check_uuid(definition_id, 'definition_id')}"

    def list(self, workspace_id: Id, /) -> Pager[D]:
        """The definitions the workspace can use (answered at once)."""
        return self._unpaged(self._list_path(workspace_id), self._model)

    async def get(self, workspace_id: Id, definition_id: Id, /) -> D:
        """One definition. Raises ``NotFoundError`` if the workspace has none with this id."""
        return await self._call("GET", self._item_path(workspace_id, definition_id), self._model)

    async def delete(self, workspace_id: Id, definition_id: Id, /) -> D:
        """Delete a custom definition; returns it as it was."""
        return await self._call("DELETE", self._item_path(workspace_id, definition_id), self._model)

    async def _create(self, workspace_id: Id, body: Any) -> D:
        return await self._call("POST", self._list_path(workspace_id), self._model, body=body)

    async def _replace(self, workspace_id: Id, definition_id: Id, body: Any) -> D:
        path = self._item_path(workspace_id, definition_id)
        return await self._call("PUT", path, self._model, body=body)


class DockerDefinitions(WorkspaceDefinitions[Definition]):
    """Custom connectors packaged as Docker images."""

    _model = Definition

    async def create(
        self,
        workspace_id: Id,
        /,
        *,
        name: str,
        docker_repository: str,
        docker_image_tag: str,
        documentation_url: str | UnsetType = UNSET,
    ) -> Definition:
        """Add a custom connector from a Docker image to the workspace.

        Not resent after an ambiguous failure.
        """
        body = CreateDefinition(
            name=check_name(name, "name"),
            docker_repository=check_name(docker_repository, "docker_repository"),
            docker_image_tag=check_name(docker_image_tag, "docker_image_tag"),
            documentation_url=optional_name(documentation_url, "documentation_url"),
        )
        return await self._create(workspace_id, body)

    async def replace(
        self, workspace_id: Id, definition_id: Id, /, *, name: str, docker_image_tag: str
    ) -> Definition:
        """Rename the definition and move it to another image tag (PUT)."""
        body = UpdateDefinition(
            name=check_name(name, "name"),
            docker_image_tag=check_name(docker_image_tag, "docker_image_tag"),
        )
        return await self._replace(workspace_id, definition_id, body)


class SourceDefinitions(DockerDefinitions):
    """Source definitions: ``list``, ``get``, ``create``, ``replace``, ``delete``."""

    _kind = "sources"


class DestinationDefinitions(DockerDefinitions):
    """Destination definitions: ``list``, ``get``, ``create``, ``replace``, ``delete``."""

    _kind = "destinations"


class DeclarativeSourceDefinitions(WorkspaceDefinitions[DeclarativeSourceDefinition]):
    """Low-code (declarative) source definitions: ``list``, ``get``, ``create``,
    ``replace``, ``delete``."""

    _kind = "declarative_sources"
    _model = DeclarativeSourceDefinition

    async def create(
        self, workspace_id: Id, /, *, name: str, manifest: Mapping[str, Any]
    ) -> DeclarativeSourceDefinition:
        """Add a source defined by a low-code manifest (sent exactly as given).

        Not resent after an ambiguous failure.
        """
        body = CreateDeclarativeSourceDefinition(
            name=check_name(name, "name"), manifest=configuration_arg(manifest, "manifest")
        )
        return await self._create(workspace_id, body)

    async def replace(
        self, workspace_id: Id, definition_id: Id, /, *, manifest: Mapping[str, Any]
    ) -> DeclarativeSourceDefinition:
        """Replace the manifest (PUT); the server gives the definition a new version."""
        body = UpdateDeclarativeSourceDefinition(manifest=configuration_arg(manifest, "manifest"))
        return await self._replace(workspace_id, definition_id, body)
