"""Options and helpers shared by the commands: settings-backed options, the manifest, console output."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from .. import settings as settings_mod
from ..manifest import Manifest, from_files, load

console = Console(stderr=True, highlight=False, soft_wrap=True)  # messages and progress
out = Console(highlight=False, soft_wrap=True)  # results


def setting_option(name: str, *flags: str, **kwargs):
    """A command-line option for a declared setting (default None: the setting's own precedence)."""
    s = settings_mod.BY_NAME[name]
    flags = flags or (f"--{name.replace('_', '-')}",)
    return click.option(*flags, name, default=None, help=f"{s.help} [default: {s.default}]",
                        type=kwargs.pop("type", None if s.type is str else s.type), **kwargs)


def problem(line: str) -> None:
    """One problem line on stderr, never wrapped and never read as markup (it quotes source text)."""
    style = "red" if "set aside" in line else "yellow"
    console.print(escape(line), style=style)


def settings(**overrides) -> dict:
    return settings_mod.load(overrides)


def manifest_for(sources: tuple[str, ...], *, fmt: str | None, manifest_path: str | None) -> Manifest:
    """A manifest from the arguments: a manifest file, plain source files, or the default manifest."""
    if not sources:
        return load(manifest_path or settings_mod.load()["manifest"])
    if len(sources) == 1 and sources[0].endswith(".toml"):
        return load(sources[0])
    return from_files([Path(s) for s in sources], format=fmt)


def curated_links(cfg: dict):
    """The curated links every build applies (none if the file does not exist)."""
    from ..link.curated import load_links

    return load_links(cfg["links"], missing_ok=True)
