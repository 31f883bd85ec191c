"""A source's label: its title when it reads as one, else from its address; never a hash or a
full path, never a made-up title."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from redres.catalog.source_labels import machine_like, source_label

SHA = "56e2698c19d92654c2d4621213bce53d54310cc3"
BLOB = f"https://github.com/Epawse/wuhan-red-tourism-map/blob/{SHA}/public/data/place.csv"
HEX = re.compile(r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")


@pytest.mark.parametrize(
    ("title", "url", "lang", "label"),
    [
        ("湖北党史网", "http://www.hbdsw.org.cn/a.shtml", "zh", "湖北党史网"),
        ("《武汉革命遗址》p.12", None, "zh", "《武汉革命遗址》p.12"),
        (BLOB, BLOB, "zh", "GitHub：Epawse/wuhan-red-tourism-map · place.csv"),
        ("place.csv", BLOB, "en", "GitHub: Epawse/wuhan-red-tourism-map · place.csv"),
        (
            f"Epawse/wuhan-red-tourism-map public/data/place.csv @{SHA[:7]} (student project)",
            BLOB,
            "zh",
            "GitHub：Epawse/wuhan-red-tourism-map · place.csv",
        ),
        ("http://www.gov.cn/test/2008-11/27/content_1161327.htm", None, "zh", "www.gov.cn"),
        ("", "http://www.gov.cn/test/content_1161327.htm", "zh", "www.gov.cn"),
        ("https://zh.wikipedia.org./wiki/%E6%AD%A6", None, "en", "zh.wikipedia.org"),
        ("https://github.com/o/r", None, "zh", "GitHub：o/r"),
        (f"https://github.com/o/r/tree/{SHA}", None, "zh", "GitHub：o/r"),
        (
            f"https://raw.githubusercontent.com/o/r/{SHA}/a/b.json",
            None,
            "en",
            "GitHub: o/r · b.json",
        ),
        ("https://gitee.com/o/r/blob/master/x/y.csv", None, "zh", "Gitee：o/r · y.csv"),
        ("https://xn--fiqs8s.cn/a", None, "zh", "中国.cn"),
        # no address to go by: the title without its hash and with the file's name only
        (f"/srv/data/wuhan/sites.csv @{SHA[:7]}", None, "zh", "sites.csv"),
    ],
)
def test_labels(title: str, url: str | None, lang: str, label: str) -> None:
    assert source_label(title, url, lang) == label


def test_a_title_that_reads_as_one_is_kept_word_for_word() -> None:
    for title in (
        "Wikidata Q48936785 (中国共产党第五次全国代表大会旧址), coordinate P625",
        "中国政府网 (gov.cn) page on the Peasant Movement Institute memorial (2008)",
        "湖北日报 2021-07-01",
        "m.wzkp.org.cn encyclopedia-style entry",
    ):
        assert not machine_like(title)
        assert source_label(title, "https://example.org/x") == title


def test_demo_sources_show_no_hash_path_or_address() -> None:
    sources = json.loads((Path(__file__).parents[2] / "data/wuhan/sources.json").read_text())
    for src in sources:
        label = source_label(src["title"], src.get("url"))
        assert label
        assert not HEX.search(label), label
        assert "://" not in label, label
        assert not re.search(r"[\w-]+/[\w.-]+/[\w.-]+", label), label  # no path of 3 parts
