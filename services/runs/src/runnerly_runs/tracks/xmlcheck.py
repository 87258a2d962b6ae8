"""The safety check every XML upload passes before any parser builds a tree from it.

A DOCTYPE may declare entities that expand a kilobyte into gigabytes (the
"billion laughs") or pull in local files (XXE). GPX and TCX files never need
one, so any DOCTYPE or entity declaration is refused. XML allows a DOCTYPE
only before the root element, so reading up to the root's start tag is enough:
the rest of the document can no longer declare anything.
"""

from __future__ import annotations

from typing import Any

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser, ParseError  # type: ignore[import-untyped]

from .problems import FileProblem

_CHUNK = 64 * 1024


class _RootReached(Exception):
    """Raised by the parser's target at the root's start tag: the prolog was safe."""

    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag


class _StopAtRoot:
    """A tree-builder target that only wants to know the root element's name."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached(tag)

    def end(self, tag: str) -> None:
        """Nothing to build."""

    def data(self, data: str) -> None:
        """Nothing to build."""

    def close(self) -> None:
        """Nothing to build."""


def safe_xml_root(content: bytes) -> str:
    """The local name of the document's root element, once its prolog is known to be safe.

    Raises ``unsafe`` for a DOCTYPE or entity declaration and ``corrupt`` for
    XML broken before its root element.
    """
    parser: Any = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    try:
        for offset in range(0, len(content), _CHUNK):
            parser.feed(content[offset : offset + _CHUNK])
        parser.close()
    except _RootReached as root:
        return root.tag.rsplit("}", 1)[-1]
    except DefusedXmlException as refused:
        raise FileProblem(
            "unsafe",
            "it declares a DOCTYPE or XML entities, which activity files never need and "
            "Runnerly refuses for safety",
        ) from refused
    except ParseError as broken:
        raise FileProblem("corrupt", f"it is not well-formed XML ({broken})") from broken
    # close() on a document that never opened an element raises ParseError above.
    raise FileProblem("corrupt", "it has no XML root element")
