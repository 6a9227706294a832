"""Reading a YAML card that someone sent you, safely: bounded size, no aliases, no control characters.

A card is data a researcher may receive from anyone, so reading it must not be a way to hang or crash the
kit. PyYAML's safe loader constructs no objects, but it still expands aliases (a 300-byte "billion laughs"
card grows about nine times per level), follows recursive aliases into a RecursionError, nests without
limit, and reports a form feed or NUL as a ``ReaderError`` outside the usual error path. Here:

- a card larger than :data:`MAX_CARD_BYTES` is refused before it is parsed;
- aliases (``*name``, and with them recursive anchors) are refused: a card writes every value out;
- nesting deeper than :data:`MAX_DEPTH` is refused;
- characters YAML does not allow (C0/C1 controls other than tab and line breaks, U+FFFE, U+FFFF, lone
  surrogates) are refused with their line, column and code point;
- every other YAML error becomes the caller's error class with the file and line.

libyaml (PyYAML's C extension) is used when present, so a card of the largest allowed size loads well under
a second; the pure-Python parser gives the same results, more slowly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

#: The largest card read, in bytes: the seed card is about 6 KB, and a paper with hundreds of quoted numbers stays far
#: below 128 KiB; the limit keeps any card, valid or not, to well under a second.
MAX_CARD_BYTES = 131_072

#: The deepest nesting of mappings and lists a card may have.
MAX_DEPTH = 24

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.1 printable set (what PyYAML accepts): tab, LF, CR, NEL, and the printable ranges; U+FEFF only at the start.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _where(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def read_yaml_text(path: Path, fail: Callable[[str], Exception], *, max_bytes: int = MAX_CARD_BYTES) -> str:
    """The card's text after the size, encoding and character checks; ``fail(message)`` builds the error."""
    size = path.stat().st_size
    if size > max_bytes:
        raise fail(f"{path}: the card is {size:,} bytes; a card is at most {max_bytes:,} bytes")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise fail(f"{path}:{line}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line, column = _where(text, bad.start())
        raise fail(
            f"{path}:{line}: column {column}: character U+{ord(bad.group()):04X} is not allowed in a card "
            "(control characters and non-characters cannot be YAML text); delete it"
        )
    return text


def compose_yaml(
    path: Path, text: str, fail: Callable[[str], Exception], *, max_depth: int = MAX_DEPTH
) -> tuple[yaml.Node | None, yaml.SafeLoader]:
    """The document's node tree (with line marks) and its loader; refuses aliases, anchors and deep nesting.

    The caller constructs values from the nodes (``loader.construct_object``) and must ``loader.dispose()``.
    """

    def located(error: yaml.YAMLError) -> Exception:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        return fail(f"{path}{where}: not valid YAML: {problem}")

    try:
        loader = _Loader(text)
    except yaml.YAMLError as error:
        raise located(error) from None
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        loader.dispose()
        raise located(error) from None
    try:
        _refuse_aliases_and_depth(path, node, fail, max_depth)
    except Exception:
        loader.dispose()
        raise
    return node, loader


def _refuse_aliases_and_depth(
    path: Path, root: yaml.Node | None, fail: Callable[[str], Exception], max_depth: int
) -> None:
    """Walk the composed graph once: an alias makes one node reachable twice; a recursive alias makes a cycle."""
    if root is None:
        return
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise fail(
                f"{path}:{node.start_mark.line + 1}: anchors and aliases (&name, *name) are not allowed in a "
                "card; write each value out where it is used"
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            continue
        if depth > max_depth:
            raise fail(
                f"{path}:{node.start_mark.line + 1}: nested more than {max_depth} levels deep; a card is a "
                "few levels of mappings and lists"
            )
        stack.extend((child, depth + 1) for child in children)
