"""Sphinx configuration for the cchc-indicators documentation.

Build with ``sphinx-build -n -W --keep-going -b html docs docs/_build/html``
(nitpicky, warnings are errors).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Import the package from the source tree, so the docs build without installing it.
sys.path.insert(0, str(ROOT / "src"))
# Our own Sphinx extensions (``cchc_cli``: the CLI reference, generated from the parser).
sys.path.insert(0, str(HERE / "_ext"))

import cchc_indicators  # noqa: E402  (needs the path above)

# -- Project -----------------------------------------------------------------

project = "cchc-indicators"
author = "cchc-indicators developers"
copyright = "2025, cchc-indicators developers"
release = cchc_indicators.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "matplotlib.sphinxext.plot_directive",  # figures drawn from code at build time
    "cchc_cli",  # docs/_ext/cchc_cli.py: {cli-command}, a command's options from its parser
]
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 96)]  # small files; the gallery draws ten figures
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/data/README.md"]
language = "en"
nitpicky = True

# -- MyST --------------------------------------------------------------------

myst_heading_anchors = 3
myst_enable_extensions = ["deflist"]  # "term" then ": definition" lists (cli.md, points.md)

# -- autodoc and napoleon ----------------------------------------------------

autodoc_default_options = {
    "members": True,
    # attrs fields carry no docstring of their own (their class's numpydoc
    # "Parameters" or "Attributes" section describes them); list them so they
    # can be linked to. (napoleon_use_ivar below keeps an "Attributes" section
    # from describing the same attributes a second time.)
    "undoc-members": True,
    "member-order": "bysource",
}
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_class_signature = "mixed"

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_include_init_with_doc = False
napoleon_use_param = True
napoleon_use_rtype = True
napoleon_use_ivar = True
napoleon_use_admonition_for_examples = False
napoleon_preprocess_types = True
# Types come from the signatures; do not copy annotations such as
# ``NDArray[np.float64]`` into "Parameters" fields, where napoleon would split
# them at commas into broken cross-references.
napoleon_attr_annotations = False
# Words in numpydoc type descriptions ("tuple of str", "Rule or None") that name
# our own types; napoleon turns them into cross-references.
napoleon_type_aliases = {
    name: f":py:class:`~{target}`"
    for name, target in {
        "Indicator": "cchc_indicators.core.indicators.Indicator",
        "Rule": "cchc_indicators.core.rules.Rule",
        "Scope": "cchc_indicators.core.scopes.Scope",
        "Hierarchy": "cchc_indicators.units.hierarchy.Hierarchy",
        "Problem": "cchc_indicators.core.errors.Problem",
        "Rollup": "cchc_indicators.engine.Rollup",
        "Panel": "cchc_indicators.data.panel.Panel",
        "Target": "cchc_indicators.core.targets.Target",
        "Plan": "cchc_indicators.core.plan.Plan",
        "Evaluation": "cchc_indicators.evaluation.Evaluation",
    }.items()
}

# -- Nitpicky mode -------------------------------------------------------------
#
# There is no network when the docs are built, so intersphinx cannot fetch the
# inventories of Python, numpy, attrs and Hypothesis. References to their objects (in type
# hints and docstrings) therefore have no target here; they are listed below,
# one by one, rather than silencing nitpicky mode. (Builtins such as ``str`` and
# ``ValueError`` and the names of ``typing`` need no entry: Sphinx resolves
# them itself.) Our own objects must all resolve.

nitpick_ignore = [
    # numpy: the array types that ``NDArray[np.float64]`` and friends expand to
    # in signatures, and the function the engine is built on.
    ("py:class", "numpy.ndarray"),
    ("py:class", "numpy.dtype"),
    ("py:class", "numpy.float64"),
    ("py:class", "numpy.int64"),
    ("py:class", "numpy.int8"),
    ("py:class", "numpy.bool"),
    ("py:class", "numpy.str_"),
    ("py:func", "numpy.bincount"),
    ("py:class", "numpy.random.Generator"),
    ("py:func", "numpy.random.default_rng"),
    ("py:func", "numpy.isclose"),
    # Standard library: abstract collections in parameter types, os.PathLike in
    # file-path parameters, enum.Enum as the base of Area and Direction.
    ("py:class", "collections.abc.Callable"),
    ("py:class", "collections.abc.Collection"),
    ("py:class", "collections.abc.Iterable"),
    ("py:class", "collections.abc.Mapping"),
    ("py:class", "collections.abc.Sequence"),
    ("py:class", "os.PathLike"),
    ("py:class", "pathlib.Path"),
    ("py:class", "enum.Enum"),
    # Hypothesis (used by cchc_indicators.testing): the type its strategies return.
    ("py:class", "hypothesis.strategies.SearchStrategy"),
]
nitpick_ignore_regex = [
    # Type variables in generic signatures (``Callable[[], T]``) are not documented objects.
    (r"py:class", r"cchc_indicators(\.\w+)*\.T"),
]

# -- HTML ----------------------------------------------------------------------

html_theme = "furo"
html_title = f"cchc-indicators {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_theme_options = {"navigation_with_keys": True}


# -- Local helpers ---------------------------------------------------------------


def _canonical(target: str) -> str | None:
    """Map ``cchc_indicators[.module].Name[.attr]`` to the module that defines ``Name``.

    The package re-exports its public classes at the top level, and some
    modules re-export names of others (``cchc_indicators.engine.Scope`` is
    ``cchc_indicators.core.scopes.Scope``); docstrings refer to them either way.
    autodoc documents each object once, where it is defined.
    """
    parts = target.split(".")
    if len(parts) < 2 or parts[0] != "cchc_indicators":
        return None
    # The longest importable module prefix: ``cchc_indicators.engine`` is a
    # module, although the package attribute of that name is the function.
    for start in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:start]))
        except ImportError:
            continue
        break
    else:  # pragma: no cover - the package itself always imports
        return None
    for i in range(start, len(parts)):
        name = parts[i]
        if not hasattr(obj, name):
            return None
        obj = getattr(obj, name)
        module = getattr(obj, "__module__", None)
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and module:
            canonical = [module, *obj.__qualname__.split("."), *parts[i + 1 :]]
            result = ".".join(canonical)
            return None if result == target else result
    return None


def _resolve_reexports(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    canonical = _canonical(target)
    if canonical is None and node.get("py:module"):
        # a short name (``Scope``) in the docstring of a module that re-exports it
        canonical = _canonical(f"{node['py:module']}.{target}")
    if canonical is None:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node.get("refdoc"), app.builder, node["reftype"], canonical, node, contnode
    )


def _public_bases(app: Any, name: str, obj: Any, options: Any, bases: list[Any]) -> None:
    """Show a private base class (``_LookupError``) as the public bases it stands for."""
    for i, base in reversed(list(enumerate(bases))):
        if getattr(base, "__name__", "").startswith("_"):
            bases[i : i + 1] = list(base.__bases__)


def _changelog(app: Any, docname: str, source: list[str]) -> None:
    """Include ``../CHANGELOG.md`` when the repository has one; say so when not."""
    if docname != "changelog":
        return
    if not (ROOT / "CHANGELOG.md").exists():
        source[0] = (
            "# Changelog\n\n"
            "The project keeps its changelog in `CHANGELOG.md` at the top of the\n"
            "repository. That file is not there yet; this page will show it once it is.\n"
        )


def _attrs_defaults(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: str | None, ret: str | None
) -> tuple[str | None, str | None] | None:
    """Show an attrs default made by a factory as ``...`` rather than ``NOTHING``.

    The docstring's "Parameters" section says what the default is.
    """
    if signature is None or "NOTHING" not in signature:
        return None
    return re.sub(r"=\s*NOTHING\b", "= ...", signature), ret


def _owner_class(dotted: str) -> type | None:
    """Import the class that ``dotted`` (``module.Class.attribute``) names an attribute of."""
    parts = dotted.split(".")
    for i in range(len(parts) - 2, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:-1]:
            obj = getattr(obj, name, None)
        return obj if inspect.isclass(obj) else None
    return None


def _slotted_cached_property_doc(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Give back the docstring of a ``functools.cached_property`` on a slotted attrs class.

    attrs turns such a property into a slot, and the docstring is lost at run
    time; read it from the source instead.
    """
    if what != "attribute" or lines:
        return
    cls = _owner_class(name)
    attr = name.rpartition(".")[2]
    if cls is None or type(cls.__dict__.get(attr)).__name__ != "member_descriptor":
        return
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == attr:
            doc = ast.get_docstring(node)
            if doc:
                lines.extend([*doc.splitlines(), ""])
            return


def setup(app: Any) -> dict[str, Any]:
    app.connect("missing-reference", _resolve_reexports)
    app.connect("autodoc-process-bases", _public_bases)
    app.connect("autodoc-process-signature", _attrs_defaults)
    app.connect("autodoc-process-docstring", _slotted_cached_property_doc)
    app.connect("source-read", _changelog)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
