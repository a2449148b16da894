"""Code lists of the national 建档立卡 system (docs/domain.md §3.2).

Values stored are short codes; labels are the exact Chinese labels the national system and
Inner Mongolia's 扶贫手册 use. Imports accept exactly these labels (:func:`label_to_value`),
exports write them, and the UI shows them through gettext (English as the second language).
"""

from functools import cache

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    SON_IN_LAW = "son_in_law", _("之女婿")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    DAUGHTERS_SON = "daughters_son", _("之外孙子")
    DAUGHTERS_DAUGHTER = "daughters_daughter", _("之外孙女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    WIFES_FATHER = "wifes_father", _("之岳父")
    WIFES_MOTHER = "wifes_mother", _("之岳母")
    HUSBANDS_FATHER = "husbands_father", _("之公公")
    HUSBANDS_MOTHER = "husbands_mother", _("之婆婆")
    GRANDFATHER = "grandfather", _("之祖父")
    GRANDMOTHER = "grandmother", _("之祖母")
    SIBLING = "sibling", _("之兄弟姐妹")
    OTHER = "other", _("其他")


class Ethnicity(models.TextChoices):
    """The 56 official ethnic groups, valued by their GB/T 3304 codes."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    TIBETAN = "04", _("藏族")
    UYGHUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYEI = "09", _("布依族")
    KOREAN = "10", _("朝鲜族")
    MANCHU = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAKH = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KYRGYZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSSIAN = "44", _("俄罗斯族")
    EVENKI = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")


class Education(models.TextChoices):
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    COLLEGE = "college", _("大专及以上")
    PRESCHOOL = "preschool", _("学龄前儿童")


class SchoolStatus(models.TextChoices):
    NONE = "none", _("非在校生")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    GRADE7 = "grade7", _("七年级")
    GRADE8 = "grade8", _("八年级")
    GRADE9 = "grade9", _("九年级")
    SENIOR1 = "senior1", _("高中一年级")
    SENIOR2 = "senior2", _("高中二年级")
    SENIOR3 = "senior3", _("高中三年级")
    VOCATIONAL1 = "vocational1", _("中职一年级")
    VOCATIONAL2 = "vocational2", _("中职二年级")
    VOCATIONAL3 = "vocational3", _("中职三年级")
    HIGHER_VOCATIONAL1 = "higher_vocational1", _("高职一年级")
    HIGHER_VOCATIONAL2 = "higher_vocational2", _("高职二年级")
    HIGHER_VOCATIONAL3 = "higher_vocational3", _("高职三年级")
    COLLEGE = "college", _("大专及以上")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class Labour(models.TextChoices):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


class Attribute(models.TextChoices):
    """贫困户属性. After exit the same attribute reads as its 脱贫 variant (see exit_label)."""

    GENERAL = "general", _("一般贫困户")
    LOW_INCOME = "low_income", _("低保贫困户")
    EXTREME = "extreme", _("特困供养贫困户")


EXITED_ATTRIBUTE_LABELS = {
    Attribute.GENERAL: _("一般脱贫户"),
    Attribute.LOW_INCOME: _("低保脱贫户"),
    Attribute.EXTREME: _("特困供养脱贫户"),
}


class Cause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    EDUCATION = "education", _("因学")
    DISASTER = "disaster", _("因灾")
    LAND = "land", _("缺土地")
    WATER = "water", _("缺水")
    SKILLS = "skills", _("缺技术")
    LABOUR = "labour", _("缺劳力")
    CAPITAL = "capital", _("缺资金")
    TRANSPORT = "transport", _("交通条件落后")
    MOTIVATION = "motivation", _("自身发展动力不足")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    """脱贫状态 of a household at the end of a year (or now, for the year in progress)."""

    POOR = "poor", _("未脱贫")
    EXITED = "exited", _("已脱贫")
    RELAPSED = "relapsed", _("返贫")
    EXITED_NO_POLICY = "exited_no_policy", _("已脱贫不再享受政策")


POOR_STATUSES = (Status.POOR, Status.RELAPSED)
# A filter value, not a status: either of POOR_STATUSES (what "poor households" counts).
IN_POVERTY = "in_poverty"
# Filter values of a year's events, as the yearly figures count them (fupin.registry.rollups).
IDENTIFIED_IN_YEAR = "identified_in_year"
EXITED_IN_YEAR = "exited_in_year"
EXITED_STATUSES = (Status.EXITED, Status.EXITED_NO_POLICY)


class Standard(models.TextChoices):
    NATIONAL = "national", _("国家标准")
    PROVINCIAL = "provincial", _("省定标准")
    MUNICIPAL = "municipal", _("市定标准")


YES_NO = {"是": True, "否": False}

ILL_HEALTH = (Health.CHRONIC, Health.SERIOUS)
WORKING_AGE = (16, 65)
SCHOOL_AGE = (6, 23)


@cache
def label_to_value(choices: type[models.TextChoices]) -> dict[str, str]:
    """Map each exact Chinese label of ``choices`` to its stored value."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices.choices}


@cache
def value_to_label(choices: type[models.TextChoices]) -> dict[str, str]:
    """Map each stored value to its Chinese label (what imports and exports use)."""
    return {value: label for label, value in label_to_value(choices).items()}


def attribute_from_label(label: str) -> tuple[str, bool] | None:
    """Return (attribute, is_exited_variant) for a 贫困户属性 label, or None."""
    base = label_to_value(Attribute)
    if label in base:
        return base[label], False
    with translation.override("zh-hans"):
        for value, exited_label in EXITED_ATTRIBUTE_LABELS.items():
            if str(exited_label) == label:
                return str(value), True
    return None


def attribute_label(attribute: str, status: str) -> str:
    """Return the attribute label as shown for a household in ``status`` (脱贫 variants)."""
    if status in EXITED_STATUSES:
        return EXITED_ATTRIBUTE_LABELS[Attribute(attribute)]
    return Attribute(attribute).label
