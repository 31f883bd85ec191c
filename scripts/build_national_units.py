"""Rebuild `redres/catalog/data/datasets/national-key-units.csv` from the geodoi list table.

The table (`CulRelPro_China_1961-2019.xls`, sheet `Tab.1`, see ../shared/data/national/SOURCES.md)
transcribes the State Council's eight notices of national key cultural relic protection units.
Only the notices' facts are kept, in Chinese as the notices give them: number within the batch,
classification number, name, era, category, province, address. The table's English translations, its
city/county columns (derived by its authors) and all coordinates are left out.

Run once by a maintainer (needs `pip install xlrd`):
    python scripts/build_national_units.py ../shared/data/national/kasasasasa__*/CulRelPro_China_1961-2019.xls
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "redres/catalog/data/datasets/national-key-units.csv"
BATCHES = ["第一批", "第二批", "第三批", "第四批", "第五批", "第六批", "第七批", "第八批"]
COLUMNS = {
    1: "编号",
    2: "分类号",
    3: "名称",
    5: "时代",
    7: "地址",
    9: "类型",
    11: "批次",
    13: "省份",
}


def _text(value: object) -> str:
    """A cell as tidy text: NFKC (full-width quotes and spaces), no stray whitespace."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return " ".join(unicodedata.normalize("NFKC", text).split())


def main(xls: Path) -> None:
    """Write the CSV, one row per unit in the table's order, and check what it must hold."""
    table = pd.read_excel(xls, sheet_name="Tab.1", header=None, skiprows=5)
    table = table[table[0].apply(lambda v: isinstance(v, int | float) and v == v)]
    rows = [{name: _text(row[col]) for col, name in COLUMNS.items()} for _, row in table.iterrows()]
    assert {r["批次"] for r in rows} == set(BATCHES), "unexpected batch names"
    keys = [(r["批次"], r["省份"], r["名称"]) for r in rows]
    assert len(keys) == len(set(keys)), "batch, province and name do not identify a unit"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS.values()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} units -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
