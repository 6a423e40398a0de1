"""大写金额 per the bank rules for filling in payment documents."""
from decimal import Decimal

import pytest

from forms.amount import capital_amount, figure_amount


@pytest.mark.parametrize("amount, expected", [
    ("0.05", "伍分"),
    ("10.00", "壹拾元整"),          # 壹拾: the bare 拾 is easy to alter
    ("1005.30", "壹仟零伍元叁角"),
    ("100000", "壹拾万元整"),
    ("0", "零元整"),
    ("0.50", "伍角"),
    ("16.78", "壹拾陆元柒角捌分"),
    ("325.04", "叁佰贰拾伍元零肆分"),     # 角 zero, 分 not: 零 required
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("6007.14", "陆仟零柒元壹角肆分"),     # run of zeros: one 零
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("100005", "壹拾万零伍元整"),
    ("10010", "壹万零壹拾元整"),
    ("1010000", "壹佰零壹万元整"),
    ("100000001", "壹亿零壹元整"),
    ("200500000", "贰亿零伍拾万元整"),
    ("110", "壹佰壹拾元整"),
    ("100.01", "壹佰元零壹分"),
])
def test_capital(amount, expected):
    assert capital_amount(Decimal(amount)) == expected


def test_rounds_half_up_to_cents():
    assert capital_amount("16.785") == "壹拾陆元柒角玖分"
    assert figure_amount("1005.3") == "¥1,005.30"


@pytest.mark.parametrize("bad", ["-1", "abc", "1000000000000"])
def test_refuses_bad_amounts(bad):
    with pytest.raises(ValueError):
        capital_amount(bad)
