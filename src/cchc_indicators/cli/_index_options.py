"""Reading the options of ``cchc index`` that are not files, each error naming its option.

:func:`_options` checks where each option may be given (``--seed`` and the
other Monte Carlo options need ``--uncertainty``; ``--normalisation``,
``--aggregation``, ``--nodes`` and ``--groups`` are for composite indices
only) and reads the values: numbers, the period, the note, the weight noise
(:data:`DEFAULT_NOISE` by default), the alternatives of a method
(:func:`parse_alternatives`) and the nodes to keep. :mod:`cchc_indicators.cli._index`
runs the command with what they return.
"""

from __future__ import annotations

import argparse
import functools
import math
from collections.abc import Callable
from typing import Any, Literal

import attrs

from cchc_indicators import composite
from cchc_indicators.composite import points
from cchc_indicators.composite._definition import check_method
from cchc_indicators.composite.uncertainty import Dirichlet, WeightNoise
from cchc_indicators.core._periods import normalise_period
from cchc_indicators.core.errors import DefinitionError

__all__ = ["DEFAULT_NOISE", "Definition", "parse_alternatives"]

#: The default weight noise factor of ``--uncertainty``.
DEFAULT_NOISE = 0.25

#: What ``--structure`` names: a composite index or a points structure.
Definition = composite.CompositeIndex | points.Structure


@attrs.frozen
class _Options:
    period: str | None
    note: str
    n: int | None
    seed: int | None
    weights: WeightNoise | Dirichlet
    normalisation: tuple[composite.Method, ...] | None
    aggregation: tuple[composite.Method, ...] | None
    nodes: tuple[str, ...] | None
    rank_target: int | None
    on_unknown: Literal["raise", "ignore"] = "raise"
    treatment: composite.Method | None = None
    screening: composite.Screening | None = None


def _checked(option: str, check: Callable[[], Any]) -> Any:
    """``check()``, a definition error naming ``option`` in front of its message."""
    try:
        return check()
    except DefinitionError as exc:
        raise exc.in_context(option) from None


def _number(text: str, kind: type[float] | type[int], *, finite: bool = True) -> Any:
    try:
        value = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        msg = f"expected {what}, got {text!r}"
        raise DefinitionError(msg) from None
    if finite and not math.isfinite(value):
        msg = f"expected a finite number, got {text!r}"
        raise DefinitionError(msg)
    return value


def _at_least(text: str, what: str, low: int = 1) -> int:
    n: int = _number(text, int)
    if n < low:
        msg = f"{what} must be at least {low}, got {n}"
        raise DefinitionError(msg)
    return n


def _period(text: str) -> str:
    try:
        return normalise_period(text)
    except ValueError as exc:
        raise DefinitionError(str(exc)) from None


def _items(text: str, what: str) -> list[str]:
    """The comma-separated items of an option, none of them empty."""
    items = [x.strip() for x in text.split(",")]
    if not any(items):
        msg = f"give one or more {what}, comma-separated"
        raise DefinitionError(msg)
    if not all(items):
        msg = f"an empty item in {text!r}: give one or more {what}, comma-separated"
        raise DefinitionError(msg)
    return items


