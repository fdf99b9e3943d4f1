"""Errors raised by :mod:`cchc_indicators`.

Every error derives from :class:`CchcError` and from the builtin exception that
fits it, so ``except ValueError`` and ``except KeyError`` keep working for
callers that do not know this library. Errors carry structured attributes (the
code, the row, the field) and survive pickling, so they can cross process
boundaries.

Examples
--------
>>> from cchc_indicators.core.errors import Problem, InvalidDataError
>>> err = InvalidDataError(
...     [Problem("row 3: 'unit' is empty", row=3, field="unit", kind="empty_field")],
...     source="units.csv",
... )
>>> print(err)
units.csv: 1 problem
  row 3, field 'unit': row 3: 'unit' is empty
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "ArgumentTypeError",
    "CchcError",
    "DefinitionError",
    "HierarchyError",
    "IncompatibleStatesError",
    "InvalidDataError",
    "MissingDependencyError",
    "PanelError",
    "PeriodError",
    "Problem",
    "RuleMismatchError",
    "UnknownIndicatorError",
    "UnknownLevelError",
    "UnknownPeriodError",
    "UnknownUnitError",
]

#: How many problems a bulk-validation error lists in its message.
MESSAGE_LIMIT = 20


class CchcError(Exception):
    """Base class of every error raised by this library.

    Examples
    --------
    >>> from cchc_indicators.core.errors import CchcError, UnknownUnitError
    >>> issubclass(UnknownUnitError, CchcError)
    True
    """


class DefinitionError(CchcError, ValueError):
    """A definition (indicator, measure, rule, scope) is invalid.

    Raised at construction time, before any data is seen.

    Examples
    --------
    >>> from cchc_indicators import Indicator, measures
    >>> try:
    ...     Indicator("x", "X", measure=measures.percent(), rule="sum")
    ... except DefinitionError as err:
    ...     print(err.code)
    x
    """

    def __init__(
        self, message: str, *, code: str | None = None, parameter: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        #: The code of the indicator (or other definition) at fault, if any.
        self.code = code
        #: The keyword argument the message asks to set (``"rank_k"``, ...), if any: the
        #: command line names its own option for it instead.
        self.parameter = parameter

    def __reduce__(self) -> tuple[object, ...]:
        kwargs = {"code": self.code, "parameter": self.parameter}
        return (_rebuild, (type(self), (self.message,), kwargs))

    def __str__(self) -> str:
        return self.message

    def in_context(self, where: str, *, code: str | None = None) -> DefinitionError:
        """Return the same error, of the same type, with ``where`` and a colon before its message.

        Used to say which file or indicator a nested definition error is about.

        Examples
        --------
        >>> err = RuleMismatchError("rule 'sum' does not fit", rule="sum")
        >>> wrapped = err.in_context("plan.json", code="q")
        >>> type(wrapped).__name__, str(wrapped), wrapped.rule, wrapped.code
        ('RuleMismatchError', "plan.json: rule 'sum' does not fit", 'sum', 'q')
        """
        extra = {"rule": self.rule} if isinstance(self, RuleMismatchError) else {}
        return type(self)(
            f"{where}: {self.message}", code=code or self.code, parameter=self.parameter, **extra
        )


class RuleMismatchError(DefinitionError):
    """An aggregation rule does not fit an indicator's measure.

    The message names the indicator and suggests the rules that do fit.

    Examples
    --------
    >>> from cchc_indicators import Indicator, measures
    >>> try:
    ...     Indicator("staff", "Biên chế", measure=measures.count(), rule="ratio_of_sums")
    ... except RuleMismatchError as err:
    ...     print(err.rule)
    ratio_of_sums
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        rule: str = "",
        parameter: str | None = None,
    ) -> None:
        super().__init__(message, code=code, parameter=parameter)
        #: The name of the rejected rule.
        self.rule = rule

    def __reduce__(self) -> tuple[object, ...]:
        kwargs = {"code": self.code, "rule": self.rule, "parameter": self.parameter}
        return (_rebuild, (type(self), (self.message,), kwargs))


