"""Who may read and write what, and which organisations a user reaches.

Deny by default: a view states what it holds (`access`), and every read path
of the shared view narrows rows through `scope_query`. A user bound to an
organisation reaches that node and everything below it; admins, the
secretariat and province-wide viewers reach the whole bloc.
"""
from flask import abort, has_request_context, redirect, request, url_for
from flask_login import current_user

from models import Organisation

# What a view holds → (roles that read it, roles that write it).
ACCESS = {
    # Records kept by each organisation for itself.
    "owned": ({"admin", "secretariat", "editor", "viewer"}, {"admin", "editor"}),
    # The organisation tree: the secretariat restructures, editors keep their branch.
    "structure": ({"admin", "secretariat", "editor", "viewer"}, {"admin", "secretariat", "editor"}),
    # Shared catalogues kept by the secretariat and read by everyone.
    "catalogue": ({"admin", "secretariat", "editor", "viewer"}, {"admin", "secretariat"}),
    # History: read within scope, never written through the portal.
    "history": ({"admin", "secretariat", "editor", "viewer"}, set()),
    # The audit trail: never for viewers, never written through a screen.
    "audit": ({"admin", "secretariat", "editor"}, set()),
    # Accounts and settings.
    "system": ({"admin"}, {"admin"}),
}


def user_role():
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return current_user.role


def scope_root():
    """The organisation the current user is confined to, or None for all."""
    if not has_request_context() or not current_user.is_authenticated:
        return None
    if current_user.role in ("editor", "viewer") and current_user.organisation_id:
        return current_user.organisation
    return None


def ancestors_in_scope(unit):
    """The units above `unit` that the current user reaches, top first: a
    page's way back up the tree, which stops at an editor's own unit."""
    root = scope_root()
    return [above for above in unit.ancestors()
            if above.id != unit.id and (root is None or above.is_descendant_of(root))]


def organisations_in_scope():
    """Ids the user reaches, as a subquery; None when nothing narrows them."""
    root = scope_root()
    if root is None:
        if user_role() == "editor":
            # An editor with no organisation reaches nothing.
            return Organisation.select(Organisation.id).where(Organisation.id.is_null())
        return None
    return Organisation.subtree_ids(root)


def covers(organisation_id):
    """Does the current user's scope include this organisation?"""
    ids = organisations_in_scope()
    if ids is None:
        return True
    return Organisation.select().where(
        Organisation.id == organisation_id, Organisation.id.in_(ids)
    ).exists()


class SignedInPage:
    """A custom page open to every signed-in user; others go to the login page.

    Pages that narrow `is_accessible` further answer 403 to a signed-in user.
    """

    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path))
