"""From a resolution to RDF quads, in the shape ``MODEL.md`` fixes.

The merged view goes into the default graph; what each source said goes, unmerged, into one named graph
per source document; disagreements and identifier conflicts into the quality graph; facts derived for
fast questions (collaboration pairs, counts) into the derived graph.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import quote

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from .. import identifiers as idmod
from ..progress import Progress, Ticker
from ..records import Kind, PartialDate, Record
from ..resolve.model import Resolution, Work
from ..text import latex_to_unicode
from .namespaces import DCTERMS, FABIO, FRBR, KG, OWL, PRISM, PRO, PROV, RDF, SCHEMA, XSD

DEFAULT = DefaultGraph()

VERSION_TYPES = {
    Kind.PREPRINT: FABIO.Preprint, Kind.CONFERENCE: FABIO.ConferencePaper,
    Kind.WORKSHOP: FABIO.WorkshopPaper, Kind.JOURNAL: FABIO.JournalArticle, Kind.BOOK: FABIO.Book,
    Kind.CHAPTER: FABIO.BookChapter, Kind.THESIS: FABIO.Thesis, Kind.REPORT: FABIO.ReportDocument,
    Kind.PROCEEDINGS: FABIO.AcademicProceedings, Kind.DATASET: FABIO.DataFile,
    Kind.SOFTWARE: FABIO.ComputerProgram, Kind.OTHER: FABIO.Expression, Kind.UNKNOWN: FABIO.Expression,
}
# A data set and a program are not articles: their versions and works take schema.org's types for
# them, and their works FaBiO's (fabio:Dataset and fabio:Software are kinds of fabio:Work).
SCHEMA_TYPES = {Kind.DATASET: SCHEMA.Dataset, Kind.SOFTWARE: SCHEMA.SoftwareSourceCode}
WORK_TYPES = {Kind.DATASET: FABIO.Dataset, Kind.SOFTWARE: FABIO.Software}
EDITION_TYPES = {"conference": FABIO.ConferenceProceedings, "workshop": FABIO.WorkshopProceedings,
                 "journal": FABIO.JournalVolume, "book": FABIO.Book}
SERIES_TYPES = {"conference": [FABIO.Series, SCHEMA.CreativeWorkSeries],
                "workshop": [FABIO.Series, SCHEMA.CreativeWorkSeries],
                "journal": [FABIO.Journal, SCHEMA.Periodical],
                "repository": [FABIO.Repository, SCHEMA.CreativeWorkSeries]}
ID_PROPERTIES = {"arxiv": FABIO.hasArXivId, "doi": PRISM.doi, "openreview": KG.openReviewId}


def work_kind(w: Work) -> Kind | None:
    """A data set or software when every version whose kind is known is one (a record that says
    only 'misc' does not make a data set an article); else None: the work is an article."""
    known = {v.kind for v in w.versions} - {Kind.OTHER, Kind.UNKNOWN}
    return known.pop() if len(known) == 1 and known <= SCHEMA_TYPES.keys() else None


def date_literal(d: PartialDate) -> Literal:
    """A date as xsd:date, xsd:gYearMonth or xsd:gYear, by its precision."""
    datatype = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}[d.precision]
    return Literal(d.isoformat(), datatype=datatype)


def decimal_literal(value: float) -> Literal:
    """A number as xsd:decimal, never in exponent notation (str(0.00001) is '1e-05', which is not a
    valid xsd:decimal)."""
    return Literal(format(Decimal(repr(float(value))), "f"), datatype=XSD.decimal)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def lit(value: str) -> Literal:
    return Literal(value)


class Mapper:
    """Mints IRIs under one base and yields the quads of a resolution."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.quality = NamedNode(self.base + "graph/quality")
        self.derived = NamedNode(self.base + "graph/derived")

    def iri(self, path: str) -> NamedNode:
        return NamedNode(self.base + path)

    def source_graph(self, source_id: str) -> NamedNode:
        return NamedNode(self.base + "source/" + quote(source_id, safe=""))

    def record_iri(self, record: Record) -> NamedNode:
        return NamedNode(self.base + "source/" + quote(record.source, safe="") + "/record/"
                         + quote(record.key, safe=""))

    # ------------------------------------------------------------------------------------------
    def quads(self, res: Resolution, *, progress: Progress | None = None) -> Iterator[Quad]:
        """Every quad of the graph, entity by entity; ``progress`` hears of the entities mapped
        (as the loader pulls their quads)."""
        ticker = Ticker(progress, "load quads", len(res.sources) + 2 * len(res.works)
                        + len(res.persons) + len(res.series) + len(res.editions)
                        + len(res.records) + 2)
        yield from self._sources(res)
        ticker.tick(len(res.sources))
        for w in res.works:
            yield from self._work(w, res)
            ticker.tick()
        for p in res.persons:
            yield from self._person(p, res)
            ticker.tick()
        for s in res.series:
            yield from self._series(s)
        for e in res.editions:
            yield from self._edition(e)
        ticker.tick(len(res.series) + len(res.editions))
        # The records after every entity of the merged view (the loader holds less when the graphs
        # come one after the other). Which person holds each printed author of a record is read
        # from its work's list, not from an index over every author of the collection.
        work_of = res.work_of()
        for rec in res.records.values():
            w = work_of.get(rec.uid)
            held = {m.index: a.person for a in w.authors for m in a.mentions
                    if m.record == rec.uid and m.index is not None} if w is not None else {}
            yield from self._record(rec, w.path if w is not None else None, held)
            ticker.tick()
        del work_of
        yield from self._quality(res)
        ticker.tick()
        yield from self._derived(res)
        ticker.tick(len(res.works) + 1)
        ticker.finish()
        # Link decisions (kg.link) travel on the resolution when curated links were applied.
        decisions = res.link_decisions
        if decisions:
            from ..link.graph import decision_quads

            yield from decision_quads(self, decisions)

    def _t(self, s, p, o, g=DEFAULT) -> Quad:
        # Quad(s, p, o) is the default graph; passing DefaultGraph() explicitly costs pyoxigraph
        # two failed conversions (named node, blank node) per quad, about 4 us, or a tenth of the
        # ACL Anthology's build.
        return Quad(s, p, o) if g is DEFAULT else Quad(s, p, o, g)

    def _sources(self, res: Resolution) -> Iterator[Quad]:
        for info in res.sources.values():
            s = self.source_graph(info.id)
            yield self._t(s, RDF.type, KG.SourceDocument)
            yield self._t(s, RDF.type, PROV.Entity)
            yield self._t(s, SCHEMA.name, lit(info.filename.rsplit("/", 1)[-1]))
            yield self._t(s, KG.format, lit(info.format))
            yield self._t(s, KG.trust, decimal_literal(info.trust))
            if info.origin:
                yield self._t(s, KG.origin, lit(info.origin))
            if info.captured:
                yield self._t(s, KG.captured, date_literal(info.captured))
            if info.owner:
                yield self._t(s, KG.owner, lit(info.owner))

    def _identifiers(self, subject: NamedNode, ids: dict[str, list[str]], g=DEFAULT
                     ) -> Iterator[Quad]:
        for scheme in sorted(ids):
            for value in ids[scheme]:
                prop = ID_PROPERTIES.get(scheme)
                if prop is not None:
                    yield self._t(subject, prop, lit(value), g)
                if scheme == "url":
                    yield self._t(subject, SCHEMA.url, lit(value), g)
                    continue
                # A hash IRI: the identifier node is described in its subject's own document.
                pv = NamedNode(f"{subject.value}#{scheme}-{quote(value, safe='')}")
                yield self._t(subject, SCHEMA.identifier, pv, g)
                yield self._t(pv, RDF.type, SCHEMA.PropertyValue, g)
                yield self._t(pv, SCHEMA.propertyID, lit(idmod.LABELS.get(scheme, scheme)), g)
                yield self._t(pv, SCHEMA.value, lit(value), g)
                resolvable = idmod.resolvable(scheme, value)
                if resolvable:
                    yield self._t(subject, SCHEMA.sameAs, NamedNode(resolvable), g)

    def _work(self, w: Work, res: Resolution) -> Iterator[Quad]:
        s = self.iri(w.path)
        yield self._t(s, RDF.type, FABIO.Work)
        kind = work_kind(w)
        if kind in WORK_TYPES:
            yield self._t(s, RDF.type, WORK_TYPES[kind])
        yield self._t(s, RDF.type, SCHEMA_TYPES.get(kind, SCHEMA.ScholarlyArticle))
        yield self._t(s, SCHEMA.name, lit(w.title))
        if w.date:
            yield self._t(s, SCHEMA.datePublished, date_literal(w.date))
        if w.abstract:
            yield self._t(s, SCHEMA.abstract, lit(w.abstract))
        yield self._t(s, KG.authorListComplete,
                      Literal("true" if w.authors_complete else "false", datatype=XSD.boolean))
        for subject in w.subjects:
            yield self._t(s, SCHEMA.keywords, lit(subject))
        yield from self._identifiers(s, w.identifiers)
        for target in w.supplement_of:  # a data set or code deposited for a paper, and back
            yield self._t(s, FRBR.supplementOf, self.iri(target))
            yield self._t(self.iri(target), FRBR.supplement, s)
        implied_n = 0
        for a in w.authors:
            person = self.iri(a.person)
            yield self._t(s, SCHEMA.author, person)
            if a.position is not None:
                node = self.iri(f"{w.path}/author/{a.position}")
            else:
                implied_n += 1
                node = self.iri(f"{w.path}/author/implied-{implied_n}")
            yield self._t(s, PRO.isDocumentContextFor, node)
            yield self._t(node, RDF.type, PRO.RoleInTime)
            yield self._t(node, PRO.withRole, PRO.author)
            yield self._t(node, PRO.isHeldBy, person)
            yield self._t(node, PRO.relatesToDocument, s)
            if a.position is not None:
                yield self._t(node, SCHEMA.position, Literal(str(a.position), datatype=XSD.integer))
            else:
                yield self._t(node, KG.implied, Literal("true", datatype=XSD.boolean))
            forms = []
            for m in a.mentions:
                forms.append(latex_to_unicode(m.printed))
                forms += m.forms
            for form in sorted(set(forms)):
                yield self._t(node, KG.statedAs, lit(form))
            for uid in sorted(set(m.record for m in a.mentions) | set(a.implied_by)):
                yield self._t(node, PROV.wasDerivedFrom, self.record_iri(res.records[uid]))
        for v in w.versions:
            vs = self.iri(v.path)
            yield self._t(s, SCHEMA.workExample, vs)
            yield self._t(s, FRBR.realization, vs)
            yield self._t(vs, SCHEMA.exampleOfWork, s)
            yield self._t(vs, FRBR.realizationOf, s)
            yield self._t(vs, RDF.type, VERSION_TYPES[v.kind])
            yield self._t(vs, RDF.type, SCHEMA_TYPES.get(v.kind, SCHEMA.ScholarlyArticle))
            yield self._t(vs, KG.versionKind, lit(v.kind.value))
            yield self._t(vs, SCHEMA.name, lit(v.title))
            if v.release:
                yield self._t(vs, SCHEMA.version, lit(v.release))
            if v.date:
                yield self._t(vs, SCHEMA.datePublished, date_literal(v.date))
            if v.edition:
                ed = self.iri(v.edition)
                yield self._t(vs, SCHEMA.isPartOf, ed)
                yield self._t(vs, FRBR.partOf, ed)
            if v.pages:
                yield self._t(vs, SCHEMA.pagination, lit(v.pages))
            if v.publisher:
                yield self._t(vs, SCHEMA.publisher, lit(v.publisher))
            yield from self._identifiers(vs, v.identifiers)
            for uid in v.records:
                yield self._t(vs, PROV.wasDerivedFrom, self.record_iri(res.records[uid]))
        for uid in w.records:
            yield self._t(s, PROV.wasDerivedFrom, self.record_iri(res.records[uid]))

    def _person(self, p, res: Resolution) -> Iterator[Quad]:
        s = self.iri(p.path)
        yield self._t(s, RDF.type, SCHEMA.Person)
        yield self._t(s, SCHEMA.name, lit(p.name))
        if p.given:
            yield self._t(s, SCHEMA.givenName, lit(p.given))
        if p.family:
            yield self._t(s, SCHEMA.familyName, lit(p.family))
        if p.suffix:
            yield self._t(s, SCHEMA.honorificSuffix, lit(p.suffix))
        for v in p.variants:
            yield self._t(s, SCHEMA.alternateName, lit(v))
        for scheme, values in sorted(p.identifiers.items()):
            for value in values:
                iri = idmod.resolvable(scheme, value)
                if iri and scheme in ("orcid", "wikidata"):
                    yield self._t(s, OWL.sameAs, NamedNode(iri))
                    yield self._t(s, SCHEMA.sameAs, NamedNode(iri))
                pv = NamedNode(f"{s.value}#{scheme}-{quote(value, safe='')}")
                yield self._t(s, SCHEMA.identifier, pv)
                yield self._t(pv, RDF.type, SCHEMA.PropertyValue)
                yield self._t(pv, SCHEMA.propertyID, lit(idmod.LABELS.get(scheme, scheme)))
                yield self._t(pv, SCHEMA.value, lit(value))

    def _series(self, sr) -> Iterator[Quad]:
        s = self.iri(sr.path)
        for t in SERIES_TYPES.get(sr.kind, [FABIO.Series, SCHEMA.CreativeWorkSeries]):
            yield self._t(s, RDF.type, t)
        yield self._t(s, SCHEMA.name, lit(sr.name))
        if sr.acronym:
            yield self._t(s, SCHEMA.alternateName, lit(sr.acronym))
        for n in sr.names:
            yield self._t(s, SCHEMA.alternateName, lit(n))
        for v in sr.issns:
            yield self._t(s, SCHEMA.issn, lit(v))
        yield from self._identifiers(s, sr.identifiers)
        for e in sr.editions:
            yield self._t(s, SCHEMA.hasPart, self.iri(e))

    def _edition(self, e) -> Iterator[Quad]:
        s = self.iri(e.path)
        yield self._t(s, RDF.type, EDITION_TYPES.get(e.kind, FABIO.AcademicProceedings))
        yield self._t(s, SCHEMA.name, lit(e.name))
        for n in e.names:
            yield self._t(s, SCHEMA.alternateName, lit(n))
        for v in e.isbns:
            yield self._t(s, SCHEMA.isbn, lit(v))
        series = self.iri(e.series)
        yield self._t(s, SCHEMA.isPartOf, series)
        yield self._t(s, FRBR.partOf, series)
        if e.year:
            yield self._t(s, SCHEMA.datePublished, Literal(f"{e.year:04d}", datatype=XSD.gYear))
        if e.ordinal:
            yield self._t(s, KG.editionNumber, Literal(str(e.ordinal), datatype=XSD.integer))
        if e.volume:
            yield self._t(s, SCHEMA.volumeNumber, lit(e.volume))
        if e.host:
            yield self._t(s, KG.heldAt, self.iri(e.host))

    def _record(self, r: Record, work: str | None, held: dict[int, str]) -> Iterator[Quad]:
        """What one source said about one publication, unmerged, in that source's graph; ``held``
        gives the person who holds the author at each place of its list."""
        g = self.source_graph(r.source)
        s = self.record_iri(r)
        yield self._t(s, RDF.type, KG.SourceRecord, g)
        yield self._t(s, KG.inSource, g, g)
        yield self._t(s, KG.recordKey, lit(r.key), g)
        yield self._t(s, KG.line, Literal(str(r.line), datatype=XSD.integer), g)
        if r.end_line:
            yield self._t(s, KG.endLine, Literal(str(r.end_line), datatype=XSD.integer), g)
        if r.raw:
            yield self._t(s, KG.rawText, lit(r.raw), g)
        if r.title:
            yield self._t(s, SCHEMA.name, lit(r.title), g)
        if r.title_printed and r.title_printed != r.title:
            yield self._t(s, KG.titleStatedAs, lit(r.title_printed), g)
        yield self._t(s, KG.versionKind, lit(r.kind.value), g)
        if r.release:
            yield self._t(s, SCHEMA.version, lit(r.release), g)
        if r.date:
            yield self._t(s, SCHEMA.datePublished, date_literal(r.date), g)
        if r.venue:
            yield self._t(s, SCHEMA.isPartOf, lit(r.venue.name), g)
            if r.venue.volume:
                yield self._t(s, SCHEMA.volumeNumber, lit(r.venue.volume), g)
            if r.venue.pages:
                yield self._t(s, SCHEMA.pagination, lit(r.venue.pages), g)
        if r.abstract:
            yield self._t(s, SCHEMA.abstract, lit(r.abstract), g)
        if work:
            yield self._t(s, KG.aboutEntity, self.iri(work), g)
        yield self._t(s, KG.authorListComplete,
                      Literal("false" if r.authors_truncated else "true", datatype=XSD.boolean), g)
        ids: dict[str, list[str]] = defaultdict(list)
        for i in r.identifiers:
            ids[i.scheme].append(i.value)
        yield from self._identifiers(s, ids, g)
        for i, name in enumerate(r.authors):
            node = NamedNode(f"{s.value}/author/{i + 1}")
            yield self._t(s, PRO.isDocumentContextFor, node, g)
            yield self._t(node, SCHEMA.position, Literal(str(i + 1), datatype=XSD.integer), g)
            yield self._t(node, KG.statedAs, lit(latex_to_unicode(name.printed)), g)
            for form in (r.printed_authors[i] if i < len(r.printed_authors) else []):
                yield self._t(node, KG.statedAs, lit(form), g)
            person = held.get(i)
            if person:
                yield self._t(node, PRO.isHeldBy, self.iri(person), g)
                yield self._t(s, SCHEMA.author, self.iri(person), g)

    def _quality(self, res: Resolution) -> Iterator[Quad]:
        g = self.quality
        for d, s in zip(res.disagreements, self._disagreement_iris(res)):
            yield self._t(s, RDF.type, KG.Disagreement, g)
            yield self._t(s, KG.aboutEntity, self.iri(d.entity), g)
            yield self._t(s, KG.field, lit(d.field), g)
            yield self._t(s, KG.chosenValue, lit(str(d.chosen)), g)
            yield self._t(s, KG.minor, Literal("true" if d.minor else "false", datatype=XSD.boolean), g)
            yield self._t(s, KG.policy, lit(d.policy), g)
            for k, v in enumerate(d.values, start=1):
                node = NamedNode(f"{s.value}/value/{k}")
                yield self._t(s, KG.statedValue, node, g)
                yield self._t(node, RDF.type, KG.StatedValue, g)
                yield self._t(node, SCHEMA.value, lit(str(v.value)), g)
                for uid in v.records:
                    yield self._t(node, KG.statedBy, self.record_iri(res.records[uid]), g)
                    yield self._t(node, DCTERMS.source,
                                  self.source_graph(res.records[uid].source), g)
        for c in res.conflicts:
            s = self.iri(f"quality/conflict/{quote(c.scheme, safe='')}/{quote(c.value, safe='')}")
            yield self._t(s, RDF.type, KG.IdentifierConflict, g)
            yield self._t(s, KG.identifierScheme, lit(c.scheme), g)
            yield self._t(s, KG.identifierValue, lit(c.value), g)
            for w in c.works:
                yield self._t(s, KG.claimedBy, self.iri(w), g)
            if c.owner:
                yield self._t(s, KG.ownedBy, self.iri(c.owner), g)
            for e in c.evidence:
                yield self._t(s, KG.evidence, lit(e), g)
        for c in res.candidates:
            s = self.iri(f"quality/candidate/{c.a.split('/', 1)[1]}--{c.b.split('/', 1)[1]}")
            yield self._t(s, RDF.type, KG.MatchCandidate, g)
            yield self._t(s, KG.candidate, self.iri(c.a), g)
            yield self._t(s, KG.candidate, self.iri(c.b), g)
            yield self._t(s, KG.score, decimal_literal(c.score), g)
            for r in c.reasons:
                yield self._t(s, KG.reason, lit(r), g)

    def _disagreement_iris(self, res: Resolution) -> Iterator[NamedNode]:
        """Each disagreement's IRI, in order: named by what it is about, so that the same
        disagreement keeps its IRI from build to build."""
        seen: Counter[str] = Counter()
        for d in res.disagreements:
            key = f"quality/disagreement/{d.entity}/{quote(d.field, safe='')}"
            seen[key] += 1
            yield self.iri(key if seen[key] == 1 else f"{key}-{seen[key]}")

    def _derived(self, res: Resolution) -> Iterator[Quad]:
        """Facts recomputed on every build for fast questions: collaborating pairs and counts.
        Each part is a generator of its own, so that what it held is freed when it is done."""
        name_of = {p.path: p.name for p in res.persons}
        yield from self._collaborations(res, name_of)
        yield from self._person_counts(res, name_of)
        yield from self._source_ranks(res)
        yield from self._report_ranks(res, name_of)
        del name_of
        yield from self._series_counts(res)

    def _collaborations(self, res: Resolution, name_of: dict[str, str]) -> Iterator[Quad]:
        """One node per pair of people who share a work: the two, their joint works, the first and
        last year of them, and a rank that orders the listings of pairs (strongest first, then by
        the two names), so that a page of them is a range of ranks rather than a sort of every pair
        at query time.

        A collection has several pairs per work, so they are counted compactly: people as numbers
        in the order of their paths, a pair as one number, and its count and years packed in one
        more."""
        g = self.derived
        paths = sorted({a.person for w in res.works for a in w.authors})
        n = len(paths)
        number = {p: i for i, p in enumerate(paths)}
        # A pair's number: its joint works, then its earliest year, then its latest, in fields of
        # `width` bits wide enough for any year of the collection; the earliest is `none` and the
        # latest 0 while no year is known.
        years = [w.date.year for w in res.works if w.date]
        low = min(years, default=0)
        width = (max(years, default=0) - low + 2).bit_length()
        del years
        none, one = (1 << width) - 1, 1 << 2 * width
        pairs: dict[int, int] = {}
        for w in res.works:
            people = sorted({number[a.person] for a in w.authors})
            if len(people) < 2:
                continue
            year = w.date.year - low + 1 if w.date else 0
            fresh = one | (none << width if not year else year << width | year)
            for i, a in enumerate(people):
                base = a * n
                for b in people[i + 1:]:
                    key = base + b
                    v = pairs.get(key)
                    if v is None:
                        pairs[key] = fresh
                    elif not year:
                        pairs[key] = v + one
                    else:
                        first, last = (v >> width) & none, v & none
                        pairs[key] = ((v >> 2 * width) + 1) << 2 * width \
                            | min(first, year) << width | max(last, year)
        del number
        # The rank's order (joint works, most first; then the two names; then the two paths) as one
        # number per pair, from the names' places in their sorted order.
        names = sorted({name_of.get(p, "") for p in paths})
        name_rank = {name: r for r, name in enumerate(names)}
        nrank = [name_rank[name_of.get(p, "")] for p in paths]
        del names, name_rank
        top = max((v >> 2 * width for v in pairs.values()), default=0) + 1
        nn, names_n = n * n, max(nrank, default=0) + 1
        order = sorted((((top - (v >> 2 * width)) * names_n + nrank[k // n]) * names_n
                        + nrank[k % n]) * nn + k for k, v in pairs.items())
        del nrank
        for rank, key in enumerate(order, start=1):
            k = key % nn
            a, b = divmod(k, n)
            v = pairs[k]
            pa, pb = paths[a], paths[b]
            s = self.iri(f"derived/collaboration/{pa.split('/', 1)[1]}--{pb.split('/', 1)[1]}")
            yield self._t(s, RDF.type, KG.Collaboration, g)
            yield self._t(s, KG.collaborator, self.iri(pa), g)
            yield self._t(s, KG.collaborator, self.iri(pb), g)
            yield self._t(s, KG.jointWorks, integer(v >> 2 * width), g)
            yield self._t(s, KG.rank, integer(rank), g)
            first = (v >> width) & none
            if first != none:
                yield self._t(s, KG.firstYear, integer(first + low - 1), g)
                yield self._t(s, KG.lastYear, integer((v & none) + low - 1), g)

    def _person_counts(self, res: Resolution, name_of: dict[str, str]) -> Iterator[Quad]:
        """Each person's number of works, and the rank that orders people by it (most first, then
        by name)."""
        g = self.derived
        person_works: Counter[str] = Counter()
        for w in res.works:
            person_works.update({a.person for a in w.authors})
        for p, n in sorted(person_works.items()):
            yield self._t(self.iri(p), KG.workCount, integer(n), g)
        by_works = sorted(person_works, key=lambda p: (-person_works[p], name_of.get(p, ""), p))
        for n, p in enumerate(by_works, start=1):
            yield self._t(self.iri(p), KG.personRank, integer(n), g)

    def _series_counts(self, res: Resolution) -> Iterator[Quad]:
        """Each venue series' number of works."""
        edition_series = {e.path: e.series for e in res.editions}
        series_works: dict[str, set[str]] = defaultdict(set)
        for w in res.works:
            for v in w.versions:
                if v.edition:
                    series_works[edition_series.get(v.edition, v.edition)].add(w.path)
        for s_path, works in sorted(series_works.items()):
            yield self._t(self.iri(s_path), KG.workCount, integer(len(works)), self.derived)

    def _report_ranks(self, res: Resolution, person_names: dict[str, str]) -> Iterator[Quad]:
        """The ranks that page the two whole-graph reports: disagreements (the ones that matter
        first, then the minor ones; each by the name of the entity, then the field) and preprints
        whose work was also published (by the preprint's date, then the work's title)."""
        g = self.derived
        about = {d.entity for d in res.disagreements}
        title_of = {e.path: e.title for w in res.works for e in (w, *w.versions)
                    if e.path in about}

        def name(path: str) -> str:
            return title_of.get(path) or person_names.get(path, "")

        ordered = sorted(zip(res.disagreements, self._disagreement_iris(res)),
                         key=lambda d: (d[0].minor, name(d[0].entity), d[0].field, d[1].value))
        for n, (_, s) in enumerate(ordered, start=1):
            yield self._t(s, KG.disagreementRank, integer(n), g)
        preprints = [(v.date.sort_key(), w.title, v.path) for w in res.works
                     if any(v.kind != Kind.PREPRINT for v in w.versions)
                     for v in w.versions if v.kind == Kind.PREPRINT and v.date]
        for n, (_, _, path) in enumerate(sorted(preprints), start=1):
            yield self._t(self.iri(path), KG.preprintRank, integer(n), g)

    def _source_ranks(self, res: Resolution) -> Iterator[Quad]:
        """How many source documents list each work, and the ranks that page the listings by sources:
        works by sources (most first, then by title), and the records of works a single source lists
        (by source, then line)."""
        g = self.derived
        counts = [len({res.records[uid].source for uid in w.records}) for w in res.works]
        by_sources = sorted(range(len(res.works)),
                            key=lambda i: (-counts[i], res.works[i].title, res.works[i].path))
        for n, i in enumerate(by_sources, start=1):
            s = self.iri(res.works[i].path)
            yield self._t(s, KG.sourceCount, integer(counts[i]), g)
            yield self._t(s, KG.sourceRank, integer(n), g)
        del by_sources
        single = sorted((res.records[uid] for w, count in zip(res.works, counts) if count == 1
                         for uid in w.records),
                        key=lambda r: (r.source, r.line or 0, r.uid))
        for n, rec in enumerate(single, start=1):
            yield self._t(self.record_iri(rec), KG.singleSourceRank, integer(n), g)
