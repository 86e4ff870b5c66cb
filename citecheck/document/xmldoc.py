"""`.xml` files: JATS articles and EndNote XML libraries share the suffix, so the root element decides.

Any other XML is refused by name (its root element), never read as text.
"""

from __future__ import annotations

from citecheck.document import entries as E
from citecheck.document.errors import DocumentError
from citecheck.document.xmlsafe import local, parse_xml
from citecheck.model import Document

MAX_XML_BYTES = 100 * 1024 * 1024


def load_xml(name: str, data: bytes) -> Document:
    from citecheck.document.endnote import load_endnote
    from citecheck.document.jats import is_jats, load_jats

    E.check_size(name, data, MAX_XML_BYTES, "XML")
    root = parse_xml(data, name)
    tag = local(root.tag)
    if tag in ("xml", "records", "record") and any(local(el.tag) == "record" for el in root.iter()):
        return load_endnote(name, data, root)
    if is_jats(root):
        return load_jats(name, data, root)
    raise DocumentError(f"{name}: XML with root <{tag}> is neither JATS nor EndNote XML; citecheck reads no other XML")
