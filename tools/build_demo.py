"""Build the demo document's reference list from the bench corpus (maintainers only).

The prose of `citecheck/data/demo/review.zh.md` is ours; this script numbers the
references in order of first citation (`{key}` placeholders in the source text),
renders them in GB/T 7714 from corpus metadata, and applies the planted damage
listed in PLANTED.md. It needs ../shared/bench; the package never does.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "bench" / "corpus" / "works.jsonl.gz"
SRC = ROOT / "tools" / "demo_source.zh.md"
OUT = ROOT / "citecheck" / "data" / "demo" / "review.zh.md"
KEYS_OUT = ROOT / "citecheck" / "data" / "demo" / "works.json"
INDEX_OUT = ROOT / "citecheck" / "data" / "demo" / "index.jsonl"
KEEP = ("DOI", "type", "title", "author", "container-title", "short-container-title", "issued", "volume",
        "issue", "page", "ISSN", "language")
"""Bibliographic fields only: no abstracts (publisher copyright) in the shipped demo index."""
DISTRACTOR_RE = re.compile(r"mesenchymal|stem cell|extracellular vesicle|exosom|osteoarthritis|wound healing|"
                           r"parkinson|epithelial.mesenchymal", re.I)
MAX_DISTRACTORS = 120

WORKS = {
    "ischemic": "10.1007/s10561-020-09885-6",
    "apoptosis": "10.1016/bs.apcsb.2021.01.002",
    "nash": "10.1016/j.bcp.2021.114624",
    "oa_exo": "10.1016/j.bioorg.2021.104978",
    "bone_ev": "10.1016/j.bonr.2021.101093",
    "ssc": "10.1016/j.jaut.2021.102660",
    "parkinson": "10.1016/j.jchemneu.2021.101961",
    "senescence": "10.1016/j.mad.2021.111515",
    "ev_isolation": "10.1016/j.nano.2021.102396",
    "alzheimer": "10.1016/j.neurobiolaging.2010.03.024",
    "kdm4b": "10.1016/j.stem.2021.01.010",
    "camp": "10.1021/acsomega.1c00881",
    "msa_trial": "10.1155/2021/9886877",
    "proteomic": "10.1186/s13287-021-02405-7",
    "lipidome": "10.18632/aging.202759",
    "wound": "10.18632/aging.202990",
    "hyaluronate": "10.22203/ecm.v041a40",
    "secretome": "10.3389/fbioe.2021.652970",
    "obesity_ev": "10.3389/fcell.2021.660851",
    "dental": "10.3389/fcell.2021.666186",
    "mir224": "10.3389/fcell.2021.679185",
    "canine": "10.3389/fvets.2021.668881",
    "ncadherin": "10.7150/thno.59703",
    "vocal": "10.1007/s40883-018-0085-8",
    "vaginal": "10.1093/biolre/ioab041",
    "zoledronic": "10.3892/or.2020.7881",
    "postn": "10.7150/jca.51253",
    "covid_sera": "10.1016/j.ctarc.2021.100406",
    "abl": "10.1186/s12964-021-00739-6",
}
UNCITED = ["parkinson", "ev_isolation", "wound", "abl"]
SWAPPED = ("alzheimer", "msa_trial")  # planted: listed in the other order than first cited
# Cited last, numbered after the uncited entries (so the numbers of PLANTED.md's other rows stay put).
LATE = ["retracted", "fabricated"]
RETRACTED = {
    # invented, under Crossref's test prefix 10.5555, with an invented retraction notice: the demo index
    # ships it so the report shows a `retracted` finding without claiming anything about a real paper
    "DOI": "10.5555/demo.regen.2020.0045", "type": "journal-article",
    "title": ["Umbilical cord mesenchymal stem cell exosomes reverse cartilage loss in aged rats"],
    "author": [{"given": "Wei", "family": "Zhou", "sequence": "first"},
               {"given": "Lan", "family": "Chen", "sequence": "additional"}],
    "container-title": ["Demonstration Journal of Regenerative Medicine"],
    "short-container-title": ["Demo J Regen Med"],
    "issued": {"date-parts": [[2020, 4]]}, "volume": "6", "issue": "2", "page": "45-53", "language": "en",
    "updated-by": [{"DOI": "10.5555/demo.regen.2022.0101", "type": "retraction", "source": "publisher",
                    "label": "Retraction", "updated": {"date-parts": [[2022, 3, 15]]}}],
}
FABRICATED = ("Sun Y, Park J, Ortega M. Exosomal miR-4471 from bone marrow mesenchymal stem cells restores "
              "cochlear hair cells after noise trauma in mice[J]. Cell Signal, 2021, 85: 110040. "
              "DOI: 10.1016/j.cellsig.2021.110040.")
"""Invented title and authors; the DOI, journal, volume and page are those of a real, unrelated article."""
FABRICATED_HOST = "10.1016/j.cellsig.2021.110040"
INVENTED = "王明远, 李若华. 间充质干细胞外泌体治疗骨关节炎的安全性评价[J]. 再生医学演示杂志, 2022, 8(3): 211-219."
# (key, regex, replacement): planted damage, documented in PLANTED.md
DAMAGE = [
    ("oa_exo", r"bone mesenchymal", "bone m e s e n c h y m a l"),
    ("bone_ev", r"$", " DOI: 10.1016/j.bonr.2021.101039."),
    ("senescence", r"wall mesenchymal", "wallmesenchymal"),
    ("alzheimer", r"(Neurobiology of Aging,) ", "\\1\n"),
    ("camp", r"Regeneration", "Regener- ation"),
    ("msa_trial", r", 2021, 2021:", ", 2020, 2021:"),
    ("wound", r"13\(10\)", "31(10)"),
    ("secretome", r"Front Bioeng Biotechnol", "Front Bioeng Biotechnl"),
    ("ncadherin", r"6786-6799", "6786 - 6799"),
]


def initials(given: str) -> str:
    return "".join(p[0] for p in given.replace("-", " ").split() if p)


def render(rec: dict) -> str:
    authors = rec.get("author", [])
    names = ", ".join(f"{a['family']} {initials(a.get('given', ''))}".strip() for a in authors[:3])
    if len(authors) > 3:
        names += ", et al"
    journal = (rec.get("short-container-title") or rec.get("container-title"))[0].replace(".", "")
    year = rec["issued"]["date-parts"][0][0]
    vol = rec.get("volume", "") + (f"({rec['issue']})" if rec.get("issue") else "")
    title = rec["title"][0].replace("\u2011", "-").rstrip("\u2020")
    return f"{names}. {title}[J]. {journal}, {year}, {vol}: {rec['page']}."


def main() -> None:
    if not CORPUS.exists():
        sys.exit("build_demo: ../shared/bench/corpus is absent")
    want = {doi: key for key, doi in WORKS.items()}
    records: dict[str, dict] = {}
    distractors: list[dict] = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["DOI"] in want:
                records[want[rec["DOI"]]] = rec
            elif rec["DOI"] == FABRICATED_HOST:
                distractors.append(rec)
            elif (len(distractors) < MAX_DISTRACTORS and DISTRACTOR_RE.search((rec.get("title") or [""])[0])
                  and rec.get("author") and rec.get("volume")):
                distractors.append(rec)
    source = SRC.read_text(encoding="utf-8")
    order: list[str] = []
    for key in re.findall(r"\{(\w+)\}", source):
        if (key in WORKS or key == "invented") and key not in order:
            order.append(key)
    order += [k for k in UNCITED if k not in order] + LATE
    a, b = order.index(SWAPPED[0]), order.index(SWAPPED[1])
    order[a], order[b] = order[b], order[a]
    number = {key: i + 1 for i, key in enumerate(order)}
    number["dangling"] = len(order) + 1
    text = re.sub(r"\{(\w+)\}", lambda m: str(number[m.group(1)]), source)
    entries = []
    for key in order:
        entry = {"invented": INVENTED, "fabricated": FABRICATED, "retracted": render(RETRACTED)}.get(key) \
            or render(records[key])
        for dkey, pattern, repl in DAMAGE:
            if dkey == key:
                entry = re.sub(pattern, repl, entry, count=1)
        entries.append(f"[{number[key]}] {entry}")
    body = "\n".join(entries)
    # planted: two entries run together on one line
    body = body.replace("\n[22] ", "[22] ", 1)
    OUT.write_text(text.rstrip() + "\n\n[参考文献]\n\n" + body + "\n", encoding="utf-8")
    KEYS_OUT.write_text(json.dumps({k: {"n": number[k], "DOI": WORKS.get(k)} for k in order}, indent=1) + "\n",
                        encoding="utf-8")
    shipped = [{k: rec[k] for k in KEEP if k in rec} for rec in [*records.values(), *distractors]] + [RETRACTED]
    shipped.sort(key=lambda r: r["DOI"])
    INDEX_OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in shipped), encoding="utf-8")
    print(f"wrote {OUT} ({len(entries)} references) and {INDEX_OUT} ({len(shipped)} records)")


if __name__ == "__main__":
    main()
