"""What the search tests of incidents and of activity records share."""

import functools

from ipwatch.core import search


def reference(model, query: str) -> set[int]:
    """The database-independent rule: the published records of ``model`` in which every query word
    starts a word of the search text."""
    words = search.query_words(query)
    return {
        pk
        for pk, text in model.objects.published().values_list("pk", "search_text")
        if all(f" {word}" in text for word in words)
    }


def found(model, query: str) -> set[int]:
    """The published records of ``model`` the database's search (FTS or the column) finds."""
    return set(search.matching(model.objects.published(), query).values_list("pk", flat=True))


def found_as_the_reference(model, query: str) -> set[int]:
    """``found``, after checking that on this database it equals the reference rule."""
    ids = found(model, query)
    assert ids == reference(model, query)  # the database's search (FTS or the column) equals the reference
    return ids


def searches_of(model):
    """``found`` and ``reference`` for the published records of ``model``: each takes a query."""
    return functools.partial(found, model), functools.partial(reference, model)
