"""How a report looks for the organization it is made for: the name and logo in the
running header, one colour for headings, rules and table heads."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# The leading bytes of each image type a logo may be: anything else would be drawn
# as a broken image, or not at all, in a document that leaves the building.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def _readable(logo: bytes, logo_type: str) -> bool:
    """Whether ``logo`` is a whole image of ``logo_type``: a damaged file would
    otherwise stop the PDF half-written, long after the branding was accepted."""
    if not logo.startswith(SIGNATURES[logo_type]):
        return False
    # Pillow decodes images for WeasyPrint already; imported here because only the
    # process that writes reports needs it.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(logo)) as image:
            image.load()
    except (OSError, UnidentifiedImageError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Branding:
    """The organization's name printed in the header, its colour (``#rrggbb``) and
    its logo (PNG or JPEG bytes, embedded in the document: a report fetches nothing).

    Raises ``ValueError`` with a readable message on a colour that is not
    ``#rrggbb``, an image type other than PNG or JPEG, or logo bytes that are not of
    the type they claim."""

    name: str
    colour: str = "#174ea6"
    logo: bytes | None = None
    logo_type: str = "image/png"

    def __post_init__(self) -> None:
        if not COLOUR.fullmatch(self.colour):
            raise ValueError(f"The colour must be written #rrggbb, not {self.colour!r}.")
        if self.logo_type not in SIGNATURES:
            raise ValueError(f"The logo must be a PNG or JPEG image, not {self.logo_type!r}.")
        if self.logo is not None and not _readable(self.logo, self.logo_type):
            raise ValueError(f"The logo is not a valid {self.logo_type} image.")

    @property
    def text_colour(self) -> str:
        """Black or white, whichever reads better on the colour (a table head)."""
        red, green, blue = (int(self.colour[i : i + 2], 16) for i in (1, 3, 5))
        # Perceived brightness (ITU-R BT.601 weights), 0–255.
        brightness = (299 * red + 587 * green + 114 * blue) / 1000
        return "#1f2328" if brightness > 150 else "#ffffff"

    @property
    def logo_uri(self) -> str:
        """The logo as a ``data:`` URI (empty without a logo)."""
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode('ascii')}"
