"""Masking of personal data (REG-3): the default in every rendering — pages, ledgers, documents, API."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """230102********1234: region code and the last four characters stay."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678; a landline keeps its area code: 0451-****1234."""
    if not value:
        return ""
    value = str(value)
    if "-" in value:
        area, _sep, local = value.partition("-")
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张*丽, 张*, 欧阳**娜: the first and last characters of three or more stay."""
    if not value:
        return ""
    value = str(value)
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_text(value: str | None) -> str:
    """Free text holding sensitive data (health notes): hidden entirely."""
    return "******" if value else ""


MASKERS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "name": mask_name,
    "text": mask_text,
}


def mask(kind: str, value: str | None) -> str:
    return MASKERS[kind](value)
