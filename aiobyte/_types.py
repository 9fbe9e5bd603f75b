"""Type aliases shared by the public signatures."""

from __future__ import annotations

import uuid
from typing import TypeAlias

__all__ = ["Id"]

#: An object's id as the API takes it: a UUID string, or a ``uuid.UUID`` (sent as its
#: string). Job ids are integers and are not ``Id``.
Id: TypeAlias = str | uuid.UUID
