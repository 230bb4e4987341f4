"""Languages of the web app: gettext catalogues (Babel ``.po`` files) and localised numbers and dates.

English is the source language; ``locale/ar/LC_MESSAGES/messages.po`` holds the Arabic. The ``.po``
files are compiled in memory at start-up, so a catalogue edit never needs a build step.
Numbers use Western digits unless the user chose Arabic-Indic ones (``digits="arab"``).
"""

from __future__ import annotations

import gettext as gettext_module
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib.resources import files
from io import BytesIO

from babel import Locale
from babel.dates import format_date, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

from nabd.errors import NabdError

LANGUAGES = {"en": "English", "ar": "العربية"}
LOCALE_FOLDER = files("nabd.web") / "locale"


@cache
def catalogue(language: str) -> gettext_module.NullTranslations:
    """The compiled translations of ``language`` (English: the source strings themselves)."""
    if language == "en":
        return gettext_module.NullTranslations()
    po_file = LOCALE_FOLDER / language / "LC_MESSAGES" / "messages.po"
    with po_file.open("rb") as source:
        messages = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(compiled)


@cache
def _locale(code: str) -> Locale:
    """The parsed CLDR locale, once per process (Babel parses a locale given by its code on every call)."""
    return Locale.parse(code)


_TO_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_TO_LATIN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


@dataclass(frozen=True)
class Language:
    """Everything a page needs to speak one language: gettext, direction and number formats."""

    code: str = "en"
    digits: str = "latn"

    @property
    def direction(self) -> str:
        return "rtl" if self.code == "ar" else "ltr"

    @property
    def locale(self) -> Locale:
        return _locale(self.code)

    def gettext(self, message: str, **values: object) -> str:
        """The translation of ``message``, with ``%(name)s`` placeholders filled from ``values``."""
        text = catalogue(self.code).gettext(message)
        return text % values if values else text

    def error(self, error: NabdError) -> str:
        """``error``'s message in this language: its template translated, then filled with its values."""
        text = catalogue(self.code).gettext(error.template)
        return text % error.values if error.values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = catalogue(self.code).ngettext(singular, plural, n)
        return text % {"num": self.number(n), **values}

    def number(self, value: float | Decimal | None, decimals: int = 0) -> str:
        """``value`` with grouping and ``decimals`` places, or an en dash for no value."""
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return self.number_text(
            format_decimal(value, format=pattern, locale=self.locale, numbering_system=self.digits)
        )

    def percent(self, ratio: float | None, decimals: int = 1) -> str:
        if ratio is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
        return self.number_text(
            format_percent(ratio, format=pattern, locale=self.locale, numbering_system=self.digits)
        )

    def money(self, amount: float | Decimal | None, currency: str = "USD") -> str:
        """``amount`` in whole units, in the locale's own currency pattern (CLDR: ``US$187,218`` in English,
        ``187,218 US$`` with its right-to-left mark in Arabic)."""
        if amount is None:
            return "–"
        pattern = self.locale.currency_formats["standard"].pattern.replace(".00", "")
        text = self.number_text(format_currency(
            amount, currency, format=pattern, locale=self.locale, numbering_system=self.digits,
            currency_digits=False,
        ))
        # In right-to-left text the "$" of "US$" would take the paragraph's direction and show as "$US":
        # a left-to-right mark after it keeps the symbol whole.
        return text + "\u200e" if self.direction == "rtl" else text

    def country(self, code: str | None) -> str:
        """The country's name in this language (CLDR) for an ISO code such as ``SA``; other text as it is."""
        if not code:
            return "–"
        return self.locale.territories.get(code.strip().upper(), code)

    def duration(self, days: int) -> str:
        """A span of ``days`` in words, in its largest unit (CLDR plurals): "1 year", "5 سنوات"."""
        if days < 1:
            return self.number_text(format_timedelta(timedelta(days=1), threshold=1, locale=self.locale))
        return self.number_text(format_timedelta(timedelta(days=days), threshold=1, locale=self.locale))

    def date(self, day: date | datetime | None) -> str:
        if day is None:
            return "–"
        text = format_date(day, format="medium", locale=self.locale)
        return self.number_text(text)

    def month(self, day: date | datetime | None) -> str:
        """The month of ``day`` by name, "November 2026" / "نوفمبر 2026"."""
        if day is None:
            return "–"
        return self.number_text(format_date(day, format="LLLL y", locale=self.locale))

    def number_text(self, text: str) -> str:
        """``text`` with its Western digits turned into the user's digits."""
        if self.digits == "arab":
            return text.translate(_TO_ARABIC_DIGITS)
        return text.translate(_TO_LATIN_DIGITS)


def choose_language(requested: str | None, default: str = "en") -> str:
    """``requested`` when it is a language the app speaks, else ``default``."""
    return requested if requested in LANGUAGES else default


def browser_language(accept_language: str, default: str = "en") -> str:
    """The language the app speaks that an Accept-Language header prefers most (``ar-SA,ar;q=0.9,en;q=0.8``
    -> ar), else ``default``; a language with q=0 is refused, equal weights keep the header's order."""
    ranked = []
    for position, part in enumerate(accept_language.split(",")[:32]):
        tag, _, parameters = part.strip().partition(";")
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        code = tag.strip().lower().split("-")[0]
        if code in LANGUAGES and weight > 0:
            ranked.append((-weight, position, code))
    return min(ranked)[2] if ranked else default
