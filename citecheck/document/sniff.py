"""Which zip container a file is, from its member names, without unpacking anything.

Word and OpenDocument files are both zips starting ``PK\\x03\\x04``: a zip is
Word only if it holds ``word/document.xml``, OpenDocument text only if its
``mimetype`` member says ``application/vnd.oasis.opendocument.text``.
"""

from __future__ import annotations

import io
import zipfile

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _zip(data: bytes) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def is_docx(data: bytes) -> bool:
    zf = _zip(data)
    return zf is not None and "word/document.xml" in zf.namelist()


def is_odt(data: bytes) -> bool:
    # The ODF spec puts `mimetype` first and stored, so its bytes sit at offset 38 of the file.
    if data[30:38] == b"mimetype" and data[38:38 + len(ODT_MIMETYPE)] == ODT_MIMETYPE:
        return True
    zf = _zip(data)
    if zf is None or "mimetype" not in zf.namelist():
        return False
    info = zf.getinfo("mimetype")
    return info.file_size < 200 and zf.read(info).strip().startswith(ODT_MIMETYPE)
