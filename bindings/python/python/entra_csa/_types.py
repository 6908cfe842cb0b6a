"""The types of entra_csa's arguments and results, for annotations (importable at run time)."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

#: A JSON document: text as written (``str``, ``bytes``, ``bytearray``), or data already parsed
#: (``dict``, ``list``), which is written as JSON with ``json.dumps`` (keys in their order).
Document = Union[str, bytes, bytearray, Dict[str, Any], List[Any]]

#: The kinds of object ``object_type`` takes (``--object-type``).
ObjectType = Literal["user", "servicePrincipal", "device", "managedIdentity"]

#: A JSON object as the command line prints it.
JSONObject = Dict[str, Any]


class _ViolationFields(TypedDict):
    code: str
    pointer: str
    attribute: Optional[str]
    message: str
    hint: Optional[str]
    status: int
    graphError: str


class ViolationDict(_ViolationFields, total=False):
    """One rule broken: a stable code, a JSON Pointer, the attribute, a message and a hint,
    with Graph's status and error code (``offset`` into a ``$filter`` text, for
    ``invalid_filter``)."""

    offset: int


class WarningDict(TypedDict):
    """Something worth knowing that refuses nothing."""

    code: str
    pointer: str
    attribute: Optional[str]
    message: str


class ChangeDict(TypedDict):
    """One attribute's change: ``op`` is ``"add"``, ``"replace"`` or ``"remove"``; ``before``
    and ``after`` are the values (``None`` for none)."""

    op: str
    attribute: str
    attributeSet: str
    name: str
    before: Any
    after: Any


__all__ = ["ChangeDict", "Document", "JSONObject", "ObjectType", "ViolationDict", "WarningDict"]
