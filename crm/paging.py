"""A paginator whose count of a search stops at ``SEARCH_COUNT_CAP`` rows.

Counting every row a fuzzy search matches costs as much as the search itself, and grows with
the table; nobody pages through more than a thousand hits of a search. So the count of a
*searched* list (the queryset carries the search's ``search_rank``) is
``SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1)``: no ranking, no ordering, no joins, and
it stops at the cap. Past the cap ``count`` says ``cap`` and ``capped`` is true ("more than
1,000: refine the search"); the pages stop there too. A list without a search counts exactly.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

SEARCH_COUNT_CAP = 1000
RANK = "search_rank"  # the annotation employers.filters.search_employers puts on a search


class CappedPaginator(Paginator):
    cap = SEARCH_COUNT_CAP

    @cached_property
    def searched(self) -> bool:
        return isinstance(self.object_list, QuerySet) and RANK in self.object_list.query.annotations

    @cached_property
    def _counted(self) -> int:
        rows: Any = self.object_list
        if not self.searched:
            return rows.count() if isinstance(rows, QuerySet) else len(rows)
        # values("pk") leaves the rank out of the select list; order_by() drops the ordering.
        return rows.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap) if self.searched else self._counted

    @cached_property
    def capped(self) -> bool:
        return self.searched and self._counted > self.cap
