"""What is wrong with a policy: a finding at a place in the file, with a stable code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What str.splitlines() breaks on: a key quoted from the file ("a\nb") may hold one.
LINE_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    code: str
    message: str

    def format(self, path: Path) -> str:
        """One line, as editors and CI annotations read FILE:LINE: whatever the message quotes."""
        message = LINE_BREAKS.sub(lambda found: ascii(found[0])[1:-1], self.message)
        return f"{path}:{self.line}: {self.code} {message}"


@dataclass(frozen=True)
class Finding:
    """A problem found on the validated policy; `location` is its path of keys in the file."""

    location: tuple[Any, ...]
    code: str
    message: str
