"""A source as a reader sees it: a human label, never a raw address, file path or commit hash.

Sources come in from survey cells and data files; some carry a real title (`湖北党史网 …`),
others only an address (an import of a bare URL takes the URL as its title) or a curator's
note naming a file at a commit (`owner/repo public/data/place.csv @56e2698 …`). A page shows
the title when it reads as one; otherwise a label made from the address: the site's host
(`www.gov.cn`), or for a code host the repository and the file's name
(`GitHub：owner/repo · place.csv`). No title is made up: a label only repeats what the title or
the address already says. The full address stays the link target.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import unquote, urlsplit

_HASH = re.compile(r"@?\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}\b", re.I)
"""A commit or content hash: 7 to 64 hex digits with both a digit and a letter (or `@` + one)."""
_URL = re.compile(r"https?://[^\s)）\]>,，;；\"']+", re.I)
_PATH = re.compile(r"(?:^|(?<=\s))(?:[.~]?/)?(?:[\w.-]+/)+([\w.-]+\.[A-Za-z0-9]{1,6})\b")
"""A file path (`public/data/place.csv`, `/srv/x.json`); group 1 is the file's name."""
_FILE = re.compile(r"^[\w.-]+\.[A-Za-z0-9]{1,6}$")
"""A bare file name (`place.csv`): a title only when nothing better is known."""
CODE_HOSTS = {
    "github.com": "GitHub",
    "raw.githubusercontent.com": "GitHub",
    "gitlab.com": "GitLab",
    "gitee.com": "Gitee",
}
_COLON = {"zh": "：", "en": ": "}
_SEP = " · "


def source_label(title: str | None, url: str | None, lang: str = "zh") -> str:
    """The text a page shows for a source: its title if it reads as one, else from its URL.

    Examples
    --------
    >>> source_label("湖北党史网", "http://www.hbdsw.org.cn/a.shtml")
    '湖北党史网'
    >>> source_label("http://www.gov.cn/test/2008-11/27/content_1161327.htm", None)
    'www.gov.cn'
    >>> gh = "https://github.com/o/r/blob/56e2698c19d92654c2d4621213bce53d54310cc3/data/place.csv"
    >>> source_label("o/r data/place.csv @56e2698 (student project)", gh)
    'GitHub：o/r · place.csv'
    >>> source_label("place.csv", gh, "en")
    'GitHub: o/r · place.csv'
    >>> source_label("o/r data/place.csv @56e2698 (student project)", None)
    'o/r place.csv (student project)'
    """
    text = " ".join((title or "").split())
    if text and not machine_like(text):
        return text
    derived = url_label(url, lang) if url else None
    if derived:
        return derived
    return cleaned(text, lang) or text  # nothing readable left: the title as stored, not a blank


def machine_like(text: str) -> bool:
    """Whether a title is an address, a path, a bare file name or carries a hash, rather than
    words a reader can take in.

    Examples
    --------
    >>> machine_like("中国政府网 (gov.cn) page"), machine_like("x/y.csv @56e2698"), machine_like("a.csv")
    (False, True, True)
    """
    return bool(_URL.search(text) or _HASH.search(text) or _PATH.search(text) or _FILE.match(text))


def url_label(url: str | None, lang: str = "zh") -> str | None:
    """A label from an address: a code host's repository and file name, else the host.

    None for text that is not an http(s) address with a host.

    Examples
    --------
    >>> url_label("https://raw.githubusercontent.com/o/r/0a1b2c3d/x/y.json", "en")
    'GitHub: o/r · y.json'
    >>> url_label("https://zh.wikipedia.org./wiki/X"), url_label("not a url")
    ('zh.wikipedia.org', None)
    """
    found = _URL.search(url or "")
    if found is None:
        return None
    parts = urlsplit(found.group(0))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return None
    with contextlib.suppress(UnicodeError):
        host = host.encode("ascii").decode("idna")
    forge = CODE_HOSTS.get(host)
    if forge is None:
        return host
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return forge
    label = f"{forge}{_COLON.get(lang, _COLON['en'])}{segments[0]}/{segments[1]}"
    rest = [s for s in segments[2:] if s not in {"blob", "tree", "raw", "-"}]
    rest = [s for s in rest if not _HASH.fullmatch(s)]
    name = rest[-1] if rest else ""
    if name and name not in {"main", "master"}:
        label += _SEP + name
    return label


def cleaned(text: str, lang: str = "zh") -> str:
    """A title with its hashes dropped, paths cut to the file's name and addresses to the host.

    Examples
    --------
    >>> cleaned("o/r public/data/place.csv @56e2698 (see https://x.org/a/b)")
    'o/r place.csv (see x.org)'
    """
    out = _URL.sub(lambda m: url_label(m.group(0), lang) or "", text)
    out = _PATH.sub(lambda m: m.group(1), out)
    out = _HASH.sub("", out)
    return " ".join(out.split())
