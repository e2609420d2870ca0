"""`kg query`: run a named query (or a query file) against the store, or list the named queries."""

from __future__ import annotations

import click
from rich.table import Table

from .. import queries as queries_mod
from ..graph.store import build_meta, open_store
from . import main
from .common import out, setting_option, settings


def _params(values: tuple[str, ...]) -> dict[str, str | list[str]]:
    """``name=value`` pairs; a name given more than once collects a list."""
    params: dict[str, str | list[str]] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"write --param NAME=VALUE, not {item!r}", param_hint="--param")
        name = name.strip()
        if name in params:
            before = params[name]
            params[name] = [*before, value] if isinstance(before, list) else [before, value]
        else:
            params[name] = value
    return params


def _list_queries() -> None:
    for q in queries_mod.catalog().values():
        out.print(f"[bold]{q.name}[/bold]  {q.title}")
        out.print(f"  {q.description}", markup=False)
        if q.counting:
            out.print(f"  counting: {q.counting}", markup=False)
        if q.paging:
            out.print(f"  paging: {q.paging}", markup=False)
        if q.params:
            table = Table("", "", "", "", box=None, show_header=False, padding=(0, 1))
            for p in q.params:
                need = "required" if p.required else (
                    f"default {p.default}" if p.default is not None else "optional")
                table.add_row(f"  --param {p.name}=", p.type, need, p.description)
            out.print(table)
        out.print()


@main.command("query")
@click.argument("name", required=False)
@click.option("--param", "-p", "param_values", multiple=True, metavar="NAME=VALUE",
              help="a parameter of the query; repeat it for each parameter (and for each person "
                   "of a list)")
@click.option("--format", "fmt", type=click.Choice(list(queries_mod.FORMATS)), default="table",
              show_default=True, help="output format")
@click.option("--list", "list_", is_flag=True, help="list the named queries with their parameters")
@setting_option("store")
@setting_option("base")
def query_cmd(name: str | None, param_values: tuple[str, ...], fmt: str, list_: bool,
              store: str | None, base: str | None) -> None:
    """Run the named query NAME (or the query file NAME.rq) against the store."""
    if list_:
        _list_queries()
        return
    if not name:
        raise click.UsageError("give a query NAME or FILE, or --list to see them")
    cfg = settings(store=store, base=base)
    query = queries_mod.load(name)
    params = _params(param_values)
    # The graph says which base it was built under; a flag or setting overrides it.
    graph_base = base or build_meta(cfg["store"]).get("base") or cfg["base"]
    st = open_store(cfg["store"])
    result = queries_mod.run(st, query, params, base=graph_base)
    if fmt == "table":
        out.print(result.to_table())
        out.print(f"[dim]{len(result)} row{'s' if len(result) != 1 else ''}[/dim]")
    else:
        click.echo(queries_mod.FORMATS[fmt].render(result), nl=False)
