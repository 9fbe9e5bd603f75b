"""The base of every typed connector configuration: a typed view over the exact JSON.

A model holds the configuration's JSON object itself and reads its attributes from it, so
reading never fails and never changes a value: ``Model.from_dict(d).to_dict() == d``, key
for key, extra keys included. Built from keywords (``SourcePostgres(host=..., ...)``), it
writes the keys in the schema's order, fills the ``const`` discriminators
(``sourceType``, ``ssl_mode.mode``, ...) and leaves out what was not given (``UNSET``);
``None`` is sent as ``null``. Attributes of nested objects are models of their own, and a
``oneOf`` attribute is the choice the data names (by its discriminator), or
:class:`UnknownChoice` when it names none this version knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from ._secrets import MASK, is_secret_name, mask_with

if TYPE_CHECKING:
    from typing_extensions import Self, dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda cls: cls


__all__ = ["Configuration", "UNSET", "UnknownChoice", "UnsetType", "field"]

T = TypeVar("T")
_REQUIRED: Any = object()
_secret_wires: dict[str, set[str]] = {}  # module -> wire names marked secret


class _Field:
    """One attribute: its wire name, default and how a nested value is wrapped."""

    __slots__ = ("attr", "default", "secret", "wire", "wrap")

    def __init__(self, default: Any, name: str | None, wrap: Any, secret: bool) -> None:
        self.attr = ""
        self.wire = name or ""
        self.default = default
        self.wrap = wrap
        self.secret = secret

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr
        if not self.wire:
            self.wire = attr

    def __get__(self, obj: Configuration | None, owner: type) -> Any:
        if obj is None:
            return self
        value = obj._data.get(self.wire, UNSET)
        if self.wrap is not None and value is not UNSET and value is not None:
            return self.wrap(value)
        return value


def field(
    *, default: Any = _REQUIRED, name: str | None = None, wrap: Any = None, secret: bool = False
) -> Any:
    """An attribute of a generated model (``name``: its key on the wire, if not the same)."""
    return _Field(default, name, wrap, secret)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Configuration:
    """A typed view over one connector configuration (or a nested object of one).

    Raises ``TypeError`` when built with an unknown or a missing required keyword.
    """

    __slots__ = ("_data",)

    _fields: ClassVar[tuple[_Field, ...]] = ()
    _by_attr: ClassVar[dict[str, _Field]] = {}
    _required: ClassVar[tuple[str, ...]] = ()  # wire names the schema requires
    _kind: ClassVar[str | None] = None
    _connector: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = [v for v in vars(cls).values() if isinstance(v, _Field)]
        cls._fields = tuple(fields)
        cls._by_attr = {f.attr: f for f in fields}
        # Every key the connector marks secret, in any of its objects: a key kept beyond
        # the fields (a choice's key under another choice) is masked by its name too.
        _secret_wires.setdefault(cls.__module__, set()).update(f.wire for f in fields if f.secret)

    def __init__(self, **values: Any) -> None:
        unknown = [name for name in values if name not in self._by_attr]
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(unknown)}")
        data: dict[str, Any] = {}
        for f in self._fields:
            value = values.get(f.attr, f.default)
            if value is _REQUIRED:
                raise TypeError(f"{type(self).__name__}: {f.attr} is required")
            if value is not UNSET:
                data[f.wire] = _plain(value)
        self._data = data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The model over ``data``: nothing is checked, changed or dropped (a ``dict`` is
        kept itself, another mapping copied). Raises ``TypeError`` for a non-mapping."""
        if type(data) is not dict:
            if not isinstance(data, Mapping):
                raise TypeError(f"{cls.__name__} reads a JSON object; got {type(data).__name__}")
            data = dict(data)
        obj = cls.__new__(cls)
        obj._data = data
        return obj

    @classmethod
    def decode(cls, json: bytes | str) -> Self:
        """The model over a JSON object. Raises ``msgspec.DecodeError`` for invalid JSON."""
        return cls.from_dict(msgspec.json.decode(json, type=dict[str, Any]))

    def to_dict(self) -> dict[str, Any]:
        """The configuration's JSON object, exactly (the model's own data, not a copy)."""
        return self._data

    def encode(self) -> bytes:
        """The configuration as JSON."""
        return msgspec.json.encode(self._data)

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (``UNSET`` removes a key); other keys are kept."""
        unknown = [name for name in changes if name not in self._by_attr]
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(unknown)}")
        data = dict(self._data)
        for name, value in changes.items():
            wire = self._by_attr[name].wire
            if value is UNSET:
                data.pop(wire, None)
            else:
                data[wire] = _plain(value)
        return self.from_dict(data)

    def problems(self) -> list[str]:
        """What does not follow the connector's schema (see ``check_configuration``)."""
        if self._kind is None or self._connector is None:
            raise TypeError(f"{type(self).__name__} is a part of a configuration; check the whole")
        from ._check import check_configuration

        return check_configuration(self._kind, self._connector, self._data)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Configuration):
            return NotImplemented
        return type(self) is type(other) and self._data == other._data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        by_wire = {f.wire: f for f in self._fields}
        names = frozenset(_secret_wires.get(type(self).__module__, ()))
        parts = []
        extra = {}
        for key, value in self._data.items():
            f = by_wire.get(key)
            secret = (f is not None and f.secret) or is_secret_name(str(key))
            if f is None:
                extra[key] = value
                continue
            shown = getattr(self, f.attr)
            parts.append(f"{f.attr}={_shown(shown, secret, names)}")
        if extra:
            parts.append(f"**{_shown(extra, False, names)}")
        return f"{type(self).__name__}({', '.join(parts)})"


