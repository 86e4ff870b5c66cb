"""Generated works and documents for the reliability tests (faults, resume, bad input).

Everything is invented and deterministic (a seeded generator): titles are drawn
from a word list so each work is distinct and searchable, and a document cites
every work it lists, so a run exercises references, matching and claims alike.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from citecheck.sources.convert import record_from_crossref
from citecheck.sources.index import LocalIndex

_WORDS = (
    "tidal coastal foraging crab estuary sediment nitrogen plankton salinity mangrove reef kelp algae "
    "migration larval settlement predation grazing biomass carbon flux warming acidification hypoxia "
    "dispersal genetic population seasonal variation habitat restoration monitoring survey model "
    "bayesian spatial temporal network inference sampling bias calibration uncertainty remote sensing "
    "turbidity nutrient phosphorus isotope trophic cascade fisheries bycatch juvenile spawning growth"
).split()
_FAMILIES = ("Hollis Okafor Lindqvist Ferreira Vogt Haddad Raman Moreau Tanaka Novak Quispe Adeyemi "
             "Kowalski Brennan Sato Ivanova Mensah Duarte Holm Park Rossi Nakamura Petrov Osei").split()
_GIVEN = "Marta Chidi Jonas Ana Lena Omar Priya Claire Kenji Petra Rosa Tunde Irena Sean Yuki".split()
_JOURNALS = ("Journal of Coastal Ecology", "Marine Field Methods", "Estuarine Science Letters",
             "Plankton Research Notes", "Reef Monitoring Quarterly")


def make_works(n: int, seed: int = 7, prefix: str = "10.5555/rel") -> list[dict[str, Any]]:
    """`n` distinct Crossref works items (prefix 10.5555 is Crossref's test prefix)."""
    rng = random.Random(seed)
    works = []
    for i in range(1, n + 1):
        title = " ".join(rng.sample(_WORDS, 7)).capitalize() + f" in site {i}"
        authors = [{"given": rng.choice(_GIVEN), "family": f, "sequence": "first" if k == 0 else "additional"}
                   for k, f in enumerate(rng.sample(_FAMILIES, rng.randint(1, 3)))]
        first = rng.randint(1, 900)
        works.append({
            "DOI": f"{prefix}.{i:04d}", "type": "journal-article", "title": [title], "author": authors,
            "container-title": [rng.choice(_JOURNALS)], "issued": {"date-parts": [[rng.randint(1990, 2023)]]},
            "volume": str(rng.randint(1, 60)), "issue": str(rng.randint(1, 12)),
            "page": f"{first}-{first + rng.randint(5, 20)}",
        })
    return works


def reference_string(n: int, work: dict[str, Any]) -> str:
    """A Vancouver-style entry for `work`, numbered `n` (no DOI, so matching must search)."""
    names = ", ".join(f"{a['family']} {a['given'][0]}" for a in work["author"])
    year = work["issued"]["date-parts"][0][0]
    return (f"{n}. {names}. {work['title'][0]}. {work['container-title'][0]}. "
            f"{year};{work['volume']}({work['issue']}):{work['page']}.")


def make_document(works: list[dict[str, Any]], title: str = "A review") -> str:
    """A short paper citing every work once, in order, then its numbered reference list."""
    body = [f"# {title}", ""]
    for i in range(1, len(works) + 1, 3):
        nums = list(range(i, min(i + 3, len(works) + 1)))
        cites = " ".join(f"Finding {k} was reported before [{k}]." for k in nums)
        body.append(cites)
        body.append("")
    refs = [reference_string(i, w) for i, w in enumerate(works, 1)]
    return "\n".join([*body, "References", "", *refs, ""])


def build_index(path: Path, works: list[dict[str, Any]]) -> LocalIndex:
    """A `LocalIndex` at `path` holding `works` (what the loopback server answers from)."""
    index = LocalIndex(path)
    index.add_records(record_from_crossref(w, "index") for w in works)
    index.refresh_stats()
    return index


def pdf_bytes(pages: list[str], *, encrypted: bool = False) -> bytes:
    """A minimal PDF with one text page per item of `pages` (Helvetica, one line per line).

    Written by hand so the tests need no PDF library. `encrypted=True` adds a
    standard security handler whose password check fails for the empty
    password — what a password-protected file looks like to a reader.
    """
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    pages_id = 2 + 2 * len(pages)
    kids = []
    for text in pages:
        shown = b" ".join(b"(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode(
            "latin-1", "replace") + b") '" for line in text.split("\n"))
        stream = b"BT /F1 10 Tf 40 800 Td 12 TL " + shown + b" ET"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 1 0 R >> >> >>" % (pages_id, len(objects)))
        kids.append(len(objects))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    assert len(objects) == pages_id
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    catalog = len(objects)
    if encrypted:
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if encrypted:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objects), b"ab" * 16, b"ab" * 16)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


_DOCX_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs: list[str], table: list[list[str | None]] | None = None) -> bytes:
    """A minimal .docx written by hand: `paragraphs`, then `table` (a cell ``None`` is the continuation of
    a vertical merge, ``<w:vMerge/>``, as Word writes a tall merged cell)."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    def para(text: str) -> str:
        return f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>"

    body = [para(p) for p in paragraphs]
    if table:
        cols = max(len(r) for r in table)
        grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(cols))
        rows = []
        for r, row in enumerate(table):
            cells = []
            for c, text in enumerate(row):
                if text is None:
                    cells.append("<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>")
                else:
                    below = r + 1 < len(table) and c < len(table[r + 1]) and table[r + 1][c] is None
                    pr = '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' if below else ""
                    cells.append(f"<w:tc>{pr}{para(text)}</w:tc>")
            rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
        body.append(f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_DOCX_NS}">'
                f"<w:body>{''.join(body)}<w:sectPr/></w:body></w:document>")
    content_types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                     'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                     'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
                     'application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
                     'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", document)
    return buf.getvalue()
