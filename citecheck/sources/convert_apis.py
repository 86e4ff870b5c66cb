"""Records from the other metadata APIs: DataCite, Europe PMC, arXiv (Atom) and OpenAlex.

The companion of `citecheck.sources.convert` (Crossref, CSL-JSON, BibTeX), using its
cleaning helpers so every source yields the same CSL-JSON vocabulary. Each function
takes one item as the API returns it and raises `ConversionError` when it is not usable.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from citecheck.identifiers import arxiv_id, arxiv_number
from citecheck.model import CSL, Record
from citecheck.sources.base import normalize_doi
from citecheck.sources.convert import ConversionError, _names, _scalar_str, strip_markup

DATACITE_TO_CSL_TYPE: dict[str, str] = {
    "dataset": "dataset", "preprint": "article", "text": "article", "journalarticle": "article-journal",
    "software": "software", "book": "book", "bookchapter": "chapter", "conferencepaper": "paper-conference",
    "report": "report", "dissertation": "thesis", "collection": "dataset", "image": "graphic",
}


def _year_parts(value: Any) -> list[int] | None:
    text = _scalar_str(value)
    if not text:
        return None
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    return parts if parts and 0 < parts[0] < 3000 else None


def _set(f: CSL, key: str, value: Any) -> None:
    v = _scalar_str(value)
    if v:
        f[key] = v


def record_from_datacite(item: dict[str, Any], source: str = "datacite") -> Record:
    """One DataCite REST ``data`` object (``{"id", "attributes": {…}}``) → `Record`."""
    if not isinstance(item, dict):
        raise ConversionError("not a JSON object")
    a = item.get("attributes") if isinstance(item.get("attributes"), dict) else item
    doi = a.get("doi") or item.get("id")
    if not isinstance(doi, str) or not doi.strip():
        raise ConversionError("no DOI")
    types = a.get("types") if isinstance(a.get("types"), dict) else {}
    general = str(types.get("resourceTypeGeneral") or "").lower()
    f: CSL = {"type": DATACITE_TO_CSL_TYPE.get(general, "document")}
    titles = [t.get("title") for t in a.get("titles") or [] if isinstance(t, dict) and isinstance(t.get("title"), str)]
    if titles:
        f["title"] = strip_markup(titles[0])
    people = []
    for c in a.get("creators") or []:
        if not isinstance(c, dict):
            continue
        if c.get("familyName"):
            people.append({"family": c.get("familyName"), "given": c.get("givenName") or ""})
        elif isinstance(c.get("name"), str) and c.get("nameType") == "Personal" and "," in c["name"]:
            family, given = c["name"].split(",", 1)
            people.append({"family": family, "given": given})
        elif c.get("name"):
            people.append({"name": c.get("name")})
    names = _names(people)
    if names:
        f["author"] = names
    container = a.get("container") if isinstance(a.get("container"), dict) else {}
    _set(f, "container-title", container.get("title"))
    _set(f, "volume", container.get("volume"))
    _set(f, "issue", container.get("issue"))
    first, last = _scalar_str(container.get("firstPage")), _scalar_str(container.get("lastPage"))
    if first:
        f["page"] = f"{first}-{last}" if last else first
    publisher = a.get("publisher")
    _set(f, "publisher", publisher.get("name") if isinstance(publisher, dict) else publisher)
    parts = _year_parts(a.get("publicationYear"))
    if parts:
        f["issued"] = {"date-parts": [parts]}
    _set(f, "URL", a.get("url"))
    f["DOI"] = normalize_doi(doi)
    abstract = next((d.get("description") for d in a.get("descriptions") or []
                     if isinstance(d, dict) and d.get("descriptionType") == "Abstract"
                     and isinstance(d.get("description"), str)), "")
    subjects = [s["subject"] for s in a.get("subjects") or [] if isinstance(s, dict) and isinstance(s.get("subject"), str)]
    return Record(fields=f, source=source, abstract=strip_markup(abstract) if abstract else "", subjects=subjects)


def record_from_europepmc(item: dict[str, Any], source: str = "europepmc") -> Record:
    """One Europe PMC search result (``resultType=core`` or ``lite``) → `Record` (PMID/PMCID kept; DOI optional)."""
    if not isinstance(item, dict):
        raise ConversionError("not a JSON object")
    f: CSL = {"type": "article-journal"}
    title = _scalar_str(item.get("title"))
    if not title:
        raise ConversionError("no title")
    f["title"] = strip_markup(title).rstrip(".")
    authors = (item.get("authorList") or {}).get("author") if isinstance(item.get("authorList"), dict) else None
    people: list[dict[str, Any]] = []
    if isinstance(authors, list):
        for au in authors:
            if isinstance(au, dict) and au.get("lastName"):
                people.append({"family": au["lastName"], "given": au.get("firstName") or au.get("initials") or ""})
            elif isinstance(au, dict) and au.get("collectiveName"):
                people.append({"name": au["collectiveName"]})
    elif isinstance(item.get("authorString"), str):
        for part in item["authorString"].rstrip(".").split(","):
            bits = part.split()
            if bits:
                people.append({"family": " ".join(bits[:-1]) or bits[0], "given": bits[-1] if len(bits) > 1 else ""})
    names = _names(people)
    if names:
        f["author"] = names
    info = item.get("journalInfo") if isinstance(item.get("journalInfo"), dict) else {}
    journal = info.get("journal") if isinstance(info.get("journal"), dict) else {}
    _set(f, "container-title", journal.get("title") or item.get("journalTitle"))
    _set(f, "container-title-short", journal.get("isoabbreviation") or journal.get("medlineAbbreviation"))
    _set(f, "volume", info.get("volume") or item.get("journalVolume"))
    _set(f, "issue", info.get("issue") or item.get("issue"))
    _set(f, "page", item.get("pageInfo"))
    _set(f, "ISSN", journal.get("issn") or journal.get("essn"))
    parts = _year_parts(item.get("firstPublicationDate")) or _year_parts(info.get("yearOfPublication") or
                                                                         item.get("pubYear"))
    if parts:
        f["issued"] = {"date-parts": [parts]}
    doi = _scalar_str(item.get("doi"))
    if doi:
        f["DOI"] = normalize_doi(doi)
    pmid = _scalar_str(item.get("pmid"))
    if pmid:
        f["PMID"] = pmid
    pmcid = _scalar_str(item.get("pmcid"))
    if pmcid:
        f["PMCID"] = pmcid
    if not (doi or pmid or pmcid):
        raise ConversionError("no identifier")
    notices = _europepmc_notices(item)
    if notices:
        f["citecheck:updates"] = notices
    abstract = _scalar_str(item.get("abstractText")) or ""
    return Record(fields=f, source=source, abstract=strip_markup(abstract))


_EPMC_NOTICES = {"retraction in": "retraction", "expression of concern in": "expression_of_concern",
                 "erratum in": "correction", "partial retraction in": "retraction"}


def _europepmc_notices(item: dict[str, Any]) -> list[dict[str, Any]]:
    """PubMed's comment/correction links (``Retraction in``, ``Erratum in``…) as notices, as `update_notices` shapes them."""
    out: list[dict[str, Any]] = []
    comments = (item.get("commentCorrectionList") or {}).get("commentCorrection") \
        if isinstance(item.get("commentCorrectionList"), dict) else None
    for c in comments if isinstance(comments, list) else []:
        kind = _EPMC_NOTICES.get(str((c or {}).get("type", "")).lower()) if isinstance(c, dict) else None
        if kind:
            ident = _scalar_str(c.get("id"))
            out.append({"type": str(c["type"]), "kind": kind, "doi": None, "date": None, "source": "europepmc",
                        "label": f"{c.get('source') or 'MED'}:{ident}" if ident else str(c["type"])})
    types = (item.get("pubTypeList") or {}).get("pubType") if isinstance(item.get("pubTypeList"), dict) else None
    if not any(n["kind"] == "retraction" for n in out) and isinstance(types, list) and \
            any(str(t).lower() == "retracted publication" for t in types):
        out.append({"type": "Retracted Publication", "kind": "retraction", "doi": None, "date": None,
                    "source": "europepmc"})
    return out


ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
def records_from_arxiv_atom(text: str, source: str = "arxiv") -> list[Record]:
    """Every ``<entry>`` of an arXiv export API Atom feed as a `Record` (DOI: arXiv's ``10.48550/arXiv.<id>``).

    Raises `ConversionError` when the text is not an Atom feed.
    """
    if "<!DOCTYPE" in text[:2000] or "<!ENTITY" in text[:2000]:
        raise ConversionError("Atom feed with a DTD (refused)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ConversionError(f"not XML ({exc})") from None
    if root.tag != f"{ATOM}feed":
        raise ConversionError("not an Atom feed")
    out: list[Record] = []
    for entry in root.findall(f"{ATOM}entry"):
        ident = arxiv_id(entry.findtext(f"{ATOM}id") or "")
        title = " ".join((entry.findtext(f"{ATOM}title") or "").split())
        if not ident or not title or title.lower() == "error":
            continue
        f: CSL = {"type": "article", "title": strip_markup(title), "container-title": "arXiv",
                  "number": arxiv_number(ident), "DOI": f"10.48550/arxiv.{ident}", "URL": f"https://arxiv.org/abs/{ident}"}
        people = []
        for au in entry.findall(f"{ATOM}author"):
            name = " ".join((au.findtext(f"{ATOM}name") or "").split())
            if name:
                bits = name.split()
                people.append({"family": bits[-1], "given": " ".join(bits[:-1])} if len(bits) > 1 else {"name": name})
        names = _names(people)
        if names:
            f["author"] = names
        parts = _year_parts((entry.findtext(f"{ATOM}published") or "")[:10])
        if parts:
            f["issued"] = {"date-parts": [parts]}
        journal_doi = entry.findtext(f"{ARXIV}doi")
        if journal_doi:
            f["citecheck:published-doi"] = normalize_doi(journal_doi)
        ref = entry.findtext(f"{ARXIV}journal_ref")
        if ref:
            f["citecheck:journal-ref"] = " ".join(ref.split())
        subjects = [c.get("term", "") for c in entry.findall(f"{ATOM}category") if c.get("term")]
        out.append(Record(fields=f, source=source, abstract=strip_markup(entry.findtext(f"{ATOM}summary") or ""),
                          subjects=subjects))
    return out


OPENALEX_TO_CSL_TYPE = {"article": "article-journal", "book-chapter": "chapter", "book": "book", "dataset": "dataset",
                        "preprint": "article", "dissertation": "thesis", "report": "report"}


def record_from_openalex(item: dict[str, Any], source: str = "openalex") -> Record:
    """One OpenAlex work → `Record` (needs a DOI)."""
    if not isinstance(item, dict):
        raise ConversionError("not a JSON object")
    doi = item.get("doi")
    if not isinstance(doi, str) or not doi.strip():
        raise ConversionError("no DOI")
    f: CSL = {"type": OPENALEX_TO_CSL_TYPE.get(str(item.get("type") or ""), "document")}
    _set(f, "title", strip_markup(item["title"]) if isinstance(item.get("title"), str) else None)
    people = []
    for au in item.get("authorships") or []:
        name = ((au or {}).get("author") or {}).get("display_name") if isinstance(au, dict) else None
        if isinstance(name, str) and name.strip():
            bits = name.split()
            people.append({"family": bits[-1], "given": " ".join(bits[:-1])} if len(bits) > 1 else {"name": name})
    names = _names(people)
    if names:
        f["author"] = names
    loc = item.get("primary_location") if isinstance(item.get("primary_location"), dict) else {}
    src = loc.get("source") if isinstance(loc.get("source"), dict) else {}
    _set(f, "container-title", src.get("display_name"))
    biblio = item.get("biblio") if isinstance(item.get("biblio"), dict) else {}
    _set(f, "volume", biblio.get("volume"))
    _set(f, "issue", biblio.get("issue"))
    first, last = _scalar_str(biblio.get("first_page")), _scalar_str(biblio.get("last_page"))
    if first:
        f["page"] = f"{first}-{last}" if last and last != first else first
    parts = _year_parts(item.get("publication_date")) or _year_parts(item.get("publication_year"))
    if parts:
        f["issued"] = {"date-parts": [parts]}
    f["DOI"] = normalize_doi(doi)
    if item.get("is_retracted") is True:
        f["citecheck:updates"] = [{"type": "retraction", "kind": "retraction", "doi": None, "date": None,
                                   "source": "openalex"}]
    return Record(fields=f, source=source)
