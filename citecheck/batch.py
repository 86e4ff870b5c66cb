"""Resume state for `citecheck check`: an interrupted batch goes on where it stopped.

Editors run `check` over a folder of manuscripts, unattended. When that run is
killed (Ctrl-C, a closed laptop, an out-of-memory kill), the documents already
checked must not be checked again — their matching may have cost minutes of
rate-limited Crossref requests. So every finished document's audit is stored
*as it completes*, atomically (written to a temporary file, then renamed, so a
kill leaves either the old state or the new one, never half a file), and
``check --resume`` loads those and checks only the rest. The reports at the end
cover every document, finished earlier or now.

Where: ``<cache dir>/batches/<key>/``, one JSON file per finished document plus
``batch.json`` describing the batch. The key is a hash of the set of inputs and
of the settings that change an audit (sources, offline, support, Crossref URL,
citecheck version), so a run with other inputs or settings never picks up a
stale result. Each stored audit also records the document's content hash: an
input edited since is checked again. The state is removed once the reports are
written, so it only ever holds unfinished batches.

Stored audits are the JSON report's own document objects (never pickle: the content
comes from documents), rebuilt into the model's dataclasses with
`citecheck.report.jsonout.audit_from_dict` — one serialiser of an audit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from citecheck.model import Audit
from citecheck.report.jsonout import audit_from_dict, document_dict
from citecheck.version import __version__

STATE_VERSION = 2
_KEY_SETTINGS = ("offline", "indexes", "support", "embed_model", "crossref_url", "sources", "datacite_url",
                 "europepmc_url", "arxiv_url", "openalex_url")
"""Settings that change what an audit contains (not e.g. `fail_on`, which only changes the exit code)."""


class StateError(Exception):
    """The state directory cannot be used (e.g. an unwritable cache directory)."""


def file_digest(path: str) -> str | None:
    """SHA-256 of a file's bytes, or None for stdin and unreadable files (never resumed)."""
    if path == "-":
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _describe_path(p: Path) -> str:
    """A path with its size and modification time: a rebuilt index changes the key."""
    try:
        st = p.stat()
        return f"{p.resolve()}:{st.st_size}:{int(st.st_mtime)}"
    except OSError:
        return str(p)


def batch_key(paths: list[str], settings: Any) -> str:
    """Hash of the set of inputs and the audit-relevant settings."""
    inputs = sorted(p if p == "-" else str(Path(p).resolve()) for p in paths)
    chosen: dict[str, Any] = {}
    for name in _KEY_SETTINGS:
        value = getattr(settings, name, None)
        if name == "indexes":
            value = [_describe_path(Path(v)) for v in value or []]
        chosen[name] = value if isinstance(value, (bool, int, float, str, list, type(None))) else str(value)
    blob = json.dumps({"inputs": inputs, "settings": chosen, "version": __version__, "state": STATE_VERSION},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _state_root(cache_dir: Path | None) -> Path:
    from citecheck.sources.cache import default_cache_dir

    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if root.suffix.lower() in {".sqlite", ".sqlite3", ".db"}:
        root = root.parent  # --cache-dir named the cache file itself
    return root / "batches"


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class BatchState:
    """The finished documents of one batch (one set of inputs and settings)."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.key = key

    @classmethod
    def open(cls, cache_dir: Path | None, paths: list[str], settings: Any) -> BatchState:
        """The state directory for this batch, created if needed; `StateError` if it cannot be."""
        key = batch_key(paths, settings)
        directory = _state_root(cache_dir) / key
        try:
            directory.mkdir(parents=True, exist_ok=True)
            manifest = directory / "batch.json"
            if not manifest.exists():
                _write_atomic(manifest, json.dumps(
                    {"state_version": STATE_VERSION, "citecheck": __version__, "created_at": time.time(),
                     "inputs": paths}, ensure_ascii=False, indent=1))
        except OSError as exc:
            raise StateError(f"{directory}: {exc.strerror or exc}") from None
        return cls(directory, key)

    def _file(self, path: str) -> Path:
        name = hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:24]
        return self.directory / f"{name}.json"

    def load(self, path: str, digest: str | None) -> Audit | None:
        """The stored audit of `path` if it finished with this very content, else None."""
        if digest is None:
            return None
        try:
            data = json.loads(self._file(path).read_text(encoding="utf-8"))
            if data.get("state_version") != STATE_VERSION or data.get("digest") != digest:
                return None
            return audit_from_dict(data["audit"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing, or damaged by something other than us: check the document again

    def save(self, path: str, digest: str | None, audit: Audit) -> None:
        """Store one finished document's audit, atomically (a kill never leaves half a file)."""
        if digest is None:
            return
        record = {"state_version": STATE_VERSION, "path": str(Path(path).resolve()), "digest": digest,
                  "finished_at": time.time(), "audit": document_dict(audit)}
        _write_atomic(self._file(path), json.dumps(record, ensure_ascii=False, separators=(",", ":")))

    def finished(self) -> dict[str, float]:
        """Path → when it finished, for every stored document (for progress messages and tests)."""
        out: dict[str, float] = {}
        for f in self.directory.glob("*.json"):
            if f.name == "batch.json":
                continue
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
                out[data["path"]] = float(data["finished_at"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return out

    def reset(self) -> None:
        """Forget finished documents (a run without ``--resume`` starts the batch afresh)."""
        for f in self.directory.glob("*.json"):
            if f.name != "batch.json":
                with contextlib.suppress(OSError):
                    f.unlink()

    def remove(self) -> None:
        """Drop the whole state once the batch's reports are written."""
        shutil.rmtree(self.directory, ignore_errors=True)
