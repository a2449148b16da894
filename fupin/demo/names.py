"""Personal names for the demo: Han names (surname + given name) and Mongolian names.

Mongolian names in Hinggan are written in Chinese characters: a single name (其木格, 那顺),
a patronymic and a given name joined by the middle dot (乌力吉·巴特尔), or a Han-style
surname taken by many Khorchin families (包, 白, 韩, 吴 ...) before a Mongolian given name.
Every function draws from the ``random.Random`` it is given, so the demo stays deterministic.
"""

from __future__ import annotations

import random

MIDDLE_DOT = "·"

# Common surnames of the north-east with rough weights, heaviest first.
_HAN_SURNAME_TEXT = (
    "王9 李8 张8 刘7 陈4 杨4 赵4 孙3 于3 高3 马3 徐2 吴2 周2 郭2 姜2 朱2 胡2 董2 崔2 "
    "曹1 冯1 韩1 宋1 邵1 齐1 付1 孟1 田1 常1 吕1 贾1 丁1 闫1 曲1 程1 范1 金1 邢1 谷1 "
    "郑1 侯1 段1 任1 白1 谢1 郝1 苏1"
)
HAN_SURNAMES = tuple((item[0], int(item[1:])) for item in _HAN_SURNAME_TEXT.split())


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by generation (born before 1965, 1965–1989, from 1990), male and female.
HAN_GIVEN = {
    ("old", "M"): _words(
        "德福 永才 国庆 建国 振山 凤山 玉林 长海 宝财 树林 文祥 春生 广发 永祥 殿臣 德明 福贵 金山"
    ),
    ("old", "F"): _words(
        "桂兰 玉兰 凤英 秀英 淑芬 桂芝 玉珍 凤芝 秀兰 淑珍 素芬 桂荣 玉芬 翠兰 春花 秀云 金凤"
    ),
    ("mid", "M"): _words(
        "海军 志刚 建华 立军 红军 春雷 海涛 宏伟 永刚 国华 晓东 立新 建军 铁军 长青 庆丰 春林"
    ),
    ("mid", "F"): _words(
        "丽华 艳华 春梅 红霞 晓梅 丽娟 艳玲 秀梅 海燕 丽萍 春艳 雪梅 晓红 淑艳 玉梅 凤霞 丽杰"
    ),
    ("young", "M"): _words(
        "浩然 宇航 子轩 博文 俊杰 天宇 明轩 思远 嘉豪 鑫磊 宇鹏 浩宇 佳鑫 志远 晨阳 子豪"
    ),
    ("young", "F"): _words(
        "子涵 欣怡 梓萱 佳琪 雨桐 思雨 诗涵 梦瑶 欣悦 雅琪 佳怡 可欣 雨欣 语嫣 美琪 晓雪"
    ),
}
MONGOL_SURNAMES = _words("包 白 韩 吴 陈 宝 鲍 席 敖 额 图 乌 张 何")
MONGOL_MALE = _words(
    "巴特尔 额尔敦 那顺 乌力吉 巴图 朝鲁 孟和 苏和 特木尔 宝音 阿拉坦 毕力格 巴雅尔 吉日嘎拉 "
    "斯琴 达赖 布和 哈斯 敖其尔 巴音 图门 呼和 乌恩 铁木尔 朝克图 那仁 达来 额尔德木图 "
    "乌日图 阿木尔 格日勒图 宝力道 道尔吉 吉雅图 满都拉 巴根那 青格勒 胡日查"
)
MONGOL_FEMALE = _words(
    "其木格 萨仁 乌兰 娜仁 高娃 斯琴高娃 托娅 图雅 塔娜 萨日娜 格日乐 乌云 其其格 "
    "阿拉坦其其格 苏日娜 敖登 琪琪格 额尔德尼 乌日娜 娜布其 萨出拉 "
    "阿如娜 乌仁 宝音其木格 哈斯其其格 其力木格 斯日古楞 萨如拉"
)
MONGOL_YOUNG = {
    "M": _words("浩日沁 阿古达木 孟根 乌日根 毕力格图 巴特 图布信 苏日乐 阿拉腾"),
    "F": _words("诺敏 萨如拉 乌日汗 阿荣 其乐格尔 额日登 诺日格 乌达木 苏布达"),
}

_SURNAME_CHOICES = [s for s, _w in HAN_SURNAMES]
_SURNAME_WEIGHTS = [w for _s, w in HAN_SURNAMES]


