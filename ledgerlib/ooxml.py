"""Office Open XML packages (.xlsx, .docx) saved so that the same content gives the same bytes.

openpyxl and python-docx stamp the save time into docProps/core.xml and into each zip entry;
both are replaced by a fixed document date and a fixed zip date, and the file is written
atomically (a half-written workbook or Word file never replaces a good one).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

#: What a document says it was created on when it has no date of its own.
DEFAULT_STAMP = datetime(2000, 1, 1)


def save_package(data: bytes, path: Path, created: datetime | None = None) -> Path:
    """Write the package `data` to `path` with fixed dates (core properties and zip entries).

    >>> import tempfile, zipfile, io
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z: z.writestr("a.txt", "x")
    >>> p = Path(tempfile.mkdtemp()) / "a.zip"
    >>> save_package(buf.getvalue(), p).read_bytes() == save_package(buf.getvalue(), p).read_bytes()
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (created or DEFAULT_STAMP).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + stamp + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, body)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(path)
    return path
