"""Markdown → safe HTML. Everything a student sees from Markdown passes through `render`.

An instructor's text is rendered again for every visitor of its page, so rendering is bounded
here, in one place, whatever the text:

- The parser is pulldown-cmark (through pyromark), which is linear in the length of its input and
  builds no recursion on nesting. python-markdown, used before, walked to the end of the text for
  every unmatched `[` (50,000 of them took four minutes) and raised RecursionError on lists nested
  2,000 deep.
- At most `MAX_CHARS` characters are rendered; the rest is cut at a line end, with a note saying
  so, so the output stays a small multiple of `MAX_CHARS`.
- HTML nested deeper than `MAX_DEPTH` (lists or quotes inside each other, raw tags left open)
  never reaches the sanitiser, whose time grows with the depth: such a text is shown as plain
  paragraphs instead.
- Anything the parser or the sanitiser raises is logged and the text is shown as plain paragraphs:
  a page never fails because of its Markdown.

`problems(text)` names the same limits in words for an author; the editors and the importer
refuse a text that has any, so a saved text renders as written. `bench/markup_bench.py` times
hostile input.
"""

from __future__ import annotations

import hashlib
import logging
import re

import nh3
import pyromark
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

MAX_CHARS = 20_000  # ~3,000 words; the longest concept or stem of the course is under 7,500
MAX_DEPTH = 32  # elements inside each other; a list nested 8 deep with bold text needs ~18

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_SMART_PUNCTUATION
)
_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
    "abbr": {"title"},
}
# Elements that never hold others, so an opening tag does not go one level deeper.
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")


def render(text: str) -> SafeString:
    """`text` as sanitised HTML, in time linear in `MAX_CHARS` at most; never raises."""
    text = _valid_unicode(text)
    shown, rest = _cut(text)
    try:
        html = pyromark.html(shown, options=_OPTIONS)
        if _depth(html) > MAX_DEPTH:
            body = _plain(shown)
        else:
            body = nh3.clean(
                html,
                tags=_TAGS,
                attributes=_ATTRIBUTES,
                url_schemes={"http", "https", "mailto"},
                link_rel="noopener noreferrer nofollow",
            )
    except Exception:  # a page must render whatever its text; the text stays readable
        logger.exception("Markdown could not be rendered; shown as plain text")
        body = _plain(shown)
    if rest:
        body += (
            f"<p><em>The rest of this text ({rest:,} more characters) is not shown: "
            f"at most {MAX_CHARS:,} characters are.</em></p>"
        )
    return mark_safe(body)  # sanitised by nh3, or escaped by _plain


def digest(text: str) -> str:
    """A short fingerprint of a Markdown text: stored HTML belongs to the text it came from."""
    return hashlib.blake2b(_valid_unicode(text).encode(), digest_size=16).hexdigest()


def stored(text: str, html: str, html_digest: str) -> SafeString:
    """The HTML stored beside `text` when it was rendered from this very text, else `text`
    rendered now (a row written by a path that did not fill it, such as a raw UPDATE or a row
    older than the column): stored HTML is never shown for a text it was not made from."""
    if html_digest == digest(text):
        return mark_safe(html)  # rendered and sanitised by `render` when it was stored
    return render(text)


def problems(text: str) -> list[str]:
    """Why `text` would not render as written, each as the end of a sentence about it ("is too
    long: …"); empty when it renders. The editors and the importer refuse a text with any."""
    if len(text) > MAX_CHARS:
        return [f"is too long: {len(text):,} characters (at most {MAX_CHARS:,})"]
    try:
        depth = _depth(pyromark.html(_valid_unicode(text), options=_OPTIONS))
    except Exception:
        logger.exception("Markdown could not be parsed")
        return ["could not be read as Markdown"]
    if depth > MAX_DEPTH:
        return [
            f"is nested too deeply: lists, quotes or HTML tags {depth:,} levels deep "
            f"(at most {MAX_DEPTH})"
        ]
    return []


def _valid_unicode(text: str) -> str:
    # A lone surrogate (possible in a Python str, never in UTF-8) would make the parser raise.
    return text.encode("utf-8", "replace").decode("utf-8")


def _cut(text: str) -> tuple[str, int]:
    """The first `MAX_CHARS` characters, ending at a line end when one is in the second half,
    and how many characters are left out."""
    if len(text) <= MAX_CHARS:
        return text, 0
    end = text.rfind("\n", MAX_CHARS // 2, MAX_CHARS)
    if end < 0:
        end = MAX_CHARS
    return text[:end], len(text) - end


def _depth(html: str) -> int:
    """How deep elements sit inside each other in `html`: each opening tag of an element that
    can hold others is one level down, each closing tag one up. Linear in `html`."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        closing, name, self_closing = m.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _plain(text: str) -> str:
    """`text` as escaped paragraphs, its line breaks kept: what a reader gets when the Markdown
    cannot be rendered."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{escape(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs)
