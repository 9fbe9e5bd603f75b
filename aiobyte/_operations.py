"""Every operation of the Airbyte public API, and the method that calls it.

``OPERATIONS`` maps each ``operationId`` of the spec (``api.yaml``) to
``"resource.method"`` on an :class:`~aiobyte.AirbyteClient`; ``EXCLUDED`` names the
operations no method calls, with the reason. A test reads the spec and fails for an
operation in neither table (a new one in a newer spec), for a method that does not
exist, and for an ``operationId`` the spec does not have. The README's table of
resources is generated from this module and the spec (``tools/readme_table.py``).
"""

from __future__ import annotations

__all__ = ["EXCLUDED", "OPERATIONS"]

OPERATIONS: dict[str, str] = {
    # health
    "getHealthCheck": "health.check",
    # workspaces
    "listWorkspaces": "workspaces.list",
    "createWorkspace": "workspaces.create",
    "getWorkspace": "workspaces.get",
    "updateWorkspace": "workspaces.update",
    "deleteWorkspace": "workspaces.delete",
    "createOrUpdateWorkspaceOAuthCredentials": "workspaces.set_oauth_credentials",
    "deleteWorkspaceOAuthCredentials": "workspaces.delete_oauth_credentials",
    # sources
    "listSources": "sources.list",
    "createSource": "sources.create",
    "getSource": "sources.get",
    "patchSource": "sources.update",
    "putSource": "sources.replace",
    "deleteSource": "sources.delete",
    "initiateOAuth": "sources.initiate_oauth",
    # destinations
    "listDestinations": "destinations.list",
    "createDestination": "destinations.create",
    "getDestination": "destinations.get",
    "patchDestination": "destinations.update",
    "putDestination": "destinations.replace",
    "deleteDestination": "destinations.delete",
    # connections
    "listConnections": "connections.list",
    "createConnection": "connections.create",
    "getConnection": "connections.get",
    "patchConnection": "connections.update",
    "deleteConnection": "connections.delete",
    # jobs
    "listJobs": "jobs.list",
    "createJob": "jobs.create",
    "getJob": "jobs.get",
    "cancelJob": "jobs.cancel",
    # streams
    "getStreamProperties": "streams.list",
    # tags
    "listTags": "tags.list",
    "createTag": "tags.create",
    "getTag": "tags.get",
    "updateTag": "tags.update",
    "deleteTag": "tags.delete",
    # permissions
    "listPermissions": "permissions.list",
    "createPermission": "permissions.create",
    "getPermission": "permissions.get",
    "updatePermission": "permissions.update",
    "deletePermission": "permissions.delete",
    # organizations
    "listOrganizationsForUser": "organizations.list",
    "createOrUpdateOrganizationOAuthCredentials": "organizations.set_oauth_credentials",
    "deleteOrganizationOAuthCredentials": "organizations.delete_oauth_credentials",
    # users
    "listUsersWithinAnOrganization": "users.list",
    # applications
    "listApplications": "applications.list",
    "createApplication": "applications.create",
    "getApplication": "applications.get",
    "deleteApplication": "applications.delete",
    "createAccessToken": "applications.token",
    # source definitions
    "listSourceDefinitions": "source_definitions.list",
    "createSourceDefinition": "source_definitions.create",
    "getSourceDefinition": "source_definitions.get",
    "updateSourceDefinition": "source_definitions.replace",
    "deleteSourceDefinition": "source_definitions.delete",
    # destination definitions
    "listDestinationDefinitions": "destination_definitions.list",
    "createDestinationDefinition": "destination_definitions.create",
    "getDestinationDefinition": "destination_definitions.get",
    "updateDestinationDefinition": "destination_definitions.replace",
    "deleteDestinationDefinition": "destination_definitions.delete",
    # declarative source definitions
    "listDeclarativeSourceDefinitions": "declarative_source_definitions.list",
    "createDeclarativeSourceDefinition": "declarative_source_definitions.create",
    "getDeclarativeSourceDefinition": "declarative_source_definitions.get",
    "updateDeclarativeSourceDefinition": "declarative_source_definitions.replace",
    "deleteDeclarativeSourceDefinition": "declarative_source_definitions.delete",
    # connector definitions
    "listConnectorDefinitions": "connector_definitions.list",
    # regions
    "listRegions": "regions.list",
    "createRegion": "regions.create",
    "getRegion": "regions.get",
    "updateRegion": "regions.update",
    "deleteRegion": "regions.delete",
    # dataplanes
    "listDataplanes": "dataplanes.list",
    "createDataplane": "dataplanes.create",
    "getDataplane": "dataplanes.get",
    "updateDataplane": "dataplanes.update",
    "deleteDataplane": "dataplanes.delete",
    # groups
    "listGroups": "groups.list",
    "createGroup": "groups.create",
    "getGroup": "groups.get",
    "updateGroup": "groups.update",
    "deleteGroup": "groups.delete",
    "listGroupMembers": "groups.list_members",
    "addGroupMember": "groups.add_member",
    "removeGroupMember": "groups.remove_member",
    "listGroupPermissions": "groups.list_permissions",
    "createGroupPermission": "groups.create_permission",
    "deleteGroupPermission": "groups.delete_permission",
    # embedded
    "getEmbeddedWidget": "embedded.widget_token",
    "generateEmbeddedScopedToken": "embedded.scoped_token",
    "listEmbeddedOrganizationsByUser": "embedded.list_organizations",
}

EXCLUDED: dict[str, str] = {
    "getDocumentation": "the API's documentation, an HTML page for people",
    "oauthCallback": (
        "where the identity provider sends the user's browser back after consent "
        "(the flow `sources.initiate_oauth` starts); the server answers with a redirect"
    ),
}
