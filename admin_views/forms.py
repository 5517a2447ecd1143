"""The base form class: Vietnamese messages for every WTForms validator,
required fields marked, required choices not preselected."""
from flask_admin.form import BaseForm
from wtforms.validators import DataRequired, InputRequired
from wtfpeewee.fields import SelectChoicesField

from admin_views.wtforms_vi import VietnameseTranslations


class RequiredMark(InputRequired):
    """Checks nothing: Flask-Admin puts its asterisk only beside fields with an
    InputRequired or DataRequired validator, and wtf-peewee's ValueRequired
    (which does the checking) is neither."""

    def __call__(self, form, field):
        pass


REQUIRED_MARK = RequiredMark()


class PortalForm(BaseForm):
    class Meta:
        _translations = VietnameseTranslations()

        def get_translations(self, form):
            return self._translations

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if field.flags.required:
                if not any(isinstance(v, (InputRequired, DataRequired)) for v in field.validators):
                    field.validators = [*field.validators, REQUIRED_MARK]
                if isinstance(field, SelectChoicesField) and field.default is None:
                    # A choice the model requires but does not default: the user
                    # picks it, rather than saving whatever came first (gender).
                    field.allow_blank, field.blank_text = True, "— Chọn —"
            return field
