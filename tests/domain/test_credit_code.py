"""统一社会信用代码 (GB 32100-2015): real codes pass, any single slip is caught
with a message that says what is wrong."""
from __future__ import annotations

import pytest

from app.domain.credit_code import (ALPHABET, check_char, credit_code_problem, is_valid_credit_code,
                                    normalize)
from app.domain.messages import Problem

REAL = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T", "91310000MA1FL1MMXL"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code):
    assert credit_code_problem(code) is None and is_valid_credit_code(code)
    assert check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL)
def test_every_other_check_char_is_refused(code):
    wrong = [c for c in ALPHABET if c != code[17]]
    assert len(wrong) == 30
    assert all(credit_code_problem(code[:17] + c) == "credit_code.check" for c in wrong)


def test_single_character_slips_in_the_body_are_caught():
    code = "91350100M000100Y43"
    for i in range(17):
        for c in ALPHABET:
            if c != code[i]:
                assert not is_valid_credit_code(code[:i] + c + code[i + 1:]), (i, c)


def test_swapped_neighbours_are_caught():
    code = "91110000600037341L"
    for i in range(16):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            assert credit_code_problem(swapped) == "credit_code.check", i


@pytest.mark.parametrize("code", ["", "9135010", "91350100M000100Y4", "91350100M000100Y433", "9" * 30])
def test_wrong_length(code):
    assert credit_code_problem(code) == "credit_code.length"
    assert Problem("credit_code.length").text() == "统一社会信用代码应为18位"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters(letter):
    code = "91350100M000100Y4" + letter
    assert credit_code_problem(code) == "credit_code.chars"
    assert credit_code_problem(letter + code[1:]) == "credit_code.chars"
    assert Problem("credit_code.chars").text() == "统一社会信用代码含有非法字符（不使用I、O、Z、S、V）"


@pytest.mark.parametrize("code", ["91350100M00010-Y43", "91350100M000100Y4*", "９1350100M000100Y43"])
def test_other_foreign_characters(code):
    assert credit_code_problem(code) == "credit_code.chars"


@pytest.mark.parametrize("typed", ["91350100m000100y43", " 91350100M000100Y43 ", "9135 0100 M000 100Y 43",
                                   "  91110000600037341l\t"])
def test_lowercase_and_spaces_normalised(typed):
    assert is_valid_credit_code(typed)
    assert normalize(typed) in REAL


def test_check_message_asks_to_verify():
    assert Problem("credit_code.check").text() == "统一社会信用代码校验位错误，请核对"
    assert Problem("credit_code.check").text("en") == "The credit code's check character is wrong; please check it"
