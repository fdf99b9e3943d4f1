"""Scopes: which units a unit's value is made of.

* ``own``: the unit's own observation (its own tier's work);
* ``tier:<level>``: the pool of the unit's descendants on one level
  ("all communes of this province");
* ``territory``: the unit itself and all its descendants.

Examples
--------
>>> from cchc_indicators.core.scopes import Scope, tier
>>> Scope.parse("tier:district") == tier("district")
True
"""

from __future__ import annotations

from typing import Literal

import attrs

from cchc_indicators.core.errors import DefinitionError

__all__ = ["Scope", "own", "territory", "tier"]

ScopeKind = Literal["own", "tier", "territory"]


@attrs.frozen
class Scope:
    """Which units a unit's value is made of.

    Parameters
    ----------
    kind
        ``"own"``: the unit's own observation (its own tier's work);
        ``"tier"``: the pool of its descendants on ``level``;
        ``"territory"``: the unit itself and all its descendants.
    level
        The tier pooled, for ``kind="tier"`` only.

    Examples
    --------
    >>> Scope.parse("tier:commune")
    Scope(kind='tier', level='commune')
    >>> str(territory()), str(tier("district"))
    ('territory', 'tier:district')
    """

    kind: ScopeKind = attrs.field()
    level: str | None = None

    @kind.validator
    def _check(self, _attribute: object, value: str) -> None:
        if value not in ("own", "tier", "territory"):
            msg = f"unknown scope {value!r}; use 'own', 'territory' or 'tier:<level>'"
            raise DefinitionError(msg)
        if (value == "tier") != (self.level is not None):
            msg = "a tier scope names its level ('tier:commune'); other scopes take none"
            raise DefinitionError(msg)

    @classmethod
    def parse(cls, text: str | Scope) -> Scope:
        """Read ``"own"``, ``"territory"`` or ``"tier:<level>"`` (a Scope passes through).

        Parameters
        ----------
        text
            The scope as text (spaces around the parts are ignored), or a :class:`Scope`.

        Returns
        -------
        Scope
            The scope. The level of a tier scope is checked against a
            hierarchy only when a roll-up uses it.

        Raises
        ------
        DefinitionError
            If the text names no scope, or a tier scope names no level.

        Examples
        --------
        >>> Scope.parse("tier:commune"), Scope.parse(" territory ")
        (Scope(kind='tier', level='commune'), Scope(kind='territory', level=None))
        >>> Scope.parse("tier")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: a tier scope names its level ('tier:commune'); other scopes take none
        """
        if isinstance(text, Scope):
            return text
        kind, _, level = str(text).strip().partition(":")
        return cls(kind.strip(), level.strip() or None)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"tier:{self.level}" if self.kind == "tier" else self.kind


def own() -> Scope:
    """The unit's own observation.

    Examples
    --------
    >>> own()
    Scope(kind='own', level=None)
    """
    return Scope("own")


def territory() -> Scope:
    """The unit and all its descendants.

    Examples
    --------
    >>> territory().kind
    'territory'
    """
    return Scope("territory")


def tier(level: str) -> Scope:
    """The pool of the unit's descendants on ``level`` (e.g. all communes of a province).

    Examples
    --------
    >>> tier("commune")
    Scope(kind='tier', level='commune')
    """
    return Scope("tier", level)
