"""Links in a country's narrative that cannot work on the published site.

The narrative is Markdown placed in a country page; a relative link or image (`[see](annex.html)`,
`![](map.png)`) points at a file the site does not have, and the site's link check would refuse every build
at the last step. It is refused when the config is read instead, with the key and the link, before anything
runs. Absolute web links (`https://...`, `mailto:`) and in-page anchors (`#...`) are fine.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from urllib.parse import urlsplit

_FINE_SCHEMES = ("http", "https", "mailto")


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt  # the report's own Markdown parser (solutions.report.markdown)

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def _targets(text: str) -> Iterator[str]:
    for block in _parser().parse(text):
        for tok in block.children or ():
            if tok.type == "link_open":
                yield str(tok.attrs.get("href", ""))
            elif tok.type == "image":
                yield str(tok.attrs.get("src", ""))


def unusable_links(text: str) -> list[str]:
    """Link and image targets of a Markdown text that are neither web addresses nor in-page anchors."""
    bad = []
    for target in _targets(text or ""):
        scheme = urlsplit(target).scheme.lower()
        if not target or target.startswith("#") or scheme in _FINE_SCHEMES:
            continue
        bad.append(target)
    return bad


def narrative_problems(summary: str, criteria: Mapping[int, str]) -> list[str]:
    """One line per narrative key holding a link that cannot work on the site."""
    sections = [("narrative.summary", summary), *((f"narrative.criteria.{k}", v) for k, v in sorted(criteria.items()))]
    problems = []
    for key, text in sections:
        bad = unusable_links(text)
        if bad:
            shown = ", ".join(repr(b if len(b) <= 60 else b[:59] + "…") for b in bad[:3])
            problems.append(f"{key}: link to a file the site does not have ({shown}); "
                            "use a full web address (https://...) or plain text")
    return problems
