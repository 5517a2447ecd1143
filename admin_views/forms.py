"""The base form class: Vietnamese messages for every WTForms validator."""
from flask_admin.form import BaseForm

from admin_views.wtforms_vi import VietnameseTranslations


class PortalForm(BaseForm):
    class Meta:
        _translations = VietnameseTranslations()

        def get_translations(self, form):
            return self._translations
