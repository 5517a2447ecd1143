"""Reading a rendered form back as a browser would submit it."""
from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.fields = [], {}
        self._select, self._textarea, self._text, self._first_option = None, None, [], None
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.fields = {}
            self.forms.append(self.fields)
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    value = attrs.get("value", "y")
                    if kind == "checkbox" and name in self.fields:
                        # Tick boxes of one name send every ticked value.
                        held = self.fields[name]
                        self.fields[name] = (held if isinstance(held, list) else [held]) + [value]
                    else:
                        self.fields[name] = value
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs and self._multiple:
                # A multiple choice sends every selected value, and none when none is.
                self.fields.setdefault(self._select, []).append(value)
            elif "selected" in attrs:
                self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            # A browser submits the first option when none is selected.
            if not self._multiple:
                self.fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea" and self._textarea:
            # HTML reads CR LF as LF and drops one newline after <textarea>;
            # a browser then sends each line break as CR LF.
            text = "".join(self._text).replace("\r\n", "\n").removeprefix("\n")
            self.fields[self._textarea] = text.replace("\n", "\r\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def rendered_form(html):
    """{name: value} of the record form's fields, as a browser posts them."""
    parser = _FormFields()
    parser.feed(html)
    # The record's form is the page's largest (beside search, logout, …).
    return max(parser.forms, key=len, default={})
