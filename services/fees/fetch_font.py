"""Fetch the font the fees service embeds in its PDFs (receipts, statements): Noto Sans TC.

``make sync`` (hence ``make run`` and ``make test``) runs this with the plain interpreter
(standard library only). It downloads one pinned npm registry tarball
(``@expo-google-fonts/noto-sans-tc``), checks it against the npm integrity hash (sha512), and
extracts only the regular-weight TrueType file and its licence (SIL Open Font License) into
``.tools/fonts/`` (git ignores ``.tools/``), with the integrity it came from in ``PINNED``. When
that font is already there it does nothing; a new pin here fetches again.

Without network it warns and exits 0: the PDFs then fall back to reportlab's MSung-Light, which
is not embedded (see ``fees.pdf``). A download that does not match the hash exits 1.

    python services/fees/fetch_font.py [destination folder]
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

URL = "https://registry.npmjs.org/@expo-google-fonts/noto-sans-tc/-/noto-sans-tc-0.4.3.tgz"
INTEGRITY = (
    "sha512-69XAOTLPz0WlAxL6qJEKlDMxHsBd4J1M39HjV0gPF2o1xWVALOsVWvDgistnecVockA9wbU/"
    "tH5C/gyS2PdnHg=="
)
# tarball member -> file name in the destination folder
MEMBERS = {
    "package/400Regular/NotoSansTC_400Regular.ttf": "NotoSansTC_400Regular.ttf",
    "package/LICENSE_FONT": "LICENSE_FONT",
}
DESTINATION = Path(__file__).resolve().parents[2] / ".tools" / "fonts"
TIMEOUT_SECONDS = 60


def installed(destination: Path) -> bool:
    """Whether ``destination`` holds the files of this pin."""
    stamp = destination / "PINNED"
    return (
        stamp.is_file()
        and stamp.read_text().strip() == INTEGRITY
        and all((destination / name).is_file() for name in MEMBERS.values())
    )


def integrity_matches(digest: bytes) -> bool:
    """Whether a sha512 ``digest`` is the one the pinned npm ``INTEGRITY`` names."""
    algorithm, _, expected = INTEGRITY.partition("-")
    return algorithm == "sha512" and base64.b64decode(expected) == digest


def download(url: str, into: Path) -> bytes:
    """Stream ``url`` into the file ``into``; its sha512 digest."""
    sha = hashlib.sha512()
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response, into.open("wb") as out:
        while chunk := response.read(1 << 20):
            sha.update(chunk)
            out.write(chunk)
    return sha.digest()


def extract(tarball: Path, destination: Path) -> None:
    """Write only ``MEMBERS`` (by name, never a path from the archive) into ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball, "r:gz") as archive:
        for member, name in MEMBERS.items():
            source = archive.extractfile(member)
            if source is None:
                raise KeyError(f"{member} is not a file in {URL}")
            partial = destination / f".{name}.part"
            with source, partial.open("wb") as out:
                shutil.copyfileobj(source, out)
            partial.replace(destination / name)
    (destination / "PINNED").write_text(INTEGRITY + "\n")


def main(argv: list[str]) -> int:
    destination = Path(argv[1]) if len(argv) > 1 else DESTINATION
    if installed(destination):
        return 0
    print(f"fetching the PDF font (Noto Sans TC, 39 MB) into {destination}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = Path(tmp) / "noto-sans-tc.tgz"
        try:
            digest = download(URL, tarball)
        except (urllib.error.URLError, OSError) as exc:
            print(
                f"warning: cannot download {URL} ({exc}); PDFs will use the non-embedded"
                " MSung-Light font until `make sync` runs again with network",
                file=sys.stderr,
            )
            return 0
        if not integrity_matches(digest):
            print(f"error: {URL} does not match its pinned sha512 integrity", file=sys.stderr)
            return 1
        extract(tarball, destination)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
