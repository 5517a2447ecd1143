"""Webhooks (Hệ thống → Webhook) and their delivery log, for administrators only.

The secret that signs deliveries is never in a form, a list, an export, the
audit trail or the API: it is shown on its own page, to administrators, with
how a receiver checks a signature, and rotated there.
"""
from flask import abort, flash, make_response, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.peewee.filters import FilterLike
from flask_admin.model.template import LinkRowAction
from markupsafe import Markup, escape
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from admin_views import auditing
from admin_views.base import PortalModelView, _int_ids
from admin_views.filters import choice_filter
from admin_views.formatters import format_number
from models import Webhook, WebhookAttempt, WebhookDelivery, db
from models.webhook import EVENT_CHOICES
from portal import webhooks
from portal.jobs import webhook_delivery

EVENT_LABELS = dict(EVENT_CHOICES)

TEXT = {
    "rotated": "Đã tạo khóa bí mật mới. Hãy cập nhật khóa này ở máy nhận: từ giờ mọi lần gửi "
               "(kể cả gửi lại) được ký bằng khóa mới.",
    "redelivered": "Đã xếp {count} lần gửi lại vào hàng đợi; xem kết quả trong danh sách này.",
    "paused": "{count} lần gửi không được gửi lại vì webhook của chúng đang tạm dừng.",
    "none": "Không có lần gửi nào được chọn.",
}


class CheckboxList(ListWidget):
    """A plain list: Flask-Admin's form-control class would clip it to one line."""

    def __call__(self, field, **kwargs):
        kwargs.pop("class_", None)
        kwargs["class"] = "list-unstyled mb-0"
        return super().__call__(field, **kwargs)


