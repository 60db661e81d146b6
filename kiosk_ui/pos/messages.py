"""Domain errors in a cashier's words. The domain says what rule was broken, in English for
logs and the API; the till says what to do about it, in the store's language, amounts in zł."""

from __future__ import annotations

import logging

from edge.domain import errors as e
from kiosk_ui import fmt

log = logging.getLogger(__name__)

# Known details, matched by their start, where the kind alone says too little.
_DETAILS: dict[str, dict[str, str]] = {
    "unknown user or wrong PIN": {
        "pl": "Nieznany użytkownik lub błędny PIN",
        "en": "Unknown user or wrong PIN",
    },
    "the session has expired": {
        "pl": "Sesja wygasła — zaloguj się ponownie",
        "en": "The session has expired — log in again",
    },
    "a PIN is 4 to 12 digits": {"pl": "PIN ma od 4 do 12 cyfr", "en": "A PIN is 4 to 12 digits"},
    "more than was sold": {
        "pl": "Więcej niż sprzedano (po wcześniejszych zwrotach)",
        "en": "More than was sold (after earlier returns)",
    },
    "wrong pickup code": {"pl": "Błędny kod odbioru", "en": "Wrong pickup code"},
}

_KINDS: dict[type, dict[str, str]] = {
    e.UnknownProduct: {
        "pl": "Nieznany kod — sprawdź go albo wpisz SKU",
        "en": "Unknown code — check it or type the SKU",
    },
    e.InvalidBarcode: {
        "pl": "Nieczytelny kod (np. błędna cyfra kontrolna) — zeskanuj ponownie",
        "en": "Unreadable code (e.g. a wrong check digit) — scan again",
    },
    e.BasketClosed: {"pl": "Ten koszyk jest już zamknięty", "en": "This basket is closed"},
    e.EmptyBasket: {"pl": "Koszyk jest pusty", "en": "The basket is empty"},
    e.ApprovalRequired: {"pl": "Potrzebna zgoda kierownika", "en": "A supervisor must approve"},
    e.Unauthorized: {"pl": "Zaloguj się ponownie", "en": "Please log in again"},
    e.Forbidden: {
        "pl": "Brak uprawnień — potrzebny kierownik",
        "en": "Not allowed — a supervisor is needed",
    },
    e.AccountLocked: {
        "pl": "Zablokowane po zbyt wielu błędnych próbach — poczekaj albo wezwij kierownika",
        "en": "Locked after too many wrong tries — wait or call a supervisor",
    },
    e.Conflict: {
        "pl": "Stan zmienił się w międzyczasie — odśwież i spróbuj ponownie",
        "en": "It changed meanwhile — refresh and try again",
    },
    e.NotFound: {"pl": "Nie znaleziono", "en": "Not found"},
    e.Unavailable: {
        "pl": "Chwilowo niedostępne — spróbuj za chwilę",
        "en": "Not available right now — try again shortly",
    },
    e.RateLimited: {"pl": "Za dużo prób — odczekaj chwilę", "en": "Too many tries — wait a moment"},
    e.InvalidInput: {"pl": "Sprawdź wpisane dane", "en": "Check what was typed"},
}

_FAULT = {
    "pl": "Kasa nie mogła tego wykonać (nic nie zmieniono) — spróbuj ponownie "
    "lub wezwij kierownika",
    "en": "The till could not do that (nothing was changed) — try again or call a supervisor",
}


def _tenders(exc: e.TenderMismatch, lang: str, currency: str) -> str:
    missing, total = exc.extra.get("missing"), exc.extra.get("total")
    if isinstance(missing, int):
        amount = fmt.money(missing, currency)
        return f"Za mało pieniędzy: brakuje {amount}" if lang == "pl" else f"{amount} short"
    if isinstance(total, int):
        amount = fmt.money(total, currency)
        return (
            f"Kartą najwyżej {amount} — karta nie wydaje reszty"
            if lang == "pl"
            else f"A card pays at most {amount}: no change on cards"
        )
    return "Sprawdź kwoty płatności" if lang == "pl" else "Check the payment amounts"


def _over_return(exc: e.DomainError, lang: str) -> str | None:
    over = exc.extra.get("lines")
    if not isinstance(over, list) or not over or not isinstance(over[0], dict):
        return None
    first = over[0]
    sku, most, asked = first.get("sku"), first.get("returnable"), first.get("asked")
    if lang == "pl":
        return f"Za dużo: {sku} — można zwrócić najwyżej {most} szt., wpisano {asked}"
    return f"Too many: {sku} — at most {most} can come back, {asked} asked"


def _no_fiscal_copy(exc: e.DomainError, lang: str) -> str:
    number = exc.extra.get("fiscal_number")
    if lang == "pl":
        which = f"paragon fiskalny nr {number}" if number is not None else "paragon fiskalny"
        return (
            f"Kopii nie drukujemy: {which} jest w pamięci drukarki fiskalnej — "
            "sprzedaż znajdziesz w dzienniku sprzedaży"
        )
    which = f"fiscal receipt no. {number}" if number is not None else "the fiscal receipt"
    return (
        f"No copy is printed: {which} is in the fiscal printer's memory — "
        "find the sale in the sales journal"
    )


def cashier_text(exc: BaseException, lang: str, currency: str = "PLN") -> str:
    """What the cashier reads. Anything but a domain error is a fault of the node: logged with
    its traceback, and nothing was changed (each service call is one transaction)."""
    if not isinstance(exc, e.DomainError):
        log.error("till action failed", exc_info=exc)
        return _FAULT.get(lang, _FAULT["pl"])
    if isinstance(exc, e.TenderMismatch):
        return _tenders(exc, lang, currency)
    over = _over_return(exc, lang) if exc.code == "over-return" else None
    if over:
        return over
    if exc.code == "fiscal-copy-refused":
        return _no_fiscal_copy(exc, lang)
    for start, words in _DETAILS.items():
        if exc.detail.startswith(start):
            return words.get(lang, words["pl"])
    for kind in type(exc).__mro__:
        said = _KINDS.get(kind)
        if said:
            return said.get(lang, said["pl"])
    return _FAULT.get(lang, _FAULT["pl"])
