"""Editor text and LSP positions.

LSP positions are 0-based lines and columns counted in code units of the
negotiated position encoding: UTF-16 by default, UTF-8 or UTF-32 if the client
asks for them. Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` only (the LSP's own rule,
and the one voxxml's SourceMap follows): U+2028 or a form feed inside a line does
not end it, as it does for ``str.splitlines``.

voxxml counts characters (code points) from offset 0; everything here converts
between character offsets into the editor text and LSP positions.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lsprotocol import types

_NEWLINE = re.compile(r"\r\n?|\n")

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """One version of a document's text, with its line starts."""

    __slots__ = ("_ascii", "encoding", "starts", "text")

    def __init__(self, text: str, encoding: str = UTF16, starts: list[int] | None = None) -> None:
        self.text = text
        self.starts = starts if starts is not None else [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.encoding = encoding
        self._ascii = text.isascii()

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_end(self, line: int) -> int:
        """The offset just before line ``line``'s terminator (0-based line)."""
        text = self.text
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(text)
        if end > self.starts[line] and text[end - 1] == "\n":
            end -= 1
        if end > self.starts[line] and text[end - 1] == "\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line] : self.line_end(line)]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, max(0, offset)) - 1

    def position(self, offset: int) -> types.Position:
        """The LSP position of a character offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        if self._ascii or self.encoding == UTF32:
            return types.Position(line, offset - start)
        return types.Position(line, units(self.text[start:offset], self.encoding))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(max(start, end)))

    def position_json(self, offset: int) -> dict[str, int]:
        """``position(offset)`` as the JSON object the protocol sends (no lsprotocol object to build and unstructure)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        if self._ascii or self.encoding == UTF32:
            return {"line": line, "character": offset - start}
        return {"line": line, "character": units(self.text[start:offset], self.encoding)}

    def range_json(self, start: int, end: int) -> dict[str, dict[str, int]]:
        """``range(start, end)`` as the JSON object the protocol sends."""
        return {"start": self.position_json(start), "end": self.position_json(max(start, end))}

    def offset(self, position: types.Position) -> int:
        """The character offset of an LSP position. A line past the end is the end of
        the text; a column past the end of its line is the end of the line; a column
        inside a character (half of a surrogate pair) is taken to be after it."""
        if position.line < 0:
            return 0
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.line_end(position.line)
        wanted = max(0, position.character)
        if self._ascii or self.encoding == UTF32:
            return min(start + wanted, end)
        counted = 0
        offset = start
        text = self.text
        while offset < end and counted < wanted:
            counted += units(text[offset], self.encoding)
            offset += 1
        return offset

    def replaced(self, start: int, end: int, new: str) -> LineIndex:
        """The text with characters ``start``..``end`` replaced by ``new``.

        Only the line starts near the edit are found again; those after it shift.
        The window runs from the start of the line before the edit to the start of
        the second line after it, so a '\r' and a '\n' joined or parted by the edit
        are seen, and the terminators at the window's ends are untouched by it.
        """
        text = self.text[:start] + new + self.text[end:]
        starts = self.starts
        delta = len(new) - (end - start)
        first = max(0, bisect_right(starts, start) - 2)
        last = bisect_right(starts, end) + 1  # the line start ending the window, if any
        window_end = starts[last] + delta if last < len(starts) else len(text)
        middle = [m.end() for m in _NEWLINE.finditer(text, starts[first], window_end)]
        return LineIndex(text, self.encoding, starts[: first + 1] + middle + [s + delta for s in starts[last + 1 :]])

    def apply(self, change: types.TextDocumentContentChangeEvent) -> LineIndex:
        """This text with one didChange content change applied."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = self.offset(change.range.start)
            end = max(start, self.offset(change.range.end))
            return self.replaced(start, end, change.text)
        return LineIndex(change.text, self.encoding)

    def newline(self) -> str:
        """The line terminator the text uses (its first one), for inserted lines."""
        match = _NEWLINE.search(self.text)
        return match.group() if match else "\n"
