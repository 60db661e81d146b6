"""The kiosk's words in Polish and English. Keys are short names; a missing English text falls
back to Polish so a shopper never sees a key."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "touch": {"pl": "Dotknij ekranu, aby zacząć", "en": "Touch the screen to start"},
    "welcome": {"pl": "Witamy!", "en": "Welcome!"},
    "attract_lines": {
        "pl": "Sprawdź cenę • Znajdź produkt • Zamów z odbiorem w sklepie",
        "en": "Check a price • Find a product • Order for pickup here",
    },
    "search": {"pl": "Szukaj produktu lub zeskanuj kod", "en": "Search or scan a product"},
    "categories": {"pl": "Kategorie", "en": "Categories"},
    "results": {"pl": "Wyniki", "en": "Results"},
    "no_results": {"pl": "Nic nie znaleziono", "en": "Nothing found"},
    "home": {"pl": "Start", "en": "Home"},
    "back": {"pl": "Wstecz", "en": "Back"},
    "price": {"pl": "Cena", "en": "Price"},
    "per": {"pl": "za", "en": "per"},
    "pcs": {"pl": "szt.", "en": "pc"},
    "promotion": {"pl": "Promocja", "en": "Promotion"},
    "vat_incl": {"pl": "cena z VAT", "en": "incl. VAT"},
    "stock_here": {"pl": "W tym sklepie", "en": "In this store"},
    "stock_nearby": {"pl": "W sklepach w pobliżu", "en": "In nearby stores"},
    "in_stock": {"pl": "dostępne: {n}", "en": "available: {n}"},
    "out_of_stock": {"pl": "brak na półce", "en": "not on the shelf"},
    "live": {"pl": "stan bieżący", "en": "live figure"},
    "as_of": {"pl": "stan sprzed {n} {u}", "en": "as of {n} {u} ago"},
    "no_nearby": {
        "pl": "Brak informacji o innych sklepach",
        "en": "No figures from other stores yet",
    },
    "order_pickup": {"pl": "Zamów z odbiorem tutaj", "en": "Order for pickup here"},
    "order_status": {"pl": "Status zamówienia", "en": "Order status"},
    "order_no": {"pl": "Numer zamówienia", "en": "Order number"},
    "check": {"pl": "Sprawdź", "en": "Check"},
    "name": {"pl": "Imię i nazwisko", "en": "Name"},
    "phone": {"pl": "Telefon", "en": "Phone"},
    "email": {"pl": "E-mail", "en": "E-mail"},
    "qty": {"pl": "Ilość", "en": "Quantity"},
    "consent": {
        "pl": "Zgadzam się na kontakt w sprawie tego zamówienia (SMS lub e-mail).",
        "en": "I agree to be contacted about this order (text or e-mail).",
    },
    "place_order": {"pl": "Złóż zamówienie", "en": "Place order"},
    "need_contact": {
        "pl": "Podaj imię oraz telefon lub e-mail i zaznacz zgodę.",
        "en": "Give your name, a phone number or e-mail, and tick the consent.",
    },
    "order_sent": {
        "pl": "Zamówienie przyjęte. Powiadomimy Cię, gdy będzie gotowe do odbioru.",
        "en": "Order received. We will let you know when it is ready to collect.",
    },
    "order_queued": {
        "pl": "Brak połączenia z centralą: zamówienie jest zapisane w sklepie i zostanie "
        "wysłane automatycznie. Dostępność potwierdzimy SMS-em lub e-mailem.",
        "en": "No connection to head office: your order is saved in this store and will be "
        "sent automatically. We will confirm availability by text or e-mail.",
    },
    "slip_printed": {
        "pl": "Weź wydrukowany kwit z numerem zamówienia i kodem odbioru.",
        "en": "Take the printed slip with your order number and pickup code.",
    },
    "slip_not_printed": {
        "pl": "Zapisz numer zamówienia i kod odbioru — drukarka jest niedostępna.",
        "en": "Write down your order number and pickup code — the printer is unavailable.",
    },
    "pickup_code": {"pl": "Kod odbioru", "en": "Pickup code"},
    "ordering_unavailable": {
        "pl": "Zamawianie jest chwilowo niedostępne. Zapytaj obsługę.",
        "en": "Ordering is not available right now. Please ask a member of staff.",
    },
    "status_unknown": {
        "pl": "Nie znaleziono zamówienia o tym numerze.",
        "en": "No order with that number.",
    },
    "status_unavailable": {
        "pl": "Sprawdzanie zamówień jest chwilowo niedostępne.",
        "en": "Order lookup is not available right now.",
    },
    "scan_unknown": {"pl": "Nie znamy tego kodu", "en": "Unknown barcode"},
    "offline": {
        "pl": "Tryb offline: ceny i stan w tym sklepie są aktualne, inne sklepy — z opóźnieniem.",
        "en": "Offline: prices and stock here are current; other stores may be out of date.",
    },
    "space": {"pl": "spacja", "en": "space"},
    "clear": {"pl": "Wyczyść", "en": "Clear"},
    "all": {"pl": "Wszystkie", "en": "All"},
    "more": {"pl": "Więcej", "en": "More"},
    "status_received": {"pl": "przyjęte", "en": "received"},
    "status_picking": {"pl": "w kompletacji", "en": "being picked"},
    "status_ready": {"pl": "gotowe do odbioru", "en": "ready to collect"},
    "status_collected": {"pl": "odebrane", "en": "collected"},
    "status_partially_collected": {"pl": "odebrane częściowo", "en": "partly collected"},
    "status_refused": {"pl": "odmowa odbioru", "en": "refused"},
    "status_expired": {"pl": "wygasłe", "en": "expired"},
    "status_cancelled": {"pl": "anulowane", "en": "cancelled"},
    "status_requested": {
        "pl": "przyjęte w sklepie, czeka na potwierdzenie centrali",
        "en": "received here, waiting for head office to confirm",
    },
    "status_rejected": {"pl": "odrzucone przez centralę", "en": "not accepted by head office"},
    "code_at_status": {
        "pl": "Kod odbioru pokaże się w „Status zamówienia” po potwierdzeniu przez centralę "
        "(zwykle w ciągu minuty). Wpisz tam numer zamówienia.",
        "en": "Your pickup code appears under “Order status” once head office confirms "
        "(usually within a minute). Enter your order number there.",
    },
    # Why head office refused an order (edge/domain/ordering.py REASONS).
    "refused_contact": {
        "pl": "Podany kontakt jest nieprawidłowy",
        "en": "The contact details are not valid",
    },
    "refused_consent": {"pl": "Brak zgody na kontakt", "en": "No consent to be contacted"},
    "refused_empty": {"pl": "Zamówienie było puste", "en": "The order was empty"},
    "refused_too_many_lines": {
        "pl": "Zbyt wiele różnych produktów",
        "en": "Too many different products",
    },
    "refused_quantity": {
        "pl": "Zbyt duża ilość jednego produktu",
        "en": "Too large a quantity of one product",
    },
    "refused_order_too_large": {"pl": "Zamówienie jest zbyt duże", "en": "The order is too large"},
    "refused_unknown_product": {
        "pl": "Produkt nie jest już w ofercie",
        "en": "A product is no longer offered",
    },
    "refused_withdrawn": {
        "pl": "Produkt został wycofany ze sprzedaży",
        "en": "A product was withdrawn from sale",
    },
    "refused_other": {"pl": "Zapytaj obsługę sklepu", "en": "Please ask a member of staff"},
}

UNITS = {
    "s": {"pl": "s", "en": "s"},
    "min": {"pl": "min", "en": "min"},
    "h": {"pl": "godz.", "en": "h"},
    "d": {"pl": "dni", "en": "days"},
}


def say(book: dict[str, dict[str, str]], key: str, lang: str, **values: object) -> str:
    """A text of `book` (the kiosk's here, the till's in kiosk_ui/pos/words.py) in `lang`."""
    entry = book.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["pl"]
    return text.format(**values) if values else text


def t(key: str, lang: str, **values: object) -> str:
    return say(TEXTS, key, lang, **values)


# The kiosk's touch and shopper screens (issue 18).
TEXTS.update(
    {
        "unknown_code_title": {"pl": "Nie znamy tego kodu", "en": "We do not know this code"},
        "unknown_code_help": {
            "pl": "Zapytaj obsługę sklepu — chętnie sprawdzimy cenę.",
            "en": "Please ask a member of staff — we will check the price for you.",
        },
        "search_again": {"pl": "Wróć do wyszukiwania", "en": "Back to search"},
        "typing_into": {"pl": "Piszesz w polu: {f}", "en": "Typing into: {f}"},
        "show_more": {"pl": "Pokaż więcej wyników", "en": "Show more results"},
        "less": {"pl": "Mniej", "en": "Less"},
        "more_qty": {"pl": "Więcej", "en": "More"},
        "backspace": {"pl": "Usuń znak", "en": "Delete a character"},
        "summary": {"pl": "Podsumowanie zamówienia", "en": "Order summary"},
        "summary_what": {"pl": "Co: {what}", "en": "What: {what}"},
        "summary_where": {"pl": "Gdzie: {where}", "en": "Where: {where}"},
        "summary_until": {
            "pl": "Do kiedy: odbierz do {until}",
            "en": "Until when: collect by {until}",
        },
        "code_hidden": {
            "pl": "Kod odbioru ukryty dla Twojej prywatności. Sprawdź ponownie, aby go zobaczyć.",
            "en": "Pickup code hidden for your privacy. Check again to see it.",
        },
        "promotions_now": {"pl": "Promocje dnia", "en": "Today's promotions"},
        "product_card": {"pl": "{name}, {price}", "en": "{name}, {price}"},
        "search_label": {"pl": "Szukaj produktu", "en": "Search for a product"},
        "idle_warning": {
            "pl": "Czy potrzebujesz więcej czasu? Za chwilę ekran wróci do początku.",
            "en": "Do you need more time? The screen will start over shortly.",
        },
        "idle_more_time": {"pl": "Tak, więcej czasu", "en": "Yes, more time"},
        "bigger_text": {"pl": "Większy tekst", "en": "Larger text"},
    }
)

# The shopper's loyalty card at the kiosk (issue 15).
TEXTS.update(
    {
        "my_card": {"pl": "Moja karta", "en": "My card"},
        "status_sent": {"pl": "przekazane do sklepu", "en": "passed to the store"},
        "card_prompt": {
            "pl": "Zeskanuj kartę lojalnościową lub wpisz jej numer",
            "en": "Scan your loyalty card or type its number",
        },
        "card_no": {"pl": "Numer karty", "en": "Card number"},
        "card_unknown": {"pl": "Nie znamy tej karty", "en": "We do not know this card"},
        "card_unavailable": {
            "pl": "Nie możemy teraz sprawdzić tej karty. Zapytaj obsługę sklepu.",
            "en": "We cannot check this card right now. Please ask a member of staff.",
        },
        "points": {"pl": "Twoje punkty: {n}", "en": "Your points: {n}"},
        "points_live": {"pl": "stan bieżący", "en": "as of now"},
        "member_prices": {
            "pl": "Widzisz teraz ceny dla członków programu.",
            "en": "You now see the member prices.",
        },
        "your_orders": {"pl": "Twoje zamówienia", "en": "Your orders"},
        "no_orders": {"pl": "Brak zamówień", "en": "No orders"},
        "orders_unavailable": {
            "pl": "Status zamówień pokażemy, gdy sklep połączy się z centralą.",
            "en": "We can show your orders once the store reaches head office.",
        },
        "forget_card": {"pl": "Zakończ i ukryj dane", "en": "Finish and hide my details"},
        "member_price": {"pl": "Cena z kartą: {price}", "en": "With a loyalty card: {price}"},
        "your_member_price": {"pl": "Twoja cena z kartą", "en": "Your loyalty card price"},
    }
)
