"""Synthetic data at scale (``manage.py synth``): a registry of steps that each app extends.

A step is ``func(ctx)``; ``ctx`` carries the scale, a seeded random generator and what earlier steps made
(the organisation tree, users), so later steps (women, visits, needs …) hang their rows on them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

# fmt: off
# Surnames with rough relative frequencies in China; given-name characters common in women's names.
_SURNAME_WEIGHTS = {
    "王": 30, "李": 29, "张": 28, "刘": 20, "陈": 16, "杨": 12, "赵": 10, "黄": 8, "周": 8, "吴": 8,
    "徐": 6, "孙": 7, "胡": 5, "朱": 5, "高": 5, "林": 4, "何": 4, "郭": 5, "马": 5, "罗": 3, "梁": 3,
    "宋": 3, "郑": 3, "谢": 2, "韩": 3, "唐": 2, "冯": 2, "于": 3, "董": 2, "程": 2, "曹": 2, "袁": 2,
    "邓": 2, "许": 2, "沈": 2, "苏": 2, "魏": 2, "田": 2, "姜": 2, "金": 2, "白": 2, "崔": 2, "侯": 2,
    "孟": 2, "常": 2, "关": 2,
}
SURNAMES = "".join(k * v for k, v in _SURNAME_WEIGHTS.items()) + (
    "萧傅曾彭吕卢蒋蔡贾丁薛叶阎余潘杜戴夏钟汪任范方石姚谭廖邹熊陆郝孔康毛邱秦江史顾邵龙万段雷钱汤"
    "尹黎易武乔贺赖龚文单隋鲁"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "慕容")
GIVEN = (
    "秀英桂兰玉凤淑珍丽华敏静芳红玲霞燕梅艳丹萍琳婷雪慧春云莉颖"
    "欣佳倩晶洁娟娜亚琴彩翠荣爱晓明月海金美秋菊冬雅楠"
)
MALE_GIVEN = "伟强军磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆"
COMMUNITY_WORDS = (
    "友谊", "建国", "光明", "幸福", "和平", "新华", "民主", "红旗", "胜利", "东风", "向阳", "繁荣", "安静",
    "共乐", "兆麟", "经纬", "新阳", "顾乡", "安和", "通达", "康安", "永和", "振兴", "曙光", "松花", "太阳岛",
    "群力", "工农", "丽江", "河松", "景阳", "安居", "兴隆", "和谐", "春华", "嘉园", "锦绣", "滨江", "长青",
)
VILLAGE_WORDS = (
    "前进", "永安", "双合", "长山", "新立", "太平", "兴隆", "富强", "红星", "民乐", "东升", "新发", "三合",
    "和平", "光荣", "保安", "靠山", "平安", "新兴", "立新", "永胜", "友好", "团结", "建设", "丰收", "五一",
    "胜利", "长胜", "福兴", "德胜", "宏伟", "新农", "金山", "庆丰", "永丰", "青山", "合心", "同心", "联合",
)
# fmt: on


def woman_name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.005 else rng.choice(SURNAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def man_name(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(MALE_GIVEN) + (rng.choice(MALE_GIVEN) if rng.random() < 0.6 else "")
    )


def community_names(rng: random.Random, count: int, village: bool) -> list[str]:
    words = list(VILLAGE_WORDS if village else COMMUNITY_WORDS)
    rng.shuffle(words)
    suffix = "村" if village else "社区"
    names = [w + suffix for w in words[:count]]
    n = 1
    while len(names) < count:  # more than the word list: numbered, as real villages often are
        names.append(f"{words[n % len(words)]}{'一二三四五六七八九'[n % 9]}{suffix}")
        n += 1
    return names


@dataclass
class SynthContext:
    scale: str
    rng: random.Random
    stdout: object = None
    made: dict = field(default_factory=dict)  # what steps produced: {"orgs": [...], "users": [...]}

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


@dataclass(frozen=True)
class Step:
    name: str
    func: Callable[[SynthContext], None]
    order: int


_STEPS: dict[str, Step] = {}


def register_step(name: str, order: int):
    def decorate(func):
        _STEPS[name] = Step(name, func, order)
        return func

    return decorate


def steps() -> list[Step]:
    return sorted(_STEPS.values(), key=lambda s: s.order)
