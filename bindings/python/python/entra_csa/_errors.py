"""``InputError``: a document csa cannot use at all (where the ``csa`` command line exits 2)."""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Tuple


class InputError(ValueError):
    """A document csa cannot use: a catalog that is not valid (for ``check``, ``view``,
    ``plan``, ...), or an object, actor, policy or changes document that cannot be read.

    ``str(error)`` is the command line's message without a file name, e.g.
    ``invalid actor: invalid_property at /appPermissions: ...``. It is a ``ValueError``.

    Attributes:
        document: which document: ``"catalog"``, ``"object"``, ``"actor"``, ``"policy"``,
            ``"changes"``, ...
        error: ``"invalid_catalog"``, ``"invalid_object"``, ``"invalid_actor"``, ...
        item: which item of a list (``"line 3"`` of JSON Lines, ``"item 2"`` of a list or of
            ``Engine.check_many``), counted from 1; ``None`` for a single document.
        violations: every problem found, each a dict (``code``, ``pointer``, ``attribute``,
            ``message``, ``hint``, ``status``, ``graphError``), as the command line prints them.
        warnings: the warnings found alongside.
    """

    document: str
    error: str
    item: Optional[str]
    violations: List[Dict[str, Any]]
    warnings: List[Dict[str, Any]]

    def __init__(
        self,
        message: str,
        document: str,
        data: Dict[str, Any],
        warnings: List[Dict[str, Any]],
    ) -> None:
        super().__init__(message)
        self.document = document
        self.error = data["error"]
        self.item = data.get("item")
        self.violations = data["violations"]
        self.warnings = warnings
        self._data = data

    def to_dict(self) -> Dict[str, Any]:
        """The JSON document the command line prints with ``--format json`` for an invalid
        catalog: ``{"error": "invalid_catalog", "violations": [...]}`` (``"item"`` too, for
        an item of a list)."""
        return copy.deepcopy(self._data)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (
            type(self),
            (str(self), self.document, self._data, self.warnings),
        )
