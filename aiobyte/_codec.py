"""JSON in and out: one encoder, one decoder per model type, numbers kept exact.

Connector configurations are free-form JSON and must come back exactly as the server
sent them. Integers of any size survive msgspec as they are; a float literal is kept
as a ``float`` when that is exact to its last digit and as a ``decimal.Decimal``
otherwise (``12345678901234567890.5``, ``1e400``), which the encoder writes back as
the same number.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

__all__ = ["decoder", "encode", "exact_float"]

T = TypeVar("T")


def exact_float(literal: str) -> float | Decimal:
    """A JSON float literal as a ``float`` if that is exact, else as a ``Decimal``."""
    if len(literal) <= 16 and "e" not in literal and "E" not in literal:
        # At most 15 significant digits and no exponent: a double holds every such
        # decimal exactly enough that it prints back as the same number.
        return float(literal)
    value = float(literal)
    if value != value or value in (float("inf"), float("-inf")):
        return Decimal(literal)
    # repr() gives the shortest literal that reads back as this float; if it means the
    # same number as what the server sent, the float loses nothing.
    if repr(value) == literal or Decimal(repr(value)) == Decimal(literal):
        return value
    return Decimal(literal)


_encoder = msgspec.json.Encoder(decimal_format="number")


def encode(value: Any) -> bytes:
    """JSON bytes for a request body (``UNSET`` fields left out)."""
    return _encoder.encode(value)


@functools.cache
def decoder(model: Any) -> msgspec.json.Decoder[Any]:
    """The decoder for ``model``, built once and reused."""
    return msgspec.json.Decoder(model, float_hook=exact_float)
