"""Inline rows follow the child's own rights, not the parent's.

A form may carry rows of another record type (a directive's implementation
reports, a campaign's results). Whoever may not write those rows on their own
screen is neither shown them in the parent's form nor has them read back from
a POST: the secretariat keeps a directive, not the units' reports on it.
"""
from peewee import ForeignKeyField

from admin_views.access import organisations_in_scope


def backrefs_to(parent, child):
    """Names under which `child` rows hang off a `parent` row."""
    return [field.backref for field in child._meta.sorted_fields
            if isinstance(field, ForeignKeyField) and field.rel_model is parent]


def writable_only(view, form):
    """`form` without the inline lists this user may not write."""
    for inline in view.inline_models or ():
        child = getattr(inline, "model", inline)
        if not _may_write_rows_of(view, child):
            for name in backrefs_to(view.model, child):
                if name in form:
                    del form[name]
    return form


def _may_write_rows_of(view, child):
    own = next((v for v in view.admin._views
                if getattr(v, "model", None) is child and hasattr(v, "may_write")), None)
    if own is None:
        return True  # kept only through the parent's form: the parent's rights apply
    if not (own.may_write() and own.can_edit):
        return False
    # A confined user could meet other sections' rows among a parent's
    # children; rows placed in the tree on their own are not offered then.
    return organisations_in_scope() is None or own.scope_field is None
