"""The bloc's units ticked on a record's form and kept as rows of their own:
a meeting's attending units, a task's assigned units.

Tick boxes, not a multiple <select>: that needs Ctrl on a desktop and hides
its choices on a phone. The view writes the ticked units in its own
`save_children`, inside the save's transaction.
"""
import datetime

from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput

from models import Organisation

UNKNOWN_UNIT = "Có đơn vị không hợp lệ trong danh sách đã chọn."


def bloc_units(also=()):
    """The units directly under the bloc, still active, in the bloc's order,
    plus those already recorded (`also`, ids), dissolved or not."""
    today = datetime.date.today()
    roots = Organisation.select(Organisation.id).where(Organisation.kind == "khoi")
    active = Organisation.active_to.is_null() | (Organisation.active_to > today)
    return list(Organisation.select()
                .where((Organisation.parent.in_(roots) & active) | Organisation.id.in_(list(also) or [0]))
                .order_by(Organisation.id))


class TickList:
    """One Bootstrap check box a line: Flask-Admin's `form-control` class
    would squeeze a plain list into the height of one input box."""

    def __call__(self, field, **kwargs):
        boxes = Markup("").join(
            Markup('<li class="form-check">{} {}</li>').format(
                option(class_="form-check-input"), option.label(class_="form-check-label"))
            for option in field)
        return Markup('<ul id="{}" class="list-unstyled tick-list pt-1 mb-0">{}</ul>').format(field.id, boxes)


class UnitsField(SelectMultipleField):
    """The bloc's units as tick boxes; `required` is the message when none is ticked."""

    widget = TickList()
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, required=None, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(label, validators, **kwargs)
        self.required_message = required

    def offer(self, chosen=()):
        """Offer the bloc's units (and those already `chosen`, ids)."""
        self.choices = [(unit.id, f"{unit.code} – {unit.name}") for unit in bloc_units(chosen)]

    def pre_validate(self, form):
        if not self.data and self.required_message:
            raise ValidationError(self.required_message)
        known = {value for value, _label in self.choices}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(UNKNOWN_UNIT)
