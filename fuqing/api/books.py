"""Compiled books (汇编成册, RES-5) in the API (PLT-3): list, read, create, change and generate the Word
book in the background — the same service as the pages (``research.services.books``). The generated
file is downloaded from its job (``/jobs/{id}/``), like every other long piece of work (PLT-5).
"""

from __future__ import annotations

import datetime
import uuid

from ninja import Field, Query, Router, Schema, Status

from fuqing.api.kit import paginate, ref, refs
from fuqing.api.types import Day, Id, Year
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import ensure_editable, get_visible_or_404
from fuqing.orgs.models import Org
from fuqing.research.models import Book, Report
from fuqing.research.services import books as services

router = Router(tags=["research"])


class BookOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    title: str
    issuer: str
    issued_on: datetime.date
    reports: list[int] = Field(description="收录的报告，按书中的顺序")
    job: uuid.UUID | None = Field(None, alias="job_id", description="最近一次生成的后台任务")
    job_status: str | None = Field(None, alias="job.status")

    @staticmethod
    def resolve_reports(book) -> list[int]:
        return [item.report_id for item in book.items.all()]


class BookQuery(Schema):
    q: str | None = Field(None, max_length=50)
    year: Year | None = None


class BookIn(Schema):
    year: Year
    title: str = Field(max_length=200)
    issuer: str = Field(max_length=100)
    issued_on: Day
    reports: list[Id] = Field(max_length=services.MAX_REPORTS, description="收录的报告，按书中的顺序")
    org: Id | None = Field(None, description="编印单位（默认为调用者所在单位）")


class BookPatch(Schema):
    year: Year | None = None
    title: str | None = Field(None, max_length=200)
    issuer: str | None = Field(None, max_length=100)
    issued_on: Day | None = None
    reports: list[Id] | None = Field(None, max_length=services.MAX_REPORTS)


class JobOut(Schema):
    job: uuid.UUID
    status: str


def _books(user):
    return Book.objects.visible_to(user).select_related("org", "job").prefetch_related("items")


def _reports(request, ids: list[int]) -> list[int]:
    """The chosen reports through the door, in their order; one outside the caller's scope is 404."""
    return [r.pk for r in refs(Report, request.auth, ids, "reports", "报告")]


@router.get("/books/", response=list[BookOut], url_name="api-book-list")
@paginate
@scoped(Book, "list")
def list_books(request, filters: Query[BookQuery]):
    require(request.auth, "research", "view")
    qs = _books(request.auth).order_by("-year", "-created_at")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    return qs


@router.get("/books/{book_id}/", response=BookOut, url_name="api-book-detail")
@scoped(Book, "read", kwarg="book_id")
def get_book(request, book_id: Id):
    book = get_visible_or_404(_books(request.auth), request.auth, pk=book_id)
    require(request.auth, "research", "view")
    return book


@router.post("/books/", response={201: BookOut}, url_name="api-book-create")
@scoped(Book, "create", fk_fields={"reports": Report, "org": Org})
def create_book(request, payload: BookIn):
    """A book: its cover (title, issuer, date) and the submitted reports it collects, in order."""
    org = ref(Org, request.auth, payload.org, "org", "编印单位") if payload.org else request.auth.org
    data = payload.dict(exclude={"org", "reports"})
    book = services.save_book(
        request.auth, None, org=org, report_ids=_reports(request, payload.reports), **data
    )
    return Status(201, _books(request.auth).get(pk=book.pk))


@router.patch("/books/{book_id}/", response=BookOut, url_name="api-book-update")
@scoped(Book, "change", kwarg="book_id", fk_fields={"reports": Report})
def update_book(request, book_id: Id, payload: BookPatch):
    book = get_visible_or_404(_books(request.auth), request.auth, pk=book_id)
    ensure_editable(request.auth, book)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    ids = data.pop("reports", None)
    ids = _reports(request, ids) if ids is not None else [i.report_id for i in book.items.all()]
    values = {key: data.get(key, getattr(book, key)) for key in ("title", "issuer", "issued_on")}
    services.save_book(
        request.auth, book, org=book.org, year=data.get("year", book.year), report_ids=ids, **values
    )
    return _books(request.auth).get(pk=book.pk)


@router.post("/books/{book_id}/generate/", response={202: JobOut}, url_name="api-book-generate")
@scoped(Book, "change", kwarg="book_id")
def generate_book(request, book_id: Id):
    """Generate the Word book in the background; follow and download it at ``/jobs/{job}/``."""
    book = get_visible_or_404(_books(request.auth), request.auth, pk=book_id)
    ensure_editable(request.auth, book)
    job = services.generate(request.auth, book)
    return Status(202, {"job": job.pk, "status": job.status})
