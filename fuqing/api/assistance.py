"""The assistance part of the API (PLT-3)."""

from ninja import Router

router = Router(tags=["assistance"])
