"""One hardened lxml parser for every XML input (EndNote, JATS, Word, OpenDocument, HTML-as-XML).

Untrusted XML can expand entities without end (billion laughs), read local
files or reach the network through external entities and DTDs. lxml is
already installed (python-docx depends on it) and, configured like this, does
none of that: entities are not resolved, no DTD is loaded, nothing is fetched,
and libxml2's own size limits stay on (``huge_tree=False``) — the protections
defusedxml would add to the standard library's parser.
"""

from __future__ import annotations

from typing import Any

from citecheck.document.errors import DocumentError


def parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True, recover=False)


def parse_xml(data: bytes, name: str, what: str = "XML") -> Any:
    """The root element of `data`, or a one-line `DocumentError` naming what is wrong."""
    from lxml import etree

    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise DocumentError(f"{name}: not well-formed {what} ({msg})") from None
    except ValueError as exc:
        raise DocumentError(f"{name}: unreadable {what} ({exc})") from None
    if root is None:
        raise DocumentError(f"{name}: empty {what}")
    return root


def local(tag: Any) -> str:
    """An element's tag without its namespace (`{ns}title` → `title`); '' for comments and the like."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def text_of(el: Any) -> str:
    """All the text inside an element, whitespace runs as one space."""
    return " ".join("".join(el.itertext()).split()) if el is not None else ""
