"""`kg serve`: the web endpoint under waitress, building the store from the manifest first if there is
none yet."""

from __future__ import annotations

import threading

import click

from ..build import build as run_build
from ..graph import store as store_mod
from ..manifest import load as load_manifest
from . import main
from ..graph.remote import is_remote
from .common import console, curated_links, setting_option, settings


@main.command("serve")
@setting_option("host")
@setting_option("port")
@setting_option("store")
@setting_option("base")
@setting_option("threads")
@setting_option("manifest")
@click.option("--rebuild", is_flag=True, help="build the graph from the manifest first, even if a "
                                              "store exists")
def serve_cmd(host: str | None, port: int | None, store: str | None, base: str | None,
              threads: int | None, manifest: str | None, rebuild: bool) -> None:
    """Serve the graph: entity pages and data, /sparql, /api/queries, /void and /dump/."""
    import waitress

    from ..web import close_app, create_app

    cfg = settings(host=host, port=port, store=store, base=base, threads=threads, manifest=manifest)
    spec = store_mod.store_spec(cfg["store"])
    remote = is_remote(spec)
    path = spec if remote else store_mod.store_path(cfg["store"])
    if rebuild or (not remote and not store_mod.exists(path)):
        why = "rebuilding" if rebuild else f"no graph at {path} yet: building it"
        with console.status(f"{why} from {cfg['manifest']}") as status:
            run_build(load_manifest(cfg["manifest"]), store=path, base=cfg["base"],
                      links=curated_links(cfg), step=lambda msg: status.update(msg),
                      workers=cfg["read_workers"])
    built_base = None if remote else store_mod.build_meta(path).get("base")
    if base and built_base and built_base.rstrip("/") != base.rstrip("/"):
        console.print(f"[yellow]note: the graph at {path} was built with base {built_base}; its "
                      f"entities are served at their paths under that base (rebuild with --base "
                      f"{base} to change it)[/yellow]")
    app = create_app({k: cfg[k] for k in ("store", "base", "host", "port", "threads")})
    # Start the SPARQL workers now rather than on the first query, without delaying the server.
    threading.Thread(target=app.extensions["kg.pool"].start, daemon=True).start()
    console.print(f"serving {path} on http://{cfg['host']}:{cfg['port']}/ (Ctrl-C stops)")
    try:
        waitress.serve(app, host=cfg["host"], port=cfg["port"], threads=cfg["threads"],
                       max_request_body_size=cfg["max_request_bytes"], ident="kg",
                       _quiet=True)
    finally:
        close_app(app)
