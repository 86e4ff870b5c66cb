"""Structured readers: BibTeX, .bbl, LaTeX, RIS, MEDLINE, CSL-JSON, EndNote XML, JATS, HTML, ODT, Word fields.

Every fixture is written here; nothing under ../shared is read.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citecheck.cli import app
from citecheck.document import DocumentError, load
from citecheck.formats import find_format
from citecheck.model import Document, Reference
from citecheck.refs import extract_references

runner = CliRunner()


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _refs(doc: Document) -> list[Reference]:
    return [r for lst in extract_references(doc) for r in lst.references]


def _spans_real(doc: Document) -> None:
    for ref in _refs(doc):
        if ref.raw:
            assert doc.text[ref.span.start:ref.span.end] == ref.raw


def _codes(ref: Reference) -> set[str]:
    return {i.code for i in ref.warnings}


# ---------------------------------------------------------------- BibTeX

BIB = r"""@string{nat = "Nature"}

@article{mueller2020,
  author  = {M{\"u}ller, Hans and {World Health Organization} and 张三 and de la Fontaine, Jean and others},
  title   = {On {\em Things} \& Stuff},
  journal = nat,
  year    = 2020,
  month   = mar,
  volume  = {5},
  number  = {2},
  pages   = {1--10},
  doi     = {https://doi.org/10.1000/ABC.1}
}

@article{broken,
  author = {Smith, J},
  title = {Broken {title,
  year = {2019}
}

@book{mueller2020, title={Same key again}, year={2001}, publisher={Springer}}

@misc{baddoi, title = {Fine otherwise}, year = {2018}, doi = {not-a-doi}}

@inproceedings{twin, title={Twin}, booktitle={Proc. X}, year={2018}, doi={10.1000/abc.1}}

@online{late, title={Closed early}, date={2021-05-04}, url={https://example.org/x}}
"""


def test_bib_fields_names_and_spans(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "refs.bib", BIB))
    assert doc.format == "bib" and doc.lists is not None
    refs = _refs(doc)
    _spans_real(doc)
    first = refs[0]
    f = first.fields
    assert f["id"] == "mueller2020" and f["type"] == "article-journal"
    assert f["title"] == "On Things & Stuff"
    assert f["container-title"] == "Nature"
    assert f["author"] == [
        {"family": "Müller", "given": "Hans"},
        {"literal": "World Health Organization"},
        {"family": "张", "given": "三"},
        {"family": "de la Fontaine", "given": "Jean"},
    ]
    assert f["issued"] == {"date-parts": [[2020, 3]]}
    assert (f["volume"], f["issue"], f["page"]) == ("5", "2", "1-10")
    assert f["DOI"] == "10.1000/ABC.1"
    assert first.raw.startswith("@article{mueller2020,") and first.raw.endswith("}")


def test_bib_problems_are_issues_and_the_rest_is_read(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "refs.bib", BIB))
    refs = _refs(doc)
    keys = [r.fields.get("id") for r in refs]
    assert keys == ["mueller2020", "broken", "mueller2020", "baddoi", "twin", "late"]
    assert "entry_unreadable" in _codes(refs[1])
    assert refs[1].fields.get("title") is None or "Broken" in refs[1].fields["title"]
    assert "duplicate_key" in _codes(refs[2])
    assert refs[2].fields["title"] == "Same key again"
    assert "malformed_doi" in _codes(refs[3]) and "DOI" not in refs[3].fields
    assert "duplicate_doi" in _codes(refs[4])
    assert refs[5].fields["issued"] == {"date-parts": [[2021, 5, 4]]}
    assert refs[5].fields["URL"] == "https://example.org/x"
    list_codes = {i.code for i in doc.lists[0].warnings}
    assert {"duplicate_key", "duplicate_doi", "entry_unreadable"} <= list_codes


def test_bib_entry_closed_after_key_and_missing_comma(tmp_path: Path) -> None:
    text = ("@incollection{early},\n  title={Read anyway},\n  author={Doe, Jane},\n  year={2009}\n}\n\n"
            "@article{nocomma,\n  title={First field}\n  journal={Second Field},\n  year={1981}\n}\n")
    refs = _refs(load(_write(tmp_path, "x.bib", text)))
    assert refs[0].fields["title"] == "Read anyway" and refs[0].fields["author"] == [{"family": "Doe", "given": "Jane"}]
    assert refs[1].fields["title"] == "First field" and refs[1].fields["container-title"] == "Second Field"
    text = '@string{pub = "Acme"}\n@BOOK(paren, TITLE = "Parens " # "and concat", PUBLISHER = pub # " Press", YEAR = 2020)\n'
    (ref,) = _refs(load(_write(tmp_path, "y.bib", text)))
    assert (ref.fields["title"], ref.fields["publisher"]) == ("Parens and concat", "Acme Press")


# ---------------------------------------------------------------- .bbl

BBL_ITEMS = r"""\begin{thebibliography}{2}
\providecommand{\natexlab}[1]{#1}

\bibitem{knuth84}
D.~E. Knuth.
\newblock Literate programming.
\newblock \emph{The Computer Journal}, 27(2):97--111, 1984.
\newblock \doi{10.1093/comjnl/27.2.97}.

\bibitem[Lamport(1994)]{lamport94}
Leslie Lamport.
\newblock \emph{\LaTeX: A Document Preparation System}.
\newblock Addison-Wesley, Reading, MA, 2nd edition, 1994.

\end{thebibliography}
"""

BBL_ENTRIES = r"""\refsection{0}
  \datalist[entry]{nty/global//global/global}
    \entry{smith2020}{article}{}
      \name{author}{2}{}{%
        {{hash=1}{family={Smith},familyi={S\bibinitperiod},given={John},giveni={J\bibinitperiod}}}%
        {{hash=2}{family={Müller},familyi={M\bibinitperiod},given={Anna},giveni={A\bibinitperiod}}}%
      }
      \strng{namehash}{12}
      \field{title}{A study of {RNA} things}
      \field{journaltitle}{Nature}
      \field{year}{2020}
      \field{volume}{5}
      \range{pages}{1\bibrangedash 10}
      \verb{doi}
      \verb 10.1000/xyz
      \endverb
    \endentry
  \enddatalist
\endrefsection
"""


def test_bbl_bibitem_items_are_parsed(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "paper.bbl", BBL_ITEMS))
    refs = _refs(doc)
    _spans_real(doc)
    assert [r.fields.get("id") for r in refs] == ["knuth84", "lamport94"]
    assert refs[0].raw.startswith(r"\bibitem{knuth84}")
    assert refs[0].fields.get("DOI", "").lower() == "10.1093/comjnl/27.2.97"
    assert "Literate programming" in refs[0].fields.get("title", "")
    assert refs[0].fields["issued"]["date-parts"][0][0] == 1984
    assert "LaTeX" in refs[1].text and "\\" not in refs[1].text


def test_bbl_biblatex_entries_give_fields(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "paper.bbl", BBL_ENTRIES))
    (ref,) = _refs(doc)
    _spans_real(doc)
    f = ref.fields
    assert f["title"] == "A study of RNA things" and f["container-title"] == "Nature"
    assert f["author"] == [{"family": "Smith", "given": "John"}, {"family": "Müller", "given": "Anna"}]
    assert (f["page"], f["DOI"], f["issued"]) == ("1-10", "10.1000/xyz", {"date-parts": [[2020]]})


# ---------------------------------------------------------------- .tex

TEX = r"""\documentclass{article}
\usepackage{natbib}
\begin{document}
\section{Intro}
Deep learning works \citep[p.~3]{lecun2015,knuth84}. % \cite{commented}
As \citet{knuth84} showed, text matters; see also \parencite{missing}.
Code: \verb|\cite{notacite}| and \autocite[see][12]{lamport94}.
\nocite{hidden}
\bibliographystyle{plainnat}
\bibliography{refs,absent}
\end{document}
"""

TEX_BIB = r"""@article{knuth84, author={Knuth, Donald E.}, title={Literate Programming}, journal={The Computer Journal},
  year={1984}}
@book{lamport94, author={Lamport, Leslie}, title={{\LaTeX}: A Document Preparation System}, year={1994}}
@article{lecun2015, author={LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey}, title={Deep learning},
  journal={Nature}, year={2015}, doi={10.1038/nature14539}}
@misc{hidden, title={Only nocited}, year={2000}}
@misc{uncited, title={Never cited}, year={2001}}
"""


def test_tex_markers_order_and_undefined(tmp_path: Path) -> None:
    _write(tmp_path, "refs.bib", TEX_BIB)
    doc = load(_write(tmp_path, "paper.tex", TEX))
    assert doc.format == "tex"
    refs = _refs(doc)
    _spans_real(doc)
    assert [r.fields["id"] for r in refs] == ["lecun2015", "knuth84", "lamport94", "hidden"]
    assert [r.n for r in refs] == [1, 2, 3, 4] and refs[0].label == "[1]"
    assert "Deep learning works [1, 2]." in doc.text
    assert "As [2] showed" in doc.text
    assert "see also [5]." in doc.text  # the undefined key: a number after the list, so it dangles
    assert "notacite" in doc.text and "commented" not in doc.text
    assert "[3]" in doc.text
    warnings = {i.code for i in doc.lists[0].warnings}
    assert "undefined_citation" in warnings
    assert any("absent.bib" in w.message for w in doc.warnings)
    assert doc.text[doc.lists[0].span.start:].startswith("References")


def test_tex_nocite_star_bbl_and_thebibliography(tmp_path: Path) -> None:
    _write(tmp_path, "all.bib", TEX_BIB)
    doc = load(_write(tmp_path, "all.tex", "\\cite{lamport94} then \\nocite{*}\n\\addbibresource{all.bib}\n"))
    assert [r.fields["id"] for r in _refs(doc)] == ["lamport94", "knuth84", "lecun2015", "hidden", "uncited"]
    # a .bbl beside the source gives the printed order and list; the .bib gives exact fields
    _write(tmp_path, "printed.bbl", BBL_ITEMS)
    _write(tmp_path, "printed.bib", TEX_BIB)
    doc = load(_write(tmp_path, "printed.tex", "First \\cite{lamport94}, then \\cite{knuth84}.\n\\bibliography{printed}\n"))
    refs = _refs(doc)
    assert [r.fields["id"] for r in refs] == ["knuth84", "lamport94"]
    assert "First [2], then [1]." in doc.text
    assert refs[0].fields["title"] == "Literate Programming"
    # an inline thebibliography
    inline = "Text \\cite{knuth84}.\n" + BBL_ITEMS
    doc = load(_write(tmp_path, "inline.tex", inline))
    assert [r.fields["id"] for r in _refs(doc)] == ["knuth84", "lamport94"]
    assert "\\bibitem" not in doc.text.split("References")[0]


# ---------------------------------------------------------------- RIS, MEDLINE, CSL-JSON, EndNote

RIS = """TY  - JOUR
AU  - Smith, John
AU  - Doe, A.
TI  - A title of things
T2  - Journal of Stuff
PY  - 2020///
VL  - 3
IS  - 2
SP  - 10
EP  - 20
DO  - 10.1000/abc
ER  -

TY  - BOOK
AU  - Li, Wei
TI  - A book
PB  - Springer
PY  - 2019
ER  -
"""

NBIB = """PMID- 12345678
OWN - NLM
TI  - Regulatory T-cell generation and the long title that continues
      on a second line.
AB  - Abstract text.
FAU - Ge, Wei
AU  - Ge W
FAU - Jiang, Jian
AU  - Jiang J
JT  - Transplantation
TA  - Transplantation
VI  - 90
IP  - 12
PG  - 1312-20
DP  - 2010 Dec 27
AID - 10.1097/TP.0b013e3181fed001 [doi]
PT  - Journal Article

PMID- 23456789
TI  - Second record.
FAU - Wang, Li
DP  - 2011
"""


def test_ris_and_medline(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "x.ris", RIS))
    refs = _refs(doc)
    _spans_real(doc)
    assert refs[0].fields["title"] == "A title of things"
    assert refs[0].fields["container-title"] == "Journal of Stuff"
    assert refs[0].fields["author"][0] == {"family": "Smith", "given": "John"}
    assert (refs[0].fields["page"], refs[0].fields["DOI"]) == ("10-20", "10.1000/abc")
    assert refs[1].fields["type"] == "book" and refs[1].fields["publisher"] == "Springer"
    doc = load(_write(tmp_path, "pubmed.nbib", NBIB))
    refs = _refs(doc)
    _spans_real(doc)
    f = refs[0].fields
    assert f["title"] == "Regulatory T-cell generation and the long title that continues on a second line"
    assert f["author"] == [{"family": "Ge", "given": "Wei"}, {"family": "Jiang", "given": "Jian"}]
    assert (f["PMID"], f["DOI"], f["page"], f["issued"]) == ("12345678", "10.1097/TP.0b013e3181fed001", "1312-20",
                                                            {"date-parts": [[2010]]})
    assert refs[1].fields["title"] == "Second record"


CSL = [
    {"id": "a", "type": "article-journal", "title": "Item <i>one</i>", "author": [{"family": "Smith", "given": "J"}],
     "issued": {"date-parts": [[2020, 1]]}, "DOI": "10.1000/one", "container-title": "J"},
    {"id": "b", "type": "book", "title": "Item two", "author": [{"literal": "WHO"}], "issued": {"date-parts": [["2019"]]}},
]


def test_csl_json_and_refusal_of_other_json(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "items.json", json.dumps(CSL, indent=2)))
    refs = _refs(doc)
    _spans_real(doc)
    assert [r.fields["title"] for r in refs] == ["Item one", "Item two"]
    assert refs[1].fields["author"] == [{"literal": "WHO"}]
    doc = load(_write(tmp_path, "lib.csl.json", json.dumps({"items": CSL})))
    assert len(_refs(doc)) == 2
    _spans_real(doc)
    with pytest.raises(DocumentError, match="not CSL-JSON"):
        load(_write(tmp_path, "config.json", json.dumps({"name": "x", "version": 2})))
    with pytest.raises(DocumentError, match="not valid JSON"):
        load(_write(tmp_path, "broken.json", "[{"))


ENDNOTE = """<?xml version="1.0" encoding="UTF-8"?>
<xml><records><record><rec-number>1</rec-number><ref-type name="Journal Article">17</ref-type>
<contributors><authors><author><style face="normal">Smith, John</style></author><author>Doe, Ann</author></authors></contributors>
<titles><title><style face="normal">An EndNote title</style></title><secondary-title>Journal X</secondary-title></titles>
<pages>5-9</pages><volume>7</volume><number>1</number><dates><year>2018</year></dates>
<electronic-resource-num>10.1000/en.1</electronic-resource-num></record></records></xml>
"""


def test_endnote_xml(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "lib.xml", ENDNOTE))
    (ref,) = _refs(doc)
    _spans_real(doc)
    assert ref.fields["title"] == "An EndNote title" and ref.fields["container-title"] == "Journal X"
    assert ref.fields["author"] == [{"family": "Smith", "given": "John"}, {"family": "Doe", "given": "Ann"}]
    assert (ref.fields["page"], ref.fields["DOI"], ref.fields["type"]) == ("5-9", "10.1000/en.1", "article-journal")
    with pytest.raises(DocumentError, match="neither JATS nor EndNote"):
        load(_write(tmp_path, "other.xml", "<config><a/></config>"))
    with pytest.raises(DocumentError, match="not well-formed"):
        load(_write(tmp_path, "bad.xml", "<xml><records>"))


def test_xml_entities_are_not_expanded(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c SYSTEM "file:///etc/passwd">]><article><body><p>&b; &c;</p></body></article>')
    try:
        doc = load(_write(tmp_path, "bomb.xml", bomb))
    except DocumentError:
        return
    assert "root:" not in doc.text and "aaaaaaaaaa" not in doc.text


# ---------------------------------------------------------------- JATS, HTML, ODT

JATS = """<?xml version="1.0"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta><title-group>
<article-title>A JATS paper</article-title></title-group></article-meta></front>
<body><sec><title>Introduction</title><p>Things are known <xref ref-type="bibr" rid="B1">1</xref>,
<xref ref-type="bibr" rid="B2">2</xref>.</p></sec></body>
<back><ref-list><ref id="B1"><label>1</label><element-citation publication-type="journal">
<person-group person-group-type="author"><name><surname>Smith</surname><given-names>J</given-names></name>
<collab>The Consortium</collab></person-group><article-title>Tagged title</article-title><source>Nature</source>
<year>2020</year><volume>5</volume><fpage>1</fpage><lpage>9</lpage><pub-id pub-id-type="doi">10.1000/j1</pub-id>
</element-citation></ref>
<ref id="B2"><label>2</label><mixed-citation>Li W, Zhang S. Another study of cells. Cell. 2019;177(2):45-60.</mixed-citation></ref>
</ref-list></back></article>
"""


def test_jats(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "paper.xml", JATS))
    refs = _refs(doc)
    _spans_real(doc)
    f = refs[0].fields
    assert f["title"] == "Tagged title" and f["container-title"] == "Nature"
    assert f["author"] == [{"family": "Smith", "given": "J"}, {"literal": "The Consortium"}]
    assert (f["page"], f["DOI"]) == ("1-9", "10.1000/j1")
    assert refs[1].fields["issued"]["date-parts"][0][0] == 2019
    assert "Things are known [1], [2]." in doc.text
    assert "Introduction" in doc.text and refs[0].label == "[1]"


def test_html_keeps_blocks(tmp_path: Path) -> None:
    html = ("<html><head><title>T</title><script>var x=1;</script></head><body><h1>Paper</h1><p>Body text [1].</p>"
            "<h2>References</h2><ol><li>Smith J. A study of things. Nature. 2020;581:123-130.</li>"
            "<li>Li W. Another study. Cell. 2019;177:45-60.</li></ol></body></html>")
    doc = load(_write(tmp_path, "page.html", html))
    assert "var x" not in doc.text
    assert "\nReferences\n" in doc.text
    assert "Smith J. A study of things. Nature. 2020;581:123-130.\n" in doc.text
    assert len(_refs(doc)) == 2


def _odt(content: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
    return buf.getvalue()


def test_odt_is_not_taken_for_docx(tmp_path: Path) -> None:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
    content = (f'<office:document-content {ns}><office:body><office:text>'
               '<text:h>Paper</text:h><text:p>Body text [1].</text:p>'
               '<table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell>'
               '<table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>'
               '<text:h>References</text:h><text:p>1. Smith J. A study of things. Nature. 2020;581:123-130.</text:p>'
               '</office:text></office:body></office:document-content>')
    data = _odt(content)
    assert find_format(filename="x.odt", data=data).name == "odt"
    doc = load(_write(tmp_path, "paper.odt", data))
    assert doc.format == "odt"
    assert "Body text [1]." in doc.text and "a\tb" in doc.text
    assert len(_refs(doc)) == 1


# ---------------------------------------------------------------- Word citation fields


def _docx(paragraphs: list[str], extra: dict[str, str] | None = None) -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(paragraphs)
    doc = f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>{body}</w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", doc)
        for part, content in (extra or {}).items():
            zf.writestr(part, content)
    return buf.getvalue()


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _field(code_parts: list[str], shown: str, data: str = "") -> str:
    from xml.sax.saxutils import escape

    begin = f'<w:r><w:fldChar w:fldCharType="begin">{f"<w:fldData>{data}</w:fldData>" if data else ""}</w:fldChar></w:r>'
    instr = "".join(f'<w:r><w:instrText xml:space="preserve">{escape(p)}</w:instrText></w:r>' for p in code_parts)
    return (begin + instr + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run(shown)
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _zotero(items: list[dict], shown: str) -> str:
    payload = json.dumps({"citationID": "x", "properties": {"formattedCitation": shown},
                          "citationItems": [{"id": i["id"], "uris": [f"http://zotero.org/users/1/items/{i['id']}"],
                                             "itemData": i} for i in items]})
    code = f"ADDIN ZOTERO_ITEM CSL_CITATION {payload}"
    return _field([code[:40], code[40:100], code[100:]], shown)  # split over runs, as Word does


ITEM_A = {"id": "A", "type": "article-journal", "title": "First cited work", "DOI": "10.1000/a",
          "author": [{"family": "Smith", "given": "J"}], "issued": {"date-parts": [[2020]]}}
ITEM_B = {"id": "B", "type": "book", "title": "Second cited work", "author": [{"family": "Li", "given": "W"}],
          "issued": {"date-parts": [[2019]]}}


def test_docx_zotero_fields_are_read_exactly(tmp_path: Path) -> None:
    bib = _field(["ADDIN ZOTERO_BIBL {\"uncited\":[]} CSL_BIBLIOGRAPHY"],
                 "") .replace(_run(""), "</w:p><w:p>" + _run("[1] Smith J. First cited work. 2020.") + "</w:p><w:p>"
                              + _run("[2] Li W. Second cited work. 2019."))
    paragraphs = [
        "<w:p>" + _run("Claims ") + _zotero([ITEM_A], "[1]") + _run(" and more ") + _zotero([ITEM_B, ITEM_A], "[1,2]")
        + _run(".") + "</w:p>",
        "<w:p>" + _run("References") + "</w:p>",
        "<w:p>" + bib + "</w:p>",
    ]
    doc = load(_write(tmp_path, "zotero.docx", _docx(paragraphs)))
    refs = _refs(doc)
    assert [r.fields["title"] for r in refs] == ["First cited work", "Second cited work"]
    assert refs[0].fields["DOI"] == "10.1000/a" and refs[0].label == "[1]"
    assert "Claims [1] and more [1,2]." in doc.text
    _spans_real(doc)
    assert refs[0].raw == "[1] Smith J. First cited work. 2020."


def test_docx_mendeley_and_endnote_fields(tmp_path: Path) -> None:
    mendeley = "ADDIN CSL_CITATION " + json.dumps({"citationItems": [{"id": "ITEM-1", "itemData": ITEM_B}],
                                                    "mendeley": {"formattedCitation": "(Li, 2019)"}})
    record = ('<EndNote><Cite><Author>Smith</Author><Year>2018</Year><RecNum>7</RecNum><DisplayText>(Smith, 2018)'
              '</DisplayText><record><rec-number>7</rec-number><ref-type name="Journal Article">17</ref-type>'
              '<contributors><authors><author>Smith, John</author></authors></contributors><titles><title>'
              'EndNote cited work</title></titles><dates><year>2018</year></dates></record></Cite></EndNote>')
    encoded = base64.b64encode(record.encode()).decode()
    paragraphs = ["<w:p>" + _run("See ") + _field([mendeley], "(Li, 2019)") + _run(" and ")
                  + _field(["ADDIN EN.CITE "], "(Smith, 2018)", data=encoded) + "</w:p>"]
    doc = load(_write(tmp_path, "mixed.docx", _docx(paragraphs)))
    refs = _refs(doc)
    assert [r.fields["title"] for r in refs] == ["Second cited work", "EndNote cited work"]
    assert refs[1].fields["author"] == [{"family": "Smith", "given": "John"}]
    assert doc.lists[0].style == "author-year" and refs[0].label == ""
    assert doc.text == "See (Li, 2019) and (Smith, 2018)"


def test_docx_without_fields_still_finds_the_list_in_text(tmp_path: Path) -> None:
    paragraphs = ["<w:p>" + _run("Body [1].") + "</w:p>", "<w:p>" + _run("References") + "</w:p>",
                  "<w:p>" + _run("1. Smith J. A study of things. Nature. 2020;581:123-130.") + "</w:p>"]
    doc = load(_write(tmp_path, "plain.docx", _docx(paragraphs)))
    assert doc.lists is None and len(_refs(doc)) == 1


# ---------------------------------------------------------------- refusals and the CLI


def test_unknown_suffix_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"\.xyz files are not a type citecheck reads"):
        load(_write(tmp_path, "data.xyz", "Smith J. A study. 2020."))


def test_damaged_structured_files_give_one_line(tmp_path: Path) -> None:
    cases = {"x.ris": "no records here", "x.nbib": "nothing", "x.odt": b"PK\x03\x04 damaged",
             "x.bbl": "no items", "x.json": "[1, 2, 3]", "x.bib": "% only a comment\n@comment{x}\n"}
    for name, content in cases.items():
        with pytest.raises(DocumentError) as info:
            load(_write(tmp_path, name, content))
        assert "\n" not in str(info.value) and name in str(info.value)


def test_cli_refs_bib_json_and_unknown_type(tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.bib", BIB)
    result = runner.invoke(app, ["refs", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    refs = json.loads(result.stdout)["documents"][0]["references"]
    assert len(refs) == 6
    assert refs[0]["fields"]["title"] == "On Things & Stuff"
    bad = _write(tmp_path, "notes.xyz", "text")
    result = runner.invoke(app, ["refs", str(bad)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and ".xyz" in result.stderr


def test_docx_word_own_citations(tmp_path: Path) -> None:
    b = 'xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"'
    sources = (f'<?xml version="1.0"?><b:Sources {b} SelectedStyle="APA"><b:Source><b:Tag>Smi20</b:Tag>'
               '<b:SourceType>JournalArticle</b:SourceType><b:Title>Word source title</b:Title><b:Year>2020</b:Year>'
               '<b:JournalName>Journal W</b:JournalName><b:Author><b:Author><b:NameList><b:Person><b:Last>Smith'
               '</b:Last><b:First>Jane</b:First></b:Person></b:NameList></b:Author></b:Author></b:Source>'
               '<b:Source><b:Tag>Org19</b:Tag><b:SourceType>Report</b:SourceType><b:Title>Org report</b:Title>'
               '<b:Author><b:Author><b:Corporate>World Health Organization</b:Corporate></b:Author></b:Author>'
               '<b:Year>2019</b:Year></b:Source></b:Sources>')
    paragraphs = ["<w:p>" + _run("Text ") + _field(["CITATION Org19 \\l 1033 \\m Smi20"], "(WHO, 2019; Smith, 2020)")
                  + _run(" again ") + _field(["CITATION Smi20 \\l 1033 "], "(Smith, 2020)") + "</w:p>"]
    doc = load(_write(tmp_path, "word.docx", _docx(paragraphs, {"customXml/item1.xml": sources})))
    refs = _refs(doc)
    assert [r.fields["title"] for r in refs] == ["Org report", "Word source title"]
    assert refs[0].fields["author"] == [{"literal": "World Health Organization"}]
    assert refs[1].fields["author"] == [{"family": "Smith", "given": "Jane"}]


def test_tex_class_cite_macros_and_inputs(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    _write(tmp_path, "refs.bib", TEX_BIB)
    _write(tmp_path, "chapters/one.tex", "Chapter text \\upcite{knuth84,%\n  lamport94}.\n\\input{chapters/two}\n")
    _write(tmp_path, "chapters/two.tex", "Two \\cite{lecun2015}.\n")
    doc = load(_write(tmp_path, "main.tex", "\\begin{document}\n\\include{chapters/one}\n"
                      "\\input{nothere}\n\\bibliography{refs}\n\\end{document}\n"))
    assert [r.fields["id"] for r in _refs(doc)] == ["knuth84", "lamport94", "lecun2015"]
    assert "Chapter text [1, 2]." in doc.text and "Two [3]." in doc.text
    assert any("nothere.tex" in w.message for w in doc.warnings)


def test_docx_mendeley_cite_content_controls(tmp_path: Path) -> None:
    payload = base64.b64encode(json.dumps({"citationID": "M", "citationItems": [
        {"id": "u1", "itemData": ITEM_A}], "properties": {"noteIndex": 0}}).encode()).decode()
    sdt = (f'<w:sdt><w:sdtPr><w:tag w:val="MENDELEY_CITATION_v3_{payload}"/></w:sdtPr>'
           f'<w:sdtContent>{_run("[1]")}</w:sdtContent></w:sdt>')
    paragraphs = ["<w:p>" + _run("Shown ") + sdt + _run(".") + "</w:p>"]
    doc = load(_write(tmp_path, "cite.docx", _docx(paragraphs)))
    assert [r.fields["title"] for r in _refs(doc)] == ["First cited work"]
    assert "Shown [1]." in doc.text


def test_bbl_revtex_item_and_linked_doi(tmp_path: Path) -> None:
    item = (r"\begin{thebibliography}{1}" "\n" r"\bibitem{einstein}" "\n"
            r"\BibitemOpen \bibfield {author} {\bibinfo {author} {\bibfnamefont {A.}~\bibnamefont {Einstein}},\ }"
            r"\bibfield {title} {\bibinfo {title} {Zur Elektrodynamik bewegter K{\"o}rper},\ }"
            r"\href {\doibase 10.1002/andp.19053221004} {\bibfield {journal} {\bibinfo {journal} {Ann. Phys.}\ }"
            r"\textbf {\bibinfo {volume} {322}},\ \bibinfo {pages} {891} (\bibinfo {year} {1905})}\BibitemShut {NoStop}"
            "\n" r"\end{thebibliography}" "\n")
    (ref,) = _refs(load(_write(tmp_path, "phys.bbl", item)))
    assert ref.text == "A. Einstein, Zur Elektrodynamik bewegter Körper, Ann. Phys. 322, 891 (1905)"
    assert ref.fields["DOI"] == "10.1002/andp.19053221004"
    assert ref.fields["issued"]["date-parts"][0][0] == 1905


def test_docx_endnote_nested_cite_data_field() -> None:
    from citecheck.document.wordfields import read_citations

    record = ('<EndNote><Cite><RecNum>3</RecNum><record><rec-number>3</rec-number><titles><title>Nested data'
              '</title></titles><dates><year>2017</year></dates></record></Cite></EndNote>')
    encoded = base64.b64encode(record.encode()).decode()
    nested = (f'<w:r><w:fldChar w:fldCharType="begin"><w:fldData>{encoded}</w:fldData></w:fldChar></w:r>'
              '<w:r><w:instrText> ADDIN EN.CITE.DATA </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    para = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> ADDIN EN.CITE </w:instrText></w:r>'
            + nested + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run("[1]")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    with zipfile.ZipFile(io.BytesIO(_docx([para]))) as zf:
        cited = read_citations(zf, "x.docx")
    assert [f["title"] for f, _ in cited.items] == ["Nested data"]
    assert cited.formatted == ["[1]"]


def test_docx_older_mendeley_code_and_sibling_flddata() -> None:
    from citecheck.document.wordfields import read_citations

    old = "ADDIN Mendeley Citation{0a1b-2c} CSL_CITATION " + json.dumps(
        {"citationItems": [{"id": "ITEM-1", "uris": ["http://www.mendeley.com/documents/?uuid=1"], "itemData": ITEM_B}]})
    record = ('<EndNote><Cite><RecNum>9</RecNum><record><titles><title>Sibling data</title></titles></record>'
              '</Cite></EndNote>')
    encoded = base64.b64encode(record.encode()).decode()
    sibling = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               f'<w:r><w:fldData xml:space="preserve">{encoded}</w:fldData></w:r>'
               '<w:r><w:instrText> ADDIN EN.CITE.DATA </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    paragraphs = ["<w:p>" + _field([old], "(Li, 2019)") + sibling + "</w:p>"]
    with zipfile.ZipFile(io.BytesIO(_docx(paragraphs))) as zf:
        cited = read_citations(zf, "x.docx")
    assert [f["title"] for f, _ in cited.items] == ["Second cited work", "Sibling data"]


def test_docx_mendeley_bibliography_control_gives_spans(tmp_path: Path) -> None:
    payload = base64.b64encode(json.dumps({"citationItems": [{"id": "u1", "itemData": ITEM_A}]}).encode()).decode()
    cite = (f'<w:sdt><w:sdtPr><w:tag w:val="MENDELEY_CITATION_v3_{payload}"/></w:sdtPr>'
            f'<w:sdtContent>{_run("(Smith, 2020)")}</w:sdtContent></w:sdt>')
    bib = ('<w:sdt><w:sdtPr><w:tag w:val="MENDELEY_BIBLIOGRAPHY"/></w:sdtPr><w:sdtContent><w:p>'
           + _run("Smith, J. (2020). First cited work.") + "</w:p></w:sdtContent></w:sdt>")
    doc = load(_write(tmp_path, "m.docx", _docx(["<w:p>" + _run("Text ") + cite + "</w:p>", bib])))
    (ref,) = _refs(doc)
    assert ref.raw == "Smith, J. (2020). First cited work."
    _spans_real(doc)


def test_odt_zotero_marks_and_native_bibliography_marks(tmp_path: Path) -> None:
    from xml.sax.saxutils import quoteattr

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    mark = "ZOTERO_ITEM CSL_CITATION " + json.dumps({"citationItems": [{"uris": ["u:A"], "itemData": ITEM_A}]}) + " RND1"
    content = (f'<office:document-content {ns}><office:body><office:text><text:p>See '
               f'<text:reference-mark-start text:name={quoteattr(mark)}/>[1]<text:reference-mark-end '
               f'text:name={quoteattr(mark)}/> and <text:bibliography-mark text:identifier="Li19" '
               'text:bibliography-type="book" text:author="Li, Wei; Wang, Fang" text:title="Native entry" '
               'text:year="2019">[Li19]</text:bibliography-mark>.</text:p></office:text></office:body>'
               '</office:document-content>')
    doc = load(_write(tmp_path, "z.odt", _odt(content)))
    refs = _refs(doc)
    assert [r.fields["title"] for r in refs] == ["First cited work", "Native entry"]
    assert refs[1].fields["author"] == [{"family": "Li", "given": "Wei"}, {"family": "Wang", "given": "Fang"}]
    assert "See [1] and [Li19]." in doc.text


def test_folder_walks_skip_any_json_and_xml() -> None:
    from citecheck.formats import suffixes

    walked = suffixes()
    assert {".bib", ".bbl", ".tex", ".ris", ".nbib", ".odt", ".html"} <= walked
    assert ".json" not in walked and ".xml" not in walked
    assert find_format(filename="refs.json").name == "csl-json" and find_format(filename="a.xml").name == "xml"
    assert find_format(filename="x.docx", data=b"PK\x03\x04 not a zip").name == "docx"  # by suffix, then refused


def test_bib_crossref_fields_are_inherited(tmp_path: Path) -> None:
    text = ("@inproceedings{DBLP:conf/x/Smith20, author={Jane Smith}, title={Child paper}, pages={1--9},\n"
            "  crossref={DBLP:conf/x/2020}}\n"
            "@proceedings{DBLP:conf/x/2020, title={Proceedings of X 2020}, year={2020}, publisher={ACM}}\n")
    refs = _refs(load(_write(tmp_path, "dblp.bib", text)))
    f = refs[0].fields
    assert (f["title"], f["container-title"], f["publisher"]) == ("Child paper", "Proceedings of X 2020", "ACM")
    assert f["issued"] == {"date-parts": [[2020]]} and f["author"] == [{"family": "Smith", "given": "Jane"}]
    assert refs[1].fields["title"] == "Proceedings of X 2020"
