"""The document archive's files: stored once per content, by SHA-256, under a root directory
(``<root>/ab/cd/<sha256>``); the same file uploaded twice is one file on disk.

A file is copied in chunks from the upload (already spooled to disk by the form parser, not held
in memory) to a temporary file under the root while it is hashed and counted, then renamed into
place: a half-written file is never visible under its hash.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import puremagic

CHUNK = 256 * 1024
SNIFF_BYTES = 1024 * 1024  # what the type is told from (Office files: their zip entries' names)
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class Stored:
    digest: str
    size: int
    content_type: str
    extension: str | None


class EmptyFile(Exception):
    pass


class FileTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def sniff(head: bytes) -> tuple[str, str | None]:
    """The content type and usual extension told from the content's first bytes (puremagic's
    signatures; text that is UTF-8 throughout is text/plain), never from the file's name."""
    try:
        mime = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        mime = ""
    if not mime:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # a character cut at the sniffed prefix's end is still text
            if exc.start < len(head) - 3 or len(head) < SNIFF_BYTES:
                return OCTET_STREAM, None
        if b"\x00" in head:
            return OCTET_STREAM, None
        return "text/plain", ".txt"
    return mime, mimetypes.guess_extension(mime) or None


class DocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, source: BinaryIO, limit: int) -> Stored:
        """Copy ``source`` in (blocking: run it in a thread). ``FileTooLarge`` past ``limit``
        bytes, ``EmptyFile`` for no bytes at all; then nothing is kept."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, temp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise FileTooLarge(limit)
                    if len(head) < SNIFF_BYTES:
                        head += chunk[: SNIFF_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                if size == 0:
                    raise EmptyFile
                out.flush()
                os.fsync(out.fileno())
            target = self.path_of(digest.hexdigest())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)  # the same content twice: the same bytes, replaced
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        content_type, extension = sniff(head)
        return Stored(digest.hexdigest(), size, content_type, extension)
