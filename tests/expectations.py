"""The fixture convention of examples/broken/: expected diagnostics written in the file.

``<!-- expect: VX005 VX007 -->`` on a line means exactly those codes start on that
line. Files that cannot hold a comment have a sibling ``NAME.expected`` file with
``LINE CODE`` pairs.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_EXPECT = re.compile(rb"<!--\s*expect:\s*((?:VX\d{3}\s*)+)-->")


def expected(path: Path) -> Counter[tuple[int, str]]:
    sidecar = path.with_name(path.name + ".expected")
    found: Counter[tuple[int, str]] = Counter()
    if sidecar.exists():
        for row in sidecar.read_text(encoding="utf-8").split("\n"):
            if row.strip():
                line, code = row.split()
                found[(int(line), code)] += 1
        return found
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        for match in _EXPECT.finditer(line):
            for code in match.group(1).split():
                found[(number, code.decode())] += 1
    return found
