"""Commands of the pipeline's first stages: formats, parse, build, report."""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from .. import sources as sources_mod
from ..build import build as run_build
from ..build import resolve_sources
from ..pipeline import read_source
from ..report import render_report
from . import main
from .progress import BuildProgress
from .common import (
    console, curated_links, manifest_for, out, problem, setting_option, settings,
)


@main.command("formats")
def formats_cmd() -> None:
    """List the source formats kg reads."""
    table = Table("format", "aliases", "suffixes", "description", box=None)
    for fmt in sources_mod.formats().values():
        table.add_row(fmt.name, ", ".join(fmt.aliases), ", ".join(fmt.suffixes), fmt.description)
    out.print(table)


@main.command("parse")
@click.argument("sources", nargs=-1)
@click.option("--format", "fmt", default=None, help="read every file in this format (no detection)")
@click.option("--jsonl", is_flag=True, help="write one JSON record per line to stdout")
@click.option("--strict", is_flag=True, help="any problem is an error (exit code 1)")
@setting_option("manifest")
def parse_cmd(sources: tuple[str, ...], fmt: str | None, jsonl: bool, strict: bool,
              manifest: str | None) -> None:
    """Read SOURCES (files or a manifest; default: the manifest) and summarize what they hold."""
    man = manifest_for(sources, fmt=fmt, manifest_path=manifest)
    table = Table("source", "format", "records", "set aside", "warnings", box=None)
    problems = 0
    for spec in man.sources:
        got = read_source(spec, strict=strict)
        info = got.info
        if jsonl:
            for r in got.records:
                sys.stdout.write(r.model_dump_json(exclude_defaults=True) + "\n")
        for line in info.issues:
            problem(line)
        problems += len(info.issues)
        table.add_row(spec.id, info.format, str(info.records), str(info.set_aside),
                      str(len(info.issues) - info.set_aside))
    if not jsonl:
        out.print(table)


@main.command("build")
@click.argument("sources", nargs=-1)
@click.option("--format", "fmt", default=None, help="read every source file in this format")
@click.option("--strict", is_flag=True, help="any problem in a source is an error (exit code 1)")
@setting_option("store")
@setting_option("base")
@setting_option("manifest")
@setting_option("read_workers")
def build_cmd(sources: tuple[str, ...], fmt: str | None, strict: bool, store: str | None,
              base: str | None, manifest: str | None, read_workers: int | None) -> None:
    """Read, resolve and load SOURCES (default: the manifest) into the store, replacing it atomically."""
    cfg = settings(store=store, base=base, manifest=manifest, read_workers=read_workers)
    man = manifest_for(sources, fmt=fmt, manifest_path=cfg["manifest"])
    with BuildProgress(console) as bars:
        result = run_build(man, store=cfg["store"], base=cfg["base"], strict=strict,
                           links=curated_links(cfg), progress=bars.report,
                           workers=cfg["read_workers"])
    for src in result.resolution.sources.values():
        for line in src.issues:
            problem(line)
    table = Table("", "", box=None)
    for key, value in result.summary().items():
        table.add_row(key.replace("_", " "), str(value))
    out.print(table)


@main.command("report")
@click.argument("sources", nargs=-1)
@click.option("--format", "fmt", default=None, help="read every source file in this format")
@click.option("--json", "as_json", is_flag=True, help="the report as JSON")
@setting_option("manifest")
def report_cmd(sources: tuple[str, ...], fmt: str | None, as_json: bool, manifest: str | None) -> None:
    """The data-quality report: counts in and out, conflicts, candidates, disagreements, unmatched."""
    cfg = settings(manifest=manifest)
    man = manifest_for(sources, fmt=fmt, manifest_path=cfg["manifest"])
    res = resolve_sources(man, links=curated_links(cfg))
    text = render_report(res, as_json=as_json)
    click.echo(text)
