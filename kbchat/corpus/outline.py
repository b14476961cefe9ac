"""A document's outline while it is walked: the heading path of each paragraph, and the lists a colon introduces."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kbchat.corpus.chunking import Block

BULLET = "•"  # before each entry a colon introduces
MAX_ITEM_CHARS = 200  # a longer list item is a paragraph of its own, not an entry of its introduction's list


def clean(text: str) -> str:
    """Collapse white space."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Introduction:
    """A paragraph ending with a colon, open to the list items or the sub-headings it introduces."""

    block: int
    level: int  # of the heading it stands under (0: none)
    child_level: int | None = None
    entries: int = 0


class Outline:
    """Tracks the heading path while walking a document, and gives a paragraph ending with a colon what it introduces.

    « … met en œuvre : » followed by sub-headings, or by short list items, becomes « … met en œuvre : • A • B • C »:
    quoted alone, it would answer nothing. The sub-sections keep their own paragraphs.
    """

    def __init__(self) -> None:
        self.levels: list[tuple[int, str]] = []
        self.blocks: list[Block] = []
        self.first_heading: str = ""
        self.title_is_first_heading = True
        self._introduction: _Introduction | None = None

    def heading(self, level: int, text: str) -> None:
        """Enter a heading of the given level."""
        text = clean(text)
        if not text:
            return
        if level == 1 and not self.first_heading:
            self.first_heading = text
        self.levels = [(lv, t) for lv, t in self.levels if lv < level] + [(level, text)]
        opened = self._introduction
        if opened is None or level <= opened.level or (opened.entries and opened.child_level is None):
            self._introduction = None
        elif opened.child_level in (None, level):
            opened.child_level = level
            self._add_entry(opened, text)

    def paragraph(self, text: str, item: bool = False) -> None:
        """Add a paragraph (a list item when item) under the current headings; the document title is not repeated."""
        text = clean(text)
        if not text:
            return
        opened = self._introduction
        if opened is not None and opened.child_level is None:
            if item and len(text) <= MAX_ITEM_CHARS:
                self._add_entry(opened, text)
                return
            self._introduction = opened = None
        strip = self.first_heading if self.title_is_first_heading else None
        path = tuple(t for lv, t in self.levels if not (lv == 1 and t == strip))
        self.blocks.append(Block(path, text))
        if text.endswith(":") and opened is None:
            self._introduction = _Introduction(len(self.blocks) - 1, self.levels[-1][0] if self.levels else 0)

    def _add_entry(self, opened: _Introduction, text: str) -> None:
        """Append a list item or sub-heading to the introduction's paragraph."""
        block = self.blocks[opened.block]
        self.blocks[opened.block] = replace(block, text=f"{block.text} {BULLET} {text}")
        opened.entries += 1
