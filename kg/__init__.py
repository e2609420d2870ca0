"""kg: a linked-data knowledge graph of publications.

The pipeline is the architecture: sources -> records -> resolution -> graph -> queries / web.
"""

from __future__ import annotations

__version__ = "0.1.0"
