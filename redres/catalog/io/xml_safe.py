"""XML from uploads (KML, the parts of an XLSX) read without DTDs or entities.

A document type declaration is where entity tricks live: external entities read local files or
URLs, nested internal ones expand a few bytes into gigabytes. KML and Office Open XML never need
one, so redres refuses any DOCTYPE or ENTITY declaration instead of trying to defuse it: `parse`
builds the tree with expat handlers that stop at the first declaration (whatever the encoding),
and `refuse_dtd` scans a stream that another library (openpyxl) will parse.
"""

from __future__ import annotations

from typing import IO
from xml.etree import ElementTree as ET
from xml.parsers import expat

from redres.catalog.io.errors import InterchangeError
from redres.messages import Message

_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(m) for m in _MARKS)
CHUNK = 1 << 20


class _Declared(Exception):
    """Raised from an expat handler at the first DOCTYPE or ENTITY declaration."""


def _declared(*_: object) -> int:
    raise _Declared


def refused(name: str) -> InterchangeError:
    """The error for a document with a DOCTYPE or entity declaration."""
    return InterchangeError(Message("xml_dtd", file=name))


def parse(data: bytes, name: str) -> ET.Element:
    """The element tree of an XML document that declares no DOCTYPE and no entities.

    Raises
    ------
    InterchangeError
        For a DOCTYPE or ENTITY declaration, or a document that is not well-formed.
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        _qname(tag), {_qname(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(_qname(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _declared
    parser.EntityDeclHandler = _declared
    parser.ExternalEntityRefHandler = _declared
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Declared:
        raise refused(name) from None
    except expat.ExpatError as exc:
        said = Message("xml_broken", file=name, line=exc.lineno, column=exc.offset + 1)
        raise InterchangeError(said) from None
    return builder.close()


def _qname(tag: str) -> str:
    """expat's `uri}local` as ElementTree's `{uri}local`."""
    return "{" + tag if "}" in tag else tag


def refuse_dtd(stream: IO[bytes], name: str) -> None:
    """Read `stream` to its end and refuse it if it declares a DOCTYPE or entities.

    Raises
    ------
    InterchangeError
        At the first declaration found (UTF-8 or UTF-16 text).
    """
    tail = b""
    while chunk := stream.read(CHUNK):
        window = tail + chunk
        if any(mark in window for mark in _MARKS):
            raise refused(name)
        tail = window[-_OVERLAP:]
