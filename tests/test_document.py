"""Document loading: encodings are detected, never guessed silently; bad files give one clear error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from citecheck.document import DocumentError, decode, load

ZH = "参考文献\n[1] 曹雪琛, 鲁严. 应重视间充质干细胞的应用[J]. 中华医学杂志, 2021, 101(16): 1123-1127.\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
     ("utf-16-be", "utf-16-be"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_encodings_detected(encoding: str, expected: str) -> None:
    text, used, warnings = decode(ZH.encode(encoding))
    assert text.lstrip("\ufeff") == ZH
    assert used == expected
    # anything but plain UTF-8 is reported, so a wrong guess is never silent
    assert bool(warnings) == (expected in {"utf-16-le", "utf-16-be", "gb18030"})


def test_load_normalises_fullwidth_and_keeps_superscripts(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("作者¹ 见［１］。（注）\r\n第二行\r", encoding="utf-8")
    doc = load(path)
    assert doc.text == "作者¹ 见[1]。(注)\n第二行\n"


def test_empty_document_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n\n")
    with pytest.raises(DocumentError, match="empty document"):
        load(path)


def test_binary_with_text_extension_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(DocumentError, match="binary"):
        load(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        load(tmp_path / "nope.txt")
    with pytest.raises(DocumentError, match="directory"):
        load(tmp_path)


def test_latin1_is_guessed_with_a_warning() -> None:
    data = "Références: Müller, Genç, Schächinger; naïve café.\n".encode("latin-1")
    text, used, warnings = decode(data)
    assert "Müller" in text
    assert warnings and warnings[0].code == "encoding" and used in warnings[0].message


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "paper.docx"
    path.write_bytes(_docx_bytes(["Introduction text.", "References", "[1] Smith J. A title. Nature. 2020;1:2-3."]))
    doc = load(path)
    assert doc.format == "docx"
    assert "References\n[1] Smith J." in doc.text


def test_damaged_docx_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DocumentError, match=r"\.docx"):
        load(path)


def test_docx_zip_bomb_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (120 * 1024 * 1024))
    path = tmp_path / "bomb.docx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(DocumentError, match="zip bomb"):
        load(path)


def test_truncated_pdf_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    with pytest.raises(DocumentError, match="PDF"):
        load(path)