class EventsField(SelectMultipleField):
    """The events a webhook wants, as checkboxes; stored comma-separated."""
    widget = CheckboxList(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        self.data = [code for code in value.split(",") if code] if isinstance(value, str) else list(value or [])

    def populate_obj(self, obj, name):
        chosen = set(self.data or ())
        setattr(obj, name, ",".join(code for code, _ in EVENT_CHOICES if code in chosen))


def _events(view, context, model, name):
    return ", ".join(EVENT_LABELS.get(code, code) for code in model.event_list)


def _without_secret(data):
    return {name: value for name, value in data.items() if name != "secret"}


class WebhookView(PortalModelView):
    access = "system"
    # No JSON API for this view: it would serve the secrets.
    api = False
    # Nothing to gain from a spreadsheet of receivers.
    can_export = False
    column_list = ("url", "description", "events", "is_active", "created_at", "secret_rotated_at")
    column_details_list = column_list
    column_labels = {
        "url": "URL nhận", "description": "Mô tả", "events": "Sự kiện gửi đi", "is_active": "Đang hoạt động",
        "created_at": "Tạo lúc", "secret_rotated_at": "Đổi khóa bí mật lúc",
    }
    column_formatters = {"events": _events}
    column_formatters_detail = {"events": _events}
    column_default_sort = ("created_at", True)
    form_columns = ("url", "description", "events", "is_active")
    form_overrides = {"events": EventsField}
    form_args = {
        "events": {"choices": [SelectChoice(code, label) for code, label in EVENT_CHOICES]},
        "url": {"description": "http:// hoặc https://; máy nhận phải trả lời mã 2xx trong 5 giây. "
                               "Không đi theo chuyển hướng."},
    }
    column_extra_row_actions = [
        LinkRowAction("fa fa-key", lambda action, row_id, row: url_for(".secret", id=row_id),
                      title="Khóa bí mật và cách kiểm tra chữ ký"),
    ]

    def audit(self, action, model, before, after):
        super().audit(action, model, _without_secret(before), _without_secret(after))

    def get_save_return_url(self, model, is_created=False):
        # A new webhook's first stop: the secret its receiver needs.
        if is_created:
            return url_for(".secret", id=model.id)
        return super().get_save_return_url(model, is_created)

    def refuse_if_used(self, model):
        """A webhook's delivery log goes with it (on_model_delete)."""

    def on_model_delete(self, model):
        deliveries = WebhookDelivery.select(WebhookDelivery.id).where(WebhookDelivery.webhook == model.id)
        WebhookAttempt.delete().where(WebhookAttempt.delivery.in_(deliveries)).execute()
        WebhookDelivery.delete().where(WebhookDelivery.webhook == model.id).execute()

    @expose("/secret/")
    def secret(self):
        hook = self.get_one(request.args.get("id"))
        if hook is None:
            abort(404)
        response = make_response(self.render(
            "webhooks/secret.html", hook=hook, events=_events(self, None, hook, "events"),
            attempts=webhook_delivery.max_attempts(), delays=_delays_text(),
            headers=(webhooks.EVENT_HEADER, webhooks.DELIVERY_HEADER, webhooks.SIGNATURE_HEADER)))
        # The secret is on this page: no cache may keep it.
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/rotate/", methods=("POST",))
    def rotate(self):
        hook = self.get_one(request.form.get("id"))
        if hook is None:
            abort(404)
        with db.atomic():
            hook.rotate_secret()
            hook.save(only=[Webhook.secret, Webhook.secret_rotated_at])
            # That it changed, never what to.
            auditing.record("update", hook, changes={"khoa_bi_mat": "đã đổi"})
        flash(TEXT["rotated"], "success")
        return redirect(url_for(".secret", id=hook.id))


def _delays_text():
    parts = []
    for seconds in webhook_delivery.retry_delays():
        if seconds >= 3600 and seconds % 3600 == 0:
            parts.append(f"{seconds // 3600} giờ")
        elif seconds >= 60 and seconds % 60 == 0:
            parts.append(f"{seconds // 60} phút")
        else:
            parts.append(f"{seconds} giây")
    return ", ".join(parts)


def _payload(view, context, model, name):
    return Markup(f'<pre class="mb-0" style="white-space: pre-wrap">{escape(model.payload)}</pre>')


def _attempts(view, context, model, name):
    rows = "".join(
        f"<tr><td>{a.number}</td><td>{a.started_at:%d/%m/%Y %H:%M:%S}</td>"
        f"<td>{a.status_code or '—'}</td><td>{escape(a.error) or 'Thành công'}</td>"
        f"<td class=\"text-right\">{format_number(a.duration_ms)} ms</td></tr>"
        for a in WebhookAttempt.select().where(WebhookAttempt.delivery == model.id)
        .order_by(WebhookAttempt.number))
    if not rows:
        return "Chưa gửi lần nào."
    head = "<tr><th>Lần</th><th>Lúc</th><th>Mã trả về</th><th>Kết quả</th><th>Thời gian</th></tr>"
    return Markup(f'<table class="table table-sm mb-0">{head}{rows}</table>')


class WebhookDeliveryView(PortalModelView):
    access = "system"
    # No JSON API for this view (deliveries name the receivers).
    api = False
    # A log: written by events and the delivery job, never by hand.
    can_create = can_edit = can_delete = False
    can_export = False
    column_list = ("created_at", "event", "webhook", "status", "attempts", "last_status_code",
                   "last_error", "last_attempt_at", "next_attempt_at", "delivered_at")
    column_details_list = ("id", "event_id", "created_at", "event", "webhook", "status", "attempts",
                           "last_status_code", "last_error", "last_attempt_at", "next_attempt_at",
                           "delivered_at", "attempt_log", "payload")
    column_labels = {
        "id": "Mã lần gửi (X-GiaoBan-Delivery)", "event_id": "Mã sự kiện (id trong nội dung)",
        "created_at": "Sự kiện lúc", "event": "Sự kiện", "webhook": "Webhook", "status": "Tình trạng",
        "attempts": "Số lần thử", "last_status_code": "Mã trả về gần nhất", "last_error": "Lỗi gần nhất",
        "last_attempt_at": "Thử gần nhất lúc", "next_attempt_at": "Thử lại lúc",
        "delivered_at": "Gửi được lúc", "attempt_log": "Các lần thử", "payload": "Nội dung gửi (JSON)",
    }
    column_formatters_detail = {"payload": _payload, "attempt_log": _attempts}
    column_filters = (choice_filter(WebhookDelivery.status, "Tình trạng"),
                      choice_filter(WebhookDelivery.event, "Sự kiện"),
                      # Options are fixed at start-up: the receiver is found by its URL.
                      FilterLike(Webhook.url, "URL webhook"))
    column_default_sort = ("created_at", True)

    @action("redeliver", "Gửi lại", "Gửi lại các lần gửi đã chọn (cùng nội dung, ký bằng khóa hiện tại)?")
    def action_redeliver(self, ids):
        chosen = list(self.get_query().where(WebhookDelivery.id.in_(_int_ids(ids))))
        if not chosen:
            flash(TEXT["none"], "error")
            return
        sent = []
        with db.atomic():
            for delivery in chosen:
                again = webhooks.redeliver(delivery)
                if again is not None:
                    auditing.record("create", again, note=f"Gửi lại lần gửi #{delivery.id}")
                sent.append(again)
        queued = sum(1 for again in sent if again is not None)
        if queued:
            flash(TEXT["redelivered"].format(count=format_number(queued)), "success")
        if queued < len(sent):
            flash(TEXT["paused"].format(count=format_number(len(sent) - queued)), "warning")
