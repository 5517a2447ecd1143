"""Vietnamese for Flask-Admin's own strings."""
import os

from flask_admin import babel as admin_babel
from flask_babel import Babel

babel = Babel()

TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")


def init_app(app):
    babel.init_app(app, locale_selector=lambda: "vi", timezone_selector=lambda: "Asia/Ho_Chi_Minh")
    # Flask-Admin merges an app's catalog *under* its shipped one, so a
    # corrected wording could never win; ours is a complete catalog, used alone.
    admin_babel.domain._translation_directories = [TRANSLATIONS]
