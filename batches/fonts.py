"""The fonts cards and slips embed: Debian's Noto, found in one place.

Noto Sans draws Latin (with every diacritic), Greek and Cyrillic; each other
script the portal may print has its own Noto face, used as a fallback for the
characters Noto Sans lacks (fpdf2 picks it per character, and HarfBuzz shapes
the run: Tamil, Devanagari and Arabic need that). Chinese comes from the
Simplified Chinese face of the Noto Sans CJK collection.

The files come from ``fonts-noto-core`` and ``fonts-noto-cjk``, installed by
``scripts/install-fonts`` (``make setup``). They are looked up with fontconfig
(``fc-match``), then at Debian's paths; ``missing()`` feeds the system check
(``batches.W001``) and the admin's warning, and ``faces()`` raises
``FontsMissing`` with the same words, so a batch fails clearly rather than
printing empty boxes.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core import checks
from django.utils.translation import gettext

DEBIAN_DIR = Path("/usr/share/fonts")


@dataclass(frozen=True)
class Face:
    family: str  # the fontconfig family name
    regular: str  # Debian's file, relative to DEBIAN_DIR
    bold: str
    index: int = 0  # face number inside a collection (.ttc)


# The first is the main font; the others fill in, in this order.
FACES = {
    "latin": Face("Noto Sans", "truetype/noto/NotoSans-Regular.ttf", "truetype/noto/NotoSans-Bold.ttf"),
    "han": Face(
        "Noto Sans CJK SC", "opentype/noto/NotoSansCJK-Regular.ttc", "opentype/noto/NotoSansCJK-Bold.ttc", index=2
    ),
    "tamil": Face(
        "Noto Sans Tamil", "truetype/noto/NotoSansTamil-Regular.ttf", "truetype/noto/NotoSansTamil-Bold.ttf"
    ),
    "devanagari": Face(
        "Noto Sans Devanagari", "truetype/noto/NotoSansDevanagari-Regular.ttf",
        "truetype/noto/NotoSansDevanagari-Bold.ttf",
    ),
    "arabic": Face(
        "Noto Sans Arabic", "truetype/noto/NotoSansArabic-Regular.ttf", "truetype/noto/NotoSansArabic-Bold.ttf"
    ),
}
PACKAGES = "fonts-noto-core fonts-noto-cjk"


class FontsMissing(Exception):
    """Cards and slips cannot be printed: a font file is not installed."""


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int


def _fc_match(family: str, bold: bool) -> FontFile | None:
    """fontconfig's file for exactly this family (it otherwise answers with its
    nearest font, which would not have the glyphs)."""
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return None
    pattern = f"{family}:style={'Bold' if bold else 'Regular'}"
    try:
        out = subprocess.run(  # noqa: S603 (our own fixed arguments, no shell)
            [fc_match, "-f", "%{family}\n%{file}\n%{index}", pattern],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.split("\n")
    if len(lines) != 3 or family not in lines[0].split(","):
        return None
    weight = Path(lines[1]).name.lower()
    if bold != ("bold" in weight):  # fontconfig may offer the regular face for bold
        return None
    return FontFile(lines[1], int(lines[2] or 0))


@cache
def find(script: str, bold: bool = False) -> FontFile | None:
    face = FACES[script]
    found = _fc_match(face.family, bold)
    if found:
        return found
    debian = DEBIAN_DIR / (face.bold if bold else face.regular)
    return FontFile(str(debian), face.index) if debian.is_file() else None


def missing() -> list[str]:
    """The font families (with weight) that cannot be found, none when all is well."""
    return [
        f"{face.family}{' Bold' if bold else ''}"
        for script, face in FACES.items()
        for bold in (False, True)
        if find(script, bold) is None
    ]


def missing_message(names: list[str]) -> str:
    return gettext(
        "Cards and slips cannot be printed: these fonts are missing: %(fonts)s. "
        "Install the Debian packages %(packages)s (scripts/install-fonts)."
    ) % {"fonts": ", ".join(names), "packages": PACKAGES}


def faces() -> dict[str, tuple[FontFile, FontFile]]:
    """Every script's (regular, bold) files, or FontsMissing."""
    names = missing()
    if names:
        raise FontsMissing(missing_message(names))
    return {script: (find(script), find(script, True)) for script in FACES}  # type: ignore[misc]


def check_fonts(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """``manage.py check``: batches.W001 when a font is missing (cards would fail to print)."""
    names = missing()
    if not names:
        return []
    return [checks.Warning(missing_message(names), hint="scripts/install-fonts", id="batches.W001")]


def font_warnings() -> list[str]:
    """For the admin's banner."""
    names = missing()
    return [missing_message(names)] if names else []
