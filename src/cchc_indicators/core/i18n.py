"""Vietnamese and English text for every human-facing output.

Every report, table and label the library writes for people comes in
Vietnamese (``"vi"``) or English (``"en"``); machine outputs (JSON and CSV keys
and codes such as ``not_achieved``) never change with the language.

The wording lives in one gettext catalogue per language,
``cchc_indicators/locale/<lang>/LC_MESSAGES/cchc_indicators.po``, read through the
standard library's ``gettext`` from the compiled ``.mo`` beside it. A
reviewer corrects a wording in the ``.po`` file and runs
``python tools/catalogues.py compile``; no code changes. The message ids are the
English texts, so the English catalogue is where English wording is corrected.

Numbers follow the language: a decimal comma and a dot between thousands in
Vietnamese (``91,4 %``, ``10.051``), a decimal point and a comma in English
(``91.4 %``, ``10,051``).

The language of a call is its ``lang`` argument; where a function has none
(notebook displays), :func:`default_language` is used: ``CCHC_LANG`` from the
environment, else English, changed with :func:`set_default_language`.

Examples
--------
>>> status_label("off_track", "vi"), status_label("off_track", "en")
('Chậm tiến độ', 'Off track')
>>> number(91.44, "vi"), number(91.44, "en"), number(10051, "vi")
('91,4', '91.4', '10.051')
>>> percent(80, "vi")
'80 %'
"""

from __future__ import annotations

import functools
import gettext as _gettext
import math
import os
from importlib import resources
from typing import TYPE_CHECKING

from cchc_indicators.core.errors import DefinitionError

if TYPE_CHECKING:
    from cchc_indicators.core.scopes import Scope
    from cchc_indicators.core.targets import Target

__all__ = [
    "LANGUAGES",
    "N_",
    "area_label",
    "check_language",
    "default_language",
    "gettext",
    "level_label",
    "ngettext",
    "number",
    "percent",
    "reason_label",
    "scope_label",
    "set_default_language",
    "status_label",
    "target_label",
    "targets_count",
    "unit_label",
]

#: The languages of the outputs.
LANGUAGES = ("vi", "en")
DOMAIN = "cchc_indicators"
_DEFAULT: list[str] = []


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues without translating it (it is returned as is).

    Examples
    --------
    >>> N_("Achieved")
    'Achieved'
    """
    return message


def check_language(lang: object, *, func: str = "", parameter: str = "lang") -> str:
    """Return ``lang`` if it is a language of the outputs; raise otherwise.

    Raises
    ------
    DefinitionError
        If ``lang`` is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> check_language("vi")
    'vi'
    >>> check_language("fr", func="scorecard")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: scorecard: lang must be 'vi' or 'en', got 'fr'
    """
    if isinstance(lang, str) and lang in LANGUAGES:
        return lang
    where = f"{func}: " if func else ""
    msg = f"{where}{parameter} must be 'vi' or 'en', got {lang!r}"
    raise DefinitionError(msg)


def default_language() -> str:
    """The language used where a call gives none: :func:`set_default_language`, ``CCHC_LANG``, ``en``.

    Examples
    --------
    >>> set_default_language("vi"); default_language()
    'vi'
    >>> set_default_language(None); default_language() in LANGUAGES
    True
    """
    if _DEFAULT:
        return _DEFAULT[0]
    env = os.environ.get("CCHC_LANG", "")
    return env if env in LANGUAGES else "en"


def set_default_language(lang: str | None) -> None:
    """Set the language of outputs that take no ``lang`` (``None``: back to ``CCHC_LANG``/English).

    Raises
    ------
    DefinitionError
        If ``lang`` is not one of :data:`LANGUAGES` or ``None``.

    Examples
    --------
    >>> set_default_language("fr")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: set_default_language: lang must be 'vi' or 'en', got 'fr'
    """
    _DEFAULT.clear()
    if lang is not None:
        _DEFAULT.append(check_language(lang, func="set_default_language"))


@functools.cache
def _translations(lang: str) -> _gettext.NullTranslations:
    path = resources.files("cchc_indicators") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as fh:
        return _gettext.GNUTranslations(fh)


def gettext(message: str, lang: str) -> str:
    """``message`` (an English message id) in ``lang``, from the catalogue.

    A message the catalogue lacks comes back unchanged (a test keeps the
    catalogues complete).

    Raises
    ------
    DefinitionError
        If ``lang`` is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> gettext("Achieved", "vi"), gettext("Achieved", "en")
    ('Đạt', 'Achieved')
    """
    return _translations(check_language(lang)).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The singular or plural form for ``n``, in ``lang`` (Vietnamese has one form).

    Examples
    --------
    >>> ngettext("{n} target", "{n} targets", 1, "en").format(n=1)
    '1 target'
    >>> ngettext("{n} target", "{n} targets", 2, "vi").format(n=2)
    '2 chỉ tiêu'
    """
    return _translations(check_language(lang)).ngettext(singular, plural, n)


