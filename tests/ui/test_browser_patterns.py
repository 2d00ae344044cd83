"""Patterns the end-to-end tests hand to Playwright run as JavaScript regexes in the browser.

There `\\w`, `\\W`, `\\b` and `\\B` know ASCII letters only: « décembre » never matches `\\w+`, so a test
written in November fails from December to March. This reads the end-to-end sources and refuses them.
"""

from __future__ import annotations

import ast
from pathlib import Path

E2E = Path(__file__).resolve().parents[1] / "e2e"
ASCII_ONLY_IN_JAVASCRIPT = ("\\w", "\\W", "\\b", "\\B")


def _compiled_patterns(source: str) -> list[tuple[int, str]]:
    patterns = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "compile"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            patterns.append((node.lineno, node.args[0].value))
    return patterns


def test_no_end_to_end_pattern_relies_on_ascii_only_classes():
    offenders = [
        f"{path.name}:{line}: {pattern}"
        for path in sorted(E2E.glob("*.py"))
        for line, pattern in _compiled_patterns(path.read_text(encoding="utf-8"))
        if any(token in pattern for token in ASCII_ONLY_IN_JAVASCRIPT)
    ]
    assert offenders == []


def test_the_check_sees_an_ascii_only_class():
    assert _compiled_patterns('import re\nre.compile(r"\\w+ \\d{4}")') == [(2, "\\w+ \\d{4}")]
