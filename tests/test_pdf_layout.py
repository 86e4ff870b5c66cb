"""PDF text in reading order, on PDFs written here with reportlab (and on made-up glyph boxes)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest

from citecheck.document import layout, ocr
from citecheck.document import pdf as pdf_reader
from citecheck.document.layout import Run

reportlab = pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

W, H = A4
Draw = Callable[[Canvas, int], None]


def make_pdf(*pages: Draw) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    for n, draw in enumerate(pages, 1):
        draw(c, n)
        c.showPage()
    c.save()
    return buf.getvalue()


def read(data: bytes):
    return pdf_reader.load_pdf("test.pdf", data)


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def body(c: Canvas, lines: list[str], x: float = 72, y: float = H - 110, size: float = 10, lead: float = 12) -> float:
    c.setFont("Helvetica", size)
    for line in lines:
        c.drawString(x, y, line)
        y -= lead
    return y


# ---------------------------------------------------------------- columns


def test_two_columns_are_read_one_after_the_other() -> None:
    left = [f"left column sentence number {i} about tidal crabs" for i in range(30)]
    right = [f"right column sentence number {i} about owls" for i in range(30)]

    def page(c: Canvas, n: int) -> None:
        c.setFont("Helvetica-Bold", 16)
        c.drawString(120, H - 60, "A Title That Runs Across Both Columns Of The Page")
        body(c, left, x=50, size=9, lead=11)
        body(c, right, x=310, size=9, lead=11)

    got = lines_of(read(make_pdf(page)).text)
    assert got[0] == "A Title That Runs Across Both Columns Of The Page"
    assert got[1:31] == left
    assert got[31:61] == right


def test_one_column_prose_is_not_split() -> None:
    words = "the quick brown fox jumps over a lazy dog while tidal crabs forage on wet sand".split()
    lines = [" ".join(words[i % 5:] + words[: i % 5]) for i in range(25)]

    def page(c: Canvas, n: int) -> None:
        body(c, lines)

    assert lines_of(read(make_pdf(page)).text) == lines


def test_a_list_runs_on_into_the_right_column_without_a_blank_line() -> None:
    def page(c: Canvas, n: int) -> None:
        c.setFont("Helvetica", 9)
        y = H - 80
        for i in range(1, 25):
            c.drawString(50, y, f"[{i}] Author{i} A. Title of work {i}. Journal, 2020.")
            y -= 11
        c.drawString(310, H - 80, "    continued text of entry 24, 1-10.")
        y = H - 91
        for i in range(25, 48):
            c.drawString(310, y, f"[{i}] Author{i} B. Another title {i}. Proc, 2021.")
            y -= 11

    text = read(make_pdf(page)).text
    assert "Journal, 2020.\n    continued text of entry 24, 1-10.\n[25] Author25" in text


# ---------------------------------------------------------------- running headers, page numbers


def test_running_header_and_page_numbers_are_removed() -> None:
    def page(c: Canvas, n: int) -> None:
        c.setFont("Helvetica", 8)
        c.drawString(72, H - 40, "Journal of Reproducible Tests 12 (2024) 1-30")
        body(c, [f"page {n} body line {i} with ordinary words" for i in range(20)], y=H - 80)
        c.setFont("Helvetica", 8)
        c.drawString(W / 2, 40, str(n + 10))

    text = read(make_pdf(page, page, page)).text
    assert "Journal of Reproducible" not in text
    assert not re.search(r"^\s*1[123]\s*$", text, re.M)
    assert "page 2 body line 19 with ordinary words\npage 3 body line 0" in text


def test_short_identical_pages_keep_their_text() -> None:
    def page(c: Canvas, n: int) -> None:
        body(c, ["Tidal foraging was studied before.", "References", "1. Hollis M. Tidal rhythms. 2015."])

    assert read(make_pdf(page, page)).text.count("Tidal foraging was studied before.") == 2


# ---------------------------------------------------------------- words, hyphens, superscripts


def test_words_placed_apart_without_space_characters_are_not_glued() -> None:
    def page(c: Canvas, n: int) -> None:
        c.setFont("Helvetica", 10)
        for row in range(8):
            x = 72.0
            for word in ("Carroll,", "B.", "W.,", "&", "Ostlie,", "D.", "A.", "(2006)."):
                c.drawString(x, H - 100 - 12 * row, word)  # one string per word, no space glyphs
                x += c.stringWidth(word, "Helvetica", 10) + 2.5
            c.drawString(x, H - 100 - 12 * row, "An")
            x += c.stringWidth("An", "Helvetica", 10)
            for ch in "introduction":  # a word drawn glyph by glyph stays one word
                c.drawString(x, H - 100 - 12 * row, ch)
                x += c.stringWidth(ch, "Helvetica", 10)

    assert lines_of(read(make_pdf(page)).text)[0] == "Carroll, B. W., & Ostlie, D. A. (2006). Anintroduction"


def test_line_end_hyphen_joined_only_where_certain() -> None:
    def page(c: Canvas, n: int) -> None:
        body(c, ["The new method improves infor-", "mation retrieval on self-", "report data sets, and",
                 "soft hy\u00ad", "phens always go."])

    text = read(make_pdf(page)).text
    assert "improves information\nretrieval" in text
    assert "self-\nreport data" in text


def test_superscript_citation_is_written_in_superscript_digits() -> None:
    def page(c: Canvas, n: int) -> None:
        c.setFont("Helvetica", 10)
        y = H - 100
        for _ in range(6):
            c.drawString(72, y, "Tidal foraging was studied before")
            x = 72 + c.stringWidth("Tidal foraging was studied before", "Helvetica", 10)
            c.setFont("Helvetica", 6.5)
            c.drawString(x + 0.3, y + 3.8, "12,14")
            c.setFont("Helvetica", 10)
            c.drawString(x + 0.3 + c.stringWidth("12,14", "Helvetica", 6.5) + 2.8, y, "and again.")
            y -= 12

    first = lines_of(read(make_pdf(page)).text)[0]
    assert first == "Tidal foraging was studied before¹²,¹⁴ and again."


def test_blank_line_at_a_paragraph_gap_and_four_spaces_before_an_indented_line() -> None:
    def page(c: Canvas, n: int) -> None:
        c.setFont("Helvetica", 10)
        y = H - 100
        for i in range(4):
            c.drawString(72, y, f"Author{i}, A. (2020). A title that wraps")
            c.drawString(90, y - 12, "onto a second line. Journal, 1-2.")
            y -= 30  # entries 30 pt apart, lines 12 pt

    text = read(make_pdf(page)).text
    assert text.startswith("Author0, A. (2020). A title that wraps\n    onto a second line. Journal, 1-2.\n\nAuthor1")


# ---------------------------------------------------------------- limits, pages without text


def test_dense_page_is_cut_with_a_warning_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PAGE_CHARS", 200)

    def page(c: Canvas, n: int) -> None:
        body(c, [f"line {i} of a dense page" for i in range(40)])

    doc = read(make_pdf(page))
    assert any("page 1" in w.message and "200" in w.message for w in doc.warnings)
    assert len(doc.text) < 400


def _image_page(c: Canvas, n: int) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (1200, 300), 255)
    ImageDraw.Draw(img).text((40, 100), "Scanned page of text", fill=0, font_size=60)
    c.drawImage(ImageReader(img), 72, H - 300, width=400, height=100)


def _text_page(c: Canvas, n: int) -> None:
    body(c, ["A page with a text layer.", "References", "1. Hollis M. Tidal rhythms. 2015."])


def test_image_only_page_is_named_in_a_warning_without_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    doc = read(make_pdf(_text_page, _image_page))
    assert "A page with a text layer." in doc.text
    assert any("2" in w.message and "Tesseract" in w.message for w in doc.warnings)


@pytest.mark.skipif(not ocr.tesseract_available(), reason="Tesseract is not installed")
def test_image_only_page_is_ocred_when_tesseract_is_there() -> None:
    doc = read(make_pdf(_text_page, _image_page))
    assert "Scanned page of text" in doc.text
    assert any("read by OCR" in w.message and w.message.endswith(": 2") for w in doc.warnings)


def test_blank_page_needs_no_warning() -> None:
    doc = read(make_pdf(_text_page, lambda c, n: None))
    assert doc.warnings == []


# ---------------------------------------------------------------- pure layout functions


def _runs(rows: list[tuple[float, list[tuple[float, str]]]], size: float = 10) -> list[Run]:
    return [Run(t, x, x + 5.0 * len(t), y, size) for y, row in rows for x, t in row]


def test_gutter_found_between_aligned_columns_and_not_in_prose() -> None:
    two = _runs([(100 + 12 * i, [(50, "aaaa"), (80, "bbbbbbbb"), (300, "cccc"), (330, "dddddddd")]) for i in range(10)])
    assert layout.find_gutter(layout.group_rows(two)) == (120, 300)
    prose = _runs([(100 + 12 * i, [(50 + 3 * i, "aaaaaaaaaaaaaaaa"), (140 + 3 * i, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")])
                   for i in range(10)])
    assert layout.find_gutter(layout.group_rows(prose)) is None


def test_superscript_stays_on_its_line() -> None:
    runs = [Run("before", 50, 80, 100, 10), Run("3", 80.2, 83, 96.5, 6.5), Run("again", 86, 110, 100, 10),
            Run("next", 50, 70, 112, 10)]
    rows = layout.group_rows(runs)
    assert [layout.make_line(r).text for r in rows] == ["before³ again", "next"]


def test_hyphen_join_rule() -> None:
    assert layout.hyphen_join("infor", "mation", "-")
    assert layout.hyphen_join("num", "ber", "-")
    assert not layout.hyphen_join("self", "report", "-")
    assert not layout.hyphen_join("long", "term", "-")
    assert not layout.hyphen_join("Smith", "Jones", "-")
    assert layout.hyphen_join("xyzzy", "plugh", "\u00ad")


def test_spacing_accent_drawn_over_a_letter_joins_it() -> None:
    from citecheck.document.layout import Char

    chars = [Char("C", 0, 7, 100, 10), Char("\u00b4", 8, 11, 100, 10), Char("e", 7, 12, 100, 10),
             Char("l", 12, 15, 100, 10), Char("\u0131", 15, 18, 100, 10), Char("\u00b4", 15.5, 18.5, 100, 10),
             Char("~", 18, 23, 100, 10), Char("x", 23, 28, 100, 10)]
    assert [r.text for r in layout.runs_from_chars(chars)] == ["Célí~x"]


def test_columns_whose_baselines_do_not_line_up() -> None:
    left = [f"left column line {i} with some words" for i in range(30)]
    right = [f"right column line {i} with other words" for i in range(27)]

    def page(c: Canvas, n: int) -> None:
        body(c, left, x=50, y=H - 80, size=9, lead=11)
        body(c, right, x=310, y=H - 85.5, size=9, lead=12.2)  # half a line lower, another pitch

    got = lines_of(read(make_pdf(page)).text)
    assert got == left + right


def test_full_width_figure_between_two_column_bands() -> None:
    def page(c: Canvas, n: int) -> None:
        body(c, [f"upper left {i} text" for i in range(10)], x=50, y=H - 80, size=9, lead=11)
        body(c, [f"upper right {i} text" for i in range(10)], x=310, y=H - 80, size=9, lead=11)
        c.setFont("Helvetica", 9)
        c.drawString(50, H - 220, "Figure 1: A caption that runs across the whole width of the page, both columns.")
        body(c, [f"lower left {i} text" for i in range(10)], x=50, y=H - 250, size=9, lead=11)
        body(c, [f"lower right {i} text" for i in range(10)], x=310, y=H - 250, size=9, lead=11)

    got = lines_of(read(make_pdf(page)).text)
    assert got == ([f"upper left {i} text" for i in range(10)] + [f"upper right {i} text" for i in range(10)]
                   + ["Figure 1: A caption that runs across the whole width of the page, both columns."]
                   + [f"lower left {i} text" for i in range(10)] + [f"lower right {i} text" for i in range(10)])


def test_three_columns() -> None:
    cols = [[f"column {k} line {i} words" for i in range(20)] for k in range(3)]

    def page(c: Canvas, n: int) -> None:
        for k, col in enumerate(cols):
            body(c, col, x=40 + 180 * k, y=H - 80, size=9, lead=11)

    assert lines_of(read(make_pdf(page)).text) == cols[0] + cols[1] + cols[2]


def test_damaged_pdfs_give_one_line_errors_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    import random
    import time

    from citecheck.document.errors import DocumentError

    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    good = make_pdf(_text_page, _text_page)
    rng = random.Random(7)
    for _ in range(40):
        data = bytearray(good)
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.2:
            data = data[: rng.randrange(len(data))]
        started = time.perf_counter()
        try:
            pdf_reader.load_pdf("damaged.pdf", bytes(data))
        except DocumentError as exc:
            assert "\n" not in str(exc)
        assert time.perf_counter() - started < 5