# ---------------------------------------------------------------------- numbers


def number(x: float | None, lang: str, digits: int = 1) -> str:
    """``x`` written for people: at most ``digits`` decimals, none on a whole number.

    Vietnamese uses a decimal comma and dots between thousands; English the
    reverse. A missing value (``None`` or NaN) is a dash.

    Examples
    --------
    >>> number(91.44, "vi"), number(91.0, "vi"), number(-8.64, "en"), number(None, "en")
    ('91,4', '91', '-8.6', '—')
    >>> number(1234567.25, "vi", 2), number(1234567.25, "en", 2)
    ('1.234.567,25', '1,234,567.25')
    >>> number(0.04, "en")  # rounds to 0: written without a sign
    '0'
    """
    check_language(lang)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    rounded = round(float(x), digits)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    whole = abs(rounded - round(rounded)) < 0.5 * 10.0**-digits
    text = f"{round(rounded):,}" if whole else f"{rounded:,.{digits}f}".rstrip("0")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(x: float | None, lang: str, digits: int = 1) -> str:
    """``x`` percent, as :func:`number` writes it, with `` %`` (a dash when missing).

    Examples
    --------
    >>> percent(91.44, "vi"), percent(91.44, "en"), percent(None, "vi")
    ('91,4 %', '91.4 %', '—')
    """
    text = number(x, lang, digits)
    return text if text == "—" else f"{text} %"


# ---------------------------------------------------------------------- labels

_STATUSES = {
    "achieved": N_("Achieved"),
    "on_track": N_("On track"),
    "off_track": N_("Off track"),
    "not_achieved": N_("Not achieved"),
    "insufficient_data": N_("Insufficient data"),
    "no_data": N_("No data"),
}

_REASONS = {
    "no_data": N_("no data for the period"),
    "no_data_for_scope": N_("no unit in scope reported"),
    "zero_denominator": N_("the denominator is 0"),
    "below_min_coverage": N_("too few units reported (below the minimum coverage)"),
    "not_applicable": N_("the scope holds no unit"),
    "overflow": N_("the value lies beyond the range of numbers"),
    "no_baseline_value": N_("no value in the baseline period"),
    "zero_baseline_value": N_("the baseline value is 0, so a change in percent has no value"),
    "partial_rebased_baseline": N_("the re-based baseline covers only part of the unit"),
    "no_previous_value": N_("no value in the period before"),
    "one_value": N_("only one value before the deadline: a projection needs two"),
    "no_rank_peers": N_("too few peers with data to rank"),
    "not_started": N_("the period comes before the first period the target applies to"),
    "periods_without_data": N_("some periods the target applies to have no value"),
    "no_data_in_periods": N_("no value in any period the target applies to"),
}

_AREAS = {
    "overall": N_("Overall results"),
    "institutions": N_("Institutional reform"),
    "procedures": N_("Administrative procedure reform"),
    "organisation": N_("Reform of the state administrative apparatus"),
    "civil_service": N_("Civil service reform"),
    "public_finance": N_("Public finance reform"),
    "digital_government": N_("E-government and digital government"),
    "all": N_("All areas"),
}

