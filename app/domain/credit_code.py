"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (digits and capitals without
I, O, Z, S, V); the last is a check character computed from the first 17
with weights 3^i mod 31.
"""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def check_char(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return code.strip().upper().replace(" ", "")


def credit_code_problem(code: str) -> str | None:
    """None when valid, else a message code: 'credit_code.length',
    'credit_code.chars' or 'credit_code.check'."""
    code = normalize(code)
    if len(code) != 18:
        return "credit_code.length"
    if any(c not in _VALUE for c in code):
        return "credit_code.chars"
    if check_char(code[:17]) != code[17]:
        return "credit_code.check"
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None
