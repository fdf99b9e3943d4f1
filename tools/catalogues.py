"""Keep the translation catalogues of cchc_indicators in step with the code.

The library's human-facing text is written in English in the code, marked with
``gettext(...)``, ``ngettext(...)`` or ``N_(...)`` (see
:mod:`cchc_indicators.core.i18n`). Each language has one catalogue,
``src/cchc_indicators/locale/<lang>/LC_MESSAGES/cchc_indicators.po``, that a
reviewer edits, and its compiled ``.mo`` that the library reads.

Commands (Babel does the extraction and compilation; ``pip install babel``)::

    python tools/catalogues.py update    # add new messages to every .po, mark gone ones obsolete
    python tools/catalogues.py compile   # write each .mo from its .po
    python tools/catalogues.py check     # exit 1 if a message lacks a translation or a .mo is stale

``check`` is what ``tests/test_i18n.py`` runs.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cchc_indicators"
LOCALE = PACKAGE / "locale"
DOMAIN = "cchc_indicators"
LANGUAGES = ("vi", "en")
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}


def extract() -> object:
    """The messages marked in the package's code, as a Babel catalogue."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="cchc-indicators", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(
            message,
            None,
            [(f"src/cchc_indicators/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str) -> object:
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def mo_bytes(catalog: object) -> bytes:
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog)  # type: ignore[arg-type]
    return buf.getvalue()


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = extract()
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            catalog = read(lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, domain=DOMAIN, project="cchc-indicators")
        catalog.update(template, no_fuzzy_matching=True)  # type: ignore[attr-defined]
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=False, include_lineno=False)  # type: ignore[arg-type]
        print(f"updated {path.relative_to(ROOT)}")


def compile_all() -> None:
    for lang in LANGUAGES:
        path = po_path(lang).with_suffix(".mo")
        path.write_bytes(mo_bytes(read(lang)))
        print(f"wrote {path.relative_to(ROOT)}")


def problems() -> list[str]:
    """What is out of step: messages missing or untranslated, stale .mo files."""
    out = []
    wanted = {m.id for m in extract() if m.id}  # type: ignore[attr-defined]
    for lang in LANGUAGES:
        catalog = read(lang)
        have = {
            m.id: m
            for m in catalog  # type: ignore[attr-defined]
            if m.id
        }
        for mid in sorted(wanted, key=str):
            msg = have.get(mid)
            if msg is None:
                out.append(f"{lang}: message {mid!r} is not in the catalogue (run update)")
            elif not msg.string or (isinstance(msg.string, tuple) and not all(msg.string)):
                out.append(f"{lang}: message {mid!r} has no translation")
            elif msg.fuzzy:
                out.append(f"{lang}: message {mid!r} is marked fuzzy")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            out.append(f"{lang}: {mo.name} is stale (run compile)")
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        for p in found:
            print(p)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
