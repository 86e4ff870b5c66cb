"""Lists as real documents print them: author–year lists with wrapped lines, lists broken by page
furniture, lists without a heading, labels on their own line, chapter lists, grouped references.

Texts written for these tests (the layout convention is the PDF reader's: one line per printed
line, four leading spaces for an indented line, an empty line at a vertical gap).
"""

from __future__ import annotations

import time

import pytest

from citecheck.refs import finder
from citecheck.refs.extract import extract_lists

pytestmark = pytest.mark.skipif(not finder.FINDER_MODEL_PATH.exists(), reason="no line-classifier model")

BODY = (
    "Introduction\n"
    "Soil carbon in alpine meadows has been measured for decades, and the long winters that\n"
    "follow them change how roots take up water. We revisit these measurements with a new\n"
    "instrument and compare them with the records kept at three field stations over the\n"
    "last twenty years. The results show that the uptake depends on the depth of the snow.\n"
    "Methods\n"
    "We sampled each plot twice a year and dried the cores before weighing them. The cores\n"
    "were then ground and analysed for their carbon content as described in earlier work.\n"
)

APA = [
    (
        "Abernathy, R. T., & Osei, P. (2015). Soil carbon in alpine meadows and the long winters",
        "that follow them. Ecological Notes, 4(2), 33–41. https://doi.org/10.1000/eco.2015.33",
    ),
    (
        "Bellweather, K. (2019). Drought and root depth in dry grasslands of the northern",
        "plains. Plant Letters, 11, 100–112.",
    ),
    ("Corvino, T., Lindqvist, K., & Moreau, P. (2020). Microbial crusts revisited. Arid Biology, 3(1), 1–9.",),
    (
        "Dunmore, A. (2018). Snow depth and the timing of spring growth: a field study over",
        "twelve winters. Journal of Mountain Ecology, 27(4), 455–470.",
    ),
    (
        "Eastwood, J., Haverford, L., Quispe, M., Nakamura, S., Tollefsen, R., Castellanos, M.,",
        "& Ibe, O. (2021). Root water uptake under a changing snowpack. Hydrology and Earth",
        "Systems, 25, 1201–1219.",
    ),
]


def _titles(lst) -> list[str]:
    return [r.text.split(")")[0] for r in lst.references]


def _one(text: str):
    lists = extract_lists(text)
    assert len(lists) == 1, [(x.heading, len(x.references)) for x in lists]
    return lists[0]


def test_apa_list_with_wrapped_lines_and_no_numbering() -> None:
    text = BODY + "References\n" + "\n".join("\n".join(e) for e in APA) + "\n"
    lst = _one(text)
    assert len(lst.references) == 5
    assert [r.text[:10] for r in lst.references] == [e[0][:10] for e in APA]
    assert lst.references[4].text.endswith("Systems, 25, 1201–1219.")


def test_apa_list_with_hanging_indents() -> None:
    text = BODY + "\nReferences\n\n" + "\n".join(e[0] + "".join("\n    " + x for x in e[1:]) for e in APA) + "\n"
    lst = _one(text)
    assert [r.text[:10] for r in lst.references] == [e[0][:10] for e in APA]


NUMBERED = [
    "[{n}] Moreau P, Lindqvist K, Oyelaran T. Stromal niches in a zebrafish fin model. Dev Cell Res,",
    "2019, 12(4): 211-219.",
]


def _numbered(k: int) -> str:
    return (
        f"[{k}] Author{chr(64 + k)} P, Writer{chr(64 + k)} K. Stromal niches number {k} in a zebrafish fin model.\n"
        f"Dev Cell Res, {2000 + k}, {k}(4): {10 * k}-{10 * k + 9}."
    )


def test_numbered_list_broken_by_page_number_and_running_header() -> None:
    entries = [_numbered(k) for k in range(1, 9)]
    # entry 5 is broken across the page: its second line comes after the page furniture
    first5, second5 = entries[4].split("\n")
    page = "\n{n}\nJournal of Imaginary Studies — Stromal Niches\n"
    text = (
        BODY
        + page.format(n=10)
        + BODY
        + page.format(n=11)
        + BODY
        + "References\n"
        + "\n".join(entries[:4])
        + "\n"
        + first5
        + page.format(n=12)
        + second5
        + "\n"
        + "\n".join(entries[5:])
        + "\n"
    )
    lst = _one(text)
    assert [r.n for r in lst.references] == list(range(1, 9))
    fifth = lst.references[4]
    assert "Imaginary" not in fifth.text and "12 " not in fifth.text
    assert fifth.text.endswith("Dev Cell Res, 2005, 5(4): 50-59.")


def test_list_without_a_heading_at_the_end() -> None:
    text = BODY + "\n" + "\n".join("\n".join(e) for e in APA) + "\n"
    lst = _one(text)
    assert lst.heading == ""
    assert [r.text[:10] for r in lst.references] == [e[0][:10] for e in APA]


