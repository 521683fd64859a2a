r"""A client's file name made safe to hand to an app: a name, never a path.

Rules (every upload's `filename` passes here, so keep them all in this module):
- control characters go: C0, DEL and C1, and the bidirectional controls, which make a name
  display as something else (`\u202egnp.exe` reads `exe.png`);
- only what follows the last separator is kept. Separators are `/`, `\`, the characters NFKC
  normalisation turns into one of them (fullwidth solidus, ...), and the slashes drawn alike
  that have no decomposition (division slash, ...): a name must stay one name after an app
  or a filesystem normalises it;
- a leading drive goes: Windows reads any one character and a colon as one (`C:x` is
  relative to drive C's current directory), and so does NFKC's spelling of it (fullwidth C
  and colon); a colon further in is kept;
- a name of dots and white space only, as NFKC reads it (`.`, `..`, `...`, two fullwidth
  full stops), names a directory (Windows trims trailing dots and spaces): it becomes "".
Nothing else changes, so ordinary names (any script, spaces, `.bashrc`) are kept as sent.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SEPARATORS = re.compile(
    "[/\\\\"
    # NFKC holds "/" or "\": a/c, a/s, c/o, c/u; small reverse solidus; fullwidth solidus and
    # reverse solidus.
    "\u2100\u2101\u2105\u2106\ufe68\uff0f\uff3c"
    # Drawn as slashes, with no decomposition: fraction and division slash, set minus, rising
    # and falling diagonal, reverse solidus operator, big solidus and big reverse solidus.
    "\u2044\u2215\u2216\u27cb\u27cd\u29f5\u29f8\u29f9"
    "]"
)
_DRIVE = re.compile(".:", re.DOTALL)
_COLONS = re.compile("[:\u2a74\ufe13\ufe55\uff1a]")  # every character whose NFKC holds ":"
# NFKC composes a base character with a few marks at most: the prefix that decides whether a
# name starts with a drive is short, so a name of 4000 drives costs 4000 tiny normalisations.
_DRIVE_PREFIX = 16


def safe_filename(name: str) -> str:
    r"""`name` as a single file name by the rules above; "" when no name is left.

    `../../etc/passwd` gives `passwd`, `C:\dir\a.txt` gives `a.txt`, `..` gives "".
    """
    name = _SEPARATORS.split(_CONTROLS.sub("", name))[-1]
    # A drive as written (Windows reads "\u00b8:" as one) or as NFKC spells it (fullwidth C:).
    while _DRIVE.match(name) or _DRIVE.match(unicodedata.normalize("NFKC", name[:_DRIVE_PREFIX])):
        colon = _COLONS.search(name)
        assert colon is not None  # NFKC only makes a ":" out of one of them
        name = name[colon.end() :]
    if not unicodedata.normalize("NFKC", name).replace(".", "").strip():
        return ""
    return name


__all__ = ["safe_filename"]
