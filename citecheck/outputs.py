"""Writing an output file without destroying anything of the user's.

* A regular file (or a new name) is replaced atomically: temporary file in the
  same directory, then rename — never a half-written report. A symlink is
  followed: its target is replaced, the link stays a link.
* Anything else that exists — a FIFO, ``/dev/stdout``, a character device —
  is opened and written into directly (renaming over it would replace the pipe
  or device with a regular file).
* A path that is one of the run's input documents is refused: ``-o paper.md``
  must not overwrite the manuscript. Inputs are registered with `protect` as
  they are read; `refuse_inputs` checks a list of outputs up front.

Errors are `OutputError` with a one-line message; the CLI turns it into exit 2.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

_protected: list[str] = []


class OutputError(Exception):
    """An output cannot (or must not) be written; the message is one line for the user."""


def protect(*paths: str | os.PathLike[str]) -> None:
    """Register input documents: no output may be written over them (compared with `os.path.samefile`)."""
    for p in paths:
        if str(p) != "-" and os.path.exists(p) and str(p) not in _protected:
            _protected.append(str(p))


def _same(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_inputs(outputs: Iterable[str | os.PathLike[str] | None], inputs: Iterable[str] = ()) -> None:
    """`OutputError` when an output names an input document (registered ones or `inputs`)."""
    known = [*_protected, *(i for i in inputs if i != "-")]
    for out in outputs:
        if out is None or str(out) == "-":
            continue
        for doc in known:
            if _same(out, doc):
                raise OutputError(f"{out}: this is an input of this run (the input document or index {doc}); "
                                  "refusing to overwrite it (choose another output file)")


def write_text(text: str, output: Path) -> None:
    """Write `text` to `output` (see the module docstring for how each kind of path is treated)."""
    refuse_inputs([output])
    try:
        st = os.stat(output)
    except (FileNotFoundError, NotADirectoryError):
        st = None  # a new file (or a parent that is no directory: reported below)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write ({exc.strerror or exc})") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{output}: cannot write (Is a directory)")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_into(text, output)  # FIFO, device, socket…: write into it, never replace it
        return
    target = Path(os.path.realpath(output)) if os.path.islink(output) else output
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{output}: output directory {directory} does not exist")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if st is not None:
            with contextlib.suppress(OSError):
                os.chmod(tmp, stat.S_IMODE(st.st_mode))  # keep the replaced file's permissions
        os.replace(tmp, target)
    except OSError as exc:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # never leave a temporary file behind
        raise OutputError(f"{output}: cannot write ({exc.strerror or exc})") from None


def _write_into(text: str, output: Path) -> None:
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write ({exc.strerror or exc})") from None
