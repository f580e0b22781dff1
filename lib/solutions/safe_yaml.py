"""Reading a config file as strict YAML: data only, no surprises, one clear line for every problem.

Configs come from many hands, so YAML's conveniences that hide what a file says are refused:
- a key given twice in one mapping (YAML's "last one wins" silently turned an IDP code into the
  comparison group); the message names both lines;
- anchors and aliases (`&a` / `*a`): an alias can expand a small file into billions of values (a
  "billion laughs" file passed `validate` and exploded at build time), and configs are short enough to
  write out;
- tags other than YAML's own (`!!python/...` is already refused by the safe loader; custom `!tags` too);
- nesting deeper than any config needs, files larger than any config needs, and text that is not text
  (NUL bytes);
- anything but a regular file (a FIFO blocked validate and build forever; a device never ends).
Values that YAML cannot turn into data (an impossible date, an integer of thousands of digits) are
reported with their line instead of escaping as a Python error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node

from solutions.errors import ConfigError, os_problem
from solutions.regular_files import Refused, read_regular

MAX_CONFIG_BYTES = 1 << 20  # 1 MiB: the largest real country config is a few KiB
MAX_DEPTH = 40  # nesting levels; a config needs fewer than ten


class _Refused(yaml.MarkedYAMLError):
    """A construct this project's configs do not allow (reported with its line)."""


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases, anchors, custom tags or duplicate keys, with a depth limit."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise _Refused(None, None, f"alias *{event.anchor} is not allowed (write the values out)",
                           event.start_mark)  # type: ignore[arg-type]  # types-PyYAML: the C parser's Mark is the same class
        if getattr(event, "anchor", None) is not None:
            raise _Refused(None, None, f"anchor &{event.anchor} is not allowed (write the values out)",
                           event.start_mark)
        tag = getattr(event, "tag", None)
        if isinstance(event, ScalarEvent | CollectionStartEvent) and tag and tag not in ("!", *_YAML_TAGS):
            raise _Refused(None, None, f"tag {tag.replace(_YAML_PREFIX, '!!')} is not allowed", event.start_mark)  # type: ignore[arg-type]  # as above
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == f"{_YAML_PREFIX}merge":
                raise _Refused(None, None, "merge keys (<<) are not allowed", key_node.start_mark)
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # unhashable: the safe constructor says so with its line
                continue
            if first != key_node.start_mark.line + 1:
                raise _Refused(None, None, f"duplicate key {_show(key)} (first given on line {first})",
                               key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:  # e.g. 2026-02-30, or an integer of 5000 digits
            raise _Refused(None, None, f"cannot read the value {_show(node.value)} ({_show(str(exc), 80)[1:-1]})",
                           node.start_mark) from None


_YAML_PREFIX = "tag:yaml.org,2002:"
_YAML_TAGS = tuple(f"{_YAML_PREFIX}{t}" for t in
                   ("str", "int", "float", "bool", "null", "seq", "map", "timestamp"))


def _show(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_text(path: Path, limit: int = MAX_CONFIG_BYTES) -> str:
    """A config file's text, refusing what cannot be a config: too large, binary, not UTF-8, unreadable."""
    try:  # non-blocking: a FIFO named as a config blocked validate and build forever
        raw = read_regular(path, limit, follow_links=True)
    except Refused as refused:
        if refused.reason == "folder":
            raise ConfigError(f"{path}: is a folder, not a file") from None
        if refused.reason == "special":
            raise ConfigError(f"{path}: not a regular file (a FIFO, socket or device): not a config file") from None
        if refused.reason == "large":
            raise ConfigError(f"{path}: larger than {limit // 1024} KiB: not a config file") from None
        raise ConfigError(f"{path}: {os_problem(refused.cause) if refused.cause else 'unreadable'}") from None
    if b"\x00" in raw:
        raise ConfigError(f"{path}: contains NUL bytes: a binary file, not a YAML config")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None


def load(path: Path) -> Any:
    """Parse a config file with the strict loader; ConfigError (one line, naming the line) otherwise."""
    text = read_text(path)
    try:
        loader = StrictLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}:" if mark else ""
        what = exc.problem or exc.context or "not valid YAML"
        if isinstance(exc, _Refused):
            raise ConfigError(f"{path}:{where} {what}") from None
        kind = "not valid YAML" if not isinstance(exc, ComposerError | ConstructorError) else "not readable YAML"
        raise ConfigError(f"{path}:{where} {kind} ({what})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a config") from None
