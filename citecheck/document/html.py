"""HTML (`.html`, `.htm`, `.xhtml`): the visible text with its block structure, for the text finder.

lxml's HTML parser (libxml2) copes with real-world tag soup and is already
installed, so BeautifulSoup is not needed. Headings, paragraphs, list items
and table rows keep their own lines — what lets the reference-list finder see
a "References" heading and one entry per line; scripts, styles, navigation and
forms are dropped. The reference list itself is found in the text as for any
other document.
"""

from __future__ import annotations

from citecheck.document import entries as E
from citecheck.document.blocks import blocks_text
from citecheck.document.errors import DocumentError
from citecheck.model import Document

MAX_HTML_BYTES = 50 * 1024 * 1024
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr",
          "section", "article", "header", "footer", "blockquote", "pre", "figure", "figcaption", "main", "aside",
          "address", "caption", "hr", "title", "body", "details", "summary"}
_SKIP = {"script", "style", "noscript", "template", "svg", "math", "nav", "form", "button", "select", "head",
        "iframe", "object", "canvas"}


def load_html(name: str, data: bytes) -> Document:
    from lxml import etree, html

    E.check_size(name, data, MAX_HTML_BYTES, "HTML")
    if not data.strip():
        raise DocumentError(f"{name}: empty document (no text)")
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, default_doctype=False)
    try:
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(f"{name}: unreadable HTML ({exc})") from None
    title = root.findtext(".//title") or ""
    body = root.find(".//body")
    text = blocks_text(body if body is not None else root, _BLOCKS, _SKIP, cells={"td", "th"})
    if title.strip() and not text.startswith(title.strip()):
        text = f"{title.strip()}\n\n{text}"
    return Document(text=text, source=name, encoding="html", format="html")
