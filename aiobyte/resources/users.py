"""``client.users``: the people of an organization."""

from __future__ import annotations

from collections.abc import Iterable

from .._pagination import Pager
from .._types import Id
from .._validate import check_name, check_uuid
from ..models import User
from ._base import Params, Resource

__all__ = ["Users"]


class Users(Resource):
    """Users: ``list``."""

    def list(
        self,
        *,
        organization_id: Id,
        ids: Iterable[Id] | None = None,
        emails: Iterable[str] | None = None,
    ) -> Pager[User]:
        """The users of an organization, optionally only those with the given ids or emails.

        The server answers the whole list at once.
        """
        if isinstance(emails, str):
            raise ValueError("emails must be a list of email addresses, not a single string")
        params = Params().add("organizationId", check_uuid(organization_id, "organization_id"))
        params.uuids("ids", ids, "ids")
        if emails is not None:
            params.add("emails", [check_name(e, f"emails[{i}]") for i, e in enumerate(emails)])
        return self._unpaged("/users", User, params)
