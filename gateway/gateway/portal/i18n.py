"""Languages of the portal: Traditional Chinese (default) and English.

Messages are gettext msgids in English; the Chinese catalog is ``locale/zh_Hant/LC_MESSAGES/
messages.po`` (committed), compiled in memory when the gateway starts (no ``.mo`` files in the
repo). Dates, times and money are formatted here, once, for every page.
"""

from __future__ import annotations

import gettext
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: dict[str, str] = {"zh-Hant": "繁體中文", "en": "English"}
DEFAULT_LANGUAGE = "zh-Hant"
_CATALOG_LOCALE = {"zh-Hant": "zh_Hant"}


def N_(message: str) -> str:  # the gettext convention for "mark, translate later"
    """Mark a msgid for extraction (``pybabel extract -k N_``) without translating it here."""
    return message


def normalize(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(language: str) -> gettext.NullTranslations:
    locale = _CATALOG_LOCALE.get(normalize(language))
    if locale is None:
        return gettext.NullTranslations()  # msgids are English
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=locale)
    buf = BytesIO()
    write_mo(buf, catalog)  # fuzzy entries are left out, as msgfmt does
    buf.seek(0)
    return Translations(fp=buf)


class Formatter:
    """Dates, times and money in one language and time zone."""

    def __init__(self, language: str, time_zone: str = "Asia/Hong_Kong") -> None:
        self.language = normalize(language)
        self.tz = ZoneInfo(time_zone)
        t = translations(self.language)
        self.gettext = t.gettext
        self.ngettext = t.ngettext

    def zone(self, time_zone: str | None) -> Formatter:
        """The same language in another time zone (a property's); unknown or empty: this one."""
        if not time_zone or time_zone == self.tz.key:
            return self
        try:
            return Formatter(self.language, time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return self

    def _local(self, value: datetime | str | None) -> datetime | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(self.tz)

    def date(self, value: date | datetime | str | None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = (
                date.fromisoformat(value) if len(value) == 10 else self._local(value)  # type: ignore[assignment]
            )
        if isinstance(value, datetime):
            value = self._local(value)
        assert isinstance(value, date)
        if self.language == "en":
            return f"{value.day} {value.strftime('%b')} {value.year}"
        return f"{value.year}年{value.month}月{value.day}日"

    def datetime(self, value: datetime | str | None) -> str:
        local = self._local(value)
        if local is None:
            return ""
        return f"{self.date(local.date())} {local:%H:%M}"

    def time(self, value: datetime | str | None) -> str:
        local = self._local(value)
        return "" if local is None else f"{local:%H:%M}"

    def today(self) -> date:
        return datetime.now(self.tz).date()

    @staticmethod
    def money(value: object, currency: str = "HKD") -> str:
        """``HK$1,280.00`` (amounts are decimal strings in the API; never floats)."""
        if isinstance(value, dict):  # {"amount": "...", "currency": "HKD"}
            currency = str(value.get("currency") or currency)
            value = value.get("amount")
        if value is None or value == "":
            return ""
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        symbol = {"HKD": "HK$"}.get(currency, f"{currency} ")
        sign = "-" if amount < 0 else ""
        return f"{sign}{symbol}{abs(amount):,.2f}"
