#!/usr/bin/env python3
"""Independent recount of a pingshen ranking (standard library only, exact fractions).

Usage: recount.py INPUT.json    -> prints the ranking JSON (the `rank --format json` shape) to stdout.
       recount.py --store STORE  -> the same, read from a store's files (below).
       recount.py --rounds STORE -> every round of a programme with rounds, the round rules applied
                                    and each shortlist's pins checked (rounds_report; README,
                                    "Rounds and shortlists").

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

With --store, the input is built from the store itself (records/MEMBER/NNN/NNNNNN.json, dossiers/ID.yaml),
never from the views (roster.yaml, program.yaml, allowed_signers): the genesis record (the first record
of a member's chain, kind "genesis") and the governance records chained to it by body.gov_prev
(member-add, member-rotate, member-remove, program-amend, sanction-add) give the roster and the
programme; intake and dossier-amend records the dossier versions; eligibility records (one decision or
a batch, latest by chain order) who is in the running; score and recusal records the sheets; objection
and finalize records the upheld objections and the chair's resolutions at the cut. A removed member's
records after its last_seq do not count, nor any of its sheets when the removal says "sheets": "discard".
Signatures are not checked here (run `pingshen verify STORE`, or stock `ssh-keygen -Y verify`, first):
the recount checks the arithmetic and the reading of the records. Needs PyYAML (python3-yaml) to read
program.yaml's text and the dossier files; the INPUT.json mode needs nothing but the standard library.

This is a second implementation written from the rules (Sources/Scoring/Aggregate.swift and Ranker.swift
document them), not a translation of the Swift code: it is there to catch the Swift code being wrong.
"""
import hashlib
import json
import math
import os
import re
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
    # Issue 12: the pass mark (合格线, in points) and the assessment mode (each dossier graded).
    pass_mark = agg.get("pass_mark")
    excellent_mark = agg.get("excellent_mark")
    assessment = agg.get("mode") == "assessment"

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
        # What the pass mark is compared with: the score where it is in points, else (z-score,
        # Borda) the mean of the totals.
        points = (mean(totals) if method in ("z-score", "borda") else score) if mine else None
        info[d["id"]] = {"dossier": d["id"], "name": d.get("name", ""), "score": score, "median": median(totals),
                         "n": len(mine), "votes": votes, "points": points,
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
            if pass_mark is None:
                i["pass_mark"] = None
            else:
                i["pass_mark"] = "met" if i["points"] is not None and i["points"] >= pass_mark else "below"
            i["takes"] = i["approval"] != "below-threshold" and i["pass_mark"] != "below"
        if assessment:
            # No quota: each passes or fails on its own against the marks.
            for i in group:
                i["status"] = "selected" if i["takes"] else "not-selected"
                if not i["takes"]:
                    i["grade"] = "fail"
                elif excellent_mark is not None and i["points"] is not None and i["points"] >= excellent_mark:
                    i["grade"] = "excellent"
                else:
                    i["grade"] = "pass"
                entries.append(i)
            continue
        eligible = [i for i in group if i["takes"]]
        if taken + len(eligible) <= quota:
            st = "selected"
        elif taken < quota:
            st = "tie-at-cut"
        else:
            st = "not-selected"
        taken += len(eligible)
        for i in group:
            i["status"] = st if i["takes"] else "not-selected"
            entries.append(i)
    for i in unranked:
        i["rank"] = len(ranked) + 1
        i["status"] = "no-quorum"
        i["approval"] = None
        i["pass_mark"] = None
        i["grade"] = None
        entries.append(i)
    # The chair's signed resolutions of a tie at the cut (--store: the latest finalization).
    resolutions = spec.get("resolutions") or {}
    for i in entries:
        if i["status"] == "tie-at-cut" and i["dossier"] in resolutions:
            i["status"] = "selected" if resolutions[i["dossier"]] == "selected" else "not-selected"

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
        if pass_mark is not None:
            out[-1]["pass_mark"] = i["pass_mark"]
        if assessment:
            out[-1]["grade"] = i["grade"]
    stale = []
    if "events" in spec:
        # Every dossier of the store (--store: not only those in the running).
        names = {d["id"] for d in spec.get("store_dossiers", spec["dossiers"])}
        latest = sorted(latest_sheets(spec["events"]), key=lambda ev: (ev["dossier"].encode(), ev["member"].encode()))
        for ev in latest:
            if ev["dossier"] in names and is_stale(ev, pins):
                stale.append({"member": ev["member"], "dossier": ev["dossier"],
                              "path": record_path(ev["member"], ev["seq"]), "counted": not drop_stale})
    result = {"program": spec["program"], "method": method, "quota": quota, "entries": out,
              "quorum": quorum, "approval_threshold": None if threshold is None else str(threshold),
              "stale_sheets": stale,
              # The input lists the dossiers in the running only (issue 12: those the secretary
              # signed eligible); the others are listed here with their reasons (--store finds them).
              "not_in_running": spec.get("not_in_running", []),
              # Every sheet of the input counts (the input holds verified records only): no problems.
              "problems": 0}
    if pass_mark is not None:
        result["pass_mark"] = pass_mark
    if assessment:
        result["mode"] = "assessment"
        result["excellent_mark"] = excellent_mark
    if spec.get("store_fingerprint"):
        result["store_fingerprint"] = spec["store_fingerprint"]
    return result


# ---------------------------------------------------------------------------------------------
# --store: the input read from a store's files.

RECORD_NAME = re.compile(r"^([0-9]{6,10})\.json$")
GOVERNANCE = ("member-add", "member-rotate", "member-remove", "program-amend", "sanction-add")
# Who may sign what (RecordKinds' signers column, restated).
SIGNERS = {"score": ("member", "chair"), "recusal": ("member", "chair"), "eligibility": ("secretary",),
           "intake": ("secretary",), "dossier-amend": ("secretary",), "objection": ("secretary",),
           "finalize": ("chair",), "shortlist": ("chair",), "approval": ("chair", "approver"), "attachment": ("secretary",),
           "group": ("secretary",), "dossier-group": ("secretary",), "assignment": ("secretary",)}


def warn(text):
    sys.stderr.write("recount.py: warning: %s\n" % text)


RECORD_FOLDER = re.compile(r"^(?:[0-9]{3}|[1-9][0-9]{3,6})$")


def record_folder(seq):
    """The fan-out folder of a seq: seq / 1000 with at least three digits (000, 001, ... 1234)."""
    return "%03d" % (seq // 1000)


def record_path(member, seq):
    """records/MEMBER/NNN/NNNNNN.json, the one spelling of a record's path."""
    return "records/%s/%s/%06d.json" % (member, record_folder(seq), seq)


def read_chains(root):
    """member -> its records in seq order, each {signer, seq, kind, body, seen, created, path, sha256}."""
    base = os.path.join(root, "records")
    chains = {}
    for member in sorted(os.listdir(base)):
        d = os.path.join(base, member)
        if member.startswith(".") or os.path.islink(d) or not os.path.isdir(d):
            continue
        recs = []
        names = []
        for folder in os.listdir(d):
            fd = os.path.join(d, folder)
            # The fan-out: NNN = seq / 1000, at least three digits; never through a link.
            if not RECORD_FOLDER.match(folder) or os.path.islink(fd) or not os.path.isdir(fd):
                continue
            names += [(folder, name) for name in os.listdir(fd)]
        for folder, name in names:
            m = RECORD_NAME.match(name)
            path = os.path.join(d, folder, name)
            # A record exists once its signature does, in its own folder.
            if not m or record_folder(int(m.group(1))) != folder or os.path.islink(path) or not os.path.isfile(path) or not os.path.isfile(path + ".sig"):
                continue
            with open(path, "rb") as f:
                raw = f.read()
            rec = json.loads(raw.decode("utf-8"))
            if rec.get("signer") != member or rec.get("seq") != int(m.group(1)):
                warn("%s names signer %r seq %r: not counted" % (path, rec.get("signer"), rec.get("seq")))
                continue
            recs.append({"signer": member, "seq": rec["seq"], "kind": rec.get("kind"), "body": rec.get("body") or {},
                         "seen": rec.get("seen") or {}, "created": rec.get("created", ""), "prev": rec.get("prev"), "gov": rec.get("gov"),
                         "path": "records/%s/%s/%s" % (member, folder, name), "sha256": hashlib.sha256(raw).hexdigest()})
        recs.sort(key=lambda r: r["seq"])
        for a, b in zip(recs, recs[1:]):
            if b["prev"] != a["sha256"] or b["seq"] != a["seq"] + 1:
                warn("%s does not follow %s in its chain (run pingshen verify)" % (b["path"], a["path"]))
        chains[member] = recs
    return chains


def replay_governance(chains):
    """The roster and the programme as the signed governance records say (never the views)."""
    candidates = [recs[0] for _, recs in sorted(chains.items()) if recs and recs[0]["seq"] == 1 and recs[0]["kind"] == "genesis"]
    if not candidates:
        raise SystemExit("recount.py: the store has no genesis record")
    if len(candidates) > 1:
        warn("more than one genesis record; %s taken" % candidates[0]["path"])
    g = candidates[0]
    founder = g["body"]["member"]
    members = {founder["id"]: {"role": "secretary", "name": founder.get("name", ""), "keys": [(founder["key"], 1)],
                               "last_seq": None, "removed": False, "sheets": "keep"}}
    members[founder["id"]]["unit"] = founder.get("unit")
    program_text = g["body"]["program_yaml"]
    # The roster at each head of the chain (an assignment pins the head it was signed under).
    snapshots = {}

    def snapshot(at):
        snapshots[at] = {m: {"role": f["role"], "unit": f.get("unit"), "removed": f["removed"]} for m, f in members.items()}
    snapshot(g["sha256"])
    children = {}
    for recs in chains.values():
        for r in recs:
            if r["kind"] in GOVERNANCE:
                children.setdefault(r["body"].get("gov_prev"), []).append(r)
    head = g["sha256"]
    length = 1
    while True:
        kids = children.get(head, [])
        if not kids:
            break
        if len(kids) > 1:
            warn("the governance chain forks after %s: %s" % (head, ", ".join(sorted(k["path"] for k in kids))))
            break
        r = kids[0]
        b = r["body"]
        sec = members.get(r["signer"])
        if sec is None or sec["removed"] or sec["role"] != "secretary" or (sec["last_seq"] is not None and r["seq"] > sec["last_seq"]):
            warn("%s is not signed by a secretary on the roster: the chain stops before it" % r["path"])
            break
        kind = r["kind"]
        if kind == "member-add":
            m = b["member"]
            if m["id"] in members:
                warn("%s adds %s again: the chain stops before it" % (r["path"], m["id"]))
                break
            members[m["id"]] = {"role": m["role"], "name": m.get("name", ""), "keys": [(m["key"], 1)],
                                "last_seq": None, "removed": False, "sheets": "keep", "unit": m.get("unit")}
        elif kind == "member-rotate":
            # Signatures are pingshen verify's to check: the key's first seq is recorded only.
            members[b["id"]]["keys"].append((b["key"], b["from_seq"]))
        elif kind == "member-remove":
            f = members[b["id"]]
            f["removed"] = True
            f["last_seq"] = b["last_seq"]
            # Whether the member's earlier sheets still count is a signed decision (default keep).
            f["sheets"] = b.get("sheets", "keep")
        elif kind == "program-amend":
            program_text = b["program_yaml"]
        head = r["sha256"]
        length += 1
        snapshot(head)
    return {"fingerprint": g["sha256"], "instance": g["body"].get("instance"), "members": members,
            "program_text": program_text, "head": head, "length": length, "snapshots": snapshots}


def is_later(b, a):
    """DecisionOrder: b comes after a (one chain: higher seq; two: b had seen a)."""
    if b["signer"] == a["signer"]:
        return b["seq"] > a["seq"]
    return b["saw"].get(a["signer"], 0) >= a["seq"]


def latest(items):
    """The latest decision when the heads (decisions no other came after) agree, else None."""
    last = {}
    for i in items:
        if i["signer"] not in last or last[i["signer"]]["seq"] < i["seq"]:
            last[i["signer"]] = i
    lasts = list(last.values())
    heads = [a for a in lasts if not any(b is not a and is_later(b, a) for b in lasts)]
    heads.sort(key=lambda i: i["path"].encode())
    if not heads or any(h["value"] != heads[0]["value"] for h in heads):
        return None
    return heads[0]


def item(r, value):
    saw = dict(r["seen"])
    if r["kind"] == "finalize" and isinstance(r["body"].get("counted"), dict):
        for m, n in r["body"]["counted"].items():
            if isinstance(n, int) and n > saw.get(m, 0):
                saw[m] = n
    return {"signer": r["signer"], "seq": r["seq"], "saw": saw, "path": r["path"], "value": value}


def signed_dossier_groups(grouping_recs):
    """Each dossier's signed group: the latest `dossier-group` decision on it (DecisionOrder;
    none when its latest decisions disagree)."""
    decided = {}
    for r in grouping_recs:
        groups = r["body"].get("groups")
        for d, g in (groups.items() if isinstance(groups, dict) else []):
            decided.setdefault(d, []).append(item(r, g))
    return {d: v["value"] for d, v in ((d, latest(i)) for d, i in decided.items()) if v is not None}


def pin_later(a, b):
    """DossierPins: chain order for one signer, else the later `created`, then the signer id."""
    if a["signer"] == b["signer"]:
        return a["seq"] > b["seq"]
    if a["created"] != b["created"]:
        return a["created"] > b["created"]
    return not (a["signer"].encode() < b["signer"].encode())


def counted_records(chains, members):
    """The records that count: signed by someone the history knows, in a role that may sign
    their kind, not after a removal's last_seq."""
    counted = []
    for member, recs in sorted(chains.items()):
        facts = members.get(member)
        for r in recs:
            if r["kind"] == "genesis" or r["kind"] in GOVERNANCE:
                continue
            if facts is None:
                warn("%s: %s is not on the signed roster: not counted" % (r["path"], member))
                continue
            if facts["last_seq"] is not None and r["seq"] > facts["last_seq"]:
                continue
            if facts["role"] not in SIGNERS.get(r["kind"], ()):
                warn("%s: a %s may not sign %s: not counted" % (r["path"], facts["role"], r["kind"]))
                continue
            if facts["removed"] and facts["sheets"] == "discard" and r["kind"] in ("score", "recusal"):
                continue
            if r["kind"] in ("score", "recusal") and not isinstance(r["body"].get("dossier"), str):
                warn("%s: its dossier is not an id: not counted" % r["path"])
                continue
            counted.append(r)
    return counted


def signed_dossiers(root, counted):
    """The dossier versions the secretaries signed (intake, dossier-amend; the later by
    DossierPins' order), and each signed dossier's fields from its file, in id order."""
    import yaml  # PyYAML: the dossier files are YAML
    pins = {}
    for r in counted:
        entries = []
        if r["kind"] == "intake":
            entries = [(d, v.get("sha256")) for d, v in (r["body"].get("dossiers") or {}).items() if isinstance(v, dict)]
        elif r["kind"] == "dossier-amend":
            entries = [(r["body"].get("dossier"), r["body"].get("sha256"))]
        for d, sha in entries:
            pin = {"sha256": sha, "signer": r["signer"], "seq": r["seq"], "created": r["created"]}
            if d not in pins or pin_later(pin, pins[d]):
                pins[d] = pin
    dossiers = []
    for d in sorted(pins, key=lambda x: x.encode()):
        path = os.path.join(root, "dossiers", d + ".yaml")
        if not os.path.isfile(path):
            warn("dossiers/%s.yaml is signed but gone" % d)
            continue
        with open(path, "rb") as f:
            raw = f.read()
        if hashlib.sha256(raw).hexdigest() != pins[d]["sha256"]:
            warn("dossiers/%s.yaml differs from its signed version (run pingshen verify)" % d)
        fields = (yaml.safe_load(raw.decode("utf-8")) or {}).get("fields") or {}
        dossiers.append({"id": d, "name": str(fields.get("name", "") or ""), "fields": fields})
    return pins, dossiers


def store_spec(root):
    import yaml  # PyYAML: program.yaml's text is YAML

    chains = read_chains(root)
    gov = replay_governance(chains)
    program = yaml.safe_load(gov["program_text"]) or {}
    members = gov["members"]
    counted = counted_records(chains, members)
    pins, dossiers = signed_dossiers(root, counted)

    # Eligibility (latest decision, and the version it names, by chain order), objections, finalization.
    decisions, versions, details, objections, finals = {}, {}, {}, {}, []
    for r in counted:
        b = r["body"]
        if r["kind"] == "eligibility":
            if isinstance(b.get("decisions"), list):
                es = [(e.get("dossier"), e.get("decision"), e.get("sha256"), e.get("reasons") or [], e.get("reason"))
                      for e in b["decisions"] if isinstance(e, dict)]
            else:
                es = [(b.get("dossier"), b.get("result"), b.get("dossier_sha256"), b.get("reasons") or [], b.get("reason"))]
            for d, decision, version, reasons, reason in es:
                decisions.setdefault(d, []).append(item(r, decision))
                versions.setdefault(d, []).append(item(r, version or ""))
                detail = {"reasons": reasons}
                if reason is not None:
                    detail["reason"] = reason
                details.setdefault(d, []).append(item(r, json.dumps(detail, sort_keys=True, ensure_ascii=False)))
        elif r["kind"] == "objection":
            objections.setdefault(b.get("dossier"), []).append(item(r, b.get("outcome", "pending")))
        elif r["kind"] == "finalize":
            finals.append((item(r, r["path"]), b))

    running, out = [], []
    for d in dossiers:
        state, older, reasons, reason = None, False, [], None
        objection = latest(objections.get(d["id"], []))
        decision = latest(decisions.get(d["id"], []))
        version = latest(versions.get(d["id"], []))
        if objection is not None and objection["value"] == "upheld":
            state = "objection-upheld"
        elif decision is None:
            state = "unchecked"
        elif version is None or version["value"] != pins[d["id"]]["sha256"]:
            state, older = "unchecked", True
        elif decision["value"] == "eligible":
            running.append(d)
            continue
        else:
            state = "ineligible"
            detail = latest(details.get(d["id"], []))
            if detail is not None:
                dj = json.loads(detail["value"])
                for x in dj.get("reasons", []):
                    x = x if isinstance(x, dict) else {}
                    msg = x.get("message") if isinstance(x.get("message"), str) else ""
                    reasons.append({"rule": x.get("rule") if isinstance(x.get("rule"), str) else "",
                                    "zh": x["zh"] if isinstance(x.get("zh"), str) else msg,
                                    "en": x["en"] if isinstance(x.get("en"), str) else msg})
                reason = dj.get("reason")
        out.append({"dossier": d["id"], "name": d["name"], "status": state, "reasons": reasons, "reason": reason,
                    "older_version": older})

    # Issue 13: with an assignment in force (replayed, not read), a sheet by a member it does not
    # give that dossier is never counted.
    force = replay_assignments(root, chains, gov)[0] if any(r["kind"] == "assignment" for r in counted) else None
    events = []
    for r in counted:
        b = r["body"]
        rnd = b.get("round", 1)  # absent: round 1 (README, "Rounds and shortlists")
        # The assignment applies to round 1 only; a committee round is open to every member.
        if force is not None and r["kind"] == "score" and rnd == 1 and r["signer"] not in force["table"].get(b.get("dossier"), []):
            continue
        if r["kind"] == "score" and isinstance(b.get("points"), dict):
            events.append({"kind": "score", "seq": r["seq"], "member": r["signer"], "dossier": b.get("dossier"),
                           "points": b["points"], "vote": b.get("vote"), "dossier_sha256": b.get("dossier_sha256"),
                           "round": rnd})
        elif r["kind"] == "recusal":
            events.append({"kind": "recusal", "seq": r["seq"], "member": r["signer"], "dossier": b.get("dossier"), "round": rnd})

    resolutions = {}
    fin = latest([f[0] for f in finals])
    if fin is not None:
        body = next(b for i, b in finals if i is fin)
        for x in body.get("resolutions") or []:
            if isinstance(x, dict) and "dossier" in x:
                resolutions[x["dossier"]] = x.get("decision")

    agg = dict(program.get("aggregation") or {})
    if agg.get("approval_threshold") is not None:
        agg["approval_threshold"] = str(agg["approval_threshold"])
    criteria = ((program.get("sheet") or {}).get("criteria")) or []
    return {"program": program.get("id"), "quota": program.get("quota", 0),
            "max_total": sum(int(c.get("max", 0)) for c in criteria),
            "aggregation": agg, "dossiers": running, "store_dossiers": dossiers, "events": events,
            "pins": {d: p["sha256"] for d, p in pins.items()}, "not_in_running": out, "resolutions": resolutions,
            "store_fingerprint": gov["fingerprint"], "program_doc": program, "counted": counted, "force": force}


# ---------------------------------------------------------------------------------------------
# --rounds: the round rules (which sheets count in which round) and the shortlists' pins, both
# from the signed records (README, "Rounds and shortlists", "Which sheets count").

def record_round(body):
    """A score's or recusal's round: absent, 1; anything but an integer is no round (None)."""
    v = body.get("round", 1)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def signed_shortlists(counted):
    """The counted shortlist records with a usable body (an integer round, counted an object,
    ranking a list of objects, shortlist a list of ids), in path order (UTF-8 bytes); and the
    paths of the others (pingshen's shape check refuses them: they count nowhere)."""
    out, unusable = [], []
    for r in sorted((r for r in counted if r["kind"] == "shortlist"), key=lambda r: utf8(r["path"])):
        b = r["body"]
        if (record_round(b) is None or "round" not in b or not isinstance(b.get("counted"), dict)
                or not isinstance(b.get("ranking"), list) or not all(isinstance(x, dict) for x in b["ranking"])
                or not isinstance(b.get("shortlist"), list) or not all(isinstance(x, str) for x in b["shortlist"])
                or not isinstance(r["seen"], dict)):
            unusable.append(r["path"])
            continue
        out.append(r)
    return out, unusable


def ranked_by(sl):
    return {x.get("dossier") for x in sl["body"]["ranking"] if isinstance(x.get("dossier"), str)}


def round_rule_exclusions(counted, force, shortlists, round_count):
    """Every score and recusal record the round rules leave out, each {path, member, dossier,
    round, kind, rule, why}, in path order. Per record (so a record left out never hides an
    earlier one of the same member and dossier), the first rule that applies:
      round           its round is not one of the programme's 1..round_count;
      unassigned      a round-1 sheet by a member the assignment in force does not give the dossier;
      off-shortlist   a sheet of round N > 1 for a dossier on no signed round N-1 shortlist;
      recused         a sheet of round N by a member who recused from the dossier in a round before N
                      (by a recusal that counts there: a late one bars nothing);
      after-shortlist a sheet or recusal of round N with a seq above the member's `counted` in the
                      shortlist that closes round N for the dossier (the first, by path, whose
                      ranking lists it): the sheet that counts there is the latest one the
                      shortlist counted, and this one counts nowhere;
      before-shortlist a sheet of round N > 1 that had not seen (its `seen`, or its own chain)
                      any of the round N-1 shortlists that put its dossier on."""
    closing, putting_on = {}, {}
    for sl in shortlists:
        n = sl["body"]["round"]
        for d in sorted(ranked_by(sl), key=lambda x: utf8(str(x))):
            closing.setdefault((n, d), sl)
        for d in sl["body"].get("shortlist") or []:
            putting_on.setdefault((n, d), []).append(sl)
    def late(r, n, d):
        sl = closing.get((n, d))
        return sl is not None and r["seq"] > as_count(sl["body"]["counted"].get(r["signer"]))

    # The recusals that count in their round (a late one bars no later round).
    recused_in = {}
    for r in counted:
        if r["kind"] == "recusal" and isinstance(r["body"].get("dossier"), str):
            n, d = record_round(r["body"]), r["body"]["dossier"]
            if n is not None and 1 <= n <= round_count and not late(r, n, d):
                recused_in.setdefault((r["signer"], d), []).append(n)
    table = (force or {}).get("table")
    out = []
    for r in sorted((r for r in counted if r["kind"] in ("score", "recusal") and isinstance(r["body"].get("dossier"), str)),
                    key=lambda r: utf8(r["path"])):
        m, d, n = r["signer"], r["body"].get("dossier"), record_round(r["body"])
        sheet = r["kind"] == "score"
        rule = why = None
        if n is None or not 1 <= n <= round_count:
            rule, why = "round", "round %r is not one of the programme's (1..%d)" % (r["body"].get("round"), round_count)
        elif sheet and n == 1 and table is not None and m not in (table.get(d) or []):
            rule, why = "unassigned", "%s scored %s, which the assignment in force (%s) does not give them" % (m, d, force["record"])
        elif sheet and n > 1 and (n - 1, d) not in putting_on:
            rule, why = "off-shortlist", "a round %d sheet for %s, which is on no signed round %d shortlist" % (n, d, n - 1)
        elif sheet and any(k < n for k in recused_in.get((m, d), [])):
            k = min(k for k in recused_in[(m, d)] if k < n)
            rule, why = "recused", "a round %d sheet by %s, who recused from %s in round %d" % (n, m, d, k)
        elif late(r, n, d):
            rule, why = "after-shortlist", "a round %d %s signed after the shortlist %s (it counted %s up to seq %d)" % (
                n, r["kind"], closing[(n, d)]["path"], m, as_count(closing[(n, d)]["body"]["counted"].get(m)))
        elif sheet and n > 1 and not any(isinstance(r["seen"], dict) and saw(r, sl) for sl in putting_on[(n - 1, d)]):
            rule, why = "before-shortlist", "a round %d sheet signed before the shortlist %s that put %s on" % (
                n, putting_on[(n - 1, d)][0]["path"], d)
        if rule is not None:
            out.append({"path": r["path"], "member": m, "seq": r["seq"], "dossier": d, "round": r["body"].get("round", 1),
                        "kind": r["kind"], "rule": rule, "why": why})
    return out


def as_count(v):
    """A `counted` value: a non-negative integer, else 0 (counts nothing)."""
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else 0


def shortlist_pin_problems(sl, shortlists, counted, force, program, lists, quota):
    """What a shortlist record pins, recomputed; one problem per pin that differs, naming the
    record and the pin:
      counted     for every other member, exactly the seq its record's `seen` says it had seen
                  (zeros left out); for its signer, below its own seq and at or above every record
                  of the signer's before it but the signer's own shortlists signed in between;
      assignment  the SHA-256 of the assignment in force (absent when none is);
      from        round 1: none; round N > 1: exactly the SHA-256 of every signed round N-1 shortlist;
      apportion   ratio sizing: {ratio = the round's, places = the quota, total = T,
                  nominations = each list's dossiers in the round}; per_group sizing: absent."""
    b, path, signer = sl["body"], sl["path"], sl["signer"]
    n = b["round"]
    problems = []
    c = b.get("counted") or {}
    def seq_or_none(v):
        return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None
    bad = sorted((m for m in set(c) | set(sl["seen"]) if m != signer and seq_or_none(c.get(m, 0)) != (sl["seen"].get(m) or 0)), key=utf8)
    own = seq_or_none(c.get(signer, 0))
    mine_before = [r for r in counted if r["signer"] == signer and r["seq"] < sl["seq"]]
    if own is None or own >= sl["seq"] or any(
            r["seq"] > own and r["kind"] != "shortlist" for r in mine_before):
        bad.append(signer)
    if bad:
        problems.append("%s: pin counted: %s" % (path, ", ".join(
            "%s %r, its record had seen %s" % (m, c.get(m), "its own chain" if m == signer else sl["seen"].get(m, 0)) for m in bad)))
    in_force = None
    if force is not None:
        in_force = next((r["sha256"] for r in counted if r["path"] == force["record"]), None)
    if b.get("assignment") != in_force:
        problems.append("%s: pin assignment: %s, the assignment in force is %s" % (path, b.get("assignment") or "none", in_force or "none"))
    previous = sorted(r["sha256"] for r in shortlists if r["body"]["round"] == n - 1)
    named = b.get("from") or []
    if not isinstance(named, list) or sorted(map(str, named)) != previous:
        problems.append("%s: pin from: %s, the signed round %d shortlists are %s" % (
            path, ",".join(map(str, named)) if isinstance(named, list) else repr(named) or "none", n - 1, ",".join(previous) or "none"))
    rd = next((x for x in program.get("rounds") or [] if isinstance(x, dict) and x.get("round") == n), {})
    rule = rd.get("shortlist") or {}
    a = b.get("apportion")
    if "ratio" in rule:
        ratio = Fraction(str(rule["ratio"]).replace(" ", ""))
        noms = {("" if g is None else g): len(ds) for g, ds in lists.items()}
        total = min(math.ceil(quota * ratio), sum(noms.values()))
        try:
            signed_ratio = Fraction(str(a.get("ratio")).replace(" ", "")) if isinstance(a, dict) else None
        except (ValueError, ZeroDivisionError):
            signed_ratio = None
        want = {"ratio": ratio, "places": quota, "total": total, "nominations": noms}
        got = {"ratio": signed_ratio, "places": a.get("places"), "total": a.get("total"),
               "nominations": a.get("nominations")} if isinstance(a, dict) else None
        if got != want:
            diff = [k for k in want if got is None or got[k] != want[k]]
            problems.append("%s: pin apportion: %s signed as %s, recounted %s" % (path, ",".join(diff),
                            json.dumps({k: str(got[k]) if k == "ratio" else got[k] for k in diff} if got else None, ensure_ascii=False),
                            json.dumps({k: str(want[k]) if k == "ratio" else want[k] for k in diff}, ensure_ascii=False)))
    elif a is not None:
        problems.append("%s: pin apportion: signed, but round %d is sized per group" % (path, n))
    return problems


def shortlist_list_problems(sl, shortlists, rounds, dossier_group, defined):
    """A shortlist ranks its own list only, as `verify` checks it (`shortlist-input`): in a round
    by groups, the group it names is one the programme or a group record defines (rule `group`),
    and every dossier it ranks is of that group by the signed dossier-group records (in a
    committee round, it names no group and no dossier has one); from round 2 on, every dossier
    it ranks is on a signed shortlist of the round before (rule `list`: the first that is not,
    in ranking order). Else a dossier would reach the next round through a list not its own.
    Only the rounds that have shortlists (not the last)."""
    b, n = sl["body"], sl["body"]["round"]
    if not 1 <= n < len(rounds):
        return []
    g = b.get("group")
    problems = []
    if g is not None and (not isinstance(g, str) or g not in defined):
        problems.append("%s: rule group (shortlist-input): a shortlist for group %r, which no programme or group record defines" % (sl["path"], g))
    rd = next((x for x in rounds if isinstance(x, dict) and x.get("round") == n), {})
    by_groups = rd.get("by") == "groups"
    on_previous = None
    if n > 1:
        on_previous = {d for r in shortlists if r["body"]["round"] == n - 1 for d in r["body"]["shortlist"]}
    for x in b["ranking"]:
        d = x.get("dossier")
        if not isinstance(d, str) or not isinstance(x.get("rank"), int) or isinstance(x.get("rank"), bool):
            continue  # (pingshen's shape check refuses such a row)
        own = dossier_group.get(d) if by_groups else None
        if own != g or (on_previous is not None and d not in on_previous):
            problems.append("%s: rule list (shortlist-input): it ranks %s, which is not on its list (round %d, %s; %s)" % (
                sl["path"], d, n, "the committee" if g is None else "group %s" % g,
                "on no signed round %d shortlist" % (n - 1) if own == g else "its signed group is %s" % (own or "none")))
            break
    return problems


def rounds_report(root):
    """--rounds: every round recomputed from the signed records (README, "Rounds and shortlists"):
    each round-1 group ranked on its round's sheets, its shortlist sized (per_group, or ratio by
    largest remainder) and cut, the shortlist record's own resolutions applied only at a tie at the
    line; then each later round on the dossiers the previous round shortlisted, the last against
    the quota with the finalization's resolutions. Each signed shortlist (size, shortlist, ranking)
    and the finalization's selection are compared with the recount; every difference is a problem."""
    spec = store_spec(root)
    program, counted, force = spec.pop("program_doc"), spec.pop("counted"), spec.pop("force")
    rounds = program.get("rounds") or []
    if not rounds:
        raise SystemExit("recount.py: the programme has no rounds")
    base_agg = dict(spec["aggregation"])
    running = {d["id"]: d for d in spec["dossiers"]}
    problems, out = [], []
    records, unusable = signed_shortlists(counted)
    problems.extend("%s: not a shortlist body (round, counted, ranking, shortlist): not counted" % p for p in unusable)
    # Each shortlist ranks its own list only (its group defined, its dossiers of that group and on
    # the previous round's shortlists), as `verify` checks it.
    groups = program.get("groups")
    defined = {x.get("id") for x in (groups if isinstance(groups, list) else []) if isinstance(x, dict) and isinstance(x.get("id"), str)}
    defined |= {r["body"].get("group") for r in counted if r["kind"] == "group" and isinstance(r["body"].get("group"), str)}
    signed_group = signed_dossier_groups([r for r in counted if r["kind"] == "dossier-group"])
    for rec in records:
        problems.extend(shortlist_list_problems(rec, records, rounds, signed_group, defined))
    # The round rules, applied here from the signed records (not left to `verify`).
    excluded = round_rule_exclusions(counted, force, records, len(rounds))
    gone = {(x["member"], x["seq"]) for x in excluded}
    spec["events"] = [e for e in spec["events"] if (e["member"], e["seq"]) not in gone]

    def rank_round(rd, ids, quota, resolutions, last):
        agg = dict(base_agg)
        for k in ("method", "quorum"):
            if rd.get(k) is not None:
                agg[k] = rd[k]
        if not last:  # the pass mark, the threshold and the assessment apply to the last round only
            for k in ("pass_mark", "excellent_mark", "approval_threshold", "mode"):
                agg.pop(k, None)
        n = rd.get("round")
        events = [e for e in spec["events"] if e.get("round", 1) == n and e["dossier"] in ids]
        sub = dict(spec, aggregation=agg, quota=quota, dossiers=[running[d] for d in sorted(ids, key=utf8)],
                   store_dossiers=[running[d] for d in ids], events=events, resolutions=resolutions)
        return recount(sub)["entries"]

    def compare(rec, size, entries, shortlist):
        b = rec["body"]
        if b.get("size") != size:
            problems.append("%s: size %r, recounted %d" % (rec["path"], b.get("size"), size))
        if sorted(b.get("shortlist") or [], key=utf8) != sorted(shortlist, key=utf8):
            problems.append("%s: shortlist %s, recounted %s" % (rec["path"], ",".join(map(str, b.get("shortlist") or [])), ",".join(shortlist)))
        mine = [{k: e[k] for k in ("rank", "dossier", "exact", "status")} for e in entries]
        theirs = [{k: x.get(k) for k in ("rank", "dossier", "exact", "status")} for x in b.get("ranking") or [] if isinstance(x, dict)]
        if mine != theirs:
            problems.append("%s: its ranking is not the recount's" % rec["path"])

    in_play = set(running)
    for idx, rd in enumerate(rounds):
        n = rd.get("round")
        last = idx == len(rounds) - 1
        if last:
            fin = spec["resolutions"]
            entries = rank_round(rd, in_play, spec["quota"], fin, True)
            selected = [e["dossier"] for e in entries if e["status"] == "selected"]
            out.append({"round": n, "group": None, "entries": entries, "selected": selected})
            finals = [r for r in counted if r["kind"] == "finalize"]
            if finals:
                f = finals[-1]
                if sorted(f["body"].get("selected") or [], key=utf8) != sorted(selected, key=utf8):
                    problems.append("%s: selected %s, recounted %s" % (f["path"], ",".join(map(str, f["body"].get("selected") or [])), ",".join(selected)))
            break
        # The lists of this round: by groups, each dossier in its signed group (the latest
        # `dossier-group` decision on it, a secretary's move after the assignment included, as
        # `rank` has it: Rounds.swift listKey), or one committee list. A dossier with no signed
        # group is on no list (its list gets no places).
        if rd.get("by") == "groups":
            lists = {}
            for d in in_play:
                if d in signed_group:
                    lists.setdefault(signed_group[d], set()).add(d)
        else:
            lists = {None: set(in_play)}
        rule = rd.get("shortlist") or {}
        noms = {g: len(ds) for g, ds in lists.items()}
        if "per_group" in rule:
            sizes = {g: min(int(rule["per_group"]), k) for g, k in noms.items()}
        else:
            ratio = Fraction(str(rule.get("ratio")).replace(" ", ""))
            total_n = sum(noms.values())
            t = min(math.ceil(spec["quota"] * ratio), total_n)
            sizes = {g: t * k // total_n for g, k in noms.items()} if total_n else {}
            left = t - sum(sizes.values())
            order = sorted(noms, key=lambda g: (-((t * noms[g]) % total_n), -noms[g], utf8(g or "")))
            for g in order[:left]:
                sizes[g] += 1
        chosen = set()
        for g in sorted(lists, key=lambda g: utf8(g or "")):
            mine = [r for r in records if r["body"].get("round") == n and r["body"].get("group") == g]
            res = {}
            for x in (mine[-1]["body"].get("resolutions") or []) if mine else []:
                if isinstance(x, dict) and "dossier" in x:
                    res[x["dossier"]] = x.get("decision")
            entries = rank_round(rd, lists[g], sizes[g], res, False)
            shortlist = [e["dossier"] for e in entries if e["status"] == "selected"]
            chosen.update(shortlist)
            out.append({"round": n, "group": g, "size": sizes[g], "entries": entries, "shortlist": shortlist})
            if not mine:
                problems.append("round %d%s: no shortlist signed" % (n, "" if g is None else ", group " + g))
            elif len(mine) > 1:
                problems.append("round %d%s: %d shortlists signed (%s)" % (n, "" if g is None else ", group " + g, len(mine),
                                                                         ", ".join(r["path"] for r in mine)))
            for rec in mine:
                compare(rec, sizes[g], entries, shortlist)
                problems.extend(shortlist_pin_problems(rec, records, counted, force, program, lists, spec["quota"]))
        in_play = chosen
    return {"rounds": out, "excluded": excluded, "problems": problems}



# ---------------------------------------------------------------------------------------------
# --assignments: field groups and assignment (issue 13), replayed from the signed inputs.

M64 = (1 << 64) - 1


class SplitMix64:
    """SplitMix64 (Steele, Lea, Flood 2014), as README's "The algorithm" names it."""

    def __init__(self, seed):
        self.state = seed & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)


def utf8(s):
    return s.encode("utf-8")


# What Swift's CharacterSet.whitespaces trims: tab and the space separators (Unicode Zs).
import unicodedata
WHITESPACES = "\t" + "".join(chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Zs")


def plan_assignment(k, seed, pool, dossier_group, excluded, kept):
    """README, "Field groups and assignment", "The algorithm", step by step.

    k: members per dossier; pool: group -> members; dossier_group: dossier -> group;
    excluded: set of (member, dossier) kept apart; kept: dossier -> members the assignment
    keeps (a replacement's; empty the first time). Returns (table, short)."""
    # Start from the pairs kept, restricted to dossiers that have a group; each member's load
    # is the number of dossiers it holds (all groups).
    table, load = {}, {}
    for d, ms in kept.items():
        if d in dossier_group:
            table[d] = list(ms)
            for m in ms:
                load[m] = load.get(m, 0) + 1
    # Shuffle the dossier ids (sorted by UTF-8 bytes) by Fisher-Yates with SplitMix64(seed),
    # j = next() mod (i+1) for i = n-1 ... 1.
    order = sorted(dossier_group, key=utf8)
    rng = SplitMix64(seed)
    for i in range(len(order) - 1, 0, -1):
        j = rng.next() % (i + 1)
        order[i], order[j] = order[j], order[i]
    # Members of a pool sorted by bytes.
    pools = {g: sorted(set(ms), key=utf8) for g, ms in pool.items()}
    short, made = {}, set()
    # In that order, a dossier short of K draws r = next() mod p and takes the least loaded
    # members it may have, ties by pool index rotated by r.
    for d in order:
        held = table.get(d, [])
        need = k - len(held)
        if need <= 0:
            continue
        p = pools.get(dossier_group[d], [])
        if not p:
            short[d] = need
            continue
        r = rng.next() % len(p)
        candidates = sorted((load.get(m, 0), (i - r) % len(p), m) for i, m in enumerate(p)
                            if m not in held and (m, d) not in excluded)
        chosen = [m for _, _, m in candidates[:need]]
        for m in chosen:
            load[m] = load.get(m, 0) + 1
            made.add((m, d))
        table[d] = sorted(held + chosen, key=utf8)
        if len(chosen) < need:
            short[d] = need - len(chosen)
    # Balancing: while a member a (by load, highest first, then id) has a chain of pairs made in
    # this run a ->d1-> m1 ->d2-> ... -> b to a member b at least two below a, the first found by
    # breadth-first search, the chain is shifted (a - 1, b + 1).
    members = set(load)
    for ms in pools.values():
        members.update(ms)
    for m in members:
        load.setdefault(m, 0)
    holds = {d: set(ms) for d, ms in table.items()}
    movable = {}
    for m, d in made:
        movable.setdefault(m, set()).add(d)
    while True:
        shifted = False
        for a in sorted(members, key=lambda m: (-load[m], utf8(m))):
            la = load[a]
            if la < 2:
                break
            parent, visited, queue, found = {}, {a}, [a], None
            head = 0
            while head < len(queue) and found is None:
                m = queue[head]
                head += 1
                for d in sorted(movable.get(m, ()), key=utf8):
                    for n in pools.get(dossier_group.get(d), []):
                        if n in visited or n in holds.get(d, ()) or (n, d) in excluded:
                            continue
                        visited.add(n)
                        parent[n] = (m, d)
                        if load[n] <= la - 2:
                            found = n
                            break
                        queue.append(n)
                    if found is not None:
                        break
            if found is None:
                continue
            n = found
            while n in parent:
                m, d = parent[n]
                holds[d].discard(m)
                holds[d].add(n)
                movable[m].discard(d)
                movable.setdefault(n, set()).add(d)
                n = m
            load[a] -= 1
            load[found] += 1
            shifted = True
            break
        if not shifted:
            break
    for d, ms in holds.items():
        table[d] = sorted(ms, key=utf8)
    for d in dossier_group:
        table.setdefault(d, [])
    return table, short


def saw(later, earlier):
    """Whether record `later` had seen record `earlier` (one chain: a higher seq; else its seen)."""
    if later["signer"] == earlier["signer"]:
        return later["seq"] > earlier["seq"]
    return later["seen"].get(earlier["signer"], 0) >= earlier["seq"]


def replay_assignments(root, chains=None, gov=None):
    """Every assignment replayed from what it was signed on: the members of each group from the
    latest `group` record it had seen (those on the roster then who score), each dossier's group
    from the latest `dossier-group` decision it had seen, the pairs kept apart (the secretary's
    declared conflicts as the body carries them, plus the same-unit pairs from the roster and the
    dossier files, and the recusals it had seen), and, for a replacement, the open pairs that come
    off, all derived here, never read from the body; then the table computed by plan_assignment.
    Returns (the assignment in force or None, problems)."""
    chains = chains if chains is not None else read_chains(root)
    gov = gov if gov is not None else replay_governance(chains)
    counted = counted_records(chains, gov["members"])
    _, dossiers = signed_dossiers(root, counted)
    fields = {d["id"]: d["fields"] for d in dossiers}
    group_recs = [r for r in counted if r["kind"] == "group"]
    grouping_recs = [r for r in counted if r["kind"] == "dossier-group"]
    assignments = [r for r in counted if r["kind"] == "assignment"]
    scored, recused = {}, {}
    for r in counted:
        if r["kind"] in ("score", "recusal"):
            into = scored if r["kind"] == "score" else recused
            key = (r["signer"], r["body"].get("dossier"))
            into.setdefault(key, []).append(r)
    problems = []
    by_sha = {a["sha256"]: a for a in assignments}
    done = {}

    def replay(a):
        if a["sha256"] in done:
            return done[a["sha256"]]
        done[a["sha256"]] = None  # a cycle of `previous` ends here
        b = a["body"]
        k, seed = b.get("per_dossier"), b.get("seed")
        if not isinstance(k, int) or not isinstance(seed, str) or not seed.isdigit() or int(seed) > M64:
            problems.append("%s: per_dossier or seed is not usable" % a["path"])
            return None
        seed = int(seed)
        roster = gov["snapshots"].get(a["gov"])
        if roster is None:
            problems.append("%s: signed under a governance head the chain does not hold" % a["path"])
            roster = gov["snapshots"][gov["head"]]

        def scores(m):
            f = roster.get(m)
            return f is not None and not f["removed"] and f["role"] in ("member", "chair")

        # Each dossier's group: the latest decision it had seen (DecisionOrder).
        decided = {}
        for r in grouping_recs:
            if saw(a, r):
                for d, g in (r["body"].get("groups") or {}).items():
                    decided.setdefault(d, []).append(item(r, g))
        dossier_group = {}
        for d in fields:
            last = latest(decided.get(d, []))
            if last is not None:
                dossier_group[d] = last["value"]
        # Each group's pool: the latest group record it had seen, members who score.
        pool = {}
        for g in sorted(set(dossier_group.values()), key=utf8):
            seen = [item(r, json.dumps(r["body"].get("members") or [])) for r in group_recs
                    if r["body"].get("group") == g and saw(a, r)]
            last = latest(seen)
            pool[g] = sorted({m for m in json.loads(last["value"]) if scores(m)}, key=utf8) if last else []

        def had(index, m, d):
            return any(saw(a, r) for r in index.get((m, d), []))

        # What is kept apart: conflicts (declared, as signed), then the same unit, then recusals.
        why = {}
        previous = None
        if b.get("previous") is not None:
            prev = by_sha.get(b["previous"])
            previous = replay(prev) if prev is not None else None
            if previous is None:
                problems.append("%s: replaces %s, which cannot be replayed" % (a["path"], b["previous"]))
                return None
        declared = {(x.get("member"), x.get("dossier")) for x in b.get("excluded") or [] if x.get("why") == "conflict"}
        if previous is not None and not previous["conflicts"] <= declared:
            problems.append("%s: drops conflicts the assignment it replaces declared" % a["path"])
        for pair in declared:
            why[pair] = "conflict"
        for d, g in dossier_group.items():
            f = fields[d]
            theirs = {str(f.get("employer") or "").strip(WHITESPACES), str(f.get("recommender") or "").strip(WHITESPACES)}
            for m in pool.get(g, []):
                u = str(roster[m]["unit"] or "").strip(WHITESPACES)
                if u and u in theirs:
                    why[(m, d)] = "unit"
                if had(recused, m, d):
                    why[(m, d)] = "recusal"
        # A replacement: the open pairs (no sheet it had seen) of members removed, recused, out
        # of the group or now kept apart come off; every other pair stays.
        kept, dropped = {}, {}
        if previous is not None:
            for d, ms in previous["table"].items():
                g = dossier_group.get(d)
                if g is None:
                    continue
                stay = []
                for m in ms:
                    if had(scored, m, d):
                        stay.append(m)
                        continue
                    if not scores(m):
                        reason = "removed"
                    elif had(recused, m, d):
                        reason = "recusal"
                    elif m not in pool.get(g, []):
                        reason = "not-in-group"
                    else:
                        reason = why.get((m, d))
                    if reason is None:
                        stay.append(m)
                    else:
                        dropped[(m, d)] = reason
                kept[d] = stay
        table, short = plan_assignment(k, seed, pool, dossier_group, set(why) | set(dropped), kept)
        # The body against the replay.
        signed = {x.get("dossier"): x for x in b.get("assignments") or [] if isinstance(x, dict)}
        if {d: x.get("group") for d, x in signed.items()} != dossier_group:
            problems.append("%s: its dossiers' groups are not those of the dossier-group records it had seen" % a["path"])
        body_pool = {g: sorted(set(ms), key=utf8) for g, ms in (b.get("pool") or {}).items()}
        if body_pool != pool:
            problems.append("%s: its pool is not the members of the group records it had seen" % a["path"])
        if {(x.get("member"), x.get("dossier"), x.get("why")) for x in b.get("excluded") or []} != {(m, d, w) for (m, d), w in why.items()}:
            problems.append("%s: the pairs it keeps apart are not those the roster, the dossiers and the recusals give" % a["path"])
        if {(x.get("member"), x.get("dossier"), x.get("why")) for x in b.get("dropped") or []} != {(m, d, w) for (m, d), w in dropped.items()}:
            problems.append("%s: the pairs it takes off are not the open pairs that must come off" % a["path"])
        for d in sorted(set(signed) | set(table), key=utf8):
            x = signed.get(d) or {}
            if sorted(x.get("members") or [], key=utf8) != table.get(d) or x.get("short") != short.get(d):
                problems.append("%s: %s is signed as %s, replayed as %s" % (a["path"], d, ",".join(x.get("members") or []),
                                                                            ",".join(table.get(d) or [])))
                break
        out = {"record": a["path"], "seed": str(seed), "per_dossier": k, "table": table, "groups": dossier_group,
               "conflicts": declared}
        done[a["sha256"]] = out
        return out

    for a in sorted(assignments, key=lambda r: utf8(r["path"])):
        replay(a)
    replaced = {a["body"].get("previous") for a in assignments}
    heads = [a for a in assignments if a["sha256"] not in replaced]
    if len(heads) > 1:
        problems.append("%d assignments do not replace one another: %s" % (len(heads), ", ".join(sorted(h["path"] for h in heads))))
        return None, problems, dossiers, grouping_recs
    force = done.get(heads[0]["sha256"]) if heads else None
    return force, problems, dossiers, grouping_recs


def assignments_report(root):
    """The `pingshen assignments --format json` shape: every dossier of the store with its group
    (the assignment's, else its signed grouping) and its members, the record in force, its seed
    and K; plus the problems the replay found (empty when every assignment is what it says)."""
    force, problems, dossiers, grouping_recs = replay_assignments(root)
    signed_group = signed_dossier_groups(grouping_recs) if force is None else {}
    rows = []
    for d in dossiers:
        g = (force["groups"] if force else signed_group).get(d["id"])
        rows.append({"dossier": d["id"], "group": g, "members": (force["table"].get(d["id"]) or []) if force else []})
    out = {"assignments": rows, "problems": problems}
    if force is not None:
        out.update({"record": force["record"], "seed": force["seed"], "per_dossier": force["per_dossier"]})
    return out


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--assignments":
        out = assignments_report(args[1])
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        for p in out["problems"]:
            warn(p)
        return 1 if out["problems"] else 0
    if len(args) == 2 and args[0] == "--rounds":
        out = rounds_report(args[1])
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        for x in out["excluded"]:
            sys.stderr.write("recount.py: not counted: %s: %s\n" % (x["path"], x["why"]))
        for p in out["problems"]:
            warn(p)
        return 1 if out["problems"] else 0
    if len(args) == 2 and args[0] == "--store":
        spec = store_spec(args[1])
    elif len(args) == 1 and not args[0].startswith("--"):
        with open(args[0], encoding="utf-8") as f:
            spec = json.load(f)
    else:
        sys.stderr.write("usage: recount.py INPUT.json | recount.py --store STORE | recount.py --assignments STORE | recount.py --rounds STORE\n")
        return 2
    json.dump(recount(spec), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
