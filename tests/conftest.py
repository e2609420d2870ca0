"""Shared fixtures: the repository's data/, a resolution of it, stores and apps built in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.manifest import load
from kg.pipeline import resolve_manifest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TESTDATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def manifest():
    return load(DATA / "sources.toml")


@pytest.fixture(scope="session")
def resolution(manifest):
    return resolve_manifest(manifest)
