"""Records held in memory: instances given the same fields share pydantic's set of given fields,
and changing a field never changes what another instance reports as given."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kg.records import PersonName, Record


def test_records_given_the_same_fields_share_one_set_until_one_changes():
    a = Record(source="s", key="a", line=1, title="One")
    b = Record(source="s", key="b", line=2, title="Two")
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__
    a.raw = "@misc{a}"
    assert a.__pydantic_fields_set__ is not b.__pydantic_fields_set__
    assert "raw" in a.model_fields_set and "raw" not in b.model_fields_set
    assert b.model_dump(exclude_unset=True) == {"source": "s", "key": "b", "line": 2, "title": "Two"}
    c = Record(source="s", key="c", line=3, title="Three")
    assert c.model_fields_set == {"source", "key", "line", "title"}


def test_frozen_values_share_their_set_and_stay_frozen():
    x, y = PersonName(printed="Ada Lovelace", given="Ada"), PersonName(printed="Alan Turing", given="Alan")
    assert x.__pydantic_fields_set__ is y.__pydantic_fields_set__
    with pytest.raises(ValidationError):
        x.given = "Augusta"  # type: ignore[misc]
    assert x.model_copy(update={"family": "Lovelace"}).family == "Lovelace"
