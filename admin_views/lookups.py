"""Ajax pickers for large catalogues (organisations, villages, …).

Flask-Admin's stock loader ignores the view's query and raises on unknown
ids; this one searches the folded text, finds ids through `base_query`, and
answers None for anything outside it.
"""
import datetime

from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader
from flask_admin.model.ajax import DEFAULT_PAGE_SIZE

from models.search import search_condition


class PortalLookup(QueryAjaxModelLoader):
    def __init__(self, name, model, scope=None, **options):
        options.setdefault("fields", ["search_text"])
        options.setdefault("placeholder", "Gõ tên hoặc mã để tìm…")
        options.setdefault("minimum_input_length", 0)
        super().__init__(name, model, **options)
        # scope(model) → query of the rows this user may pick; None: all rows.
        self.scope = scope

    def base_query(self):
        query = self.model.select()
        return self.scope(self.model, query) if self.scope else query

    def get_one(self, pk):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        return self.base_query().where(self.model.id == pk).first()

    def get_list(self, term, offset=0, limit=DEFAULT_PAGE_SIZE):
        query = self.base_query()
        condition = search_condition(self.model, term)
        if condition is not None:
            query = query.where(condition)
        if hasattr(self.model, "active_to"):
            today = datetime.date.today()
            query = query.where(
                self.model.active_to.is_null() | (self.model.active_to > today)
            )
        # Vietnamese alphabetical order where the model keeps a sort key.
        keys = list(getattr(self.model, "sort_keys", {}))
        order = getattr(self.model, keys[0]) if keys else getattr(self.model, "name", self.model.id)
        return list(query.order_by(order, self.model.id).offset(offset).limit(limit))
