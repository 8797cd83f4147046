"""Template filters for the numbers and dates Chinese readers expect (UI.md, PLT-2)."""

import datetime
from decimal import Decimal

from django import template
from django.forms import BaseForm
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

register = template.Library()


@register.filter
def cndate(value):
    """2014年4月3日 in Chinese text; 3 Apr 2014 in English."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if (get_language() or "zh").startswith("en"):
        return f"{value.day} {value:%b} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def person(value, default="—"):
    """A person as the interface names her: ``{{ need.handler|person }}`` → 刘春梅 (never the login).
    Takes an account (its ``display_name``), an audit record or timeline entry (its ``actor_name``)."""
    if value is None or value == "":
        return default
    for attribute in ("display_name", "actor_name"):
        name = getattr(value, attribute, None)
        if name is not None:
            return name or default
    return str(value)


@register.filter
def isodate(value):
    """2014-04-03 in tables and ledgers."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


@register.filter
def cnnum(value, unit=""):
    """Headline figures: 30000 → 3万, 50000000 → 5000万 (exact figures belong in tables)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if (get_language() or "zh").startswith("en"):
        return f"{number:,.0f}{(' ' + unit) if unit else ''}"
    if abs(number) >= 100000000:
        text = f"{(number / 100000000).normalize():f}亿"
    elif abs(number) >= 10000:
        text = f"{(number / 10000).quantize(Decimal('0.01')).normalize():f}万"
    else:
        text = f"{number.normalize():f}"
    return text + unit


@register.filter
def percent(value):
    """One decimal: 0.4567 → 45.7%."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


def _english() -> bool:
    return (get_language() or "zh").startswith("en")


@register.filter
def yearname(value):
    """A campaign year as readers write it: 2014年 in Chinese, 2014 in English."""
    if value is None or value == "":
        return ""
    return str(value) if _english() else f"{value}年"


@register.filter
def monthname(value):
    """A month number: 4 → 4月 in Chinese, April in English."""
    if value in (None, ""):
        return ""
    month = int(value)
    return str(MONTHS[month]) if _english() else f"{month}月"


@register.filter
def yearmonth(value):
    """A month as a date: 2014年8月 in Chinese, Aug 2014 in English."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:7] + "-01")
    if _english():
        return f"{MONTHS_3[value.month].capitalize()} {value.year}"
    return f"{value.year}年{value.month}月"


# --- form errors: one summary at the top of every form (UI.md) -------------------------------------

_SUMMARY_FLAG = "_fq_error_summary_shown"


def _error_items(forms_):
    """(label, message, anchor id) of every error of the forms given, fields in form order."""
    items = []
    for form in forms_:
        if not isinstance(form, BaseForm) or not form.is_bound or not form.errors:
            continue
        for error in form.non_field_errors():
            items.append({"text": error, "anchor": ""})
        for name, field in form.fields.items():
            if name not in form.errors:
                continue
            bound = form[name]
            widget = field.widget
            if not bound.is_hidden:
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css.split():
                    widget.attrs["class"] = f"{css} is-invalid".strip()
            # A group of checkboxes or radios has no one labelled input: link to its first choice.
            anchor = bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")
            for error in form.errors[name]:
                text = format_html(gettext("{label}：{message}"), label=bound.label, message=error)
                items.append(
                    {"text": error if bound.is_hidden else text, "anchor": "" if bound.is_hidden else anchor}
                )
    return items


def error_summary_html(context, *forms_) -> str:
    items = _error_items(forms_)
    for form in forms_:
        if isinstance(form, BaseForm):
            setattr(form, _SUMMARY_FLAG, True)
    if not items:
        return ""
    return render_to_string(
        "includes/form_errors.html", {"items": items, "count": len(items)}, request=context.get("request")
    )


@register.simple_tag(takes_context=True)
def form_errors(context, *forms_):
    """{% form_errors form [other_form …] %}: "请更正以下 N 处错误", each linking to its field; marks the
    fields' widgets is-invalid (rendered after the summary). app.js moves the focus to the summary."""
    forms_ = [f for f in forms_ if isinstance(f, BaseForm) and not getattr(f, _SUMMARY_FLAG, False)]
    return error_summary_html(context, *forms_)


class _FallbackSummaryNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        inner = self.nodelist.render(context)
        form = context.get("form")
        if isinstance(form, BaseForm) and not getattr(form, _SUMMARY_FLAG, False):
            return error_summary_html(context, form) + inner
        return inner


@register.tag
def form_error_fallback(parser, token):
    """Around the page content in base.html: a page whose ``form`` has errors but whose template did not
    place {% form_errors %} in the form gets the summary at the top of its content."""
    nodelist = parser.parse(("endform_error_fallback",))
    parser.delete_first_token()
    return _FallbackSummaryNode(nodelist)


class _TitleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        page = " ".join(self.nodelist.render(context).split())
        site = gettext("妇情")
        return f"{page} · {site}" if page else site


@register.tag
def page_title(parser, token):
    """{% page_title %}{% block title %}{% endblock %}{% endpage_title %}: "<page> · 妇情", or "妇情"."""
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return _TitleNode(nodelist)


@register.filter
def labelled(message, label):
    """{{ e|labelled:field.label }}: "住址：不能为空" / "Address: …" (the colon is the language's own)."""
    return format_html(gettext("{label}：{message}"), label=label, message=message)


@register.simple_tag(takes_context=True)
def ledger_export(context, name: str, query: str = "", label: str = "", **params) -> str:
    """The "导出台账" button of a register's list, shown to whoever may export it (core.ledger); the
    list's filters go along as ``query`` (a query string) or as keyword arguments."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from fuqing.core.ledger import get_ledger

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not get_ledger(name).can_export(user):
        return ""
    query = query or urlencode(params)
    url = reverse(f"ledger-export-{name}") + (f"?{query}" if query else "")
    return format_html('<a class="btn btn-outline-primary" href="{}">{}</a>', url, label or _("导出台账"))


class _ConstantNode(template.Node):
    """Rendered once per process and language: what it encloses must read nothing from the context."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered: dict[str, str] = {}

    def render(self, context):
        language = get_language() or ""
        text = self.rendered.get(language)
        if text is None:
            text = self.nodelist.render(template.Context(autoescape=context.autoescape))
            self.rendered[language] = text
        return text


@register.tag
def constant(parser, token):
    """{% constant %}…{% endconstant %}: the frame's fixed parts (static links, scripts, the outbox's
    translated texts) rendered once per process and language instead of on every page (issue 16: the
    fixed cost of a signed-in page). Nothing inside may depend on the request, the user or the page."""
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    return _ConstantNode(nodelist)
