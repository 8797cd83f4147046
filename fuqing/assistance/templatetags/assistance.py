"""``{% woman_assistance woman %}``: a woman's pairs, needs and actions on one timeline (NEED-2),
for the registry's page of the woman to embed."""

from django import template

from fuqing.assistance.timeline import woman_timeline

register = template.Library()


@register.inclusion_tag("assistance/_woman_timeline.html", takes_context=True)
def woman_assistance(context, woman):
    request = context["request"]
    if not request.user.has_module_perm("assistance", "view"):
        return {"timeline": None}
    return {"timeline": woman_timeline(request.user, woman), "request": request}
