"""Tables over several seeds from `bench/orienteering.py` CSV output (one CSV per seed).

    python bench/seeds.py toptw RUN_s0.csv RUN_s1.csv ...      # TOPTW, ours beside the peer
    python bench/seeds.py toptw --peer-scores bench/v10-scores.csv RUN_s0.csv ...
    python bench/seeds.py scores NAME [--peer-scores FILE] RUN_s0.csv ... > bench/vN-scores.csv
    python bench/seeds.py mctopmtw RUN_seed0.csv ...           # MCTOPMTW against the sheet

``--peer-scores`` takes the peer's score per m, seed and instance from an earlier scores file
(its ``pyvrp`` column), for a run of ours alone measured the same way as the one it is set
beside; the peer's seconds are then left blank. ``scores`` writes one row per m, seed and
instance (``run,m,seed,instance,redres,pyvrp,reference``), the layout of ``bench/v10-scores.csv``.

The seed is read from each file name (the digits after ``seed`` or ``_s``). A table row is a
family and m: the mean over seeds of the per-seed mean (over the family's instances), the
spread of those per-seed means (max - min) and their range. A solver is called "ahead" of
another on a row only where its worst seed is better than the other's best seed (the ranges
are apart), so a margin inside the seed-to-seed spread is called a tie.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path
from statistics import mean

from mctopmtw import instance_key

HERE = Path(__file__).resolve().parent
SHEET = HERE.parent.parent / "shared" / "bench" / "mctopmtw-results.csv"
GROUP_ORDER = ["c1/r1/rc1", "c2/r2/rc2", "pr01-10", "pr11-20", "pr"]


def seed_of(path: Path) -> int:
    """The seed in a run's file name (``..._s3.csv`` or ``...seed3.csv``)."""
    found = re.search(r"(?:seed|_s)(\d+)", path.stem)
    if not found:
        msg = f"no seed in the file name {path.name}"
        raise ValueError(msg)
    return int(found.group(1))


def _rows(paths: list[Path]) -> list[tuple[int, dict[str, str]]]:
    out = []
    for path in paths:
        with path.open() as handle:
            out += [(seed_of(path), row) for row in csv.DictReader(handle)]
    return out


def _spread(per_seed: dict[int, float]) -> tuple[float, float, float, float]:
    """Mean of the per-seed values, their spread (max - min), min and max."""
    values = list(per_seed.values())
    return mean(values), max(values) - min(values), min(values), max(values)


def _group_key(group: str) -> tuple[int, int, str]:
    family, m = group.rsplit(" m=", 1)
    return int(m), GROUP_ORDER.index(family) if family in GROUP_ORDER else 99, family


def peer_scores(path: Path) -> dict[tuple[int, int, str], tuple[float, float]]:
    """PyVRP's score and the reference per (m, seed, instance) from a scores file."""
    with path.open() as handle:
        return {
            (int(r["m"]), int(r["seed"]), r["instance"]): (float(r["pyvrp"]), float(r["reference"]))
            for r in csv.DictReader(handle)
            if r["pyvrp"]
        }


def _with_peer(
    rows: list[tuple[int, dict[str, str]]], peer: dict[tuple[int, int, str], tuple[float, float]]
) -> list[tuple[int, dict[str, str]]]:
    """Rows of ours alone with the peer's gap from `peer` (its seconds blank)."""
    out = []
    for seed, row in rows:
        m = int(row["group"].rsplit(" m=", 1)[1])
        score, ref = peer[(m, seed, Path(row["instance"]).stem)]
        gap = 100.0 * (ref - score) / ref
        out.append((seed, {**row, "pyvrp_gap_pct": f"{gap:.2f}", "pyvrp_seconds": ""}))
    return out


def scores(name: str, paths: list[Path], peer: Path | None = None) -> str:
    """One CSV row per m, seed and instance: our score, the peer's and the BKS.

    The peer's score is the row's own (a run with ``--peers pyvrp``), else the one in `peer`.
    """
    known = peer_scores(peer) if peer else {}
    lines = ["run,m,seed,instance,redres,pyvrp,reference"]
    for seed, row in sorted(_rows(paths), key=lambda x: (x[1]["group"][-1], x[0])):
        m = int(row["group"].rsplit(" m=", 1)[1])
        inst = Path(row["instance"]).stem
        theirs = known.get((m, seed, inst), (float("nan"), 0.0))[0]
        cell = row.get("pyvrp_score") or ("" if theirs != theirs else f"{theirs:g}")
        lines.append(f"{name},{m},{seed},{inst},{row['score']},{cell},{row['bks']}")
    return "\n".join(lines)


