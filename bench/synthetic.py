"""Synthetic DBLP-like publication sets written as BibTeX, with the ground truth of works and people.

python bench/synthetic.py --records 100000 --out DIR --seed 1
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

# --- Name material: common names give natural homonyms ('Wei Wang'), generated family names the long
# tail of unique ones; accented names exercise LaTeX and ASCII spellings.
GIVEN = [
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Paul", "Andrew", "Joshua",
    "Kevin", "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey", "Ryan", "Jacob",
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Nancy", "Lisa", "Margaret", "Sandra", "Ashley", "Emily", "Michelle", "Amanda",
    "Melissa", "Laura", "Rebecca", "Anna", "Julia", "Sophie", "Clara", "Lena", "Eva", "Nora",
    "Wei", "Jing", "Min", "Yan", "Lei", "Jun", "Hui", "Xin", "Yu", "Ying", "Li", "Yang", "Hao",
    "Tao", "Bo", "Fei", "Lin", "Ming", "Qiang", "Xiaoming", "Hiroshi", "Takashi", "Yuki", "Kenji",
    "Haruto", "Sakura", "Ji-hoon", "Min-jun", "Seo-yeon", "Arjun", "Priya", "Rahul", "Ananya",
    "Vikram", "Deepak", "Ahmed", "Fatima", "Omar", "Layla", "Hassan", "Mehmet", "Ayşe", "Olga",
    "Ivan", "Dmitri", "Natasha", "Sergei", "Pavel", "Jan", "Piotr", "Łukasz", "Søren", "Jürgen",
    "Jörg", "Björn", "Zoë", "Chloé", "José", "María", "Ángel", "Léa", "Hélène", "François",
    "Jean-Pierre", "Marie-Claire", "Ramón", "Joaquín", "Inês", "João", "Tomáš", "Jiří",
    "Noémi", "Zoltán", "Gérard", "Renée", "Maël", "Çağla", "Ege", "Niklas", "Lukas", "Felix",
    "Jonas", "Emma", "Mia", "Hannah", "Lucas", "Mateo", "Sofía", "Valentina", "Giulia",
    "Francesco", "Luca", "Chiara", "Matteo"
]
COMMON_FAMILY = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "Lin", "He", "Gao", "Luo", "Kim", "Lee", "Park", "Choi", "Jung", "Kang",
    "Cho", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Nakamura", "Kobayashi",
    "Kumar", "Singh", "Sharma", "Gupta", "Patel", "Shah", "Khan", "Ali", "Smith", "Johnson",
    "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas",
    "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
    "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "García", "Fernández",
    "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Díaz", "Rossi",
    "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Dubois", "Lefèvre", "Moreau", "Laurent",
    "Simon", "Michel", "Nowak", "Kowalski", "Wiśniewski", "Novák", "Svoboda", "Dvořák", "Ivanov",
    "Petrov", "Smirnov", "Kuznetsov", "Popov", "Yılmaz", "Kaya", "Demir", "Şahin", "Andersson",
    "Johansson", "Nielsen", "Jensen", "Hansen", "Østergaard", "Ångström", "Nguyen", "Tran", "Le",
    "Pham"
]
# Zipf-like: the first names of the list are the most frequent.
COMMON_CUM = list(itertools.accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(COMMON_FAMILY))))
PARTICLES = ["van", "van der", "de", "von", "da", "di", "del"]
SYLLABLES = [
    "ka", "ri", "to", "mo", "la", "ne", "su", "va", "de", "ro", "ba", "mi", "lo", "ta", "ke", "ni",
    "sa", "po", "ga", "lu", "fe", "ra", "co", "di", "me", "na", "bo", "ti", "re", "jo", "ha", "vi",
    "ze", "ku", "da", "le", "ma", "si", "tu", "gri", "bel", "stan", "dor", "mar", "ven", "kor",
    "lin", "tal", "bren", "sor", "wen", "hal", "mund", "berg"
]
NICKNAMES = {"William": "Bill", "Robert": "Bob", "Christopher": "Chris", "Daniel": "Dan",
             "Michael": "Mike", "Elizabeth": "Liz", "Joseph": "Joe", "Matthew": "Matt",
             "Anthony": "Tony", "Dmitri": "Dima", "Alexander": "Alex", "Katherine": "Kathy"}
LATEX = {"ä": '{\\"a}', "ö": '{\\"o}', "ü": '{\\"u}', "ë": '{\\"e}', "ï": '{\\"i}', "Ä": '{\\"A}',
         "Ö": '{\\"O}', "Ü": '{\\"U}', "é": "{\\'e}", "á": "{\\'a}", "í": "{\\'i}", "ó": "{\\'o}",
         "ú": "{\\'u}", "É": "{\\'E}", "Á": "{\\'A}", "è": "{\\`e}", "à": "{\\`a}", "ê": "{\\^e}",
         "â": "{\\^a}", "ñ": "{\\~n}", "ç": "{\\c c}", "ş": "{\\c s}", "Ş": "{\\c S}", "ğ": "{\\u g}",
         "ı": "{\\i}", "ø": "{\\o}", "Ø": "{\\O}", "å": "{\\aa}", "Å": "{\\AA}", "ł": "{\\l}",
         "Ł": "{\\L}", "ś": "{\\'s}", "ř": "{\\v r}", "š": "{\\v s}", "č": "{\\v c}", "ž": "{\\v z}",
         "Š": "{\\v S}", "Č": "{\\v C}", "ß": "{\\ss}", "ã": "{\\~a}", "õ": "{\\~o}", "ô": "{\\^o}"}
ASCII = {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "ß": "ss", "å": "a", "Å": "A"}

# --- Title material: a topic per community, a made-up method name per title for uniqueness.
TASKS = [
    "Machine Translation", "Question Answering", "Image Classification", "Object Detection",
    "Graph Matching", "Link Prediction", "Entity Resolution", "Program Synthesis",
    "Speech Recognition", "Code Search", "Dependency Parsing", "Semantic Segmentation",
    "Recommendation", "Anomaly Detection", "Summarization", "Query Optimization", "Model Checking",
    "Theorem Proving", "Motion Planning", "Protein Folding", "Federated Learning",
    "Continual Learning", "Sparse Training", "Network Pruning", "Knowledge Distillation",
    "Schema Matching", "Record Linkage", "Type Inference", "Garbage Collection",
    "Cache Replacement"
]
ADJECTIVES = [
    "Efficient", "Robust", "Scalable", "Interpretable", "Adaptive", "Provable", "Fast",
    "Lightweight", "Unsupervised", "Self-Supervised", "Differentiable", "Probabilistic",
    "Incremental", "Distributed", "Private", "Fair", "Sparse", "Hierarchical", "Contrastive",
    "Causal", "Neural", "Symbolic", "Bayesian", "Online", "Optimal"
]
DOMAINS = [
    "Low-Resource Languages", "Medical Images", "Knowledge Graphs", "Edge Devices",
    "Scientific Text", "Social Networks", "Autonomous Driving", "Legal Documents", "Source Code",
    "Satellite Imagery", "Time Series", "Relational Databases", "Clinical Notes", "Mobile Apps",
    "Smart Contracts"
]
TEMPLATES = ("{M}: {A} {T} for {D}", "{A} {T} with {M}", "Towards {A} {T}", "{M}: {A} {T}",
             "On the Limits of {A} {T}", "{T} for {D} via {M}", "Revisiting {T}: {A} Methods for {D}",
             "{M}: Learning {T} from {D}", "A Study of {A} {T} in {D}", "{A} {T} Made Simple")
ORDINALS = {1: "st", 2: "nd", 3: "rd"}

AUTHOR_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 14]
AUTHOR_WEIGHTS = list(itertools.accumulate([8, 20, 25, 19, 12, 7, 4, 2, 2, 1]))


@dataclass(frozen=True)
class Config:
    """What to generate. Shares are of works (preprints) or of persons (homonyms)."""

    records: int
    seed: int = 1
    preprint_and_published: float = 0.30  # works with an arXiv version beside the published one
    preprint_only: float = 0.08
    homonyms: float = 0.03  # persons given the exact name of another, unrelated person
    first_year: int = 1990
    last_year: int = 2024
    per_file: int = 0  # records per .bib file; 0 writes one file


@dataclass(slots=True)  # hundreds of thousands of them at a million records
class Person:
    id: str
    given: str  # may be hyphenated; a middle initial is kept apart
    middle: str
    particle: str
    family: str
    community: int
    homonym_of: str | None = None  # the person whose name this one was given


@dataclass(slots=True)
class Series:
    id: str
    kind: str  # conference / workshop / journal
    acronym: str
    name: str
    start: int
    publisher: str
    doi_share: float
    doi_prefix: str
    host: str | None = None  # the conference a workshop is co-located with


@dataclass
class Summary:
    config: dict[str, Any]
    records: int = 0
    works: int = 0
    works_with_versions: int = 0
    persons: int = 0
    persons_appearing: int = 0
    homonym_persons: int = 0
    author_occurrences: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else ORDINALS.get(n % 10, "th")
    return f"{n}{suffix}"


def ascii_fold(text: str) -> str:
    if text.isascii():
        return text
    text = "".join(ASCII.get(c, c) for c in text)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_TO_LATEX = str.maketrans({**LATEX, **{c: "\\" + c for c in "&%$#_"}})


def to_latex(text: str) -> str:
    """Unicode letters as BibTeX accent commands ('Müller' -> 'M{\\"u}ller'); the rest escaped."""
    text = text.translate(_TO_LATEX)
    return text if text.isascii() else ascii_fold(text)


class Generator:
    """Builds the population (people, communities, venues) up front, then streams records."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        works = max(1, int(config.records / (1 + config.preprint_and_published)))
        # More people than works: with the power law of productivity, half write one or two papers.
        self._people(max(20, int(works * 1.2)))
        self._venues()
        self.arxiv_numbers: dict[tuple[int, int], int] = {}
        years = range(config.first_year, config.last_year + 1)
        # Output grows about 7% a year, as publication counts in computing have.
        self.years = list(years)
        self.year_weights = list(itertools.accumulate(1.07 ** (y - config.first_year) for y in years))
        # arXiv versions exist only from 2007 on (when computer science took to arXiv): raise the
        # chance among those years so that the shares hold over all works.
        growth = [1.07 ** (y - config.first_year) for y in years]
        eligible = sum(g for y, g in zip(years, growth) if y >= 2007) / sum(growth)
        scale = 1 / max(eligible, 1e-9)
        self.p_preprint_only = min(0.5, config.preprint_only * scale)
        self.p_both = min(0.9 - self.p_preprint_only, config.preprint_and_published * scale)

    # --- population -------------------------------------------------------------------------
    def _family(self) -> str:
        rng = self.rng
        if rng.random() < 0.2:
            return rng.choices(COMMON_FAMILY, cum_weights=COMMON_CUM)[0]
        return "".join(rng.choices(SYLLABLES, k=2 if rng.random() < 0.67 else 3)).capitalize()

    def _people(self, n: int) -> None:
        rng = self.rng
        sizes: list[int] = []
        total = 0
        while total < n:
            sizes.append(max(3, int(rng.lognormvariate(3.6, 0.8))))  # median ~36 people
            total += sizes[-1]
        self.communities: list[list[int]] = []
        self.people: list[Person] = []
        weights: list[float] = []
        for c, size in enumerate(sizes):
            members = []
            for _ in range(size):
                pid = len(self.people)
                family = self._family()
                particle = rng.choice(PARTICLES) if rng.random() < 0.03 else ""
                middle = chr(rng.randrange(65, 91)) if rng.random() < 0.25 else ""
                self.people.append(Person(f"p{pid}", rng.choice(GIVEN), middle, particle, family, c))
                # Papers per author follow a power law: most write one or two, a few hundreds.
                weights.append(min(rng.paretovariate(1.0), 300.0))
                members.append(pid)
            self.communities.append(members)
        for person in self.people:
            if rng.random() < self.config.homonyms and len(self.communities) > 1:
                other = self.people[rng.randrange(len(self.people))]
                if other.community != person.community and other.homonym_of is None:
                    person.given, person.family, person.particle = other.given, other.family, other.particle
                    person.homonym_of = other.id
        self.cum_all = list(itertools.accumulate(weights))
        self.cum_by_community = [list(itertools.accumulate(weights[p] for p in members))
                                 for members in self.communities]
        self.community_cum = list(itertools.accumulate(
            sum(weights[p] for p in members) for members in self.communities))

    def _acronym(self, taken: set[str]) -> str:
        rng = self.rng
        while True:
            acronym = "".join(chr(rng.randrange(65, 91)) for _ in range(rng.choice((3, 4, 4, 5))))
            if acronym not in taken:
                taken.add(acronym)
                return acronym

    def _venues(self) -> None:
        rng = self.rng
        taken: set[str] = set()
        n_conf = max(4, len(self.communities) // 3)
        publishers = [("ACM", "10.1145"), ("IEEE", "10.1109"), ("Springer", "10.1007"),
                      ("Association for Computational Linguistics", "10.18653"), ("PMLR", "10.5555"),
                      ("Elsevier", "10.1016"), ("AAAI Press", "10.1609")]
        conferences, workshops, journals = [], [], []
        for i in range(n_conf):
            publisher, prefix = rng.choice(publishers)
            conferences.append(Series(f"c{i}", "conference", self._acronym(taken),
                                      f"International Conference on {TASKS[i % len(TASKS)]}",
                                      rng.randint(1980, 2012), publisher, 0.85, prefix))
        for i in range(max(4, len(self.communities) // 2)):
            host = rng.choice(conferences)
            workshops.append(Series(f"w{i}", "workshop", self._acronym(taken),
                                    f"Workshop on {rng.choice(ADJECTIVES)} {rng.choice(TASKS)}",
                                    max(host.start, rng.randint(1995, 2018)), host.publisher, 0.4,
                                    host.doi_prefix, host=host.acronym))
        for i in range(max(3, len(self.communities) // 5)):
            publisher, prefix = rng.choice(publishers)
            journals.append(Series(f"j{i}", "journal", self._acronym(taken),
                                   f"Journal of {rng.choice(ADJECTIVES)} {rng.choice(TASKS)}",
                                   rng.randint(1975, 2010), publisher, 0.97, prefix))
        # Each community publishes in two conferences, one or two journals and workshops; about half
        # of its papers go to conferences, a third to journals, the rest to workshops (as in DBLP).
        self.community_venues: list[tuple[list[Series], list[float]]] = []
        for _ in self.communities:
            picks = rng.sample(conferences, 2) + rng.sample(journals, 2) + rng.sample(workshops, 2)
            weights = [0.3, 0.2, 0.2, 0.12, 0.1, 0.08]
            self.community_venues.append((picks, list(itertools.accumulate(weights))))

    # --- one work ----------------------------------------------------------------------------
    def _authors(self) -> tuple[int, list[int]]:
        rng = self.rng
        c = bisect.bisect(self.community_cum, rng.random() * self.community_cum[-1])
        c = min(c, len(self.communities) - 1)
        count = rng.choices(AUTHOR_COUNTS, cum_weights=AUTHOR_WEIGHTS)[0]
        members, cum = self.communities[c], self.cum_by_community[c]
        chosen: list[int] = []
        for _ in range(count * 3):
            if len(chosen) == count:
                break
            if rng.random() < 0.85:
                p = members[min(bisect.bisect(cum, rng.random() * cum[-1]), len(members) - 1)]
            else:
                p = min(bisect.bisect(self.cum_all, rng.random() * self.cum_all[-1]),
                        len(self.people) - 1)
            if p not in chosen:
                chosen.append(p)
        return c, chosen

    def _title(self, community: int) -> str:
        rng = self.rng
        method = "".join(rng.choices(SYLLABLES, k=2)).capitalize()
        if rng.random() < 0.5:
            method = method + rng.choice(("Net", "GAN", "BERT", "Flow", "Former", "-2", "++", "X"))
        template = rng.choice(TEMPLATES)
        return template.format(M=method, A=rng.choice(ADJECTIVES), D=rng.choice(DOMAINS),
                               T=TASKS[(community + rng.randrange(3)) % len(TASKS)])

    def _name(self, person: Person, style: str) -> str:
        """One printed form of a person in a BibTeX author list."""
        rng = self.rng
        given, middle = person.given, person.middle
        if given in NICKNAMES and rng.random() < 0.15:
            given = NICKNAMES[given]
        if middle and rng.random() < 0.3:
            middle = ""  # the middle initial is often left out
        if style == "initials":
            given = "-".join(g[0] + "." for g in given.split("-"))
        full_given = f"{given} {middle}." if middle else given
        family = f"{person.particle} {person.family}" if person.particle else person.family
        accents = rng.random()
        if accents < 0.25:
            full_given, family = ascii_fold(full_given), ascii_fold(family)
        elif accents < 0.6:
            full_given, family = to_latex(full_given), to_latex(family)
        if style == "inverted":
            return f"{family}, {full_given}"
        return f"{full_given} {family}"

    def _title_variant(self, title: str, mode: str) -> str:
        """The same title cased another way: sentence case, every word capitalized, or braced whole."""
        words = title.split(" ")
        if mode == "sentence":
            # Acronyms and the first word of a subtitle keep their capitals.
            return " ".join(w if i == 0 or words[i - 1].endswith(":") or w.isupper() else w.lower()
                            for i, w in enumerate(words))
        if mode == "every-word":
            return " ".join(w[:1].upper() + w[1:] for w in words)
        if mode == "protected":
            return "{" + title + "}"
        return title

    def _year(self) -> int:
        i = bisect.bisect(self.year_weights, self.rng.random() * self.year_weights[-1])
        return self.years[min(i, len(self.years) - 1)]

    def _arxiv(self, year: int) -> str:
        month = self.rng.randint(1, 12)
        n = self.arxiv_numbers.get((year, month), 0) + 1
        self.arxiv_numbers[(year, month)] = n
        return f"{year % 100:02d}{month:02d}.{n:05d}"

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(BibTeX entry, truth line) pairs, exactly ``config.records`` of them."""
        rng, cfg = self.rng, self.config
        emitted = 0
        for w in itertools.count():
            if emitted >= cfg.records:
                return
            community, authors = self._authors()
            title = self._title(community)
            year = self._year()
            roll = rng.random()
            versions = ["published"]
            if year >= 2007 and roll < self.p_both + self.p_preprint_only:
                versions = ["preprint"] if roll < self.p_preprint_only else ["preprint", "published"]
            versions = versions[: cfg.records - emitted]
            # The preprint comes out in the year of publication or the year before.
            preprint_year = max(2007, year - (rng.random() < 0.4))
            eprint = self._arxiv(preprint_year) if "preprint" in versions else None
            published_mode = rng.choice(("title", "title", "sentence", "protected", "every-word"))
            for version in versions:
                entry_authors = list(authors)
                if version == "published":
                    mode = published_mode
                    if len(versions) == 2 and rng.random() < 0.05:
                        # A published version sometimes gains an author.
                        extra = rng.randrange(len(self.people))
                        if extra not in entry_authors:
                            entry_authors.append(extra)
                else:
                    mode = rng.choice(("title", "sentence"))
                key, kind, entry = self._entry(
                    emitted, version, community, entry_authors, self._title_variant(title, mode),
                    preprint_year if version == "preprint" else year, eprint)
                yield entry, {"key": key, "work": f"w{w}", "kind": kind,
                              "persons": [self.people[p].id for p in entry_authors]}
                emitted += 1

    def _entry(self, n: int, version: str, community: int, authors: Sequence[int], title: str,
               year: int, eprint: str | None) -> tuple[str, str, str]:
        """Key, kind and BibTeX text of one record."""
        rng = self.rng
        style = rng.choices(("plain", "initials", "inverted"), weights=(55, 15, 30))[0]
        names = " and ".join(self._name(self.people[p], style) for p in authors)
        first = ascii_fold(self.people[authors[0]].family).replace(" ", "")
        fields: list[tuple[str, str]] = [("author", names), ("title", to_latex(title))]
        if version == "preprint":
            assert eprint is not None
            key = f"DBLP:journals/corr/abs-{eprint.replace('.', '-')}"
            if rng.random() < 0.5:
                kind = "article"
                fields += [("journal", "CoRR"), ("volume", f"abs/{eprint}"), ("year", str(year)),
                           ("eprint", eprint), ("eprinttype", "arXiv")]
            else:
                kind = "misc"
                fields += [("year", str(year)), ("eprint", eprint), ("archiveprefix", "arXiv"),
                           ("primaryclass", rng.choice(("cs.LG", "cs.CL", "cs.CV", "cs.DB", "cs.AI")))]
            return key, "preprint", self._format(kind, key, fields)
        venues, cum = self.community_venues[community]
        for _ in range(3):  # rather a venue that existed that year
            series = venues[min(bisect.bisect(cum, rng.random() * cum[-1]), len(venues) - 1)]
            if series.start <= year:
                break
        edition_year = max(year, series.start)
        pages = rng.randint(1, 900)
        length = rng.randint(4, 16)
        if series.kind == "journal":
            kind, path = "article", f"journals/{series.acronym.lower()}"
            fields += [("journal", series.name), ("volume", str(edition_year - series.start + 1)),
                       ("number", str(rng.randint(1, 12)))]
        else:
            kind, path = "inproceedings", f"conf/{series.acronym.lower()}"
            edition = _ordinal(edition_year - series.start + 1)
            booktitle = f"Proceedings of the {edition} {series.name} ({series.acronym} {edition_year})"
            if series.host and rng.random() < 0.5:
                booktitle += f", co-located with {series.host} {edition_year}"
            fields.append(("booktitle", booktitle))
        fields += [("pages", f"{pages}--{pages + length}"), ("year", str(edition_year)),
                   ("publisher", to_latex(series.publisher))]
        if rng.random() < series.doi_share:
            fields.append(("doi", f"{series.doi_prefix}/{series.acronym.lower()}.{edition_year}.{n}"))
        if eprint and rng.random() < 0.25:
            fields += [("eprint", eprint), ("archiveprefix", "arXiv")]
        # DBLP-style keys; the ordinal keeps them unique without remembering every key.
        key = f"DBLP:{path}/{first}{edition_year % 100:02d}-{n}"
        return key, series.kind, self._format(kind, key, fields)

    @staticmethod
    def _format(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
        body = ",\n".join(f"  {name:<9} = {{{value}}}" for name, value in fields)
        return f"@{kind}{{{key},\n{body}\n}}\n"


def generate(config: Config, out: str | Path) -> Summary:
    """Write ``synthetic*.bib``, ``synthetic.truth.jsonl`` and ``synthetic.summary.json`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    gen = Generator(config)
    summary = Summary(config=asdict(config), persons=len(gen.people),
                      homonym_persons=sum(1 for p in gen.people if p.homonym_of))
    # Counted as they stream past: a work's versions come one after the other.
    appearing = bytearray(len(gen.people))
    last_work = None
    bib: IO[str] | None = None
    with open(out / "synthetic.truth.jsonl", "w", encoding="utf-8") as truth:
        try:
            for i, (entry, line) in enumerate(gen.records()):
                if bib is None or (config.per_file and i % config.per_file == 0):
                    if bib is not None:
                        bib.close()
                    name = (f"synthetic-{i // config.per_file + 1:04d}.bib" if config.per_file
                            else "synthetic.bib")
                    summary.files.append(name)
                    bib = open(out / name, "w", encoding="utf-8")  # noqa: SIM115 - rotated by hand
                bib.write(entry)
                bib.write("\n")
                truth.write(json.dumps(line, ensure_ascii=False) + "\n")
                if line["work"] == last_work:
                    summary.works_with_versions += 1
                else:
                    summary.works += 1
                    last_work = line["work"]
                for person in line["persons"]:
                    appearing[int(person[1:])] = 1
                summary.author_occurrences += len(line["persons"])
                summary.kinds[line["kind"]] = summary.kinds.get(line["kind"], 0) + 1
                summary.records += 1
        finally:
            if bib is not None:
                bib.close()
    summary.persons_appearing = sum(appearing)
    summary.seconds = round(time.perf_counter() - start, 3)
    (out / "synthetic.summary.json").write_text(json.dumps(asdict(summary), indent=2) + "\n",
                                                encoding="utf-8")
    return summary


@dataclass(frozen=True)
class Truth:
    """The generator's truth: record key -> work, (record key, author position) -> person."""

    work_of: dict[str, str]
    person_of: dict[tuple[str, int], str]


def load_truth(path: str | Path) -> Truth:
    work_of: dict[str, str] = {}
    person_of: dict[tuple[str, int], str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            work_of[row["key"]] = row["work"]
            for i, person in enumerate(row["persons"]):
                person_of[(row["key"], i)] = person
    return Truth(work_of, person_of)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, required=True, help="how many records to write")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-file", type=int, default=0,
                        help="records per .bib file (default: all in one file)")
    args = parser.parse_args(argv)
    summary = generate(Config(records=args.records, seed=args.seed, per_file=args.per_file), args.out)
    rate = summary.records / summary.seconds if summary.seconds else float("inf")
    print(f"{summary.records} records ({summary.works} works, {summary.works_with_versions} with a "
          f"preprint and a published version), {summary.persons_appearing} people "
          f"({summary.homonym_persons} homonyms), {summary.author_occurrences} author occurrences "
          f"in {summary.seconds:.1f} s ({rate:.0f} records/s) -> {args.out}")


if __name__ == "__main__":
    main()
