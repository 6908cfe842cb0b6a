"""Type stubs of entra_csa's native module (the Rust extension built with PyO3)."""

from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union, final

from ._types import ChangeDict, Document, JSONObject, ObjectType, ViolationDict, WarningDict

__version__: str
__all__ = [
    "Actor",
    "Engine",
    "Evaluation",
    "Object",
    "QueryResult",
    "View",
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

# A `(object, patch)` or `(object, patch, actor)` item of `Engine.check_many`.
_ObjectArg = Union["Object", Document, None]
_ActorArg = Union["Actor", Document, None]
_BatchItem = Union[
    Tuple[_ObjectArg, Document],
    Tuple[_ObjectArg, Document, _ActorArg],
    Sequence[Any],
]

# -------------------------------------------------------------------------------------------
# One-shot functions: each returns the document `csa <command> --format json` prints.

def check(
    catalog: Document,
    patch: Document,
    *,
    object: Optional[Document] = None,
    actor: Optional[Document] = None,
    policy: Optional[Document] = None,
    object_type: Optional[ObjectType] = None,
    allow_synced: bool = False,
    audit: bool = False,
) -> JSONObject:
    """Checks a PATCH body as Microsoft Graph would decide it (``csa check --format json``)."""

def view(
    catalog: Document,
    object: Document,
    *,
    actor: Optional[Document] = None,
    policy: Optional[Document] = None,
) -> JSONObject:
    """What ``GET ...?$select=customSecurityAttributes`` returns to the caller (``csa view``)."""

def lint(catalog: Document, *, policy: Optional[Document] = None) -> JSONObject:
    """Every problem of a catalog (``csa lint --format json``)."""

def plan(
    catalog: Document,
    object: Document,
    desired: Document,
    *,
    actor: Optional[Document] = None,
    policy: Optional[Document] = None,
    exclusive: bool = False,
    audit: bool = False,
) -> JSONObject:
    """The minimal PATCH from an object's state to a desired state (``csa plan``)."""

def apply(
    catalog: Document,
    object: Document,
    changes: Document,
    *,
    policy: Optional[Document] = None,
) -> JSONObject:
    """Applies the changes of ``check`` or ``plan`` if the object has not changed (``csa apply``)."""

def define(
    catalog: Document,
    method: str,
    path: str,
    *,
    body: Optional[Document] = None,
    actor: Optional[Document] = None,
    policy: Optional[Document] = None,
) -> Any:
    """Decides a Graph request on attribute sets, definitions or allowed values (``csa define``).

    A read (``GET``) returns Graph's response body; anything else the decision document."""

def evolve(
    old: Document,
    new: Document,
    *,
    objects: Optional[Document] = None,
    policy: Optional[Document] = None,
) -> JSONObject:
    """Every difference between two catalogs and the assignments it affects (``csa evolve``)."""

def search(
    catalog: Document,
    object: Document,
    text: str,
    *,
    set: Optional[str] = None,
    actor: Optional[Document] = None,
    policy: Optional[Document] = None,
) -> JSONObject:
    """The portal's search on one object (``csa search --format json``)."""

def filter(
    catalog: Document,
    objects: Document,
    *,
    filter: Optional[str] = None,
    query: Optional[str] = None,
    actor: Optional[Document] = None,
    count: bool = False,
    consistency_level: Optional[str] = None,
    select: Union[str, Sequence[str], None] = None,
    top: Optional[int] = None,
    object_type: Optional[ObjectType] = None,
    policy: Optional[Document] = None,
) -> JSONObject:
    """Graph's answer to a list query with ``$filter`` (``csa filter --format json``)."""

# -------------------------------------------------------------------------------------------
# The compiled form.

@final
class Object:
    """A directory object as Graph returns it, parsed once."""

    def __new__(cls, document: Document, *, object_type: Optional[ObjectType] = None) -> "Object": ...
    @property
    def id(self) -> Optional[str]: ...
    @property
    def display_name(self) -> Optional[str]: ...
    @property
    def object_type(self) -> str: ...
    @property
    def custom_security_attributes(self) -> Optional[JSONObject]: ...

@final
class Actor:
    """A caller's role assignments and app permissions, parsed once."""

    def __new__(cls, document: Document) -> "Actor": ...
    @property
    def warnings(self) -> List[WarningDict]: ...

@final
class Evaluation:
    """The decision on one PATCH (``Engine.check``) or plan (``Engine.plan``)."""

    @property
    def allowed(self) -> bool: ...
    @property
    def authorization(self) -> str: ...
    @property
    def changes(self) -> List[ChangeDict]: ...
    @property
    def violations(self) -> List[ViolationDict]: ...
    @property
    def warnings(self) -> List[WarningDict]: ...
    @property
    def request(self) -> Optional[JSONObject]: ...
    @property
    def state(self) -> Optional[JSONObject]: ...
    @property
    def audit(self) -> Optional[JSONObject]: ...
    def graph_response(self) -> Tuple[int, Optional[JSONObject]]:
        """``(status, body)`` as ``csa check --format graph`` prints them."""
    def to_dict(self) -> JSONObject:
        """The document ``entra_csa.check`` returns."""

@final
class View:
    """What a caller may read of an object (``Engine.view``)."""

    @property
    def custom_security_attributes(self) -> Optional[JSONObject]: ...
    @property
    def authorization(self) -> str: ...
    def graph_response(self) -> Tuple[int, Optional[JSONObject]]: ...
    def to_dict(self) -> JSONObject: ...

@final
class QueryResult:
    """Graph's answer to a list query (``Engine.filter``)."""

    @property
    def allowed(self) -> bool: ...
    @property
    def count(self) -> Optional[int]: ...
    @property
    def value(self) -> List[JSONObject]: ...
    @property
    def violations(self) -> List[ViolationDict]: ...
    def graph_response(self) -> Tuple[int, Optional[JSONObject]]: ...
    def to_dict(self) -> JSONObject: ...

@final
class Engine:
    """A catalog compiled once with its policy; immutable and safe to share across threads."""

    def __new__(cls, catalog: Document, policy: Optional[Document] = None) -> "Engine": ...
    def check(
        self,
        patch: Document,
        *,
        object: _ObjectArg = None,
        actor: _ActorArg = None,
        object_type: Optional[ObjectType] = None,
        audit: bool = False,
    ) -> Evaluation: ...
    def check_many(
        self,
        items: Iterable[_BatchItem],
        *,
        actor: _ActorArg = None,
        object_type: Optional[ObjectType] = None,
        audit: bool = False,
        threads: Optional[int] = None,
    ) -> List[Evaluation]: ...
    def view(self, object: Union[Object, Document], *, actor: _ActorArg = None) -> View: ...
    def plan(
        self,
        object: Union[Object, Document],
        desired: Document,
        *,
        actor: _ActorArg = None,
        exclusive: bool = False,
        audit: bool = False,
    ) -> Evaluation: ...
    def filter(
        self,
        objects: Union[Sequence[Object], Document],
        *,
        filter: Optional[str] = None,
        query: Optional[str] = None,
        actor: _ActorArg = None,
        count: bool = False,
        consistency_level: Optional[str] = None,
        select: Union[str, Sequence[str], None] = None,
        top: Optional[int] = None,
        object_type: Optional[ObjectType] = None,
    ) -> QueryResult: ...
    def search(
        self,
        object: Union[Object, Document],
        text: str,
        *,
        set: Optional[str] = None,
        actor: _ActorArg = None,
    ) -> JSONObject: ...