# (singular, plural) of a level's units, and the unit itself ("own") and its territory
_LEVELS = {
    "province": (N_("province"), N_("provinces")),
    "district": (N_("district"), N_("districts")),
    "commune": (N_("commune"), N_("communes")),
}
_OWN = {
    "province": N_("province level (itself)"),
    "district": N_("district level (itself)"),
    "commune": N_("commune level (itself)"),
}
_TERRITORY = {
    "province": N_("whole province"),
    "district": N_("whole district"),
    "commune": N_("whole commune"),
}
_UNITS = {
    "%": "%",
    "points": N_("points"),
    "count": "",
    "yes/no": N_("yes/no"),
    "rank": N_("rank"),
    "days": N_("days"),
}


def status_label(status: str, lang: str) -> str:
    """The words for a status code (:data:`~cchc_indicators.core.targets.STATUSES`).

    Raises
    ------
    DefinitionError
        For a code that is not a status, or an unknown language.

    Examples
    --------
    >>> [status_label(s, "vi") for s in ("achieved", "not_achieved", "on_track", "no_data")]
    ['Đạt', 'Không đạt', 'Đúng tiến độ', 'Không có dữ liệu']
    """
    if status not in _STATUSES:
        msg = f"unknown status {status!r}; the statuses are {', '.join(_STATUSES)}"
        raise DefinitionError(msg)
    return gettext(_STATUSES[status], lang)


def reason_label(reason: str | None, lang: str) -> str:
    """Why a row has no value or no status, in words (empty for no reason).

    An unknown code is shown as it is, with underscores as spaces.

    Examples
    --------
    >>> reason_label("below_min_coverage", "vi")
    'quá ít đơn vị báo cáo (dưới độ bao phủ tối thiểu)'
    >>> reason_label(None, "en"), reason_label("some_new_reason", "en")
    ('', 'some new reason')
    """
    check_language(lang)
    if not reason:
        return ""
    known = _REASONS.get(reason)
    return reason.replace("_", " ") if known is None else gettext(known, lang)


def area_label(area: str, lang: str) -> str:
    """The name of a reform area (an :class:`~cchc_indicators.core.indicators.Area` value, or ``all``).

    Examples
    --------
    >>> area_label("digital_government", "vi")
    'Xây dựng và phát triển Chính phủ điện tử, Chính phủ số'
    >>> area_label("procedures", "vi"), area_label("procedures", "en")
    ('Cải cách thủ tục hành chính', 'Administrative procedure reform')
    """
    check_language(lang)
    known = _AREAS.get(str(area))
    return str(area).replace("_", " ").capitalize() if known is None else gettext(known, lang)


def level_label(level: str, lang: str, *, plural: bool = False) -> str:
    """A level's units in words: ``huyện``, ``the districts``' ``districts``.

    A level the catalogue does not know is written as its name.

    Examples
    --------
    >>> level_label("district", "vi", plural=True), level_label("district", "en", plural=True)
    ('huyện', 'districts')
    """
    check_language(lang)
    known = _LEVELS.get(level)
    if known is None:
        return level
    return gettext(known[1] if plural else known[0], lang)


def scope_label(scope: Scope | str, lang: str, level: str | None = None) -> str:
    """The units a value is made of, in words, for a unit of ``level``.

    Examples
    --------
    >>> scope_label("own", "vi", "province"), scope_label("territory", "vi", "province")
    ('cấp tỉnh (tự thân)', 'toàn tỉnh')
    >>> scope_label("tier:district", "vi"), scope_label("tier:commune", "en")
    ('các huyện', 'the communes')
    """
    check_language(lang)
    text = str(scope)
    if text.startswith("tier:"):
        tier = text[len("tier:") :]
        if tier in _LEVELS:
            return gettext("the {units}", lang).format(units=level_label(tier, lang, plural=True))
        return text
    table = _OWN if text == "own" else _TERRITORY if text == "territory" else None
    if table is None:
        return text
    if level in table:
        return gettext(table[level], lang)
    return gettext(N_("the unit itself") if text == "own" else N_("whole territory"), lang)


