"""A Sphinx directive that documents a ``cchc`` command from the parser the command uses.

::

    ```{cli-command} evaluate
    ```

renders the usage of ``cchc evaluate``, its description and every option with
its help text, choices, default and whether it is required, as
:func:`cchc_indicators.cli.build_parser` defines them. Without an argument it
renders the ``cchc`` command itself: its usage and the list of its commands,
in the order of ``cchc --help`` (with ``:links:``, each a link to the page's
section of that title). A command with commands of its own (``catalog``) is
rendered with each of them.

The nodes are built directly (no reStructuredText or Markdown is generated and
parsed again), so the directive works the same in a MyST page and in a
reStructuredText one, and help texts need no escaping.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

#: The width of the usage lines, so that the page does not depend on the terminal.
WIDTH = 88


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, width=WIDTH, max_help_position=32)


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def find(parser: argparse.ArgumentParser, path: list[str]) -> argparse.ArgumentParser:
    """The parser of the command ``path`` (``["catalog", "show"]``) under ``parser``."""
    for name in path:
        sub = _subcommands(parser)
        if sub is None or name not in sub.choices:
            known = ", ".join(sub.choices) if sub else "none"
            msg = f"{parser.prog} has no command {name!r} (its commands: {known})"
            raise ValueError(msg)
        parser = sub.choices[name]
    return parser


def options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options and arguments of ``parser`` a reader sets (not ``--help``, not commands)."""
    return [
        a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
    ]


def commands(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """The commands of ``parser`` and their one-line help, in the order of its ``--help``."""
    sub = _subcommands(parser)
    if sub is None:
        return []
    return [(a.dest, a.help or "") for a in sub._choices_actions]


def describe(parser: argparse.ArgumentParser, action: argparse.Action) -> tuple[str, str]:
    """An option's invocation (``--format {table,csv}``) and its help with what else holds."""
    formatter = _formatter(parser.prog)
    invocation = formatter._format_action_invocation(action)
    text = formatter._expand_help(action) if action.help else ""
    extras = []
    if action.required and action.option_strings:
        extras.append("Required.")
    default = action.default
    if (
        action.option_strings
        and action.nargs != 0  # a flag: its default is that it is not given
        and default not in (None, argparse.SUPPRESS, [])
        and "default" not in text
    ):
        extras.append(f"Default: {default}.")
    return invocation, " ".join([text.rstrip(".") + "." if text else "", *extras]).strip()


def _usage(parser: argparse.ArgumentParser) -> nodes.literal_block:
    parser.formatter_class = _formatter
    text = parser.format_usage().strip()
    block = nodes.literal_block(text, text)
    block["language"] = "text"
    return block


def render(
    parser: argparse.ArgumentParser, *, nested: bool, links: bool = False
) -> list[nodes.Node]:
    """The nodes that document ``parser``; with ``nested``, each of its commands too.

    With ``links``, each command listed links to the section of the page whose
    title is the command (``cchc demo``, id ``cchc-demo``).
    """
    out: list[nodes.Node] = [_usage(parser)]
    if parser.description:
        out.append(nodes.paragraph(parser.description, parser.description))
    entries = nodes.definition_list()
    for action in options(parser):
        invocation, text = describe(parser, action)
        term = nodes.term("", "", nodes.literal(invocation, invocation))
        body = nodes.definition("", nodes.paragraph(text, text))
        entries += nodes.definition_list_item("", term, body)
    listed = commands(parser)
    for name, help_text in listed:
        full = f"{parser.prog} {name}"
        code: nodes.Element = nodes.literal(full, full)
        if links:
            code = nodes.reference("", "", code, refid=nodes.make_id(full), internal=True)
        term = nodes.term("", "", code)
        body = nodes.definition("", nodes.paragraph(help_text, help_text))
        entries += nodes.definition_list_item("", term, body)
    if entries.children:
        out.append(entries)
    if nested:
        for name, _ in listed:
            child = find(parser, [name])
            out.append(nodes.rubric(child.prog, child.prog))
            out.extend(render(child, nested=True))
    return out


#: The Python documentation of :mod:`argparse`, which :func:`build_parser`'s return type names.
#: (The docs are built without network, so without intersphinx: the link is made here.)
ARGPARSE_DOCS = "https://docs.python.org/3/library/argparse.html#"


def _argparse_reference(app: Any, env: Any, node: Any, contnode: Any) -> nodes.Node | None:
    """Link ``argparse.ArgumentParser`` (and other :mod:`argparse` names) to Python's docs."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("argparse."):
        return None
    reference = nodes.reference("", "", internal=False, refuri=ARGPARSE_DOCS + target)
    reference += contnode
    return reference


class CliCommand(SphinxDirective):
    """``{cli-command} [COMMAND [SUBCOMMAND]]``: a command of ``cchc``, from its parser.

    The ``:links:`` flag makes each command listed a link to the page's section
    titled with it (the page has one section per command).
    """

    optional_arguments = 2
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {"links": directives.flag}

    def run(self) -> list[nodes.Node]:
        from cchc_indicators.cli import build_parser

        try:
            parser = find(build_parser(), list(self.arguments))
        except ValueError as exc:
            raise self.error(str(exc)) from exc
        return render(parser, nested=bool(self.arguments), links="links" in self.options)


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("cli-command", CliCommand)
    app.connect("missing-reference", _argparse_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