def han_surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_CHOICES, weights=_SURNAME_WEIGHTS)[0]


def _generation(birth_year: int) -> str:
    if birth_year < 1965:
        return "old"
    if birth_year < 1990:
        return "mid"
    return "young"


def han_name(rng: random.Random, sex: str, birth_year: int, surname: str | None = None) -> str:
    """Return a Han name (surname + given name) fitting the person's sex and generation."""
    given = rng.choice(HAN_GIVEN[(_generation(birth_year), sex)])
    if rng.random() < 0.15:  # single-character given names are common too
        given = given[0]
    return (surname or han_surname(rng)) + given


def mongol_given(rng: random.Random, sex: str, birth_year: int) -> str:
    if birth_year >= 1995 and rng.random() < 0.5:
        return rng.choice(MONGOL_YOUNG[sex])
    return rng.choice(MONGOL_MALE if sex == "M" else MONGOL_FEMALE)


def mongol_name(rng: random.Random, sex: str, birth_year: int, father: str | None = None) -> str:
    """Return a Mongolian name: single, patronymic·given, or Han surname + Mongolian name.

    ``father`` (a Mongolian given name) is used for the patronymic form when known.
    """
    given = mongol_given(rng, sex, birth_year)
    draw = rng.random()
    if draw < 0.3:
        patronymic = father or rng.choice(MONGOL_MALE)
        if patronymic == given:
            return given
        return f"{patronymic}{MIDDLE_DOT}{given}"
    if draw < 0.5:
        return rng.choice(MONGOL_SURNAMES) + given
    return given


def mongol_given_part(name: str) -> str:
    """Return the given-name part of a Mongolian name (what a child's patronymic uses)."""
    return name.split(MIDDLE_DOT)[-1]


# Mongolian script for some of the names above: each is a common word used as a name, spelled
# as the headword of Lessing's Mongolian-English Dictionary (1960) that the Chinese form
# transliterates (巴特尔 baγatur "hero", 那顺 nasun "age, life", 乌力吉 ölǰei "blessing" ...).
# Only these names get a Mongolian form in the demo; none is made up from its sounds.
MONGOL_SCRIPT = {
    "巴特尔": "ᠪᠠᠭᠠᠲᠤᠷ",  # baγatur
    "那顺": "ᠨᠠᠰᠤᠨ",  # nasun
    "乌力吉": "ᠥᠯᠵᠡᠢ",  # ölǰei
    "巴图": "ᠪᠠᠲᠤ",  # batu
    "朝鲁": "ᠴᠢᠯᠠᠭᠤ",  # čilaγu
    "孟和": "ᠮᠥᠩᠬᠡ",  # möngke
    "苏和": "ᠰᠦᠬᠡ",  # süke
    "特木尔": "ᠲᠡᠮᠦᠷ",  # temür
    "宝音": "ᠪᠤᠶᠠᠨ",  # buyan
    "阿拉坦": "ᠠᠯᠲᠠᠨ",  # altan
    "毕力格": "ᠪᠢᠯᠢᠭ",  # bilig
    "巴雅尔": "ᠪᠠᠶᠠᠷ",  # bayar
    "哈斯": "ᠬᠠᠰ",  # qas
    "斯琴": "ᠰᠡᠴᠡᠨ",  # sečen
    "乌兰": "ᠤᠯᠠᠭᠠᠨ",  # ulaγan
    "其木格": "ᠴᠢᠮᠡᠭ",  # čimeg
    "萨仁": "ᠰᠠᠷᠠᠨ",  # saran
    "乌云": "ᠣᠶᠤᠨ",  # oyun
    "其其格": "ᠴᠡᠴᠡᠭ",  # čečeg
    "格日乐": "ᠭᠡᠷᠡᠯ",  # gerel
}


def mongol_script(name: str) -> str:
    """The name in Mongolian script when every part of it is in :data:`MONGOL_SCRIPT`, else "".

    A patronymic name (乌力吉·巴特尔) is written as its two words; a name after a Han-style
    surname (包巴特尔) has no Mongolian form here. Draws nothing from the random generator, so
    the demo's figures do not move.
    """
    parts = name.split(MIDDLE_DOT)
    if all(part in MONGOL_SCRIPT for part in parts):
        return " ".join(MONGOL_SCRIPT[part] for part in parts)
    return ""
