"""What a claim and a cited work are about, by kind: disease, organ or tissue, cell type.

A claim on breast-cancer invasiveness that cites a glioma paper, or a bone-regeneration claim that
cites a type 2 diabetes paper, share words (stem cells, tumour, patients) but name *different* things
of the same kind. This small bilingual lexicon names such things in Chinese and English, each entry a
group of close synonyms (lupus nephritis counts as lupus: a claim about one fits a work about the
other). Two texts conflict on a kind when both name something of that kind and nothing in common.
"""

from __future__ import annotations

import re
from functools import cache

# kind → group id → (English patterns (regex, lower case), Chinese words)
LEXICON: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "disease": {
        "breast cancer": (("breast cancer", "breast carcinoma", "mammary carcinoma", "mammary tumou?r"), ("乳腺癌",)),
        "glioma": (("glioma", "glioblastoma", "astrocytoma"), ("胶质瘤", "胶质母细胞瘤")),
        "lung cancer": (("lung cancer", "lung adenocarcinoma", "nsclc", "non-small cell lung", "lung carcinoma"),
                        ("肺癌", "肺腺癌")),
        "liver cancer": (("hepatocellular carcinoma", "liver cancer", "hcc"), ("肝癌", "肝细胞癌")),
        "colorectal cancer": (("colorectal cancer", "colon cancer", "rectal cancer", "colorectal carcinoma"),
                              ("结直肠癌", "结肠癌", "直肠癌")),
        "gastric cancer": (("gastric cancer", "stomach cancer", "gastric carcinoma"), ("胃癌",)),
        "prostate cancer": (("prostate cancer", "prostatic carcinoma"), ("前列腺癌",)),
        "renal cancer": (("renal cell carcinoma", "kidney cancer", "renal cancer"), ("肾癌", "肾细胞癌")),
        "leukemia": (("leuka?emia", "aml", "cml"), ("白血病",)),
        "lymphoma": (("lymphoma",), ("淋巴瘤",)),
        "melanoma": (("melanoma",), ("黑色素瘤",)),
        "osteosarcoma": (("osteosarcoma",), ("骨肉瘤",)),
        "type 1 diabetes": (("type 1 diabetes", "t1dm", "insulin-dependent diabetes"), ("1型糖尿病", "Ⅰ型糖尿病")),
        "type 2 diabetes": (("type 2 diabetes", "t2dm", "non-insulin-dependent diabetes"), ("2型糖尿病", "Ⅱ型糖尿病")),
        "osteoporosis": (("osteoporo\\w*", "bone loss", "osteopenia"), ("骨质疏松", "骨量减少")),
        "osteoarthritis": (("osteoarthritis",), ("骨关节炎",)),
        "rheumatoid arthritis": (("rheumatoid arthritis",), ("类风湿关节炎", "类风湿性关节炎")),
        "lupus": (("lupus", "sle"), ("红斑狼疮", "狼疮")),
        "systemic sclerosis": (("systemic sclerosis", "scleroderma"), ("系统性硬化", "硬皮病")),
        "sjogren": (("sj[oö]gren",), ("干燥综合征",)),
        "multiple sclerosis": (("multiple sclerosis", "encephalomyelitis", "eae"), ("多发性硬化",)),
        "parkinson": (("parkinson",), ("帕金森",)),
        "alzheimer": (("alzheimer",), ("阿尔茨海默",)),
        "stroke": (("stroke", "cerebral ischemi\\w*", "cerebral infarction"), ("脑卒中", "中风", "脑梗死", "脑缺血")),
        "spinal cord injury": (("spinal cord injur\\w*",), ("脊髓损伤",)),
        "myocardial infarction": (("myocardial infarction", "heart attack", "myocardial ischemi\\w*"),
                                  ("心肌梗死", "心梗")),
        "heart failure": (("heart failure", "cardiac failure"), ("心力衰竭", "心衰")),
        "atherosclerosis": (("atherosclerosis", "coronary artery disease"), ("动脉粥样硬化", "冠心病")),
        "liver fibrosis": (("liver fibrosis", "hepatic fibrosis", "cirrhosis", "liver failure"),
                           ("肝纤维化", "肝硬化", "肝衰竭")),
        "kidney disease": (("kidney injury", "renal injury", "kidney disease", "renal failure", "nephropathy"),
                           ("肾损伤", "肾病", "肾衰竭")),
        "pulmonary fibrosis": (("pulmonary fibrosis", "lung fibrosis", "interstitial pneumonia",
                                "interstitial lung disease"), ("肺纤维化", "间质性肺")),
        "asthma": (("asthma",), ("哮喘",)),
        "covid": (("covid", "sars-cov-2", "ards", "acute respiratory distress"), ("新冠", "急性呼吸窘迫")),
        "sepsis": (("sepsis", "septic"), ("脓毒症", "败血症")),
        "inflammatory bowel disease": (("colitis", "crohn", "inflammatory bowel"), ("结肠炎", "克罗恩", "炎症性肠病")),
        "psoriasis": (("psoriasis",), ("银屑病",)),
        "graft-versus-host disease": (("graft-versus-host", "gvhd"), ("移植物抗宿主",)),
        "wound": (("wound", "burn", "skin ulcer"), ("创面", "伤口", "烧伤", "溃疡")),
        "infertility": (("infertility", "premature ovarian", "ovarian failure", "endometri\\w*"),
                        ("不孕", "卵巢早衰", "子宫内膜")),
        "periodontitis": (("periodont\\w*",), ("牙周",)),
        "hypertension": (("hypertension", "blood pressure"), ("高血压", "血压")),
        "obesity": (("obesity", "obese"), ("肥胖",)),
    },
    "organ": {
        "bone": (("bone", "osteo\\w*", "fracture"), ("骨",)),
        "cartilage": (("cartilage", "chondr\\w*"), ("软骨",)),
        "brain": (("brain", "cerebr\\w*", "neur\\w*", "nerve"), ("脑", "神经")),
        "heart": (("heart", "cardi\\w*", "myocard\\w*"), ("心脏", "心肌")),
        "liver": (("liver", "hepat\\w*"), ("肝",)),
        "kidney": (("kidney", "renal", "nephr\\w*"), ("肾",)),
        "lung": (("lung", "pulmonary", "airway"), ("肺",)),
        "skin": (("skin", "derm\\w*", "cutaneous"), ("皮肤", "真皮")),
        "muscle": (("skeletal muscle", "muscle", "myo(?!card)\\w*"), ("肌肉", "骨骼肌")),
        "eye": (("retina\\w*", "cornea\\w*", "ocular", "eye"), ("视网膜", "角膜", "眼")),
        "tooth": (("dental", "tooth", "teeth", "pulp", "gingiva\\w*"), ("牙", "牙髓", "牙龈")),
        "intestine": (("intestin\\w*", "colon", "gut"), ("肠",)),
        "pancreas": (("pancrea\\w*", "islet"), ("胰",)),
        "salivary gland": (("salivary",), ("唾液腺", "涎腺")),
        "ovary": (("ovar\\w*", "uter\\w*"), ("卵巢", "子宫")),
        "vessel": (("vascular", "vessel", "angiogen\\w*", "endotheli\\w*"), ("血管",)),
    },
    "cell": {
        "mesenchymal": (("mesenchymal", "stromal", "msc"), ("间充质",)),
        "hematopoietic": (("hematopoietic", "haematopoietic"), ("造血",)),
        "induced pluripotent": (("induced pluripotent", "ipsc"), ("诱导多能",)),
        "embryonic": (("embryonic stem",), ("胚胎干",)),
        "t cell": (("t cell", "t-cell", "t lymphocyte", "treg", "th17", "tfh", "follicular helper"), ("T细胞",)),
        "b cell": (("b cell", "b-cell", "b lymphocyte", "plasma cell"), ("B细胞",)),
        "macrophage": (("macrophage",), ("巨噬细胞",)),
        "neutrophil": (("neutrophil",), ("中性粒细胞",)),
        "dendritic": (("dendritic cell",), ("树突状细胞",)),
        "nk cell": (("natural killer", "nk cell"), ("NK细胞", "自然杀伤")),
        "fibroblast": (("fibroblast",), ("成纤维细胞",)),
        "hepatocyte": (("hepatocyte",), ("肝细胞",)),
        "neural stem": (("neural stem", "neural progenitor"), ("神经干",)),
        "cancer stem": (("cancer stem", "tumou?r stem"), ("肿瘤干细胞",)),
    },
}


