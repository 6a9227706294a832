"""Citations both readers show: author-year links in the chapters, bibliography citations in the HTML book.

jupyterlab-myst has no bibliography: it renders every ``{cite}`key``` role as the bare key with a "Citation Not
Found" warning (it never reads ``references.bib``). The chapters therefore cite with a plain Markdown link whose text
is the author-year citation and whose target is the reference's DOI (or its URL when it has none), which JupyterLab,
Colab and any Markdown reader show as readable, clickable text:

* parenthetical (was ``{cite}`a,b```): ``([Higgins et al., 2008](https://doi.org/…); [White et al., 2011](…))``;
* narrative (was ``{cite:t}`a```): ``[Farrar et al. (2001)](https://doi.org/…)``.

In the HTML book (Jupyter Book 1, sphinxcontrib-bibtex), :class:`CitationLinks` turns each such link whose target
is a reference of ``references.bib`` back into the citation the role made, so the HTML is unchanged: the same
``[Author et al., year]`` text, linked to its entry in the bibliography with the full reference as its tooltip, and
the bibliography lists exactly the cited works. A link to an unknown DOI stays a link. :func:`citation_markdown`
writes the link text from ``references.bib``, and tests/test_citations.py checks every chapter link against it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

BIB = Path(__file__).resolve().parents[1] / "references.bib"
DOI_URL = "https://doi.org/"


def load(path: str | Path = BIB) -> dict:
    """The entries of a BibTeX file by key (pybtex)."""
    from pybtex.database import parse_file

    return dict(parse_file(str(path)).entries)


def _plain(text: str) -> str:
    import latexcodec  # noqa: F401  (registers the "latex" codec)

    return re.sub(r"[{}]", "", text.encode("utf-8").decode("latex")).strip()


def author_year(entry, narrative: bool = False) -> str:
    """The author-year text sphinxcontrib-bibtex's ``author_year`` style prints for ``entry``: one author
    ("Tukey"), two ("Gamble and Hollis"), three or more ("Farrar et al."), then the year: ``Tukey, 1977``
    (parenthetical) or ``Tukey (1977)`` (narrative)."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_plain(" ".join(p.prelast_names + p.last_names)) for p in persons]
    if not names:
        who = _plain(entry.fields.get("organization", entry.fields.get("publisher", "Anonymous")))
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    year = entry.fields.get("year", "n.d.")
    return f"{who} ({year})" if narrative else f"{who}, {year}"


def reference_url(entry) -> str:
    """Where a reader can find the work: its DOI, else its ``url``, else the URL in ``howpublished``."""
    if entry.fields.get("doi"):
        return DOI_URL + entry.fields["doi"]
    if entry.fields.get("url"):
        return entry.fields["url"]
    match = re.search(r"\\url\{([^}]+)\}", entry.fields.get("howpublished", ""))
    if match:
        return match.group(1)
    raise ValueError(f"{entry.key}: no doi, url or \\url in howpublished to link a citation to")


def citation_markdown(keys: Iterable[str], narrative: bool = False, bib: dict | None = None) -> str:
    """The Markdown a chapter writes for a citation of ``keys``.

    >>> citation_markdown(["tukey1977"])
    '([Tukey, 1977](https://openlibrary.org/isbn/9780201076165))'
    >>> citation_markdown(["farrar2001"], narrative=True)
    '[Farrar et al. (2001)](https://doi.org/10.1016/S0304-3959(01)00349-9)'
    """
    bib = load() if bib is None else bib
    links = [f"[{author_year(bib[k], narrative)}]({reference_url(bib[k])})" for k in keys]
    return " and ".join(links) if narrative else "(" + "; ".join(links) + ")"


def keys_by_url(bib: dict) -> dict[str, str]:
    """Each reference's link target (:func:`reference_url`) mapped to its key."""
    out = {}
    for key, entry in bib.items():
        try:
            out[reference_url(entry)] = key
        except ValueError:
            continue
    return out