class ArgumentTypeError(CchcError, TypeError):
    """An argument of a public function is not of the type it must be.

    The message names the function, the parameter, what is expected and what
    was given, and, where there is one, how to get the right thing (a
    catalogue name is loaded with :func:`cchc_indicators.core.catalog.load`, an
    edition name with :func:`cchc_indicators.units.editions.load`).

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> from cchc_indicators import Plan
    >>> try:
    ...     Plan.from_json(2024)
    ... except ArgumentTypeError as err:
    ...     print(err.parameter, "|", err)
    source | Plan.from_json: 'source' must be JSON text (str) or a file (pathlib.Path), got int 2024
    >>> issubclass(ArgumentTypeError, TypeError)
    True
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The parameter at fault, if known.
        self.parameter = parameter

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), (self.message,), {"parameter": self.parameter}))


class IncompatibleStatesError(CchcError, ValueError):
    """Two roll-up states cannot be merged: different indicator, rule, scope or hierarchy.

    Also raised when merged chunks hold the same observation twice.

    Examples
    --------
    >>> issubclass(IncompatibleStatesError, ValueError)
    True
    """


class MissingDependencyError(CchcError, ImportError):
    """An optional package a function needs is not installed; the message says how to install it.

    ``except ImportError`` keeps working for callers that do not know this library.

    Examples
    --------
    >>> err = MissingDependencyError(
    ...     "evaluation_workbook needs openpyxl", extra="excel", package="openpyxl")
    >>> print(err)
    evaluation_workbook needs openpyxl
    >>> err.extra, err.package, isinstance(err, ImportError)
    ('excel', 'openpyxl', True)
    """

    def __init__(
        self, message: str, *, extra: str | None = None, package: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        #: The optional extra of cchc-indicators that installs the package.
        self.extra = extra
        #: The missing package.
        self.package = package

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        kwargs = {"extra": self.extra, "package": self.package}
        return (_rebuild, (type(self), (self.message,), kwargs))


class PeriodError(CchcError, ValueError):
    """A period or a granularity is malformed, or a conversion between granularities is impossible.

    Raised, for instance, when observations given by the year are to be split
    into quarters: a conversion only goes to a coarser granularity.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> from cchc_indicators.data.periods import enclosing
    >>> try:
    ...     enclosing("2024", "quarter")
    ... except PeriodError as err:
    ...     print(err, "|", err.granularity, err.target)
    '2024' is a year, which cannot be split into quarters; a conversion only goes to a coarser granularity | year quarter
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        granularity: str | None = None,
        target: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        #: The indicator at fault, if any.
        self.code = code
        #: The granularity held (``"year"``, ``"quarter"``, ``"month"``), if known.
        self.granularity = granularity
        #: The granularity asked for, if any.
        self.target = target

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        kwargs = {"code": self.code, "granularity": self.granularity, "target": self.target}
        return (_rebuild, (type(self), (self.message,), kwargs))


class _LookupError(CchcError, KeyError):
    """A name looked up in a collection is not there (message not quoted)."""

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.message = message
        #: The key that was not found.
        self.key = key

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), (self.message,), {"key": self.key}))


class UnknownUnitError(_LookupError):
    """An administrative-unit code is not in the hierarchy.

    Examples
    --------
    >>> from cchc_indicators import Hierarchy
    >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
    >>> try:
    ...     h.unit("99")
    ... except UnknownUnitError as err:
    ...     print(err)
    unknown unit code '99' in hierarchy (edition None, 1 units)
    """


class UnknownLevelError(_LookupError):
    """A level name is not one of the hierarchy's levels.

    Examples
    --------
    >>> from cchc_indicators import Hierarchy
    >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
    >>> try:
    ...     h.units("ward")
    ... except UnknownLevelError as err:
    ...     print(err)
    unknown level 'ward'; the levels are 'province', 'district', 'commune'
    """


class UnknownPeriodError(_LookupError):
    """A period is not among those of the data.

    Examples
    --------
    >>> str(UnknownPeriodError("period '2030' is not in the panel", key="2030"))
    "period '2030' is not in the panel"
    """


class UnknownIndicatorError(_LookupError):
    """An indicator code is not known where it was looked up.

    Examples
    --------
    >>> from cchc_indicators import Hierarchy, Panel
    >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
    >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": "2024", "value": 1}], h)
    >>> try:
    ...     p.data_of("b")
    ... except UnknownIndicatorError as err:
    ...     print(err)
    indicator 'b' is not in the panel; it holds 'a'
    """


