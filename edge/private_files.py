"""What the node and the hub write is theirs alone, also when started outside systemd (whose
unit sets UMask=0027): the CLI sets the same umask at start, and data directories are made
0700."""

from __future__ import annotations

import os
from pathlib import Path

UMASK = 0o027


def restrict_umask() -> None:
    os.umask(UMASK)


def make_private_dir(path: Path) -> None:
    """Creates `path` 0700 (missing parents by the umask); an existing directory keeps its
    mode, e.g. systemd's StateDirectoryMode."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