NARRATIVE = re.compile(r"\(\d{4}[a-z]?\)$")
LINK = re.compile(r"\[([^\]]+)\]\((https?://[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)\)")
"""A Markdown link ``[text](http...)`` (a DOI may hold parentheses): groups text and URL."""

# ---------------------------------------------------------------------------------------------------------- Sphinx


def _transform():
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.transforms import SphinxTransform
    from sphinxcontrib.bibtex.citation_target import parse_citation_targets
    from sphinxcontrib.bibtex.roles import CitationRef

    class CitationLinks(SphinxTransform):
        """Links to a reference of the bibliography become the citations ``{cite}``/``{cite:t}`` make."""

        default_priority = 100  # while reading: the cited keys are known before the bibliography is built

        def _urls(self) -> dict[str, str]:
            cache = getattr(self.app, "_sacro_kit_citation_urls", None)
            if cache is None:
                bibfiles = self.config.bibtex_bibfiles or []
                cache = {}
                for bibfile in bibfiles:
                    cache.update(keys_by_url(load(Path(self.app.srcdir) / bibfile)))
                self.app._sacro_kit_citation_urls = cache
            return cache

        def _citation(self, kind: str, keys: list[str], rawtext: str):
            target = ",".join(keys)
            node = addnodes.pending_xref(
                rawtext,
                refdomain="cite",
                reftype=kind,
                reftarget=target,
                refexplicit=False,
                refwarn=True,
                refdoc=self.env.docname,
            )
            node += nodes.inline(rawtext, target)
            self.document.note_explicit_target(node, node)  # for backrefs, as sphinxcontrib-bibtex's role does
            domain = self.env.get_domain("cite")
            domain.citation_refs.append(
                CitationRef(
                    citation_ref_id=node["ids"][0],
                    docname=self.env.docname,
                    line=self.document.line or 0,
                    targets=list(parse_citation_targets(target)),
                )
            )
            return node

        def apply(self, **kwargs) -> None:
            urls = self._urls()
            if not urls:
                return
            for parent in list(self.document.findall(nodes.TextElement)):
                self._in(parent, urls)

        def _key(self, node, urls):
            return urls.get(node.get("refuri", "")) if isinstance(node, nodes.reference) else None

        def _in(self, parent, urls) -> None:
            i = 0
            while i < len(parent.children):
                child = parent.children[i]
                key = self._key(child, urls)
                if key is None:
                    i += 1
                    continue
                text = child.astext()
                before = parent.children[i - 1] if i > 0 else None
                if NARRATIVE.search(text) or not (isinstance(before, nodes.Text) and before.endswith("(")):
                    parent[i] = self._citation("t" if NARRATIVE.search(text) else "p", [key], text)
                    i += 1
                    continue
                # "(" link ("; " link)* ")": one parenthetical citation of all the keys
                keys, j, raw = [key], i + 1, [text]
                while (
                    j + 1 < len(parent.children)
                    and isinstance(parent.children[j], nodes.Text)
                    and parent.children[j].astext() == "; "
                    and self._key(parent.children[j + 1], urls)
                ):
                    keys.append(self._key(parent.children[j + 1], urls))
                    raw.append(parent.children[j + 1].astext())
                    j += 2
                after = parent.children[j] if j < len(parent.children) else None
                if not (isinstance(after, nodes.Text) and after.startswith(")")):
                    parent[i] = self._citation("p", [key], text)
                    i += 1
                    continue
                # by index: Text nodes compare as strings, so replace()/remove() could pick an equal one
                parent[j] = nodes.Text(after[1:])
                del parent[i + 1 : j]
                parent[i] = self._citation("p", keys, "; ".join(raw))
                parent[i - 1] = nodes.Text(before[:-1])
                i += 1

    return CitationLinks


def setup(app):
    """Sphinx extension: author-year links to bibliography references become sphinxcontrib-bibtex citations."""
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_transform(_transform())
    return {"parallel_read_safe": False, "parallel_write_safe": True, "version": "1"}
