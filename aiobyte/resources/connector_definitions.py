"""``client.connector_definitions``: the connectors that can be used, public and custom."""

from __future__ import annotations

from .._pagination import Pager
from .._types import Id
from .._validate import check_enum, check_uuid
from ..models import ConnectorDefinition, ConnectorType
from ._base import Params, Resource

__all__ = ["ConnectorDefinitions"]


class ConnectorDefinitions(Resource):
    """Connector definitions: ``list``."""

    def list(
        self, *, type: ConnectorType | str, workspace_id: Id | None = None
    ) -> Pager[ConnectorDefinition]:
        """Every source (``type="source"``) or destination (``type="destination"``)
        definition, with the workspace's custom ones if ``workspace_id`` is given.

        Answered at once.
        """
        params = Params().add("type", check_enum(ConnectorType, type, "type").value)
        if workspace_id is not None:
            params.add("workspaceId", check_uuid(workspace_id, "workspace_id"))
        return self._unpaged("/connector_definitions", ConnectorDefinition, params)
