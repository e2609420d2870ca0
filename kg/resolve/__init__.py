"""Resolution: which records are one work (and which version of it), one person, one venue."""

from __future__ import annotations

from .curation import Curation
from .curation import load as load_curation
from .model import Resolution
from .resolver import SourceRecords, resolve

__all__ = ["Curation", "Resolution", "SourceRecords", "load_curation", "resolve"]