def _option_value(text: str) -> bool | int | float | str:
    """A method option's value: true/false as booleans, finite numbers as numbers, else text."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _alternative(text: str, role: str) -> composite.Method:
    """One alternative: ``NAME`` or ``NAME:OPTION=VALUE[:OPTION=VALUE...]``."""
    name, *pairs = (part.strip() for part in text.split(":"))
    if not name:
        msg = f"{text!r} has no method name before its options; write NAME:OPTION=VALUE"
        raise DefinitionError(msg)
    options: dict[str, Any] = {}
    for pair in pairs:
        key, equals, value = (part.strip() for part in pair.partition("="))
        if not (key and equals and value):
            msg = (
                f"cannot read the option {pair!r} of {text!r}; "
                "write NAME:OPTION=VALUE, e.g. geometric:shift=1"
            )
            raise DefinitionError(msg)
        if key in options:
            msg = f"option {key!r} is given twice in {text!r}"
            raise DefinitionError(msg)
        options[key] = _option_value(value)
    return composite.Method(name, options)


def parse_alternatives(text: str, role: str) -> tuple[composite.Method, ...]:
    """Read the alternatives of ``--normalisation`` or ``--aggregation``, each checked.

    Alternatives are comma-separated; each is a method name, followed by its
    options as ``:OPTION=VALUE``. A value ``true`` or ``false`` is a boolean,
    one that reads as a finite number is a number, anything else is text.

    Parameters
    ----------
    text
        The option's text.
    role
        ``"normalisation"`` or ``"aggregation"``.

    Raises
    ------
    DefinitionError
        Naming the option: for an empty list or alternative, an option that
        is not ``OPTION=VALUE`` or given twice, an unknown method or option,
        or a value of the wrong kind.

    Examples
    --------
    >>> parse_alternatives("arithmetic, geometric:shift=1", "aggregation")
    (Method(name='arithmetic', options={}), Method(name='geometric', options={'shift': 1}))
    >>> parse_alternatives("minmax:low=1:high=100,goalposts:truncate=false", "normalisation")[1]
    Method(name='goalposts', options={'truncate': False})
    >>> parse_alternatives("geometric:shift", "aggregation")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: --aggregation: cannot read the option 'shift' of 'geometric:shift'; write NAME:OPTION=VALUE, e.g. geometric:shift=1
    """
    where = f"--{role}"
    items = _checked(where, lambda: _items(text, "methods (NAME or NAME:OPTION=VALUE)"))
    methods = []
    for item in items:
        method = _checked(where, functools.partial(_alternative, item, role))
        methods.append(check_method(method, role, where))
    return tuple(methods)


def _nodes(text: str, index: composite.CompositeIndex) -> tuple[str, ...]:
    codes = _items(text, "node codes")
    known = index.levels()
    for k, code in enumerate(codes):
        if code not in known:
            msg = f"node {code!r} is not in index {index.code!r}"
            raise DefinitionError(msg)
        if code in codes[:k]:
            msg = f"node {code!r} is listed twice"
            raise DefinitionError(msg)
    return tuple(codes)


def _note(text: str) -> str:
    if "\n" in text or "\r" in text:
        msg = f"a note is one line of text, got {text!r}"
        raise DefinitionError(msg)
    return text.strip()


def _optional(option: str, text: str | None, parse: Callable[[str], Any]) -> Any:
    """``None`` for an option not given, else ``parse(text)`` with errors naming the option."""
    return None if text is None else _checked(option, lambda: parse(text))


#: The options that only mean something with ``--uncertainty``.
_MONTE_CARLO = (
    "seed",
    "noise",
    "dirichlet",
    "normalisation",
    "aggregation",
    "nodes",
    "rank_target",
)

#: Why a points structure refuses an option of composite indices.
_NOT_FOR_POINTS = {
    "treatment": "scores points, not indicators' values; --treatment is for composite indices",
    "screen": "scores every unit with a value; screening is for composite indices",
    "screen_nonzero": "scores every unit with a value; screening is for composite indices",
    "screen_order": "scores every unit with a value; screening is for composite indices",
    "include": "scores every unit with a value; screening is for composite indices",
    "exclude": "scores every unit with a value; screening is for composite indices",
    "diagnostics": "has no indicator statistics; --diagnostics is for composite indices",
    "normalisation": "has no normalisation to vary; only composite indices do",
    "aggregation": "has no aggregation to vary; only composite indices do",
    "nodes": "keeps the replications of its index only; --nodes is for composite indices",
    "groups": "imputes nothing; --groups is for a composite index imputing by group_mean",
}


def _check_placement(args: argparse.Namespace, definition: Definition) -> None:
    """Refuse options that do not fit the definition, or that need ``--uncertainty``."""
    if isinstance(definition, points.Structure):
        for name, why in _NOT_FOR_POINTS.items():
            if getattr(args, name) is not None:
                msg = f"--{name.replace('_', '-')}: a points structure ({definition.code!r}) {why}"
                raise DefinitionError(msg)
    else:
        imputation = definition.imputation.name
        if imputation == "group_mean" and args.groups is None:
            msg = (
                f"--groups: index {definition.code!r} imputes missing values by group_mean: "
                "give --groups FILE (a CSV file unit,group)"
            )
            raise DefinitionError(msg)
        if imputation != "group_mean" and args.groups is not None:
            msg = (
                f"--groups: index {definition.code!r} imputes by {imputation!r}; "
                "groups are only read for group_mean"
            )
            raise DefinitionError(msg)
    if args.uncertainty is None:
        for name in _MONTE_CARLO:
            if getattr(args, name) is not None:
                msg = f"--{name.replace('_', '-')}: needs --uncertainty N (the number of replications)"
                raise DefinitionError(msg)


def _share_option(text: str) -> float:
    value: float = _number(text, float)
    if not 0 <= value <= 1:
        msg = f"expected a share from 0 to 1, got {text!r}"
        raise DefinitionError(msg)
    return value


def _treatment_option(text: str) -> composite.Method:
    """``--treatment``: one method, ``NAME`` or ``NAME:OPTION=VALUE[:...]``."""
    # _optional names the option in front of any error raised here.
    items = _items(text, "treatment (NAME or NAME:OPTION=VALUE)")
    if len(items) != 1:
        msg = f"give one treatment, got {len(items)}: {text!r}"
        raise DefinitionError(msg)
    method = _alternative(items[0], "treatment")
    try:
        return check_method(method, "treatment", "--treatment")
    except DefinitionError as err:
        raise DefinitionError(err.message.removeprefix("--treatment: ")) from None


def _screening(
    args: argparse.Namespace, index: composite.CompositeIndex
) -> composite.Screening | None:
    """The index's screening with the screening options laid over it (``None``: neither)."""
    given = {
        "min_share": _optional("--screen", args.screen, _share_option),
        "min_nonzero": _optional("--screen-nonzero", args.screen_nonzero, _share_option),
        "order": args.screen_order,
        "include": _optional("--include", args.include, lambda t: _items(t, "unit codes")),
        "exclude": _optional("--exclude", args.exclude, lambda t: _items(t, "unit codes")),
    }
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return index.screening
    base = index.screening.to_dict() if index.screening is not None else {}
    merged = {**base, **given}
    rules = "min_share" in merged or "min_nonzero" in merged
    if "include" in given and not rules:
        msg = (
            "--include: units are forced in against a screening rule; give --screen or "
            "--screen-nonzero (or an index whose screening has one)"
        )
        raise DefinitionError(msg)
    if "order" in given and not rules and "exclude" not in merged:
        msg = (
            "--screen-order: the order of imputation and screening matters only when units are "
            "screened out; give --screen, --screen-nonzero or --exclude"
        )
        raise DefinitionError(msg)
    options = ", ".join(
        f"--{k}" for k in ("screen", "screen-nonzero", "screen-order", "include", "exclude")
    )
    screening: composite.Screening = _checked(
        options, lambda: composite.Screening.from_dict({**base, **given})
    )
    return screening


