#!/usr/bin/env python3
"""Independent recount of a pingshen ranking (standard library only, exact fractions).

Usage: recount.py INPUT.json  -> prints the ranking JSON (the `rank --format json` shape) to stdout.

INPUT.json:
  {"program": ID, "quota": N, "max_total": 100,
   "aggregation": {"method": "trimmed-mean"|"mean"|"median"|"z-score"|"borda", "trim": 1, "trim_min": 5,
                   "quorum": 3, "tie_breaks": ["median", "recommend"], "approval_threshold": "2/3"|null},
   "dossiers": [{"id": ID, "name": TEXT}, ...],
   "sheets": [{"member": ID, "dossier": ID, "points": {CRITERION: N}, "vote": "recommend"|"reject"|"abstain"|null}, ...]}
  or, instead of "sheets", "events": [{"kind": "score", "seq": N, "member", "dossier", "points", "vote",
                                       "dossier_sha256": HEX (optional)} |
                                      {"kind": "recusal", "seq": N, "member", "dossier"}]
  and optionally "pins": {DOSSIER: HEX}: each dossier's last signed version (intake / dossier-amend
  records). A latest sheet whose dossier_sha256 is not its dossier's pin was made on an older
  version: it is listed in "stale_sheets" and, with aggregation "stale_sheets": "drop", not counted.

This is a second implementation written from the rules (Sources/Scoring/Aggregate.swift and Ranker.swift
document them), not a translation of the Swift code: it is there to catch the Swift code being wrong.
"""
import json
import math
import sys
from fractions import Fraction

UNITS = 10000  # z-score and Borda per-sheet values are rounded half up to 1/10000 of a point


def round_half_up(x):
    """floor(x + 1/2) for a Fraction x."""
    return math.floor(x + Fraction(1, 2))