class UnknownChoice(Configuration):
    """A ``oneOf`` value that names none of the choices this version knows (kept as it is)."""

    __slots__ = ()


def _shown(value: Any, secret: bool, names: frozenset[str]) -> str:
    if secret and value is not None and not isinstance(value, (bool, Configuration)):
        return repr(MASK)
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v, secret, names) for v in value) + "]"
    if isinstance(value, Mapping):
        return repr(mask_with(value, names))
    return repr(value)


def _plain(value: Any) -> Any:
    """A value as JSON data: a model becomes its object (lists of models alike)."""
    if isinstance(value, Configuration):
        return value._data
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def choice(*choices: type[Configuration]) -> Callable[[Any], Any]:
    """The reader of a ``oneOf`` attribute: the choice the data names.

    A choice fits when every ``const`` the data holds matches and every required one is
    there; the first that also has all its required keys wins, else the first that fits,
    else :class:`UnknownChoice`. With a discriminator (a ``const`` of every choice, each
    its own value), one look-up finds the choice.
    """
    tagged = []
    for cls in choices:
        consts = {f.wire: f.default for f in cls._fields if f.default not in (UNSET, _REQUIRED)}
        tagged.append((cls, consts, cls._required))
    by_tag: dict[tuple[type, Any], tuple[type[Configuration], tuple[str, ...]]] = {}
    shared = set.intersection(*(set(consts) for _, consts, _ in tagged)) if tagged else set()
    discriminator = None
    for key in sorted(shared):
        try:
            table = {(type(c[key]), c[key]): (cls, req) for cls, c, req in tagged}
        except TypeError:  # an unhashable constant
            continue
        if len(table) == len(tagged) and all(len(c) == 1 for _, c, _ in tagged):
            discriminator, by_tag = key, table
            break

    def read(value: Any) -> Any:
        if not isinstance(value, (dict, Mapping)):
            return value
        if discriminator is not None:
            tag = value.get(discriminator, _REQUIRED)
            try:
                found = by_tag.get((type(tag), tag))
            except TypeError:
                found = None
            if found is not None and all(k in value for k in found[1]):
                return found[0].from_dict(value)
        fallback = None
        for cls, consts, required in tagged:
            fits = all(
                _equal(value[k], v) if k in value else k not in required for k, v in consts.items()
            )
            if fits:
                if all(k in value for k in required):
                    return cls.from_dict(value)
                fallback = fallback or cls
        return (fallback or UnknownChoice).from_dict(value)

    return read


def each(wrap: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The reader of an array attribute whose items are objects."""

    def read(value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [wrap(v) if isinstance(v, Mapping) else v for v in value]

    return read


def nested(cls: type[Configuration]) -> Callable[[Any], Any]:
    """The reader of a nested object attribute."""

    def read(value: Any) -> Any:
        return cls.from_dict(value) if isinstance(value, (dict, Mapping)) else value

    return read


def _equal(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b