def _options(args: argparse.Namespace, definition: Definition) -> _Options:
    """Read the options that are not files, each error naming its option."""
    _check_placement(args, definition)
    weights: WeightNoise | Dirichlet
    if args.dirichlet is not None:
        if args.noise is not None:
            msg = "--dirichlet: give either --noise or --dirichlet, not both"
            raise DefinitionError(msg)
        weights = _checked(
            "--dirichlet", lambda: Dirichlet(_number(args.dirichlet, float, finite=False))
        )
    else:
        noise = str(DEFAULT_NOISE) if args.noise is None else args.noise
        weights = _checked("--noise", lambda: WeightNoise(_number(noise, float)))
    nodes = None
    if args.nodes is not None:
        assert isinstance(definition, composite.CompositeIndex)  # _check_placement saw to it
        nodes = _checked("--nodes", lambda: _nodes(args.nodes, definition))
    return _Options(
        period=_optional("--period", args.period, _period),
        note=_optional("--note", args.note, _note) or "",
        n=_optional(
            "--uncertainty",
            args.uncertainty,
            lambda text: _at_least(text, "the number of replications"),
        ),
        seed=_optional("--seed", args.seed, lambda text: _at_least(text, "a seed", 0)),
        weights=weights,
        normalisation=None
        if args.normalisation is None
        else parse_alternatives(args.normalisation, "normalisation"),
        aggregation=None
        if args.aggregation is None
        else parse_alternatives(args.aggregation, "aggregation"),
        nodes=nodes,
        rank_target=_optional(
            "--rank-target", args.rank_target, lambda text: _at_least(text, "a rank target")
        ),
        on_unknown="ignore" if args.ignore_unknown else "raise",
        treatment=_optional("--treatment", args.treatment, _treatment_option),
        screening=None
        if not isinstance(definition, composite.CompositeIndex)
        else _screening(args, definition),
    )
