"""Pages are written by templates, and the templates cannot forget the project's escaping.

The source of ``report/`` and ``render/`` builds no HTML by hand (no ``html.escape``, no tag in an f-string or
a string sum, no ``Markup("<…")``); the templates use nothing that would escape behind ``inert``'s back; and the
environment makes every value inert: escaped, and Quarto's shortcode delimiters broken.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes
from markupsafe import Markup

import solutions
from solutions.inert import WORD_JOINER, inert
from solutions.markup import html_text, new_environment
from solutions.report import templating

LIB = Path(solutions.__file__).parent
SCANNED = sorted([*(LIB / "report").rglob("*.py"), *(LIB / "render").rglob("*.py")])
TEMPLATES = sorted([*(LIB / "report" / "templates").glob("*.j2"), *(LIB / "render" / "assets").glob("*.j2")])
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*[\s>/]")

#: Reviewed exceptions: (file relative to lib/solutions, function) → why it cannot move to a template.
ALLOWED = {
    ("render/nbconvert_site.py", "repl"): "rewrites the id of a heading inside HTML nbconvert already rendered",
    ("render/quarto.py", "_index_sections"): "Markdown of the Quarto index (values through inert(…, 'markdown')), "
                                       "its <details> a raw-HTML block of that Markdown",
}

#: Template syntax that escapes with markupsafe alone (no shortcode breaking) or not at all.
_UNSAFE_FILTERS = {"safe", "forceescape", "format", "replace", "xmlattr", "tojson", "urlize", "indent", "center",
                   "wordwrap", "truncate", "striptags", "mark_safe"}


def _functions(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node of ``tree`` → the name of the innermost function holding it ("" at module level)."""
    owner: dict[ast.AST, str] = {}

    def walk(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else name
            owner[child] = inner
            walk(child, inner)

    walk(tree, "")
    return owner


def _has_tag(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(_TAG.search(node.value))


def hand_made_markup(path: Path) -> list[str]:
    """Where ``path`` escapes or writes HTML by hand: ``html.escape``, a tag in an f-string or in a string sum,
    ``Markup`` of a literal holding a tag."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    owner = _functions(tree)
    rel = path.relative_to(LIB).as_posix() if path.is_relative_to(LIB) else path.name
    found = []
    for node in ast.walk(tree):
        why = ""
        if isinstance(node, ast.Attribute) and node.attr == "escape" and isinstance(node.value, ast.Name) \
                and node.value.id in ("html", "markupsafe"):
            why = f"{node.value.id}.escape"
        elif isinstance(node, ast.ImportFrom) and node.module in ("html", "markupsafe") \
                and any(a.name == "escape" for a in node.names):
            why = f"escape imported from {node.module}"
        elif isinstance(node, ast.JoinedStr) and any(_has_tag(v) for v in node.values):
            why = "a tag in an f-string"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and (_has_tag(node.left) or _has_tag(node.right)):
            why = "a tag in a string sum"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Markup" \
                and any(_has_tag(a) or isinstance(a, ast.JoinedStr) for a in node.args):
            why = "Markup of a literal"
        if why and (rel, owner.get(node, "")) not in ALLOWED:
            found.append(f"{rel}:{node.lineno} {why}")
    return found


def test_no_html_built_by_hand_in_report_and_render() -> None:
    assert SCANNED and TEMPLATES
    found = [f for path in SCANNED for f in hand_made_markup(path)]
    assert not found, "HTML built by hand (write it in a template):\n" + "\n".join(found)


def test_the_scan_finds_hand_made_markup(tmp_path: Path) -> None:
    """The scan is not blind: each kind of hand-made markup is reported."""
    sample = tmp_path / "sample.py"
    sample.write_text("import html\nfrom markupsafe import Markup\n"
                      "def f(x):\n    a = f'<p>{x}</p>'\n    b = '<li>' + x\n    c = html.escape(x)\n"
                      "    return Markup('<b>bold</b>')\n", encoding="utf-8")
    found = hand_made_markup(sample)
    assert sorted(f.split(" ", 1)[1] for f in found) == ["Markup of a literal", "a tag in a string sum",
                                                        "a tag in an f-string", "html.escape"]


def test_allowed_exceptions_still_exist() -> None:
    """An exception whose code went away leaves the list (it must stay short and reviewed)."""
    for rel, function in ALLOWED:
        tree = ast.parse((LIB / rel).read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.FunctionDef) and n.name == function for n in ast.walk(tree)), (rel, function)


def _template_problems(env: jinja2.Environment, path: Path) -> list[str]:
    tree = env.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in tree.find_all((nodes.Filter, nodes.Concat, nodes.Call)):
        if isinstance(node, nodes.Filter) and node.name in _UNSAFE_FILTERS:
            problems.append(f"{path.name}:{node.lineno} |{node.name}")
        elif isinstance(node, nodes.Concat):  # ``~`` joins with markupsafe's escape: shortcodes not broken
            problems.append(f"{path.name}:{node.lineno} ~")
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr == "format":
            problems.append(f"{path.name}:{node.lineno} .format()")
    return problems


def test_templates_use_no_escaping_of_their_own() -> None:
    env = templating.environment()
    problems = [p for path in TEMPLATES for p in _template_problems(env, path)]
    assert not problems, "template syntax that escapes behind inert's back:\n" + "\n".join(problems)


HOSTILE = ['<script>alert(1)</script>', '" onload="x', "{{< env HOME >}}", "{{% x %}}", "a\x1b[31mb\x00c", None, 42]


@pytest.mark.parametrize("value", HOSTILE)
def test_every_value_is_made_inert(value: object) -> None:
    """``{{ value }}``, an attribute, ``join``, ``e`` and a block ``set`` all give ``inert(value, "html")``."""
    env = new_environment(jinja2.DictLoader({"t.html.j2": (
        '{{ v }}|<a title="{{ v }}">|{{ [v, v]|join("+") }}|{{ v|e }}|{% set s %}{{ v }}{% endset %}{{ s }}')}))
    out = env.get_template("t.html.j2").render(v=value)
    said = inert(value, "html")
    assert out == f'{said}|<a title="{said}">|{said}+{said}|{said}|{said}'
    assert "{{<" not in out and ">}}" not in out and "<script" not in out and "\x00" not in out


def test_markup_passes_and_shortcodes_break() -> None:
    assert html_text(Markup("<b>x</b>")) == "<b>x</b>"
    assert html_text("{{< env X >}}") == f"{{{WORD_JOINER}{{&lt; env X &gt;}}{WORD_JOINER}}}"


def test_an_undefined_name_is_an_error() -> None:
    env = new_environment(jinja2.DictLoader({"t.html.j2": "{{ missing }}"}))
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("t.html.j2").render()


def test_report_macros_make_values_inert() -> None:
    """A hostile title through a real page fragment (a table caption and cell, a status chip's detail)."""
    from solutions.report.tables import html_table, status_chip

    hostile = '{{< env HOME >}}<img src=x onerror="alert(1)">'
    out = html_table([{"Group": hostile}], caption=hostile) + status_chip("open", hostile)
    assert "<img" not in out and "{{<" not in out and ">}}" not in out
    assert out.count(inert(hostile, "html")) == 3
