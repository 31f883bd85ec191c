"""The words of Chinese opening-hours notices: a lexicon and a tokenizer that keeps positions in
the original text, so an error can quote exactly the part it could not read (`hours.zh`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Token", "tokenize"]

_DASHES = str.maketrans({"—": "-", "–": "-", "―": "-", "〜": "-", "~": "-", "－": "-"})
_SIMPLIFIED = str.maketrans(
    "開閉館場節週時點後檢進園內國門從營業禮號雙間個鐘領換驗關維護養來當發費參觀閱黃無為",
    "开闭馆场节周时点后检进园内国门从营业礼号双间个钟领换验关维护养来当发费参观阅黄无为",
)
"""Traditional characters of hours notices (Hong Kong, Taiwan, old pages) read as simplified."""
_ROUTES = "入馆|入场|进馆|进场|入园|进园|入内|进入|检票|售票|领票|取票|换票|验票|入景区"
_LEXICON = [
    ("allday", r"全天候开放|全天开放|24小时(?:开放|营业)?|全天候"),
    ("break", r"午休|午间(?:休息|闭馆)|中午(?:休息|闭馆)|消毒时[段间]|闭馆消毒"),
    ("lead", r"(?:闭馆|闭园|关门|清场)前\s*(?:(\d+)\s*分钟|(半|一|1)\s*(?:个)?小时)"),
    ("last", rf"(?:以后|之后|后)?(?:停止|截止)(?:{_ROUTES})(?:及(?:{_ROUTES}))?(?:时间)?(?:为)?"),
    ("last", r"止票(?:时间)?|最[晚迟后](?:入馆|入场|入园|进馆|进入|检票)(?:时间)?(?:为)?"),
    ("close_label", r"(?:闭馆|闭园|清场|关门)时间(?:为|是)?"),
    ("label", r"(?:开放|开馆|开园|参观|营业|开门|接待)(?:入馆)?时间(?:为|是)?"),
    (
        "time",
        r"(?:(上午|下午|中午|晚上|早上)\s*:?\s*)?(\d{1,2})(?::(\d{2})|点半|[点时](?:(\d{1,2})分?)?)点?",
    ),
    ("date", r"(\d{1,2})月份?(?:(\d{1,2})[日号])?"),
    ("weekend", r"周六日|周末|双休日|周六、周日|星期六、星期日"),
    ("workdays", r"工作日"),
    ("weekday", r"每?(?:周|星期|礼拜)([一二三四五六日天1-7])"),
    ("daily", r"全年无休|每天|每日|天天|全年|常年|全周"),
    ("holiday", r"(?:国家)?法定(?:节)?假日|(?:国家)?法定节日|节假日|国定假日|公众假期|黄金周|假日"),
    ("except", r"除外|例外|除(?:国家)?(?:法定节假日|法定假日|节假日|国定假日)外"),
    ("season", r"(?:夏季|冬季|春季|秋季|旺季|淡季|夏秋季|冬春季|春夏季|秋冬季)(?:开放)?(?:时间)?"),
    (
        "closed",
        r"(?:例行|全天|正常|照常)?(?:闭馆|闭园|休馆|休息|不开放|不对外开放|关闭|关门|清场)"
        r"(?:整理|维护|维修|检修|保养)?",
    ),
    (
        "open",
        r"(?:照常|正常|均|仍)?(?:开放|开馆|开园|营业|接待)|开门|开始(?:入馆|入场|售票)|不休息|不闭馆",
    ),
    ("next_year", r"次年|来年|翌年|第二年"),
    ("dash", r"-+|至|到"),
    ("list", r"[、和及与/]"),
    ("sep", r"[,;。.!\n()\[\]【】:•·*》《「」『』“”]"),
    ("filler", r"每周|每年|均|都|为|是|从|自|遇|逢|的|时段|期间|注"),
]
_TOKEN = re.compile("|".join(f"(?P<{kind}{i}>{rx})" for i, (kind, rx) in enumerate(_LEXICON)))
_PATTERNS = [re.compile(rx) for _, rx in _LEXICON]


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the notice: its kind, its text as written, where it is, its regex groups."""

    kind: str
    text: str
    start: int
    end: int
    groups: tuple[str | None, ...] = ()


def tokenize(text: str) -> list[Token]:
    """Tokens over a normalised copy (NFKC, one dash), positions kept in the original text."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for out in unicodedata.normalize("NFKC", ch).translate(_DASHES).translate(_SIMPLIFIED):
            chars.append(out)
            origin.append(i)
    plain = "".join(chars)
    origin.append(len(text))
    tokens: list[Token] = []
    pos = 0
    unknown = -1
    while pos < len(plain):
        match = _TOKEN.match(plain, pos)
        if match is None or (plain[pos].isspace() and plain[pos] != "\n"):
            if not plain[pos].isspace() and unknown < 0:
                unknown = pos
            if plain[pos].isspace() and unknown >= 0:
                tokens.append(Token("unknown", text[origin[unknown] : origin[pos]], unknown, pos))
                unknown = -1
            pos += 1
            continue
        if unknown >= 0:
            tokens.append(Token("unknown", text[origin[unknown] : origin[pos]], unknown, pos))
            unknown = -1
        name = match.lastgroup or ""
        kind = name.rstrip("0123456789")
        inner = _PATTERNS[int(name[len(kind) :])].fullmatch(match.group())
        start, end = origin[match.start()], origin[match.end()]
        tokens.append(Token(kind, text[start:end], start, end, inner.groups() if inner else ()))
        pos = match.end()
    if unknown >= 0:
        tokens.append(Token("unknown", text[origin[unknown] :], unknown, len(plain)))
    return tokens
