"""Settings, declared once (name, default, help) and read from, in order of precedence: command-line
flags, environment variables (``KG_<NAME>``), a config file (``kg.toml`` in the working directory, or the
file named by ``KG_CONFIG``), and the defaults below."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    type: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "var/store", "path of the embedded store, or sparql+http://host:port/... for a server"),
    Setting("manifest", "data/sources.toml", "the manifest of sources `kg build` reads by default"),
    Setting("base", "http://localhost:8080/", "base IRI every entity is minted under"),
    Setting("read_workers", 0, "processes that read source files side by side (0: one per CPU when "
                               "the files add up to 16 MB or more, else none)", int),
    Setting("host", "127.0.0.1", "address `kg serve` listens on"),
    Setting("port", 8080, "port `kg serve` listens on", int),
    Setting("threads", 8, "worker threads of the WSGI server", int),
    Setting("query_timeout", 10.0, "seconds a SPARQL query may run on the endpoint", float),
    Setting("result_limit", 10000, "rows (or triples) a SPARQL response may hold", int),
    Setting("max_request_bytes", 1_000_000, "largest request body the server accepts", int),
    Setting("rate_limit", 0, "requests per minute per client on /sparql (0: no limit)", int),
    Setting("allow_service", False, "allow SERVICE calls to other endpoints in SPARQL queries", bool),
    Setting("wikidata_sparql", "https://query.wikidata.org/sparql", "Wikidata SPARQL endpoint"),
    Setting("wikidata_api", "https://www.wikidata.org/w/api.php", "Wikidata entity API"),
    Setting("orcid_api", "https://pub.orcid.org/v3.0", "ORCID public API base URL"),
    Setting("cache_dir", "var/cache", "where responses of external services are cached"),
    Setting("contact", "", "e-mail or URL sent in the User-Agent to ORCID and Wikidata, so that "
                           "their operators can reach you"),
    Setting("links", "data/links.toml", "curated links to ORCID and Wikidata"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    if setting.type is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{where}: {setting.name} must be true or false, not {value!r}")
    try:
        return setting.type(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: {setting.name} must be a {setting.type.__name__}, "
                          f"not {value!r}") from None


def load(overrides: dict[str, Any] | None = None, *, environ: dict[str, str] | None = None,
         config: str | Path | None = None) -> dict[str, Any]:
    """All settings with their effective values."""
    environ = dict(os.environ if environ is None else environ)
    values = {s.name: s.default for s in SETTINGS}
    path = Path(config or environ.get("KG_CONFIG") or "kg.toml")
    if path.exists():
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        for key, value in doc.items():
            name = key.replace("-", "_")
            if name not in BY_NAME:
                raise ConfigError(f"{path}: unknown setting {key!r}; known: {', '.join(BY_NAME)}")
            values[name] = _coerce(BY_NAME[name], value, str(path))
    for s in SETTINGS:
        env = environ.get(f"KG_{s.name.upper()}")
        if env is not None and env != "":
            values[s.name] = _coerce(s, env, f"KG_{s.name.upper()}")
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _coerce(BY_NAME[name], value, f"--{name.replace('_', '-')}")
    return values
