"""Masking personal data (ID document numbers, phone numbers) for lists and logs."""

from __future__ import annotations


def mask_middle(value: str | None, keep_start: int = 1, keep_end: int = 2) -> str | None:
    """``A1234567`` -> ``A*****67``; short values are masked whole but for the last char."""
    if value is None:
        return None
    if len(value) <= keep_start + keep_end + 1:
        return "*" * (len(value) - 1) + value[-1:]
    middle = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * middle + value[-keep_end:]


def mask_id_number(value: str | None) -> str | None:
    return mask_middle(value, keep_start=1, keep_end=2)


def mask_phone(value: str | None) -> str | None:
    """Keeps the last four digits: ``+852 9123 4567`` -> ``*********4567``."""
    if value is None:
        return None
    return mask_middle(value, keep_start=0, keep_end=4)


# Who dials residents back, and so sees phones in full where lists mask them: the front desk
# (callbacks, unanswered calls) and admins. Managers and other departments see them masked.
DIALLING_ROLES = frozenset({"frontdesk", "admin"})


def phone_for(phone: str | None, roles: frozenset[str] | set[str]) -> str | None:
    """The phone in full for a caller who must dial it, else masked."""
    return phone if DIALLING_ROLES & set(roles) else mask_phone(phone)


def summary_of(text: str | None, limit: int = 200) -> str | None:
    """The first non-empty line of a description, cut to ``limit`` characters."""
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()[:limit]
    return None