@cache
def _compiled() -> list[tuple[str, str, re.Pattern[str], tuple[str, ...]]]:
    out = []
    for kind, groups in LEXICON.items():
        for group, (english, chinese) in groups.items():
            pattern = re.compile(r"\b(?:" + "|".join(english) + r")\b", re.IGNORECASE)
            out.append((kind, group, pattern, chinese))
    return out


def mentions(text: str) -> dict[str, set[str]]:
    """The groups of each kind that `text` names (Chinese or English)."""
    out: dict[str, set[str]] = {}
    for kind, group, pattern, chinese in _compiled():
        if pattern.search(text) or any(w in text for w in chinese):
            out.setdefault(kind, set()).add(group)
    return out


def kind_conflicts(claim: dict[str, set[str]], work: dict[str, set[str]],
              kinds: tuple[str, ...] = ("disease", "cell")) -> list[str]:
    """``disease: claim breast cancer, work glioma`` for each kind both name with nothing in common.

    Organs are reported but not judged by default: a claim on bone repair may fairly cite work on
    cartilage; diseases and cell types are sharper."""
    out = []
    for kind in kinds:
        a, b = claim.get(kind, set()), work.get(kind, set())
        if a and b and not a & b:
            out.append(f"{kind}: claim {', '.join(sorted(a))}; work {', '.join(sorted(b))}")
    return out
