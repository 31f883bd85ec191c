"""Human labels of the registry's vocabularies, in Chinese and English: one place for both."""

from __future__ import annotations

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    # field -> code -> (zh, en)
    "category": {
        "former_site": ("革命旧址", "Former site"),
        "former_residence": ("故居", "Former residence"),
        "memorial_hall": ("纪念馆", "Memorial hall"),
        "museum": ("博物馆", "Museum"),
        "martyrs_cemetery": ("烈士陵园", "Martyrs' cemetery"),
        "monument": ("纪念碑", "Monument"),
        "education_base": ("教育基地", "Education base"),
        "other": ("其他", "Other"),
    },
    "period": {
        "old_democratic": ("旧民主主义革命时期", "Old democratic revolution (1840-1919)"),
        "founding": ("建党时期", "Founding of the Party (1919-1923)"),
        "great_revolution": ("大革命时期", "Great Revolution (1924-1927)"),
        "agrarian_revolution": ("土地革命战争时期", "Agrarian Revolution (1927-1937)"),
        "anti_japanese_war": ("抗日战争时期", "War of Resistance (1937-1945)"),
        "liberation_war": ("解放战争时期", "War of Liberation (1945-1949)"),
        "socialist_construction": ("社会主义革命和建设时期", "Socialist construction (1949-1978)"),
        "reform_opening": ("改革开放时期", "Reform and opening up (1978-2012)"),
        "new_era": ("新时代", "New era (2012-)"),
    },
    "protection": {
        "national": ("全国重点文物保护单位", "National key cultural relic"),
        "provincial": ("省级文物保护单位", "Provincial cultural relic"),
        "municipal": ("市级文物保护单位", "Municipal cultural relic"),
        "county": ("县级文物保护单位", "County cultural relic"),
        "registered": ("登记不可移动文物", "Registered immovable relic"),
        "none": ("未定级", "Not protected"),
    },
    "reservation": {
        "none": ("无需预约", "No booking needed"),
        "recommended": ("建议预约", "Booking recommended"),
        "required": ("须预约", "Booking required"),
    },
    "condition": {
        "good": ("良好", "Good"),
        "fair": ("一般", "Fair"),
        "poor": ("较差", "Poor"),
        "critical": ("危险", "Critical"),
    },
}


def label(field: str, code: object, lang: str = "zh") -> str:
    """The label of a code in a language; the code itself when unknown, empty for None.

    Examples
    --------
    >>> label("category", "memorial_hall")
    '纪念馆'
    >>> label("period", "new_era", "en")
    'New era (2012-)'
    """
    if code is None:
        return ""
    pair = LABELS.get(field, {}).get(str(code))
    if pair is None:
        return str(code)
    return pair[1] if lang == "en" else pair[0]


def choices(field: str, lang: str = "zh") -> list[tuple[str, str]]:
    """(code, label) pairs for a form's select."""
    return [(code, label(field, code, lang)) for code in LABELS[field]]