def two_decimals(x):
    cents = round_half_up(x * 100)
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return "%s%d.%02d" % (sign, cents // 100, cents % 100)


def parse_threshold(text):
    if text is None:
        return None
    try:
        f = Fraction(text.replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        return None
    return f if 0 <= f <= 1 else None


def latest_sheets(events):
    latest = {}
    recused = set()
    for ev in events:
        key = (ev["member"], ev["dossier"])
        if ev["kind"] == "recusal":
            recused.add(key)
        elif key not in latest or ev["seq"] > latest[key]["seq"]:
            latest[key] = ev
    return [latest[k] for k in sorted(latest) if k not in recused]


def is_stale(ev, pins):
    pin = pins.get(ev["dossier"])
    return pin is not None and ev.get("dossier_sha256") != pin


def valid_sheets(events, pins=None, drop_stale=False):
    return [ev for ev in latest_sheets(events) if not (drop_stale and is_stale(ev, pins or {}))]


def median(values):
    v = sorted(values)
    if not v:
        return None
    n = len(v)
    if n % 2:
        return Fraction(v[n // 2])
    return Fraction(v[n // 2 - 1] + v[n // 2], 2)


def mean(values):
    return Fraction(sum(values), len(values)) if values else None


def trimmed_mean(values, trim, trim_min):
    v = sorted(values)
    if not v:
        return None
    if trim > 0 and len(v) >= trim_min and len(v) > 2 * trim:
        v = v[trim:len(v) - trim]
    return Fraction(sum(v), len(v))


def zscore_values(sheets):
    """Per sheet: mu + D * (x - mean_m) / A_m, mean absolute deviations, rounded to 1/UNITS."""
    totals = [s["total"] for s in sheets]
    mu = Fraction(sum(totals), len(totals))
    D = sum(abs(x - mu) for x in totals) / len(totals)
    by_member = {}
    for s in sheets:
        by_member.setdefault(s["member"], []).append(s["total"])
    scale = {}
    for m, xs in by_member.items():
        mm = Fraction(sum(xs), len(xs))
        scale[m] = (mm, sum(abs(x - mm) for x in xs) / len(xs))
    out = []
    for s in sheets:
        mm, A = scale[s["member"]]
        v = mu if A == 0 else mu + D * (s["total"] - mm) / A
        out.append(Fraction(round_half_up(v * UNITS), UNITS))
    return out


def borda_values(sheets, max_total):
    by_member = {}
    for s in sheets:
        by_member.setdefault(s["member"], []).append(s["total"])
    out = []
    for s in sheets:
        xs = by_member[s["member"]]
        n = len(xs)
        if n == 1:
            p = Fraction(max_total, 2)
        else:
            beaten = sum(1 for y in xs if y < s["total"])
            tied = sum(1 for y in xs if y == s["total"]) - 1
            p = (beaten + Fraction(tied, 2)) / (n - 1) * max_total
        out.append(Fraction(round_half_up(p * UNITS), UNITS))
    return out


def recount(spec):
    agg = spec.get("aggregation", {})
    method = agg.get("method", "trimmed-mean")
    if method not in ("trimmed-mean", "mean", "median", "z-score", "borda"):
        method = "trimmed-mean"
    trim = max(0, agg.get("trim", 1))
    trim_min = agg.get("trim_min", 5)
    quorum = max(1, agg.get("quorum", 3))
    tie_breaks = agg.get("tie_breaks", ["median", "recommend"])
    threshold = parse_threshold(agg.get("approval_threshold"))
    pins = spec.get("pins") or {}
    drop_stale = agg.get("stale_sheets") == "drop"
    quota = spec["quota"]
    max_total = spec.get("max_total", 100) or 100

    dossiers = []
    seen = set()
    for d in spec["dossiers"]:
        if d["id"] not in seen:
            seen.add(d["id"])
            dossiers.append(d)
    if "events" in spec:
        raw = valid_sheets(spec["events"], pins, drop_stale)
    else:
        raw = spec["sheets"]
    sheets = []
    for s in raw:
        if s["dossier"] in seen:
            sheets.append({"member": s["member"], "dossier": s["dossier"],
                           "total": sum(s["points"].values()), "vote": s.get("vote")})

    if method == "z-score" and sheets:
        for s, v in zip(sheets, zscore_values(sheets)):
            s["value"] = v
    elif method == "borda" and sheets:
        for s, v in zip(sheets, borda_values(sheets, max_total)):
            s["value"] = v

    info = {}
    for d in dossiers:
        mine = [s for s in sheets if s["dossier"] == d["id"]]
        totals = [s["total"] for s in mine]
        if not mine:
            score = None
        elif method == "mean":
            score = mean(totals)
        elif method == "median":
            score = median(totals)
        elif method == "trimmed-mean":
            score = trimmed_mean(totals, trim, trim_min)
        else:
            score = sum(s["value"] for s in mine) / len(mine)
        votes = {v: sum(1 for s in mine if s["vote"] == v) for v in ("recommend", "reject", "abstain")}
        cast = sum(votes.values())
        info[d["id"]] = {"dossier": d["id"], "name": d.get("name", ""), "score": score, "median": median(totals),
                         "n": len(mine), "votes": votes,
                         "share": Fraction(votes["recommend"], cast) if cast else None}

    def key(i):
        # Tuple compared "bigger is better"; None (no value) below every value.
        k = [(0,) if i["score"] is None else (1, i["score"])]
        for t in tie_breaks:
            if t == "median":
                k.append((0,) if i["median"] is None else (1, i["median"]))
            elif t == "recommend":
                k.append((1, i["votes"]["recommend"]))
            elif t == "approval":
                k.append((0,) if i["share"] is None else (1, i["share"]))
        return tuple(k)

    ranked = [i for i in info.values() if i["n"] >= quorum]
    unranked = sorted((i for i in info.values() if i["n"] < quorum), key=lambda i: i["dossier"].encode())
    ranked.sort(key=lambda i: i["dossier"].encode())
    ranked.sort(key=key, reverse=True)  # stable: equal keys keep dossier order

    entries = []
    taken = 0
    for pos, i in enumerate(ranked):
        # competition rank: 1 + number of dossiers strictly better
        i["rank"] = 1 + sum(1 for j in ranked if key(j) > key(i))
    groups = {}
    for i in ranked:
        groups.setdefault(i["rank"], []).append(i)
    for r in sorted(groups):
        group = groups[r]
        for i in group:
            if threshold is None:
                i["approval"] = None
            else:
                cast = sum(i["votes"].values())
                ok = cast > 0 and Fraction(i["votes"]["recommend"], cast) >= threshold
                i["approval"] = "met" if ok else "below-threshold"
        eligible = [i for i in group if i["approval"] != "below-threshold"]
        if taken + len(eligible) <= quota:
            st = "selected"
        elif taken < quota:
            st = "tie-at-cut"
        else:
            st = "not-selected"
        taken += len(eligible)
        for i in group:
            i["status"] = "not-selected" if i["approval"] == "below-threshold" else st
            entries.append(i)
    for i in unranked:
        i["rank"] = len(ranked) + 1
        i["status"] = "no-quorum"
        i["approval"] = None
        entries.append(i)

    out = []
    for i in entries:
        out.append({
            "rank": i["rank"], "dossier": i["dossier"], "name": i["name"],
            "score": None if i["score"] is None else two_decimals(i["score"]),
            "exact": None if i["score"] is None else str(i["score"]),
            "sheets": i["n"], "status": i["status"],
            "median": None if i["median"] is None else str(i["median"]),
            "recommend": i["votes"]["recommend"], "reject": i["votes"]["reject"], "abstain": i["votes"]["abstain"],
            "approval": i["approval"],
        })
    stale = []
    if "events" in spec:
        names = {d["id"] for d in spec["dossiers"]}
        latest = sorted(latest_sheets(spec["events"]), key=lambda ev: (ev["dossier"].encode(), ev["member"].encode()))
        for ev in latest:
            if ev["dossier"] in names and is_stale(ev, pins):
                stale.append({"member": ev["member"], "dossier": ev["dossier"],
                              "path": "records/%s/%06d.json" % (ev["member"], ev["seq"]), "counted": not drop_stale})
    return {"program": spec["program"], "method": method, "quota": quota, "entries": out,
            "quorum": quorum, "approval_threshold": None if threshold is None else str(threshold),
            "stale_sheets": stale,
            # The input lists the dossiers in the running only (issue 12: those the secretary
            # signed eligible); pingshen lists the others here with their reasons.
            "not_in_running": [],
            # Every sheet of the input counts (the input holds verified records only): no problems.
            "problems": 0}


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: recount.py INPUT.json\n")
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    json.dump(recount(spec), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
