"""The API kit (issue 11 point 1): how every router of ``/api/v1/`` is written.

- responses are ninja ``Schema``s read from the model objects (``Field(alias="org.name")`` for a
  related value, ``resolve_<field>`` for a computed one), never hand-built dictionaries;
- personal values are typed ``MaskedName`` / ``MaskedPhone`` / ``MaskedIdNumber`` / ``MaskedText``;
- errors are raised, never built: a service's ``ValidationError`` → 422, ``get_visible_or_404`` or
  ``ref`` on a foreign id (path, query or body alike) → 404, ``PermissionDenied`` → 403, all in one
  shape ``{detail, errors}`` by the one handler set (``kit.errors.install``, on the ``NinjaAPI``);
- lists use ninja's pagination with the kit's one class (``@paginate``: ninja's with ``Paged``;
  limit 1–500, offset);
- filters are the register's own (``fuqing/<app>/filters.py``, a ``RegisterFilter``), shared with its
  page and its ledger; ``query_schema(TheFilter)`` is their query string in the API.

A router, whole::

    from ninja import Field, Query, Router, Schema, Status

    from fuqing.api.kit import MaskedName, paginate, query_schema, ref
    from fuqing.api.types import Day, Id
    from fuqing.assistance import services
    from fuqing.assistance.filters import NeedFilter
    from fuqing.assistance.models import Need
    from fuqing.core.routes import scoped
    from fuqing.core.scoping import get_visible_or_404
    from fuqing.orgs.models import Org

    router = Router(tags=["assistance"])


    class NeedOut(Schema):
        id: str
        org: int = Field(alias="org_id")
        org_name: str = Field(alias="org.name")
        woman_name: MaskedName = Field("", alias="woman.masked_name")   # masked, whatever it is fed
        status_label: str = Field(alias="get_status_display")


    class NeedIn(Schema):
        org: Id
        reported_on: Day
        description: str = ""


    @router.get("/needs/", response=list[NeedOut], url_name="api-needs")
    @paginate                                            # ?limit=&offset= → {count, items}
    @scoped(Need, "list")
    def list_needs(request, filters: Query[query_schema(NeedFilter)]):
        qs = Need.objects.visible_to(request.auth).select_related("org", "woman")
        return NeedFilter.strict(filters.dict(), request.auth).apply(qs)   # the page's own filter


    @router.get("/needs/{need_id}/", response=NeedOut, url_name="api-need")
    @scoped(Need, "read", kwarg="need_id")
    def get_need(request, need_id: str):
        return get_visible_or_404(Need.objects.select_related("org", "woman"), request.auth, pk=need_id)


    @router.post("/needs/", response={201: NeedOut}, url_name="api-needs")
    @scoped(Need, "create")
    def create_need(request, payload: NeedIn):
        org = ref(Org, request.auth, payload.org, "org", "单位", edit=True)   # foreign → 404
        need = services.create_need(request.auth, org=org, **payload.dict(exclude={"org"}))
        return Status(201, need)                         # a ValidationError raised above → 422

Writes run in one transaction that a 4xx answer rolls back (``fuqing.api.api.all_or_nothing``), so a
router never catches a ``ValidationError``. Unmasking stays one logged operation with a reason
(``POST /women/{id}/unmask/``).
"""

from fuqing.api.kit.errors import BadInput, NotVisible, install
from fuqing.api.kit.fields import (
    MaskedIdNumber,
    MaskedName,
    MaskedPhone,
    MaskedText,
    PersonId,
    person_field,
    person_lookup,
    ref,
    refs,
)
from fuqing.api.kit.filters import RegisterFilter, YearQuery, query_schema
from fuqing.api.kit.paging import MAX_PAGE, Paged, Paging, Rows, page, paginate

__all__ = [
    "MAX_PAGE",
    "BadInput",
    "MaskedIdNumber",
    "MaskedName",
    "MaskedPhone",
    "MaskedText",
    "NotVisible",
    "Paged",
    "Paging",
    "PersonId",
    "RegisterFilter",
    "Rows",
    "YearQuery",
    "install",
    "page",
    "paginate",
    "person_field",
    "person_lookup",
    "query_schema",
    "ref",
    "refs",
]
