"""A paginator whose count of a search stops at ``SEARCH_COUNT_CAP`` rows.

Counting every row a fuzzy search matches costs as much as the search itself, and grows with
the table; nobody pages through more than a thousand hits of a search. So the count of a
*searched* list (the queryset carries the search's ``search_rank``) is
``SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1)``: no ranking, no ordering, no joins, and
it stops at the cap. Past the cap ``count`` says ``cap`` and ``capped`` is true ("more than
1,000: refine the search"); the pages stop there too. A list without a search counts exactly.

A searched page takes its count from its own rows (``COUNT(*) OVER ()`` in the page's query,
issue 22): ranking already makes the database compute every match before the LIMIT, so the
window adds next to nothing, where a second COUNT statement ran the whole search again. Only an
empty page (past the end) asks the separate count, to say how many pages there are.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

SEARCH_COUNT_CAP = 1000
RANK = "search_rank"  # the annotation employers.filters.search_employers puts on a search
TOTAL = "page_total"  # the window count a searched page carries


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

    def _page_with_its_count(self, number: Any) -> Page | None:
        """The searched page ``number`` with the count read from its rows, or None where the
        ordinary way (count first) must answer: not searched, counted already, not a page
        number, past the cap or past the end."""
        if not self.searched or "_counted" in self.__dict__ or self.orphans:
            return None
        try:
            number = int(number)
        except (TypeError, ValueError):
            return None
        bottom = (number - 1) * self.per_page
        if number < 1 or bottom >= self.cap:
            return None
        searched: Any = self.object_list  # a QuerySet: ``searched`` says so
        rows = list(searched.annotate(**{TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page])
        if not rows:
            return None
        self.__dict__["_counted"] = getattr(rows[0], TOTAL)
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's own, not in the stubs

    def page(self, number: Any) -> Page:
        page = self._page_with_its_count(number)
        return super().page(number) if page is None else page

    def get_page(self, number: Any) -> Page:
        page = self._page_with_its_count(number or 1)
        return super().get_page(number) if page is None else page
