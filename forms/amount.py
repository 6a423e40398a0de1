"""Amounts in Chinese capital numerals (大写金额) for the payment slip.

Follows the bank rules for filling in 票据和结算凭证 (《正确填写票据和结算凭证的
基本规定》), choosing one spelling wherever the rules allow two:
- "整" after 元 when there are no 角/分; none after 角 or 分.
- one "零" for a run of zeros inside the number (壹仟零伍元); none for
  trailing zeros of a 万/亿 group (壹拾万元整).
- 壹拾 keeps its 壹 (壹拾元整, 壹拾万元整): the bare 拾 is easy to alter.
- 元 digit zero and 角 non-zero: no 零 (壹仟陆佰捌拾元叁角贰分, the allowed
  short form); 角 zero and 分 non-zero: 零 is required (叁佰贰拾伍元零肆分).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
IN_GROUP = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿")
MAX = Decimal("999999999999.99")


def _group(n: int) -> str:
    """0 < n < 10000, without leading zeros; zeros inside become one 零."""
    out, zero = [], False
    for pos in range(3, -1, -1):
        d = n // 10 ** pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + IN_GROUP[pos])
    return "".join(out)


def _integer(n: int) -> str:
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out, zero = [], False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            zero = bool(out)
            continue
        if out and (zero or g < 1000):
            out.append("零")
        zero = False
        out.append(_group(g) + GROUPS[i])
    return "".join(out)


def to_cents(amount) -> Decimal:
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"不是有效金额 (not an amount): {amount!r}") from None
    if value < 0 or value > MAX:
        raise ValueError(f"金额超出范围 (amount out of range): {amount}")
    return value


def capital_amount(amount) -> str:
    """Decimal/str/int -> 大写金额, e.g. Decimal("1005.30") -> 壹仟零伍元叁角."""
    value = to_cents(amount)
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _integer(yuan)
    if yuan:
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text


def figure_amount(amount) -> str:
    """¥ with thousands separators: ¥1,005.30."""
    return f"¥{to_cents(amount):,.2f}"
