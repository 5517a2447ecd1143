"""/admin/people/: people in more than one organisation, for the secretariat.

A list of citizen IDs with each person's member records is personal data
gathered across sections, so it is the secretariat's (and the administrator's)
alone: editors and viewers get 403, and the list holds only records in the
caller's scope. Every view of it is written to the audit trail as a read of
personal data, naming the records shown.
"""
import datetime

from flask import abort, request
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views import auditing
from admin_views.access import SignedInPage, scope_root, user_role
from models import Member, Organisation
from portal.reporting import people

READERS = ("admin", "secretariat")
PAGE_SIZE = 50


class PeopleInSeveralUnitsView(SignedInPage, BaseView):
    def is_accessible(self):
        return current_user.is_authenticated and user_role() in READERS

    @expose("/")
    def index(self):
        root = scope_root()
        scope_path = root.path if root is not None else None
        unit = self.chosen_unit(scope_path)
        page = self.chosen_page()
        today = datetime.date.today()
        found = people.in_several_units(people.read_records(today, per_branch=False), scope_path)
        if unit is not None:
            found = {cid: paths for cid, paths in found.items()
                     if any(path.startswith(unit.path) for path in paths)}
        citizen_ids = sorted(found)
        pages = max(1, -(-len(citizen_ids) // PAGE_SIZE))
        if page > pages:
            abort(404)
        shown = citizen_ids[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        persons = self.persons(shown, today, scope_path)
        note = (f"Xem danh sách người tham gia nhiều tổ chức, trang {page}/{pages}"
                + (f", đơn vị {unit.code}" if unit is not None else ""))
        auditing.record("read_personal", table="member", organisation_id=unit.id if unit else None,
                        changes={"ghi_chu": note,
                                 "hoi_vien": sorted(m.id for _cid, records in persons for m in records)})
        return self.render("reports/people_several.html", persons=persons, total=len(citizen_ids),
                           page=page, pages=pages, unit=unit, units=self.units(scope_path))

    # --- the query, checked --------------------------------------------------------------

    @staticmethod
    def chosen_unit(scope_path):
        """The provincial unit the list is narrowed to; one outside the scope,
        or no such unit, is 'not found', never a wider list."""
        code = (request.args.get("unit") or "").strip().upper()
        if not code:
            return None
        unit = Organisation.get_or_none(Organisation.code == code)
        if (unit is None or unit.parent_id is None or people.unit_path(unit.path) != unit.path
                or (scope_path is not None and not unit.path.startswith(scope_path))):
            abort(404)
        return unit

    @staticmethod
    def chosen_page():
        text = request.args.get("page") or "1"
        if not text.isdigit() or int(text) < 1:
            abort(404)
        return int(text)

    @staticmethod
    def units(scope_path):
        """The provincial units (the root's children) in the caller's scope."""
        query = Organisation.select().where(Organisation.parent.in_(
            Organisation.select(Organisation.id).where(Organisation.parent.is_null())))
        if scope_path is not None:
            query = query.where(Organisation.under(scope_path))
        return list(query.order_by(Organisation.id))

    @staticmethod
    def persons(citizen_ids, day, scope_path):
        """[(citizen ID, [Member with .branch and .unit])] for one page: the
        records counted on `day`, inside the scope, as the list found them."""
        query = (Member.select(Member, Organisation).join(Organisation)
                 .where(Member.citizen_id.in_(citizen_ids), Member.in_membership_on(day)))
        if scope_path is not None:
            query = query.where(Organisation.under(scope_path))
        held = {}
        for member in (query if citizen_ids else ()):
            held.setdefault(member.citizen_id, []).append(member)
        unit_paths = {people.unit_path(m.branch.path) for records in held.values() for m in records}
        units = {o.path: o for o in Organisation.select().where(Organisation.path.in_(list(unit_paths)))}
        for records in held.values():
            for member in records:
                member.unit = units.get(people.unit_path(member.branch.path))
            records.sort(key=lambda m: (m.unit.id if m.unit else 0, m.id))
        return [(cid, held.get(cid, [])) for cid in citizen_ids]