def targets_count(n: int, lang: str) -> str:
    """``n`` targets, in words (``1 target``, ``2 targets``; ``2 chỉ tiêu``).

    Examples
    --------
    >>> targets_count(1, "en"), targets_count(27, "vi")
    ('1 target', '27 chỉ tiêu')
    """
    return ngettext("{n} target", "{n} targets", n, lang).format(n=number(n, lang, 0))


def unit_label(unit: str, lang: str) -> str:
    """An indicator's unit in ``lang`` (``points`` is ``điểm``; a count has none).

    Examples
    --------
    >>> unit_label("points", "vi"), unit_label("%", "vi"), unit_label("count", "en")
    ('điểm', '%', '')
    >>> unit_label("hồ sơ", "en")  # a unit the plan writes itself is kept
    'hồ sơ'
    """
    check_language(lang)
    known = _UNITS.get(unit)
    if known is None:
        return unit
    return gettext(known, lang) if known and known != "%" else known


def _value(x: float, unit: str, lang: str) -> str:
    shown = unit_label(unit, lang)
    if shown == "%":
        return percent(x, lang)
    return f"{number(x, lang)} {shown}".rstrip()


def target_label(target: Target, lang: str, unit: str = "") -> str:
    """A target in words, with its unit: ``≥ 80 %``, ``giảm ≥ 10 % so với 2021``, ``trong tốp 15 tỉnh``.

    Parameters
    ----------
    target
        The target.
    lang
        ``"vi"`` or ``"en"``.
    unit
        The indicator's unit (``%``, ``points``, …).

    Examples
    --------
    >>> from cchc_indicators.core.targets import (
    ...     at_least, no_worse_than_previous, rank_at_most, reduce_by)
    >>> target_label(at_least(80), "vi", "%"), target_label(at_least(80), "en", "%")
    ('≥ 80 %', '≥ 80 %')
    >>> target_label(reduce_by(0.10, baseline=2021), "vi", "count")
    'giảm ≥ 10 % so với 2021'
    >>> target_label(rank_at_most(15, among="province"), "vi")
    'trong tốp 15 tỉnh'
    >>> target_label(rank_at_most(15, among="province"), "en")
    'in the top 15 provinces'
    >>> target_label(at_least(80, tier="district", rule="share_meeting(== 1)"), "vi", "yes/no")
    '≥ 80 % số huyện'
    >>> target_label(no_worse_than_previous(tolerance=0.5), "en", "points")
    'no worse than the period before by more than 0.5 points, every period'
    >>> target_label(at_least(85, fields=("land", "construction"), each_period=True), "vi", "%")
    '≥ 85 % ở từng lĩnh vực, mỗi kỳ'
    """
    from cchc_indicators.core.rules import ShareMeeting

    check_language(lang)
    if isinstance(target.rule, ShareMeeting) and target.kind in ("at_least", "at_most"):
        sign = "≥" if target.kind == "at_least" else "≤"
        units = level_label(target.tier or "", lang, plural=True) if target.tier else ""
        text = gettext("{sign} {share} of the {units}", lang).format(
            sign=sign, share=percent(target.threshold, lang, 6), units=units or "units"
        )
    elif target.kind in ("at_least", "at_most"):
        sign = "≥" if target.kind == "at_least" else "≤"
        text = f"{sign} {_value(target.threshold, unit, lang)}"
    elif target.kind == "rank_at_most":
        among = level_label(target.among or "", lang, plural=True)
        text = gettext("in the top {k} {units}", lang).format(
            k=number(target.threshold, lang, 0), units=among
        )
    elif target.kind == "no_worse_than_previous":
        if target.threshold > 0:
            text = gettext("no worse than the period before by more than {amount}", lang).format(
                amount=_value(target.threshold, unit, lang)
            )
        else:
            text = gettext("no worse than the period before", lang)
    else:
        message = (
            N_("down by ≥ {amount} on {baseline}")
            if target.kind == "reduce_by"
            else N_("up by ≥ {amount} on {baseline}")
        )
        text = gettext(message, lang).format(
            amount=percent(abs(target.bound), lang, 6), baseline=target.baseline
        )
    if target.fields:
        text += gettext(" in each field", lang)
    if target.each_period:
        text += gettext(", every period", lang)
    return text
