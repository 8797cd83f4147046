"""Validation errors that keep their SPEC rule code per field (``ValidationError({f: msg}, code=…)``
drops the code of dict messages)."""

from django.core.exceptions import ValidationError


def invalid(errors: dict, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code) for field, message in errors.items()})


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}