def test_list_followed_by_an_appendix() -> None:
    text = (
        BODY
        + "References\n"
        + "\n".join("\n".join(e) for e in APA)
        + "\nAppendix A. Supplementary measurements\n"
        + "The plots sampled in the second year are listed below, with the depth of the snow on the day\n"
        + "of sampling and the weight of each core after drying. Cores lost in transport are marked.\n"
    )
    lst = _one(text)
    assert len(lst.references) == 5
    assert "Appendix" not in lst.references[-1].raw


def test_label_on_its_own_line_joins_its_entry() -> None:
    lines = []
    for k in range(1, 6):
        lines.append(f"{k}.")
        lines.append(f"Author{chr(64 + k)}, P., Writer, K. Stromal niches number {k} in a zebrafish fin")
        lines.append(f"model. Developmental Cell Research, {2000 + k}. {k}(4): p. {10 * k}-{10 * k + 9}.")
    text = BODY + "References\n" + "\n".join(lines) + "\n"
    lst = _one(text)
    assert [r.n for r in lst.references] == [1, 2, 3, 4, 5]
    assert lst.references[2].label == "3."
    assert lst.references[2].text.startswith("AuthorC, P., Writer, K. Stromal niches number 3")


def test_two_chapter_lists() -> None:
    chapter = (
        "Chapter {c}\n" + BODY + "References\n" + "\n".join(_numbered(k) for k in range(1, 4)) + "\n"
    )
    text = chapter.format(c=1) + chapter.format(c=2)
    lists = extract_lists(text)
    assert [len(x.references) for x in lists] == [3, 3]
    assert all(x.heading == "References" for x in lists)


def test_reference_heading_repeated_on_the_next_page_continues_the_list() -> None:
    text = (
        BODY
        + "参考文献\n"
        + "\n".join(_numbered(k) for k in range(1, 5))
        + "\n37\n参考文献\n"
        + "\n".join(_numbered(k) for k in range(5, 8))
        + "\n"
    )
    lst = _one(text)
    assert [r.n for r in lst.references] == list(range(1, 8))


def test_grouped_references_under_one_number() -> None:
    text = (
        BODY
        + "References\n"
        + "[1] Perlmutter S et al, 1997 Astrophys. J. 483 565\n"
        + "Riess A G et al, 1998 Astron. J. 116 1009\n"
        + "[2] Ehlers J, Geren P and Sachs R K, 1968 J. Math. Phys. 9 1344\n"
        + "[3] Stoeger W R, Maartens R and Ellis G F R, 1995 Astrophys. J. 443 1\n"
    )
    lst = _one(text)
    assert [r.n for r in lst.references] == [1, 1, 2, 3]
    assert lst.references[1].text.startswith("Riess A G")


def test_body_text_alone_is_no_list() -> None:
    assert extract_lists(BODY * 5) == []


def test_large_text_is_read_in_bounded_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from citecheck.refs import parse

    monkeypatch.setattr(parse, "parse_reference", lambda t: ({}, []))
    chunk = BODY + "References\n" + "\n".join(_numbered(k) for k in range(1, 9)) + "\n"
    text = chunk * (1_000_000 // len(chunk))
    t0 = time.perf_counter()
    lists = extract_lists(text)
    assert len(lists) >= 1
    assert time.perf_counter() - t0 < 30


def test_body_text_citing_author_year_works_is_no_list() -> None:
    para = (
        "Earlier surveys (Abernathy & Osei, 2015; Bellweather, 2019) measured soil carbon at three stations,\n"
        "and Corvino et al. (2020) showed that microbial crusts change how water enters the soil. Dunmore\n"
        "(2018) followed the timing of spring growth over twelve winters, while Eastwood et al. (2021)\n"
        "linked root water uptake to the depth of the snowpack in the northern plains.\n"
    )
    assert extract_lists(BODY + para * 4 + BODY) == []


def test_without_the_model_the_rules_still_read_headed_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(finder, "classify_lines", lambda lines, path=finder.FINDER_MODEL_PATH: None)
    text = BODY + "References\n" + "\n".join(_numbered(k) for k in range(1, 5)) + "\n"
    lst = _one(text)
    assert [r.n for r in lst.references] == [1, 2, 3, 4]


def test_figure_set_inside_a_numbered_list_is_skipped() -> None:
    figure = (
        "Table 2. Soil carbon against snow depth at the three stations, measured in spring and autumn.\n"
        "Station Depth (cm) Carbon (%) Roots per core\n"
        "North ridge 120 4.5 18\n"
        "Lower meadow 85 3.9 22\n"
        "Valley floor 60 3.1 25\n"
        "The depth is the mean of the last five winters; carbon is measured on dried cores.\n"
    )
    text = (
        BODY + "References\n" + "\n".join(_numbered(k) for k in range(1, 5)) + "\n" + figure
        + "\n".join(_numbered(k) for k in range(5, 8)) + "\n"
    )
    lst = _one(text)
    assert [r.n for r in lst.references] == list(range(1, 8))
    assert "Lower meadow" not in lst.references[3].text
