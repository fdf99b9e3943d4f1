"""Plans: a named, sourced collection of indicators with their targets, saved as JSON.

A :class:`Plan` holds what a reform plan says: its title, the document that
issued it (number, date, issuer), its period, baseline and deadline, the unit
it is about and the edition of the unit list, and its indicators with their
targets. It round-trips to JSON losslessly; the JSON format is described by a
JSON Schema shipped in the package (:func:`schema`).

Examples
--------
>>> from cchc_indicators import Indicator
>>> from cchc_indicators.core.plan import Plan
>>> from cchc_indicators.core.targets import at_least
>>> plan = Plan(
...     "demo-plan",
...     title="Kế hoạch thử",
...     title_en="A demo plan",
...     indicators=[Indicator("p", "Tỷ lệ", targets=[at_least(80)])],
...     baseline="2021",
...     deadline="2025",
... )
>>> Plan.from_json(plan.to_json()) == plan
True
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from cchc_indicators.core._loading import check_nesting, json_type, load_json
from cchc_indicators.core._periods import normalise_period, period_end_key
from cchc_indicators.core.errors import DefinitionError, UnknownIndicatorError
from cchc_indicators.core.indicators import Indicator

__all__ = ["SCHEMA_VERSION", "Plan", "schema"]

#: The version of the plan JSON format written by :meth:`Plan.to_json`.
SCHEMA_VERSION = 1

_CODE = re.compile(r"^[a-z0-9][a-z0-9._\-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _period(value: object) -> str:
    try:
        return normalise_period(value)
    except ValueError as exc:
        raise DefinitionError(str(exc)) from None


def _period_or_none(value: object) -> str | None:
    return None if value is None else _period(value)


def _to_tier_map(value: object) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    try:
        pairs = [(k, v) for k, v in items]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        msg = f"a plan's tier_map maps a tier to another, such as {{'district': 'commune'}}; got {value!r}"
        raise DefinitionError(msg) from None
    for k, v in pairs:
        if not (isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()) or k == v:
            msg = f"a plan's tier_map maps a tier name to another tier name, got {k!r} -> {v!r}"
            raise DefinitionError(msg)
    return tuple(sorted(pairs))


def _is_text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"a plan's {attribute.name!r} is text, got {value!r}"
        raise DefinitionError(msg)


def _is_text_or_none(
    _instance: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None and not isinstance(value, str):
        msg = f"a plan's {attribute.name!r} is text, got {value!r}"
        raise DefinitionError(msg)


def _is_name_or_none(
    _instance: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    _is_text_or_none(_instance, attribute, value)
    if isinstance(value, str) and not value.strip():
        msg = f"a plan's {attribute.name!r} is a non-empty name or None, got {value!r}"
        raise DefinitionError(msg)


def _indicators(value: Iterable[object]) -> tuple[Indicator, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        msg = f"a plan's indicators are a list of Indicator objects, got {value!r}"
        raise DefinitionError(msg)
    out: list[Indicator] = []
    for ind in value:
        if not isinstance(ind, Indicator):
            msg = f"a plan's indicators must be Indicator objects, got {ind!r}"
            raise DefinitionError(msg)
        out.append(ind)
    return tuple(out)


@attrs.frozen
class Plan:
    """A reform plan: metadata and indicators with targets.

    Parameters
    ----------
    code
        The plan's identifier (lower case, digits, ``-``, ``.``, ``_``), such
        as ``"vinh-phuc-2021-2025"``.
    title, title_en
        The title in Vietnamese and in English.
    document
        The issuing document's number, such as ``"2866/QĐ-UBND"``.
    issuer
        Who issued it, such as ``"Ủy ban nhân dân tỉnh Vĩnh Phúc"``.
    date
        The document's date, ``YYYY-MM-DD``.
    start, end
        The plan's period (``"2021"``, ``"2025"``).
    baseline
        The baseline period of relative targets (default: ``start``).
    deadline
        The period by which targets must hold, unless a target names its own
        (default: ``end``).
    unit
        The code of the unit the plan is about (``"26"``), or ``None`` for
        every unit on the top level.
    edition
        The edition of the unit list its codes refer to (``"2024"``).
    units
        The name of the embedded unit list evaluations use by default
        (see :func:`cchc_indicators.datasets.units`), if any.
    indicators
        The indicators, each carrying its targets.
    notes
        Free text: what was left out and why, caveats.
    tier_map
        Tiers the plan's targets are evaluated on instead of a tier the units
        no longer have, such as ``{"district": "commune"}`` for evaluations on
        the two-tier units in force since 1 July 2025 (a mapping; kept as
        sorted pairs). :func:`~cchc_indicators.evaluation.evaluate` applies it.

    Raises
    ------
    DefinitionError
        On an invalid code, date or period, a deadline not after the baseline,
        or two indicators with the same code.
    """

    code: str = attrs.field()
    title: str = attrs.field(default="", kw_only=True, validator=_is_text)
    title_en: str = attrs.field(default="", kw_only=True, validator=_is_text)
    document: str = attrs.field(default="", kw_only=True, validator=_is_text)
    issuer: str = attrs.field(default="", kw_only=True, validator=_is_text)
    date: str | None = attrs.field(default=None, kw_only=True, validator=_is_text_or_none)
    start: str | None = attrs.field(default=None, kw_only=True, converter=_period_or_none)
    end: str | None = attrs.field(default=None, kw_only=True, converter=_period_or_none)
    baseline: str | None = attrs.field(default=None, kw_only=True, converter=_period_or_none)
    deadline: str | None = attrs.field(default=None, kw_only=True, converter=_period_or_none)
    unit: str | None = attrs.field(default=None, kw_only=True, validator=_is_name_or_none)
    edition: str | None = attrs.field(default=None, kw_only=True, validator=_is_name_or_none)
    units: str | None = attrs.field(default=None, kw_only=True, validator=_is_name_or_none)
    indicators: tuple[Indicator, ...] = attrs.field(
        factory=tuple, kw_only=True, converter=_indicators
    )
    notes: str = attrs.field(default="", kw_only=True, validator=_is_text)
    tier_map: tuple[tuple[str, str], ...] = attrs.field(
        factory=tuple, kw_only=True, converter=_to_tier_map
    )

    @code.validator
    def _check_code(self, _attribute: object, value: object) -> None:
        if not isinstance(value, str) or not _CODE.match(value):
            msg = f"plan code {value!r} is not valid: use lower-case letters, digits, '-', '.', '_'"
            raise DefinitionError(msg)

    def __attrs_post_init__(self) -> None:
        if self.baseline is None and self.start is not None:
            object.__setattr__(self, "baseline", self.start)
        if self.deadline is None and self.end is not None:
            object.__setattr__(self, "deadline", self.end)
        if self.date is not None and not _DATE.match(self.date):
            msg = f"plan {self.code!r}: 'date' is written YYYY-MM-DD, got {self.date!r}"
            raise DefinitionError(msg)
        if (
            self.baseline is not None
            and self.deadline is not None
            and period_end_key(self.deadline) <= period_end_key(self.baseline)
        ):
            msg = f"plan {self.code!r}: the deadline {self.deadline} is not after the baseline {self.baseline}"
            raise DefinitionError(msg)
        seen: set[str] = set()
        for ind in self.indicators:
            if ind.code in seen:
                msg = f"plan {self.code!r}: indicator {ind.code!r} appears twice"
                raise DefinitionError(msg, code=ind.code)
            seen.add(ind.code)
            self._check_deadlines(ind)
        self._check_fields()

    def _check_fields(self) -> None:
        """A per-field target names indicators of this plan measured as its own indicator."""
        by_code = {ind.code: ind for ind in self.indicators}
        for ind in self.indicators:
            for t in ind.targets:
                for field in t.fields:
                    other = by_code.get(field)
                    if other is None:
                        msg = (
                            f"plan {self.code!r}: indicator {ind.code!r} has a per-field target on "
                            f"{field!r}, which is not an indicator of the plan"
                        )
                        raise DefinitionError(msg, code=ind.code)
                    if (other.measure, other.unit, other.direction) != (
                        ind.measure,
                        ind.unit,
                        ind.direction,
                    ):
                        msg = (
                            f"plan {self.code!r}: field {field!r} of indicator {ind.code!r} is "
                            "not measured as the indicator (measure, unit and direction must "
                            "be the same)"
                        )
                        raise DefinitionError(msg, code=ind.code)

    def _check_deadlines(self, ind: Indicator) -> None:
        """A target cannot fall due before the plan's baseline period has ended.

        Nor can two targets of a kind, tier and reading fall due together once a
        target without a deadline takes the plan's.
        """
        seen: set[tuple[object, ...]] = set()
        for t in ind.targets:
            key = (
                t.tier,
                t.kind,
                t.fields,
                t.deadline or self.deadline,
                t.each_period,
                str(t.scope),
            )
            if key in seen:
                msg = (
                    f"plan {self.code!r}: indicator {ind.code!r} has two {t.kind} targets due "
                    f"{t.deadline or self.deadline} for {'tier ' + repr(t.tier) if t.tier else 'the same unit'} (a "
                    "target without a deadline is due at the plan's)"
                )
                raise DefinitionError(msg, code=ind.code)
            seen.add(key)
        if self.baseline is None:
            return
        for t in ind.targets:
            if t.deadline is not None and period_end_key(t.deadline) <= period_end_key(
                self.baseline
            ):
                msg = (
                    f"plan {self.code!r}: indicator {ind.code!r} has a target due {t.deadline}, "
                    f"not after the plan's baseline {self.baseline}"
                )
                raise DefinitionError(msg, code=ind.code)

    def __repr__(self) -> str:
        return f"Plan({self.code!r}, indicators={len(self.indicators)}, unit={self.unit!r})"

    @property
    def codes(self) -> tuple[str, ...]:
        """The indicator codes, in plan order.

        Examples
        --------
        >>> from cchc_indicators import catalog
        >>> plan = catalog.load("vinh-phuc-2021-2025")
        >>> plan.codes[:3]
        ('par_index', 'sipas', 'procedures_online')
        """
        return tuple(ind.code for ind in self.indicators)

    def indicator(self, code: str) -> Indicator:
        """Return the plan's indicator ``code``.

        Raises
        ------
        UnknownIndicatorError
            If the plan has no such indicator.

        Examples
        --------
        >>> from cchc_indicators import catalog
        >>> plan = catalog.load("vinh-phuc-2021-2025")
        >>> plan.indicator("work_files_online").targets[1].describe("%")
        '>= 80 % (district tier)'
        """
        for ind in self.indicators:
            if ind.code == code:
                return ind
        msg = f"plan {self.code!r} has no indicator {code!r}; it has {', '.join(self.codes)}"
        raise UnknownIndicatorError(msg, key=code)

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as a JSON-ready dictionary (with ``schema_version``).

        Examples
        --------
        >>> from cchc_indicators import catalog
        >>> plan = catalog.load("vinh-phuc-2021-2025")
        >>> d = plan.to_dict()
        >>> d["schema_version"], d["document"], len(d["indicators"])
        (1, '2866/QĐ-UBND', 25)
        """
        out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "code": self.code}
        for name in (
            "title",
            "title_en",
            "document",
            "issuer",
            "date",
            "start",
            "end",
            "baseline",
            "deadline",
            "unit",
            "edition",
            "units",
        ):
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = value
        out["indicators"] = [ind.to_dict() for ind in self.indicators]
        if self.tier_map:
            out["tier_map"] = dict(self.tier_map)
        if self.notes:
            out["notes"] = self.notes
        return out

    @classmethod
    def from_dict(cls, data: object) -> Plan:
        """Build a plan from :meth:`to_dict` output.

        Raises
        ------
        DefinitionError
            On an unsupported ``schema_version``, an unknown key, or any
            invalid definition (the message names the indicator).

        Examples
        --------
        >>> from cchc_indicators import catalog
        >>> plan = catalog.load("vinh-phuc-2021-2025")
        >>> Plan.from_dict(plan.to_dict()) == plan
        True
        """
        if not isinstance(data, dict):
            msg = f"a plan is a JSON object (a mapping), got {json_type(data)}"
            raise DefinitionError(msg)
        check_nesting(data, "plan")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            msg = (
                f"unsupported plan schema_version {version!r}; this library reads {SCHEMA_VERSION}"
            )
            raise DefinitionError(msg)
        known = {f.name for f in attrs.fields(cls)} | {"schema_version"}
        unknown = sorted(set(data) - known, key=str)
        if unknown:
            msg = f"unknown plan keys {unknown}"
            raise DefinitionError(msg)
        kwargs = {k: v for k, v in data.items() if k not in ("schema_version", "code")}
        raw = kwargs.pop("indicators", [])
        if not isinstance(raw, list):
            msg = "a plan's 'indicators' is a list"
            raise DefinitionError(msg)
        kwargs["indicators"] = [Indicator.from_dict(item) for item in raw]
        return cls(data.get("code"), **kwargs)  # type: ignore[arg-type]

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """Return the plan as JSON text (UTF-8, Vietnamese kept readable); write it if ``path``.

        Examples
        --------
        >>> from cchc_indicators import catalog
        >>> plan = catalog.load("vinh-phuc-2021-2025")
        >>> plan.to_json().splitlines()[1]
        '  "schema_version": 1,'
        """
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> Plan:
        """Load a plan from a JSON file (a path) or from JSON text (a ``str``).

        A :class:`pathlib.Path` (or any :class:`os.PathLike`) is a file, read
        as UTF-8 (a byte-order mark is accepted); a :class:`str` is always
        JSON text, never a file name: to read a file named by a string, pass
        ``pathlib.Path(name)``.

        Parameters
        ----------
        source
            The JSON file, or the JSON text of a plan (an object, as
            :meth:`to_json` writes it).

        Raises
        ------
        DefinitionError
            If the file cannot be read (the message names the path and the
            cause: no such file, a directory, permission denied, not UTF-8),
            the text is not JSON (the message gives the line and column), it
            nests arrays and objects more than 100 deep, it is not a JSON
            object, or the plan is invalid.
        ArgumentTypeError
            If ``source`` is neither text nor a path.

        Examples
        --------
        >>> Plan.from_json('{"schema_version": 1, "code": "my-plan", "indicators": []}')
        Plan('my-plan', indicators=0, unit=None)
        >>> Plan.from_json('{"schema_version": 1,')
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: <plan JSON>: not valid JSON at line 1, column 22: Expecting property name enclosed in double quotes
        >>> Plan.from_json("plan.json")  # a str is JSON text, not a file name
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: <plan JSON>: not valid JSON at line 1, column 1: Expecting value; a str is JSON text, not a file name: to read the file, pass pathlib.Path('plan.json')
        """
        data, where = load_json(source, what="plan", func="Plan.from_json")
        try:
            return cls.from_dict(data)
        except DefinitionError as exc:
            raise exc.in_context(where) from None


def schema() -> dict[str, Any]:
    """Return the JSON Schema of the plan format (draft 2020-12).

    Examples
    --------
    >>> schema()["title"]
    'cchc-indicators plan'
    """
    text = (
        resources.files("cchc_indicators").joinpath("schemas/plan.schema.json").read_text("utf-8")
    )
    result: dict[str, Any] = json.loads(text)
    return result
