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


def test_records_pickled_between_processes_come_back_whole_and_sharing():
    # Sources read in parallel come back to the building process by pickle.
    import pickle

    from kg.records import PartialDate, Venue

    a = Record(source="s", key="a", line=1, title="One", authors=[PersonName(printed="Ada L", given="Ada")],
               venue=Venue(name="ACL"), date=PartialDate(year=2020, month=5))
    b = Record(source="s", key="b", line=2, title="Two", authors=[PersonName(printed="Al T", given="Al")],
               venue=Venue(name="ACL"), date=PartialDate(year=2021, month=6))
    a2, b2 = pickle.loads(pickle.dumps([a, b]))
    assert a2 == a and a2.model_dump() == a.model_dump() and a2.uid == "s#a"
    assert a2.authors[0].given == "Ada" and a2.date.year == 2020
    assert a2.__pydantic_fields_set__ is a.__pydantic_fields_set__
    assert a2.authors[0].__pydantic_fields_set__ is b.authors[0].__pydantic_fields_set__
    a2.raw = "@misc{a}"
    assert "raw" not in b2.model_fields_set and "raw" not in a.model_fields_set
    with pytest.raises(ValidationError):
        a2.authors[0].given = "Augusta"  # type: ignore[misc]
