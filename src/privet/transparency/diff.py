"""A readable diff of two policy texts: lines added and removed, long unchanged runs folded."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

# Unchanged lines kept around each change, so a reader sees where in the text it sits.
CONTEXT = 2


@dataclass(frozen=True)
class Row:
    kind: Literal["same", "added", "removed", "folded"]
    text: str = ""
    folded: int = 0  # how many unchanged lines a "folded" row stands for


def text_diff(old: str, new: str, context: int = CONTEXT) -> list[Row]:
    """The rows a reader sees; empty when the texts are the same line for line."""
    before, after = old.splitlines(), new.splitlines()
    if before == after:
        return []
    # No autojunk: a policy repeats lines ("- **Legal basis**: consent") that must still match.
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    rows: list[Row] = []
    shown = 0  # lines of the new text shown or folded so far
    for group in matcher.get_grouped_opcodes(context):
        if group[0][3] > shown:
            rows.append(Row("folded", folded=group[0][3] - shown))
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                rows += [Row("same", line) for line in after[new_start:new_end]]
                continue
            rows += [Row("removed", line) for line in before[old_start:old_end]]
            rows += [Row("added", line) for line in after[new_start:new_end]]
        shown = group[-1][4]
    if shown < len(after):
        rows.append(Row("folded", folded=len(after) - shown))
    return rows
