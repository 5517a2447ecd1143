"""Vietnamese messages for WTForms, wtf-peewee, Flask-WTF and Flask-Admin fields.

WTForms ships no Vietnamese catalog (wtforms/locale has no ``vi``), so form
validation errors would otherwise appear in English.  This module holds the
translations as a plain dict and exposes :class:`VietnameseTranslations`, an
object with the ``gettext``/``ngettext`` interface that WTForms expects from
``Meta.get_translations()``.

Keys are the exact English msgids used by the libraries; ``%(name)s``,
``%(min)d``, ``%s`` and ``{name}`` placeholders are kept unchanged in the
Vietnamese text because the libraries format the message after translation.
"""

MESSAGES = {
    # ------------------------------------------------------------------
    # WTForms 3.x: every msgid of wtforms/locale/wtforms.pot
    # ------------------------------------------------------------------
    "Invalid field name '%s'.": "Tên trường '%s' không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Giá trị phải trùng khớp với trường %(other_name)s.",
    # Plural pairs: singular and plural msgid map to the same text.
    "Field must be at least %(min)d character long.": "Phải nhập ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Phải nhập ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được nhập quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được nhập quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải nhập đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải nhập đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Độ dài phải từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải lớn hơn hoặc bằng %(min)s.",
    "Number must be at most %(max)s.": "Số phải nhỏ hơn hoặc bằng %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải nằm trong khoảng từ %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày không được trước %(min)s.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải nằm trong khoảng từ %(min)s đến %(max)s.",
    "This field is required.": "Trường này là bắt buộc.",
    "Invalid input.": "Dữ liệu nhập không hợp lệ.",
    "Invalid email address.": "Địa chỉ email không hợp lệ.",
    "Invalid IP address.": "Địa chỉ IP không hợp lệ.",
    "Invalid Mac address.": "Địa chỉ MAC không hợp lệ.",
    "Invalid URL.": "Địa chỉ URL không hợp lệ.",
    "Invalid UUID.": "Mã UUID không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ, phải là một trong các giá trị: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không hợp lệ, không được là một trong các giá trị: %(values)s.",
    "This field cannot be edited.": "Trường này không được phép sửa.",
    "This field is disabled and cannot have a value.": "Trường này đã bị khoá, không được nhập giá trị.",
    "Invalid CSRF Token.": "Mã xác thực biểu mẫu (CSRF) không hợp lệ. Vui lòng tải lại trang rồi thử lại.",
    "CSRF token missing.": "Thiếu mã xác thực biểu mẫu (CSRF). Vui lòng tải lại trang rồi thử lại.",
    "CSRF failed.": "Xác thực biểu mẫu (CSRF) không thành công. Vui lòng tải lại trang rồi thử lại.",
    "CSRF token expired.": "Mã xác thực biểu mẫu (CSRF) đã hết hạn. Vui lòng tải lại trang rồi thử lại.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ: không chuyển đổi được giá trị đã chọn.",
    "Choices cannot be None.": "Danh sách lựa chọn không được để trống.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Lựa chọn không hợp lệ: có giá trị đã chọn không chuyển đổi được.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' không phải là lựa chọn hợp lệ của trường này.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' không phải là lựa chọn hợp lệ của trường này.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ (nhập theo dạng dd/mm/yyyy).",
    "Not a valid time value.": "Giờ không hợp lệ (nhập theo dạng hh:mm).",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Not a valid integer value.": "Giá trị không phải là số nguyên hợp lệ.",
    "Not a valid decimal value.": "Giá trị không phải là số thập phân hợp lệ.",
    "Not a valid float value.": "Giá trị không phải là số hợp lệ.",
    # ------------------------------------------------------------------
    # wtf-peewee (wtfpeewee/fields.py, wtfpeewee/orm.py); the others it
    # uses ("This field is required.", "Not a valid choice.", ...) are above.
    # The JSON message is formatted with str.format() after translation.
    # ------------------------------------------------------------------
    "Not a valid JSON structure: parser error in line {e.lineno}, column {e.colno}, char {e.pos}.": "Dữ liệu JSON không hợp lệ: lỗi cú pháp ở dòng {e.lineno}, cột {e.colno}, ký tự thứ {e.pos}.",
    "Not a valid JSON structure.": "Dữ liệu JSON không hợp lệ.",
    'Did not receive file data - check that the form is submitted with enctype="multipart/form-data".': 'Không nhận được dữ liệu tệp - hãy kiểm tra biểu mẫu có được gửi với enctype="multipart/form-data" hay không.',
    "Not valid base64 data.": "Dữ liệu base64 không hợp lệ.",
    "Selection cannot be blank": "Vui lòng chọn một giá trị",
    # ------------------------------------------------------------------
    # Flask-WTF: CSRF protection (flask_wtf/csrf.py). These are raised as
    # plain strings; translate them with gettext() where they are shown
    # (e.g. in a CSRFError handler).
    # ------------------------------------------------------------------
    "The CSRF token is missing.": "Thiếu mã xác thực biểu mẫu (CSRF). Vui lòng tải lại trang rồi thử lại.",
    "The CSRF session token is missing.": "Phiên làm việc không còn mã xác thực biểu mẫu (CSRF). Vui lòng tải lại trang rồi thử lại.",
    "The CSRF token has expired.": "Mã xác thực biểu mẫu (CSRF) đã hết hạn. Vui lòng tải lại trang rồi thử lại.",
    "The CSRF token is invalid.": "Mã xác thực biểu mẫu (CSRF) không hợp lệ. Vui lòng tải lại trang rồi thử lại.",
    "The CSRF tokens do not match.": "Mã xác thực biểu mẫu (CSRF) không khớp. Vui lòng tải lại trang rồi thử lại.",
    "The referrer header is missing.": "Yêu cầu thiếu thông tin trang nguồn (Referer).",
    "The referrer does not match the host.": "Trang nguồn (Referer) không khớp với địa chỉ máy chủ.",
    # Flask-WTF: file validators (flask_wtf/file.py); {extensions} is
    # filled in with str.format() after translation.
    "File does not have an approved extension: {extensions}": "Định dạng tệp không được chấp nhận. Chỉ chấp nhận: {extensions}",
    "File does not have an approved extension.": "Định dạng tệp không được chấp nhận.",
    # Flask-WTF: reCAPTCHA (flask_wtf/recaptcha/validators.py)
    "The secret parameter is missing.": "Thiếu khoá bí mật (secret) của reCAPTCHA.",
    "The secret parameter is invalid or malformed.": "Khoá bí mật (secret) của reCAPTCHA không hợp lệ hoặc sai định dạng.",
    "The response parameter is missing.": "Vui lòng xác nhận reCAPTCHA.",
    "The response parameter is invalid or malformed.": "Xác nhận reCAPTCHA không hợp lệ. Vui lòng thử lại.",
    # ------------------------------------------------------------------
    # Flask-Admin form fields and validators (flask_admin/form/*.py,
    # flask_admin/model/fields.py, flask_admin/contrib/*). Those passed
    # through field.gettext() use this catalog; the ones passed through
    # flask_admin.babel.gettext() use the "admin" domain and are also in
    # portal/translations/vi/LC_MESSAGES/admin.po.
    # ------------------------------------------------------------------
    "Not a valid choice": "Lựa chọn không hợp lệ",
    "Invalid Choice: could not coerce": "Lựa chọn không hợp lệ: không chuyển đổi được giá trị đã chọn",
    "Invalid JSON": "Dữ liệu JSON không hợp lệ",
    "Invalid time format": "Giờ không đúng định dạng",
    "Invalid file extension": "Định dạng tệp không được chấp nhận",
    "This field requires at least one item.": "Trường này cần có ít nhất một mục.",
    "At least %(num)d item is required": "Cần có ít nhất %(num)d mục",
    "At least %(num)d items are required": "Cần có ít nhất %(num)d mục",
    "Already exists.": "Giá trị này đã tồn tại.",
    "Not a valid ISO currency code (e.g. USD, EUR, CNY).": "Mã tiền tệ ISO không hợp lệ (ví dụ: VND, USD, EUR).",
    'Not a valid color (e.g. "red", "#f00", "#ff0000").': 'Màu không hợp lệ (ví dụ: "red", "#f00", "#ff0000").',
    'Not a valid timezone (e.g. "America/New_York", "Africa/Johannesburg", "Asia/Singapore").': 'Múi giờ không hợp lệ (ví dụ: "Asia/Ho_Chi_Minh", "Asia/Bangkok", "Europe/Paris").',
}


class VietnameseTranslations:
    """WTForms translations object backed by :data:`MESSAGES`.

    Unknown messages are returned unchanged (in English).
    """

    def __init__(self, messages=None):
        self.messages = MESSAGES if messages is None else messages

    def _lookup(self, string):
        try:
            return self.messages.get(string)
        except TypeError:
            # Unhashable input (should not happen): behave as "unknown".
            return None

    def gettext(self, string):
        translated = self._lookup(string)
        return string if translated is None else translated

    def ngettext(self, singular, plural, n):
        # Vietnamese has a single plural form: the same text is used for any n.
        translated = self._lookup(singular)
        if translated is None:
            translated = self._lookup(plural)
        if translated is not None:
            return translated
        # Unknown message: fall back to the English form that fits n.
        return singular if n == 1 else plural

    # Aliases for code written against the Python 2 gettext API
    # (e.g. flask_wtf.i18n and flask_admin.babel call ugettext/ungettext).
    ugettext = gettext
    ungettext = ngettext
