"""entra_csa: the offline engine for Microsoft Entra ID custom security attributes.

It reads Microsoft Graph's own JSON (catalogs of attribute sets and definitions, directory
objects, callers' role assignments, ``PATCH`` bodies) and decides every request exactly as
Microsoft Graph would: the diff of an accepted request, or every violation of a refused one,
each with a stable code, a JSON Pointer and a hint.

The one-shot functions mirror the ``csa`` command line: each returns the JSON document
``csa <command> --format json`` prints, as dicts and lists. ``Engine`` compiles a catalog
once for hot loops and threads. Documents are ``str``/``bytes`` (JSON text) or ``dict``/
``list`` (parsed data, written back as JSON with ``json.dumps``, keys in their order).

>>> import entra_csa
>>> catalog = {"attributeSets": [{"id": "Engineering"}],
...     "customSecurityAttributeDefinitions": [{"attributeSet": "Engineering",
...     "name": "Site", "type": "String", "isCollection": False, "isSearchable": True,
...     "status": "Available", "usePreDefinedValuesOnly": False}]}
>>> patch = {"customSecurityAttributes": {"Engineering": {
...     "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
...     "Site": "Oslo"}}}
>>> result = entra_csa.check(catalog, patch)
>>> result["allowed"], result["changes"][0]["attribute"]
(True, 'Engineering_Site')
"""

from ._errors import InputError
from ._native import (
    Actor,
    Engine,
    Evaluation,
    Object,
    QueryResult,
    View,
    __version__,
    apply,
    check,
    define,
    evolve,
    filter,
    lint,
    plan,
    search,
    view,
)
from ._types import ChangeDict, Document, JSONObject, ObjectType, ViolationDict, WarningDict

__all__ = [
    "Actor",
    "ChangeDict",
    "Document",
    "Engine",
    "Evaluation",
    "InputError",
    "JSONObject",
    "Object",
    "ObjectType",
    "QueryResult",
    "View",
    "ViolationDict",
    "WarningDict",
    "__version__",
    "apply",
    "check",
    "define",
    "evolve",
    "filter",
    "lint",
    "plan",
    "search",
    "view",
]