def toptw(paths: list[Path], peer: Path | None = None) -> str:
    """Mean gap to best-known per family and m, ours and PyVRP, over the seeds given.

    With `peer` (a scores file) PyVRP's gaps come from there, not from the runs' own columns.
    """
    gaps: dict[tuple[str, str], dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    secs: dict[tuple[str, str], list[float]] = defaultdict(list)
    rows = _rows(paths)
    if peer is not None:
        rows = _with_peer(rows, peer_scores(peer))
    for seed, row in rows:
        group = row["group"]
        m = group.rsplit(" m=", 1)[1]
        for solver, prefix in (("redres", ""), ("pyvrp", "pyvrp_")):
            if f"{prefix}gap_pct" not in row and solver != "redres":
                continue
            gap = float(row[f"{prefix}gap_pct"])
            for key in (group, f"all m={m}"):
                gaps[(key, solver)][seed].append(gap)
                if row[f"{prefix}seconds"]:
                    secs[(key, solver)].append(float(row[f"{prefix}seconds"]))
    groups = sorted({g for g, _ in gaps if not g.startswith("all")}, key=_group_key)
    groups += sorted({g for g, _ in gaps if g.startswith("all")}, key=lambda g: g[-1])
    lines = [
        "| family m | n | seeds | redres gap % mean (spread) [per-seed range] | s "
        "| PyVRP gap % mean (spread) [per-seed range] | s | ahead |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for group in groups:
        cells, ranges = [], {}
        for solver in ("redres", "pyvrp"):
            per_seed = {s: mean(v) for s, v in gaps[(group, solver)].items()}
            if not per_seed:
                cells += ["", ""]
                continue
            avg, spread, low, high = _spread(per_seed)
            ranges[solver] = (low, high)
            timed = secs[(group, solver)]
            cells += [
                f"{avg:.2f} ({spread:.2f}) [{low:.2f}-{high:.2f}]",
                f"{mean(timed):.2f}" if timed else "",
            ]
        ahead = "tie (ranges overlap)"
        if len(ranges) == 2:
            if ranges["redres"][1] < ranges["pyvrp"][0]:
                ahead = "**redres**"
            elif ranges["pyvrp"][1] < ranges["redres"][0]:
                ahead = "**PyVRP**"
        n = len(next(iter(gaps[(group, "redres")].values())))
        seeds = len(gaps[(group, "redres")])
        name = group.replace("all m=", "**all** m=")
        lines.append(f"| {name} | {n} | {seeds} | {cells[0]} | {cells[1]} | {cells[2]} "
                     f"| {cells[3]} | {ahead} |")  # fmt: skip
    return "\n".join(lines)


def mctopmtw(paths: list[Path], sheet: Path = SHEET) -> str:
    """Score against the sheet's `best` and `benchmark` per family and m, over the seeds given;
    then every result above `benchmark` with its seed."""
    with sheet.open() as handle:
        ref = {(int(r["m"]), r["instance"]): r for r in csv.DictReader(handle)}
    per: dict[tuple[str, int], dict[int, list[tuple[str, float, float, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    above: dict[tuple[int, str], list[tuple[int, float]]] = defaultdict(list)
    for seed, row in _rows(paths):
        m, name = instance_key(Path(row["instance"]))
        r = ref[(m, name)]
        score, best, bench = float(row["score"]), float(r["best"]), float(r["benchmark"])
        seconds = float(row["seconds"]) if row.get("seconds") else float("nan")
        key = ("pr" if name.startswith("pr") else "c1/r1/rc1", m)
        per[key][seed].append((name, score / best, score / bench, seconds))
        if score > bench + 1e-6:
            above[(m, name)].append((seed, score))
    lines = [
        "| family | m | n | seeds | score/best mean (spread) [per-seed range] "
        "| worst instance (mean over seeds) | instances > 2 % below best (per seed) "
        "| score/benchmark mean (spread) | s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(per, key=lambda k: (k[0] != "c1/r1/rc1", k[1])):
        runs = per[key]
        b_avg, b_spread, b_low, b_high = _spread(
            {s: mean(x[1] for x in v) for s, v in runs.items()}
        )
        k_avg, k_spread, _, _ = _spread({s: mean(x[2] for x in v) for s, v in runs.items()})
        by_inst: dict[str, list[float]] = defaultdict(list)
        for v in runs.values():
            for name, ratio, _, _ in v:
                by_inst[name].append(ratio)
        worst = min(by_inst, key=lambda i: mean(by_inst[i]))
        below = [sum(x[1] < 0.98 - 1e-12 for x in runs[s]) for s in sorted(runs)]
        timed = [x[3] for v in runs.values() for x in v if x[3] == x[3]]
        lines.append(
            f"| {key[0]} | {key[1]} | {len(by_inst)} | {len(runs)} "
            f"| {b_avg:.4f} ({b_spread:.4f}) [{b_low:.4f}-{b_high:.4f}] "
            f"| {worst} {mean(by_inst[worst]):.4f} | {'/'.join(map(str, below))} "
            f"| {k_avg:.4f} ({k_spread:.4f}) | {f'{mean(timed):.2f}' if timed else ''} |"
        )
    lines.append("")
    for (m, name), found in sorted(above.items()):
        bench = float(ref[(m, name)]["benchmark"])
        best_seed, top = max(found, key=lambda x: x[1])
        seeds = ", ".join(f"{s}: {v:g}" for s, v in sorted(found))
        lines.append(f"- m={m} {name}: best {top:g} > {bench:g} (seed {best_seed}; seeds {seeds})")
    return "\n".join(lines)


if __name__ == "__main__":
    args = sys.argv[1:]
    kind = args.pop(0)
    label = args.pop(0) if kind == "scores" else ""
    peer = None
    if args[:1] == ["--peer-scores"]:
        peer = Path(args[1])
        args = args[2:]
    files = [Path(p) for p in args]
    if kind == "scores":
        print(scores(label, files, peer))
    else:
        print(toptw(files, peer) if kind == "toptw" else mctopmtw(files))
