"""`kg link`: curated links to ORCID and Wikidata (offline), online reconciliation on request, review
of its candidates, and write-back proposals for Wikidata and ORCID."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click
from rich.table import Table

from ..build import resolve_sources
from ..errors import ConfigError
from ..link import load_links
from ..link.client import HttpClient
from ..link.curated import Links, append_links
from ..link.orcid import OrcidApi, manifest_entry, save_works
from ..link.propose import find_person, orcid_bibtex, quickstatements
from ..link.reconcile import STEPS, THRESHOLD, Reconciler
from ..link.review import decide, load_review, merge, review_path, write_review
from ..link.wikidata import Wikidata, item
from ..manifest import load as load_manifest
from ..resolve.model import Resolution
from . import main
from .common import console, out, setting_option, settings

PROPOSALS = ("quickstatements", "orcid-bibtex")


@main.command("link")
@click.option("--online", is_flag=True,
              help="look for new links on Wikidata and ORCID (needs network; off by default)")
@click.option("--only", "steps", multiple=True, type=click.Choice(STEPS),
              help="with --online: only these steps (works, people, venues: Wikidata; orcid: ORCID)")
@click.option("--person", "person_refs", multiple=True, metavar="REF",
              help="only this person (path or name); repeatable")
@click.option("--work", "work_refs", multiple=True, metavar="REF",
              help="only this work (path or title); repeatable")
@click.option("--threshold", type=click.FloatRange(0, 1), default=THRESHOLD, show_default=True,
              help="score at which a single candidate is accepted without review")
@click.option("--refresh", is_flag=True, help="ask the services again instead of using the cache")
@click.option("--add-sources", is_flag=True,
              help="append manifest entries for the ORCID works documents fetched")
@click.option("--review", "show_review", is_flag=True, help="list the candidates waiting for review")
@click.option("--accept", multiple=True, type=int, metavar="N",
              help="accept review candidate N into the curated links; repeatable")
@click.option("--reject", multiple=True, type=int, metavar="N",
              help="reject review candidate N (recorded, never proposed again); repeatable")
@click.option("--reason", default="", help="why, with --reject")
@click.option("--propose", type=click.Choice(PROPOSALS),
              help="write a proposal for Wikidata (QuickStatements) or ORCID (BibTeX import)")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="write the proposal here")
@setting_option("contact")
@setting_option("links")
@setting_option("manifest")
@setting_option("wikidata_sparql")
@setting_option("wikidata_api")
@setting_option("orcid_api")
@setting_option("cache_dir")
def link_cmd(online: bool, steps: tuple[str, ...], person_refs: tuple[str, ...],
             work_refs: tuple[str, ...], threshold: float, refresh: bool, add_sources: bool,
             show_review: bool, accept: tuple[int, ...], reject: tuple[int, ...], reason: str,
             propose: str | None, output: str | None, contact: str | None,
             **setting_values: str | None) -> None:
    """Link people, works and journals to ORCID and Wikidata.

    Without options: check the curated links (data/links.toml) against the graph and list them.
    Every build applies them; nothing here needs the network unless --online is given.
    """
    cfg = settings(contact=contact, **setting_values)
    contact = cfg["contact"]
    links_path = Path(cfg["links"])
    today = date.today().isoformat()
    if accept or reject:
        accepted, rejected = decide(links_path, accept=accept, reject=reject, decided=today,
                                    reason=reason)
        for c in accepted:
            console.print(f"accepted: {c.entity or c.ref} {c.scheme} {c.value} ({c.label})")
        for c in rejected:
            console.print(f"rejected: {c.entity or c.ref} {c.scheme} {c.value} ({c.reason})")
        console.print(f"written to {links_path}")
        return
    if show_review:
        _print_candidates(load_review(review_path(links_path))
                          if review_path(links_path).exists() else [])
        return
    links = load_links(links_path, missing_ok=True)
    res = resolve_sources(load_manifest(cfg["manifest"]), links=links)
    if propose:
        _propose(res, propose, person_refs, output, online=online, cfg=cfg, contact=contact,
                 refresh=refresh)
    elif online:
        _online(res, links, cfg=cfg, contact=contact, refresh=refresh, threshold=threshold,
                steps=steps or STEPS, person_refs=person_refs, work_refs=work_refs,
                add_sources=add_sources, today=today)
    else:
        _print_links(res, links)


def _client(cfg: dict, contact: str, refresh: bool) -> HttpClient:
    if not contact:
        console.print("[yellow]no contact set (--contact or KG_CONTACT): Wikimedia asks clients to "
                      "name one in the User-Agent[/yellow]")
    return HttpClient(contact=contact, cache_dir=cfg["cache_dir"], refresh=refresh)


def _print_links(res: Resolution, links: Links) -> None:
    decisions = res.link_decisions
    table = Table("entity", "scheme", "value", "status", "method", "score", box=None)
    for d in decisions:
        table.add_row(d.entity, d.scheme, d.value, d.status, d.method,
                      "" if d.score is None else f"{d.score:.2f}")
    out.print(table)
    console.print(f"{len(links.accepted)} links, {len(links.rejected)} rejected, "
                  f"{len(links.pending)} candidates waiting for review "
                  f"({links.path}; `kg link --review` lists the candidates)")


def _print_candidates(candidates: list) -> None:
    if not candidates:
        console.print("no candidates waiting for review")
        return
    for c in candidates:
        out.print(f"[bold]{c.n}[/bold]  {c.ref}  {c.scheme} {c.value}  {c.label}  "
                  f"score {c.score if c.score is not None else '?'}  ({c.method})")
        for e in c.evidence:
            out.print(f"      {e}")
    console.print("`kg link --accept N` or `kg link --reject N` decides one")


def _refs(res: Resolution, refs: tuple[str, ...], kind: str) -> list[str] | None:
    if not refs:
        return None
    if kind == "person":
        return [find_person(res, r).path for r in refs]
    from ..text import title_key

    paths = []
    for r in refs:
        hits = [w.path for w in res.works if r == w.path or title_key(r) == title_key(w.title)]
        if not hits:
            raise ConfigError(f"no work {r!r} in the graph (give 'work/<slug>' or its title)")
        paths += hits
    return paths


def _online(res: Resolution, links: Links, *, cfg: dict, contact: str, refresh: bool,
            threshold: float, steps: tuple[str, ...], person_refs: tuple[str, ...],
            work_refs: tuple[str, ...], add_sources: bool, today: str) -> None:
    client = _client(cfg, contact, refresh)
    reconciler = Reconciler(
        res, links=links, threshold=threshold, decided=today,
        wikidata=Wikidata(client, sparql_url=cfg["wikidata_sparql"], api_url=cfg["wikidata_api"]),
        orcid=OrcidApi(client, api_url=cfg["orcid_api"]))
    persons = _refs(res, person_refs, "person")
    works = _refs(res, work_refs, "work")
    if persons is not None and works is None:
        # Asking about some people also asks about their works: those are their evidence.
        mine = {p for path in persons for p in next(x.works for x in res.persons if x.path == path)}
        works = sorted(mine)
    with console.status("asking Wikidata and ORCID"):
        report = reconciler.run(persons=persons, works=works, steps=steps)
    links_path = Path(cfg["links"])
    written = append_links(links_path, report.accepted)
    rpath = review_path(links_path)
    pending = merge(load_review(rpath) if rpath.exists() else [], report.review)
    write_review(rpath, pending)
    table = Table("entity", "scheme", "value", "score", "method", "label", box=None)
    for c in report.accepted:
        table.add_row(c.entity, c.scheme, c.value, f"{c.score:.2f}", c.method, c.label)
    out.print(table)
    console.print(f"{written} links accepted into {links_path}; {len(report.review)} candidates "
                  f"for review in {rpath} (`kg link --review`); {len(report.unmatched)} entities "
                  "without any candidate")
    _store_orcid_works(res, report.orcid_works, links_path=links_path,
                       manifest_path=Path(cfg["manifest"]), add=add_sources)
    console.print(f"{client.network_requests} requests, {client.cache_hits} answered from the "
                  f"cache ({cfg['cache_dir']})")


def _store_orcid_works(res: Resolution, documents: dict, *, links_path: Path, manifest_path: Path,
                       add: bool) -> None:
    if not documents:
        return
    directory = links_path.parent / "orcid"
    manifest = load_manifest(manifest_path)
    known = {s.id for s in manifest.sources}
    owners = {o: p.name for p in res.persons for o in p.identifiers.get("orcid", [])}
    entries = []
    for orcid, response in sorted(documents.items()):
        path = save_works(directory, orcid, response)
        console.print(f"ORCID works of {orcid} written to {path}")
        if f"orcid-{orcid}" in known:
            continue
        rel = os.path.relpath(path.resolve(), manifest_path.parent.resolve())
        entries.append(manifest_entry(orcid=orcid, file=rel, owner=owners.get(orcid, ""),
                                      response=response))
    if not entries:
        return
    if add:
        with manifest_path.open("a", encoding="utf-8") as fh:
            fh.write("".join("\n" + e for e in entries))
        console.print(f"{len(entries)} ORCID sources added to {manifest_path}")
    else:
        console.print(f"to build from them, add to {manifest_path} (or rerun with --add-sources):")
        click.echo("".join("\n" + e for e in entries))


def _propose(res: Resolution, what: str, person_refs: tuple[str, ...], output: str | None, *,
             online: bool, cfg: dict, contact: str, refresh: bool) -> None:
    if len(person_refs) > 1:
        raise ConfigError("--propose takes at most one --person")
    person = person_refs[0] if person_refs else None
    if what == "orcid-bibtex":
        if person is None:
            raise ConfigError("--propose orcid-bibtex needs --person (whose ORCID record)")
        proposal = orcid_bibtex(res, person=person)
    else:
        existing: dict[str, set[str]] | None = None
        if online:
            # Leave out the author statements Wikidata already has.
            client = _client(cfg, contact, refresh)
            wd = Wikidata(client, sparql_url=cfg["wikidata_sparql"], api_url=cfg["wikidata_api"])
            qids = sorted({q for w in res.works for q in w.identifiers.get("wikidata", [])[:1]})
            existing = {}
            for row in wd.select("authors-of-works", work=[item(q) for q in qids]):
                work_qid = row["work"].rsplit("/", 1)[-1]
                if row.get("author"):
                    existing.setdefault(work_qid, set()).add(row["author"].rsplit("/", 1)[-1])
        proposal = quickstatements(res, person=person, existing=existing)
    for path, why in proposal.skipped:
        console.print(f"[yellow]left out {path}: {why}[/yellow]")
    if output:
        Path(output).write_text(proposal.text, encoding="utf-8")
        console.print(f"{len(proposal.included)} works written to {output}")
    else:
        click.echo(proposal.text, nl=False)
    console.print("review it, then submit it yourself (QuickStatements: "
                  "https://quickstatements.toolforge.org/; ORCID: Works > Add > Import BibTeX)")
