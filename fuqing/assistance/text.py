"""Keywords of needs' Chinese descriptions (NEED-5): jieba with the domain dictionary and stop-word list
kept in ``dict/``, so phrases like 灵活就业, 小额贷款, 两癌筛查, 留守儿童 stay whole.

Keywords are extracted once, when a need is saved, and stored as ``NeedKeyword`` rows; the hot-issues
page only counts those rows. After the dictionary changes, ``manage.py assistance_keywords`` refreshes
them in batches.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

DICT_DIR = Path(__file__).resolve().parent / "dict"
MAX_KEYWORDS = 6
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]*$")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def domain_terms() -> frozenset[str]:
    lines = (DICT_DIR / "domain.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip())


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    lines = (DICT_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip())


@lru_cache(maxsize=1)
def tokenizer():
    """A jieba tokenizer of our own (the global one stays untouched), with the domain dictionary."""

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    with _lock:
        tok.initialize()
        tok.load_userdict(str(DICT_DIR / "domain.txt"))
    return tok


@lru_cache(maxsize=1)
def pos_tokenizer():
    import jieba.posseg

    return jieba.posseg.POSTokenizer(tokenizer())


# Parts of speech that carry a theme: nouns (not names of people or places), verbal nouns, idioms.
KEPT_POS = ("n", "nz", "ng", "vn", "l", "i")


def tokens(text: str) -> list[tuple[str, str]]:
    return [(p.word.strip(), p.flag) for p in pos_tokenizer().cut(text or "") if p.word.strip()]


@lru_cache(maxsize=20000)
def extract_keywords(text: str, limit: int = MAX_KEYWORDS) -> tuple[str, ...]:
    """The distinct meaningful words of ``text``: domain phrases first, then other words of two or
    more characters that are not stop words, in order of appearance."""
    stops = stop_words()
    domain = domain_terms()
    seen: list[str] = []
    for token, flag in tokens(text):
        if token not in domain and flag not in KEPT_POS:
            continue
        if len(token) < 2 or len(token) > 20 or token in stops or not _WORD.match(token):
            continue
        if token not in seen:
            seen.append(token)
    ranked = [t for t in seen if t in domain] + [t for t in seen if t not in domain]
    return tuple(ranked[:limit])


# Words that point to a category (NEED-1), for needs converted from text without one.
CATEGORY_HINTS = [
    ("startup-loans", ("贷款", "创业", "贴息")),
    ("employment", ("就业", "岗位", "工作", "培训", "失业", "务工", "工资", "家政", "电商")),
    ("health", ("病", "医", "两癌", "健康", "癌", "体检", "筛查", "残疾")),
    ("housing", ("房", "住", "取暖", "漏雨")),
    ("legal-rights", ("家暴", "家庭暴力", "法律", "维权", "纠纷", "侵害", "征地", "拖欠")),
    ("education", ("上学", "学费", "入学", "入园", "教育", "儿童", "助学", "托管", "辍学")),
    ("elderly-care", ("老人", "养老", "空巢", "照料", "赡养")),
    ("marriage-family", ("婚姻", "离婚", "婆媳", "抚养", "家庭矛盾")),
    ("income", ("收入", "低保", "救助", "贫困", "困难补助", "生活费")),
]


def guess_category_code(text: str) -> str:
    for code, hints in CATEGORY_HINTS:
        if any(h in text for h in hints):
            return code
    return "other"
