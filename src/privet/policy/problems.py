"""What is wrong with a policy: a finding at a place in the file, with a stable code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    code: str
    message: str

    def format(self, path: Path) -> str:
        return f"{path}:{self.line}: {self.code} {self.message}"


@dataclass(frozen=True)
class Finding:
    """A problem found on the validated policy; `location` is its path of keys in the file."""

    location: tuple[Any, ...]
    code: str
    message: str