@attrs.frozen
class Problem:
    """One problem found while validating a file or a set of records.

    Parameters
    ----------
    message
        What is wrong, naming the rule and the value.
    row
        The row number: for a CSV file, the line as a spreadsheet shows it (the
        header is row 1); for records, the position in the sequence (from 0).
        ``None`` when the problem is not tied to one row.
    field
        The column at fault, if any.
    kind
        A stable machine-readable label (``"duplicate_code"``, ``"unknown_unit"``, ...).

    Examples
    --------
    >>> Problem("'parent' '99' is not a unit", row=4, field="parent", kind="unknown_parent")
    Problem(message="'parent' '99' is not a unit", row=4, field='parent', kind='unknown_parent')
    """

    message: str
    row: int | None = None
    field: str | None = None
    kind: str = "invalid"

    def describe(self) -> str:
        """Return the problem as one line: where, then what.

        Examples
        --------
        >>> Problem("must be a number: 'abc'", row=7, field="value").describe()
        "row 7, field 'value': must be a number: 'abc'"
        """
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class InvalidDataError(CchcError, ValueError):
    """Input data failed validation; every problem found is listed.

    Parameters
    ----------
    problems
        All problems found (the message lists the first 20).
    source
        The file name, or ``"<records>"`` for in-memory records.

    Attributes
    ----------
    problems : tuple of Problem
        Every problem, in row order.
    source : str
        Where the data came from.

    Examples
    --------
    >>> err = InvalidDataError([Problem("bad", row=2, kind="x")], source="data.csv")
    >>> err.kinds
    ('x',)
    """

    def __init__(self, problems: Iterable[Problem], *, source: str = "<records>") -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{self.source}: {n} problem{'s' if n != 1 else ''}"
        lines = [head] + ["  " + p.describe() for p in self.problems[:MESSAGE_LIMIT]]
        if n > MESSAGE_LIMIT:
            lines.append(f"  ... and {n - MESSAGE_LIMIT} more")
        return "\n".join(lines)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The distinct problem kinds, in order of first appearance.

        Examples
        --------
        >>> err = InvalidDataError(
        ...     [
        ...         Problem("unknown unit '99'", row=2, field="unit", kind="unknown_unit"),
        ...         Problem("not a period: 'x'", row=3, field="period", kind="bad_period"),
        ...         Problem("unknown unit '98'", row=5, field="unit", kind="unknown_unit"),
        ...     ],
        ...     source="obs.csv",
        ... )
        >>> err.kinds
        ('unknown_unit', 'bad_period')
        """
        return tuple(dict.fromkeys(p.kind for p in self.problems))

    def first_line(self) -> str:
        """Return a one-line summary naming the source, row and field of the first problem.

        Examples
        --------
        >>> err = InvalidDataError([Problem("bad", row=2, field="unit")], source="d.csv")
        >>> err.first_line()
        "d.csv: row 2, field 'unit': bad"
        """
        first = self.problems[0].describe() if self.problems else "invalid data"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more != 1 else ''})" if more > 0 else ""
        return f"{self.source}: {first}{suffix}"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), (self.problems,), {"source": self.source}))

    def __str__(self) -> str:
        return self._message()


class HierarchyError(InvalidDataError):
    """A list of administrative units is invalid (duplicate code, unknown parent, ...).

    Examples
    --------
    >>> from cchc_indicators import Hierarchy
    >>> try:
    ...     Hierarchy.from_records([{"code": "", "name": "?", "level": "province"}])
    ... except HierarchyError as err:
    ...     print(err.kinds)
    ('empty_code',)
    """


class PanelError(InvalidDataError):
    """A set of observations is invalid (unknown unit, duplicate key, bad number, ...).

    Examples
    --------
    >>> from cchc_indicators import Hierarchy, Panel
    >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
    >>> try:
    ...     Panel.from_records([{"indicator": "a", "unit": "27", "period": "2024", "value": 1}], h)
    ... except PanelError as err:
    ...     print(err.kinds)
    ('unknown_unit',)
    """


def _rebuild(
    cls: type[Exception], args: tuple[object, ...], kwargs: dict[str, object]
) -> Exception:
    return cls(*args, **kwargs)
