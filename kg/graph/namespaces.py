"""Vocabularies in one place: closed namespaces (a misspelt term fails at import time, not in the data),
and one prefix table that feeds Turtle output, the JSON-LD context, SPARQL prefixes and the web app."""

from __future__ import annotations

from pyoxigraph import NamedNode


class ClosedNamespace:
    """A namespace that only knows the terms it was given; ``NS.term`` gives a pyoxigraph NamedNode."""

    def __init__(self, prefix: str, iri: str, terms: str) -> None:
        self._prefix = prefix
        self._iri = iri
        self._terms = {t: NamedNode(iri + t) for t in terms.split()}
        # Plain attributes, so that a term is an ordinary lookup (the mapping reads millions of them);
        # __getattr__ only runs for a name that is not a term.
        self.__dict__.update(self._terms)

    def __getattr__(self, name: str) -> NamedNode:
        try:
            return self._terms[name]
        except KeyError:
            raise AttributeError(f"{self._prefix}:{name} is not a term this project uses") from None

    def __getitem__(self, name: str) -> NamedNode:
        return self.__getattr__(name)

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and iri.startswith(self._iri) and iri[len(self._iri):] in self._terms

    @property
    def iri(self) -> str:
        return self._iri

    @property
    def prefix(self) -> str:
        return self._prefix

    def terms(self) -> dict[str, NamedNode]:
        return dict(self._terms)


KG_NS = "https://w3id.org/kg/ns#"

RDF = ClosedNamespace("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type")
RDFS = ClosedNamespace("rdfs", "http://www.w3.org/2000/01/rdf-schema#", "label comment")
XSD = ClosedNamespace("xsd", "http://www.w3.org/2001/XMLSchema#",
                      "string integer boolean date gYear gYearMonth dateTime decimal double")
OWL = ClosedNamespace("owl", "http://www.w3.org/2002/07/owl#", "sameAs")
SCHEMA = ClosedNamespace("schema", "http://schema.org/", """
    ScholarlyArticle Person CreativeWorkSeries Periodical PropertyValue Dataset DataDownload
    SoftwareSourceCode
    Organization PublicationVolume
    name alternateName author datePublished workExample exampleOfWork isPartOf hasPart identifier
    propertyID value sameAs givenName familyName honorificSuffix abstract position url volumeNumber pagination
    publisher keywords description dateModified encodingFormat contentUrl distribution
    license creator numberOfItems issn isbn version""")
FABIO = ClosedNamespace("fabio", "http://purl.org/spar/fabio/", """
    Work Expression Preprint ConferencePaper WorkshopPaper JournalArticle Book BookChapter Thesis
    ReportDocument AcademicProceedings ConferenceProceedings WorkshopProceedings JournalVolume
    JournalIssue Series Journal Repository hasArXivId hasPublicationYear
    Dataset DataFile Software ComputerProgram""")
FRBR = ClosedNamespace("frbr", "http://purl.org/vocab/frbr/core#",
                       "realization realizationOf partOf part supplement supplementOf")
PRO = ClosedNamespace("pro", "http://purl.org/spar/pro/",
                      "RoleInTime withRole isHeldBy isDocumentContextFor relatesToDocument author")
PRISM = ClosedNamespace("prism", "http://prismstandard.org/namespaces/basic/2.0/", "doi")
DCTERMS = ClosedNamespace("dcterms", "http://purl.org/dc/terms/",
                          "source created modified title description format identifier")
PROV = ClosedNamespace("prov", "http://www.w3.org/ns/prov#", "Entity wasDerivedFrom generatedAtTime")
VOID = ClosedNamespace("void", "http://rdfs.org/ns/void#", """
    Dataset sparqlEndpoint triples entities dataDump uriSpace vocabulary classPartition propertyPartition
    class property""")
KG = ClosedNamespace("kg", KG_NS, """
    SourceDocument SourceRecord Disagreement StatedValue IdentifierConflict MatchCandidate Collaboration
    statedAs implied authorListComplete heldAt editionNumber
    inSource line endLine rawText format trust captured owner origin recordKey
    aboutEntity field chosenValue statedValue statedBy minor policy
    identifierScheme identifierValue claimedBy ownedBy evidence
    candidate score reason
    collaborator jointWorks firstYear lastYear workCount personCount versionKind
    rank personRank sourceCount sourceRank singleSourceRank disagreementRank preprintRank
    openReviewId arxivSubject titleStatedAs
    LinkDecision linkTarget linkStatus linkMethod""")

NAMESPACES = [RDF, RDFS, XSD, OWL, SCHEMA, FABIO, FRBR, PRO, PRISM, DCTERMS, PROV, VOID, KG]
PREFIXES: dict[str, str] = {ns.prefix: ns.iri for ns in NAMESPACES}


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace, for queries written with prefixed names."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def is_known_term(iri: str) -> bool:
    return any(iri in ns for ns in NAMESPACES)
