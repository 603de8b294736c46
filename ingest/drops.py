"""The agency drop folder: files agencies deliver (by FTP or SFTP) into a configured directory.

``settings.INGEST_DROP_DIR`` (``CLAIMDESK_DROP_DIR``) is scanned by a periodic job. Each story
file is imported through the file importer every other file import uses
(``sources.importers.import_story_file``: plain text or HTML, with its ``<file>.meta.json`` or
``.meta.yaml`` sidecar), then moved with its sidecar to ``done/``, or to ``failed/`` with
``<file>.reason.txt`` beside it saying why. A file in a sub-folder named after an outlet's key
(``anadolu/story.html``) is that outlet's unless its sidecar says otherwise.

Files still being written are left for the next scan: names starting with a dot or ending in
``.part``/``.tmp`` (what FTP and SFTP servers write to before renaming), and files changed in the
last ``SETTLE_SECONDS``. An import and its move are not one transaction; a file imported but not
moved (the worker died in between) is imported again at the next scan, which changes nothing
(the importer's "unchanged").
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings

from core.errors import DomainError
from sources.importers import StoryMeta, import_story_file, is_sidecar, read_sidecar, sidecar_for

logger = logging.getLogger(__name__)

DONE, FAILED = "done", "failed"
PARTIAL_SUFFIXES = (".part", ".tmp", ".filepart", ".reason.txt")


@dataclass(frozen=True)
class Dropped:
    name: str  # relative to the drop folder
    outcome: str  # the importer's outcome, or "failed"
    reason: str = ""


def _settle_seconds() -> float:
    return float(getattr(settings, "INGEST_DROP_SETTLE_SECONDS", 5))


def _waiting_files(root: Path) -> list[tuple[Path, str | None]]:
    """Story files ready to import, each with the outlet key its folder gives (or None)."""
    found: list[tuple[Path, str | None]] = []
    settled_before = time.time() - _settle_seconds()
    folders: list[tuple[Path, str | None]] = [(root, None)]
    folders += [
        (folder, folder.name)
        for folder in sorted(root.iterdir())
        if folder.is_dir() and folder.name not in (DONE, FAILED) and not folder.name.startswith(".")
    ]
    for folder, outlet_key in folders:
        for path in sorted(folder.iterdir()):
            name = path.name.lower()
            if not path.is_file() or name.startswith(".") or name.endswith(PARTIAL_SUFFIXES) or is_sidecar(path):
                continue
            if path.stat().st_mtime > settled_before:
                continue
            found.append((path, outlet_key))
    return found


def _move(path: Path, root: Path, to: str) -> Path:
    """Move ``path`` under ``root/to/``, keeping its sub-folder; never over an existing file."""
    target = root / to / path.relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        stem = time.strftime("%Y%m%dT%H%M%S")
        target = target.with_name(f"{stem}-{target.name}")
    os.replace(path, target)
    return target


def drop_file_import(path: Path, root: Path, outlet_key: str | None) -> Dropped:
    """Import one dropped file and move it (with its sidecar) to done/ or failed/."""
    name = str(path.relative_to(root))
    sidecar = None
    try:
        sidecar = sidecar_for(path)
        meta = read_sidecar(sidecar) if sidecar else StoryMeta()
        if meta.outlet is None and outlet_key:
            meta = replace(meta, outlet=outlet_key)
        result = import_story_file(name=name, data=path.read_bytes(), meta=meta)
    except DomainError as error:
        moved = _move(path, root, FAILED)
        if sidecar is not None:
            _move(sidecar, root, FAILED)
        moved.with_name(moved.name + ".reason.txt").write_text(error.message + "\n", encoding="utf-8")
        logger.info("Drop folder: %s refused: %s", name, error.message)
        return Dropped(name, "failed", error.message)
    _move(path, root, DONE)
    if sidecar is not None:
        _move(sidecar, root, DONE)
    return Dropped(name, result.outcome)


def drop_folder_scan(root: Path) -> list[Dropped]:
    """Import every settled story file in the drop folder ``root``; one bad file stops nothing."""
    if not root.is_dir():
        raise DomainError(f"The drop folder {root} does not exist.")
    return [drop_file_import(path, root, outlet_key) for path, outlet_key in _waiting_files(root)]
