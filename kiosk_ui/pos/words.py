"""The till's words, in the store's language (`[store] language`), written for a cashier. Keys
are short names; a missing English text falls back to Polish so a cashier never sees a key."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # login and session
    "till_login": {"pl": "Logowanie do kasy", "en": "Till login"},
    "store_register": {"pl": "{store} · kasa {register}", "en": "{store} · register {register}"},
    "username": {"pl": "Użytkownik", "en": "Username"},
    "pin": {"pl": "PIN", "en": "PIN"},
    "log_in": {"pl": "Zaloguj", "en": "Log in"},
    "log_out": {"pl": "Wyloguj", "en": "Log out"},
    "resume_basket": {"pl": "Wznów koszyk", "en": "Resume basket"},
    "resume_offer": {
        "pl": "Otwarty koszyk z tej kasy: {lines} poz., {total}",
        "en": "An open basket from this register: {lines} lines, {total}",
    },
    "basket_resumed": {"pl": "Koszyk wznowiony", "en": "Basket resumed"},
    # modes
    "mode_sell": {"pl": "Sprzedaż", "en": "Sell"},
    "mode_pickups": {"pl": "Odbiory", "en": "Pickups"},
    "mode_returns": {"pl": "Zwroty", "en": "Returns"},
    "mode_journal": {"pl": "Dziennik sprzedaży", "en": "Sales journal"},
    "mode_tools": {"pl": "Zmiana · raporty · gotówka", "en": "Shift · reports · cash"},
    # sell screen
    "scan_here": {
        "pl": "Zeskanuj lub wpisz kod kreskowy / SKU i naciśnij Enter",
        "en": "Scan or type a barcode / SKU, then Enter",
    },
    "scan_field": {"pl": "Pole skanowania", "en": "Scan field"},
    "col_item": {"pl": "Towar", "en": "Item"},
    "col_qty": {"pl": "Ilość", "en": "Qty"},
    "col_price": {"pl": "Cena", "en": "Price"},
    "col_discount": {"pl": "Rabat", "en": "Discount"},
    "col_total": {"pl": "Wartość", "en": "Total"},
    "basket_empty": {
        "pl": "Koszyk jest pusty: zeskanuj pierwszy towar",
        "en": "Basket is empty: scan the first item",
    },
    "to_pay": {"pl": "Do zapłaty", "en": "To pay"},
    "lines": {"pl": "Pozycje: {n}", "en": "Lines: {n}"},
    "pay": {"pl": "Zapłać (F9)", "en": "Pay (F9)"},
    "qty_key": {"pl": "Ilość F2", "en": "Qty F2"},
    "discount_key": {"pl": "Rabat F4", "en": "Disc. F4"},
    "remove_key": {"pl": "Usuń F8", "en": "Del F8"},
    "cancel_basket": {"pl": "Anuluj koszyk", "en": "Cancel basket"},
    "last_sale": {"pl": "Ostatnia sprzedaż {receipt}", "en": "Last sale {receipt}"},
    "total_is": {"pl": "Suma {amount}", "en": "Total {amount}"},
    "change_is": {"pl": "Reszta {amount}", "en": "Change {amount}"},
    "key_enter": {"pl": "dodaj zeskanowany lub wpisany kod", "en": "add the scanned code"},
    "key_arrows": {"pl": "wybierz pozycję", "en": "choose a line"},
    "key_f2": {"pl": "ilość", "en": "quantity"},
    "key_f4": {"pl": "rabat / cena", "en": "discount / price"},
    "key_f8": {"pl": "usuń pozycję", "en": "remove line"},
    "key_f9": {"pl": "zapłata", "en": "pay"},
    "key_esc": {"pl": "zamknij okno", "en": "close a dialog"},
    "added": {"pl": "{name} — {qty}", "en": "{name} — {qty}"},
    "select_line": {"pl": "Najpierw wybierz pozycję (↑ ↓)", "en": "Select a line first (↑ ↓)"},
    "quantity_of": {"pl": "Ilość — {name}", "en": "Quantity — {name}"},
    "grams": {"pl": "Waga w gramach", "en": "Weight in grams"},
    "pieces": {"pl": "Sztuki", "en": "Pieces"},
    "ok": {"pl": "OK", "en": "OK"},
    "not_whole": {
        "pl": "„{value}” nie jest liczbą całkowitą",
        "en": "'{value}' is not a whole number",
    },
    "qty_set": {"pl": "{name}: ilość {qty}", "en": "{name}: quantity {qty}"},
    "removed": {"pl": "Usunięto {name}", "en": "Removed {name}"},
    # approvals and confirmations
    "approval": {"pl": "Zgoda kierownika", "en": "Supervisor approval"},
    "supervisor": {"pl": "Kierownik (użytkownik)", "en": "Supervisor"},
    "approve": {"pl": "Zatwierdź", "en": "Approve"},
    "cancel": {"pl": "Anuluj", "en": "Cancel"},
    "not_approved": {"pl": "Bez zgody — nic nie zmieniono", "en": "Not approved; nothing changed"},
    "confirm": {"pl": "Tak, wykonaj", "en": "Yes, do it"},
    "go_back": {"pl": "Nie, wróć", "en": "No, go back"},
    "cancel_basket_q": {
        "pl": "Anulować cały koszyk ({lines} poz., {total})? Towary zostaną usunięte z koszyka.",
        "en": "Cancel the whole basket ({lines} lines, {total})? Its items will be removed.",
    },
    "basket_cancelled": {"pl": "Koszyk anulowany", "en": "Basket cancelled"},
    "act_discount_line": {
        "pl": "Rabat na „{name}” ({value}); wartość pozycji {amount}",
        "en": "Discount on '{name}' ({value}); line total {amount}",
    },
    "act_discount_basket": {
        "pl": "Rabat na cały koszyk ({value}); koszyk {amount}",
        "en": "Discount on the whole basket ({value}); basket {amount}",
    },
    "act_price": {
        "pl": "Zmiana ceny „{name}” na {amount} za jednostkę",
        "en": "New unit price of '{name}': {amount}",
    },
    "act_cash_out": {"pl": "Wypłata z kasy: {amount}", "en": "Cash out of the drawer: {amount}"},
    "act_cash_in": {"pl": "Wpłata do kasy: {amount}", "en": "Cash into the drawer: {amount}"},
    "act_refund": {"pl": "Zwrot pieniędzy: {amount}", "en": "Refund: {amount}"},
    "act_report_z": {"pl": "Raport Z (zamyka dzień)", "en": "Z report (closes the day)"},
    "act_unlock": {"pl": "Odblokowanie zamówienia {order}", "en": "Unlocking order {order}"},
    "act_close_shift": {
        "pl": "Zamknięcie zmiany z różnicą {amount}",
        "en": "Closing the shift with a difference of {amount}",
    },
    # discounts
    "discount_of": {"pl": "Rabat — {name}", "en": "Discount — {name}"},
    "percent_off": {"pl": "Rabat procentowy", "en": "Percent off"},
    "amount_off": {"pl": "lub rabat kwotowy (np. 2,50)", "en": "or amount off (e.g. 2,50)"},
    "new_price": {"pl": "lub nowa cena jednostkowa (kierownik)", "en": "or new unit price"},
    "whole_basket": {"pl": "Na cały koszyk zamiast tej pozycji", "en": "Whole basket instead"},
    "apply": {"pl": "Zastosuj", "en": "Apply"},
    "bad_discount": {
        "pl": "Wpisz procent (liczba całkowita) albo kwotę, np. 2,50",
        "en": "Type a whole percentage, or an amount like 2,50",
    },
    "price_one_line": {
        "pl": "Nowa cena dotyczy jednej pozycji — odznacz „cały koszyk”",
        "en": "A new price is for one line; untick 'whole basket'",
    },
    "discount_done": {"pl": "Rabat: {what}", "en": "Discount on {what}"},
    "the_basket": {"pl": "cały koszyk", "en": "the whole basket"},
    # payment
    "payment": {"pl": "Płatność", "en": "Payment"},
    "cash_received": {"pl": "Gotówka otrzymana", "en": "Cash received"},
    "card_ref": {"pl": "Numer transakcji z terminala", "en": "Card terminal reference"},
    "pay_cash": {"pl": "Gotówka (Enter)", "en": "Cash (Enter)"},
    "pay_card": {"pl": "Karta", "en": "Card"},
    "note": {"pl": "Banknot {amount}", "en": "Note {amount}"},
    "paid": {"pl": "Zapłacono — paragon {receipt}", "en": "Paid — receipt {receipt}"},
    "nothing_to_pay": {"pl": "Nic do zapłaty", "en": "Nothing to pay yet"},
    "restarting": {
        "pl": "Kasa się uruchamia ponownie — za chwilę naciśnij Zapłać jeszcze raz",
        "en": "The till is restarting; press pay again in a moment",
    },
    # node gone
    "node_gone": {
        "pl": "Brak połączenia z serwerem sklepu",
        "en": "No connection to the store server",
    },
    "node_gone_more": {
        "pl": "Nie skanuj i nie przyjmuj pieniędzy. Kasa wróci sama, gdy połączenie wróci; "
        "otwarty koszyk i logowanie zostaną zachowane.",
        "en": "Do not scan or take money. The till comes back by itself when the connection "
        "returns; the open basket and the login are kept.",
    },
    "reconnected": {"pl": "Połączenie przywrócone", "en": "Connection restored"},
    "session_ended": {"pl": "Zaloguj się ponownie", "en": "Please log in again"},
    # pickups
    "pickups_missing": {
        "pl": "Odbiory osobiste nie są zainstalowane w tym sklepie.",
        "en": "Click & collect is not installed on this node.",
    },
    "pickup_find": {
        "pl": "Zeskanuj QR klienta albo wpisz numer zamówienia / nazwisko",
        "en": "Scan the shopper's QR or type an order number / name",
    },
    "col_order": {"pl": "Zamówienie", "en": "Order"},
    "col_customer": {"pl": "Klient", "en": "Customer"},
    "col_status": {"pl": "Status", "en": "Status"},
    "col_shelf": {"pl": "Półka", "en": "Shelf"},
    "col_items": {"pl": "Sztuk", "en": "Items"},
    "col_due": {"pl": "Do zapłaty", "en": "To pay"},
    "no_orders": {"pl": "Brak otwartych zamówień", "en": "No open orders"},
    "prepaid": {"pl": "opłacone", "en": "prepaid"},
    "order_title": {"pl": "Zamówienie {order}", "en": "Order {order}"},
    "status_is": {"pl": "Status: {status}", "en": "Status: {status}"},
    "order_line": {
        "pl": "{name} × {qty} (zarezerwowano {reserved}{short})",
        "en": "{name} × {qty} (reserved {reserved}{short})",
    },
    "short_by": {"pl": " · brakuje {n}", "en": " · {n} short"},
    "shelf_location": {"pl": "Miejsce na półce", "en": "Shelf location"},
    "ready_on_shelf": {"pl": "Gotowe na półce", "en": "Ready on shelf"},
    "pickup_code": {"pl": "Kod odbioru (6 cyfr)", "en": "Pickup code (6 digits)"},
    "due_now": {"pl": "Do zapłaty teraz: {amount}", "en": "To pay now: {amount}"},
    "card_ref_empty_cash": {
        "pl": "Numer transakcji z terminala (puste = gotówka)",
        "en": "Card reference (empty = cash)",
    },
    "hand_over": {"pl": "Wydaj", "en": "Hand over"},
    "locked_codes": {
        "pl": "Zablokowane po błędnych kodach",
        "en": "Locked after wrong codes",
    },
    "unlock": {"pl": "Odblokuj (kierownik)", "en": "Unlock (supervisor)"},
    "is_ready": {
        "pl": "Zamówienie {order} gotowe na półce {shelf}",
        "en": "Order {order} is ready on shelf {shelf}",
    },
    "handed_over": {"pl": "Zamówienie {order} wydane", "en": "Order {order} handed over"},
    "with_receipt": {"pl": " · paragon {receipt}", "en": " · receipt {receipt}"},
    "st_received": {"pl": "przyjęte", "en": "received"},
    "st_picking": {"pl": "w kompletacji", "en": "being picked"},
    "st_ready": {"pl": "gotowe na półce", "en": "ready on shelf"},
    "st_collected": {"pl": "odebrane", "en": "collected"},
    "st_partially_collected": {"pl": "odebrane częściowo", "en": "partly collected"},
    "st_refused": {"pl": "odmowa odbioru", "en": "refused"},
    "st_expired": {"pl": "wygasłe", "en": "expired"},
    "st_cancelled": {"pl": "anulowane", "en": "cancelled"},
    # returns
    "returns_missing": {
        "pl": "Zwroty nie są zainstalowane w tym sklepie.",
        "en": "Returns are not installed on this node.",
    },
    "return_step1": {"pl": "Zwrot — 1. zakup", "en": "Return — 1. the purchase"},
    "return_ref": {
        "pl": "Numer paragonu, numer zamówienia albo zeskanuj QR z paragonu",
        "en": "Receipt number, order number, or scan the receipt's QR",
    },
    "find": {"pl": "Szukaj", "en": "Find"},
    "no_receipt": {"pl": "Bez paragonu", "en": "No receipt"},
    "no_receipt_title": {
        "pl": "bez paragonu: zwrot według dzisiejszej ceny",
        "en": "no receipt: refund at today's price",
    },
    "from_qr": {"pl": "offline, z podpisanego kodu QR", "en": "offline, from the signed QR"},
    "kind_sale": {"pl": "sprzedaż", "en": "sale"},
    "kind_order": {"pl": "zamówienie", "en": "order"},
    "return_step2": {
        "pl": "Zwrot — 2. co wraca · {title}",
        "en": "Return — 2. what comes back · {title}",
    },
    "each": {"pl": "{amount} / szt., kupiono {n}", "en": "{amount} each, {n} bought"},
    "reason": {"pl": "Powód", "en": "Reason"},
    "disposition": {"pl": "Gdzie trafia", "en": "Where it goes"},
    "disp_restock": {"pl": "z powrotem na półkę", "en": "back on the shelf"},
    "disp_damaged": {"pl": "uszkodzony", "en": "damaged"},
    "disp_inspection": {"pl": "do sprawdzenia", "en": "inspection"},
    "return_scan": {"pl": "Zeskanuj każdy zwracany towar", "en": "Scan each item coming back"},
    "refund_card_ref": {
        "pl": "Numer transakcji zwrotu na kartę (jeśli na kartę)",
        "en": "Card terminal reference of the refund (if to card)",
    },
    "refund": {"pl": "Zwróć pieniądze", "en": "Refund"},
    "start_again": {"pl": "Zacznij od nowa", "en": "Start again"},
    "choose_qty": {
        "pl": "Wpisz ilość tego, co wraca",
        "en": "Choose a quantity for what comes back",
    },
    "refund_q": {
        "pl": "Zwrócić klientowi {amount} za {n} szt.? Pieniądze wracają tą samą formą "
        "płatności co przy zakupie, towar zostanie przyjęty na stan.",
        "en": "Refund {amount} for {n} items? The money goes back the way it was paid; the "
        "goods are taken back into stock.",
    },
    "refund_q_count": {
        "pl": "Zwrócić klientowi pieniądze za {n} szt.?",
        "en": "Refund {n} items?",
    },
    "refund_q_today": {
        "pl": "Zwrócić klientowi pieniądze za {n} szt. według dzisiejszej ceny? "
        "Towar zostanie przyjęty na stan.",
        "en": "Refund {n} items at today's price? The goods are taken back into stock.",
    },
    "return_step3": {"pl": "Zwrot — 3. wypłata", "en": "Return — 3. refund"},
    "refund_of": {"pl": "Zwrot {amount}", "en": "Refund {amount}"},
    "return_id": {"pl": "Zwrot {id}", "en": "Return {id}"},
    "next_return": {"pl": "Następny zwrot", "en": "Next return"},
    "refunded": {"pl": "Zwrócono {amount}", "en": "Refunded {amount}"},
    "t_cash": {"pl": "gotówka", "en": "cash"},
    "t_card": {"pl": "karta", "en": "card"},
    "r_changed_mind": {"pl": "rezygnacja", "en": "changed mind"},
    "r_defective": {"pl": "wadliwy", "en": "defective"},
    "r_wrong_item": {"pl": "pomyłka w towarze", "en": "wrong item"},
    "r_damaged": {"pl": "uszkodzony", "en": "damaged"},
    "r_other": {"pl": "inny", "en": "other"},
    # tools
    "reprint_title": {"pl": "Kopia paragonu (oznaczona KOPIA)", "en": "Reprint a receipt (COPY)"},
    "receipt_no": {"pl": "Numer paragonu", "en": "Receipt number"},
    "reprint": {"pl": "Drukuj kopię", "en": "Reprint"},
    "reports": {"pl": "Raporty", "en": "Reports"},
    "report_x": {"pl": "Raport X", "en": "X report"},
    "report_z": {"pl": "Raport Z (zamyka dzień)", "en": "Z report (closes the day)"},
    "drawer_title": {"pl": "Szuflada i gotówka", "en": "Cash drawer"},
    "open_drawer": {"pl": "Otwórz szufladę", "en": "Open drawer"},
    "act_drawer": {"pl": "Otwarcie szuflady poza sprzedażą", "en": "Opening the drawer"},
    "amount": {"pl": "Kwota (np. 200,00)", "en": "Amount (e.g. 200,00)"},
    "cash_reason": {"pl": "Powód (odprowadzenie do banku…)", "en": "Reason (bank drop…)"},
    "cash_in": {"pl": "Wpłata", "en": "Cash in"},
    "cash_out": {"pl": "Wypłata", "en": "Cash out"},
    "cash_in_done": {"pl": "Wpłata: {amount}", "en": "Cash in: {amount}"},
    "cash_out_done": {"pl": "Wypłata: {amount}", "en": "Cash out: {amount}"},
    "no_devices_part": {
        "pl": "Obsługa urządzeń nie jest zainstalowana w tym sklepie",
        "en": "The devices part is not installed on this node",
    },
    "printed_on": {"pl": "Wydrukowano na {printer}", "en": "Printed on {printer}"},
    "not_printed": {
        "pl": "Brak drukarki — pokazano tylko na ekranie",
        "en": "No printer configured: shown here only",
    },
    "drawer_opened": {"pl": "Szuflada otwarta", "en": "Drawer opened"},
    "scanned_elsewhere": {
        "pl": "Zeskanowano {code}: przejdź do Sprzedaży, aby dodać do koszyka",
        "en": "Scanned {code}: switch to Sell to add it to a basket",
    },
    # shifts
    "shift": {"pl": "Zmiana", "en": "Shift"},
    "no_shift": {"pl": "Zmiana nie jest otwarta.", "en": "No shift is open."},
    "float": {"pl": "Pogotowie kasowe (np. 200,00)", "en": "Float (e.g. 200,00)"},
    "open_shift": {"pl": "Otwórz zmianę", "en": "Open the shift"},
    "shift_open": {
        "pl": "Zmiana otwarta {at} przez {who}, pogotowie {amount}",
        "en": "Shift opened {at} by {who}, float {amount}",
    },
    "counted": {"pl": "Policzona gotówka w szufladzie", "en": "Cash counted in the drawer"},
    "close_shift": {"pl": "Zamknij zmianę", "en": "Close the shift"},
    "close_shift_q": {
        "pl": "Zamknąć zmianę z policzoną gotówką {amount}? Różnica zostanie zapisana.",
        "en": "Close the shift with {amount} counted? The difference will be recorded.",
    },
    "shift_opened": {"pl": "Zmiana otwarta", "en": "Shift opened"},
    "shift_closed": {
        "pl": "Zmiana zamknięta, różnica {amount}",
        "en": "Shift closed, difference {amount}",
    },
    "report_title_shift": {"pl": "Zamknięcie zmiany", "en": "Shift close"},
    # reports
    "report_title_x": {"pl": "Raport X", "en": "X report"},
    "report_title_z": {"pl": "Raport Z nr {n}", "en": "Z report no. {n}"},
    "period": {"pl": "Okres: {start} – {end}", "en": "Period: {start} – {end}"},
    "since_start": {"pl": "od początku", "en": "from the start"},
    "rep_sales": {"pl": "Liczba paragonów", "en": "Receipts"},
    "rep_total": {"pl": "Sprzedaż brutto", "en": "Gross sales"},
    "rep_discount": {"pl": "Rabaty", "en": "Discounts"},
    "rep_tender": {"pl": "Płatności: {kind}", "en": "Payments: {kind}"},
    "rep_vat": {
        "pl": "VAT {rate}: brutto {gross}, podatek {vat}",
        "en": "VAT {rate}: gross {gross}, tax {vat}",
    },
    "rep_returns": {"pl": "Liczba zwrotów", "en": "Returns"},
    "rep_refunded": {"pl": "Zwrócono klientom", "en": "Refunded"},
    "rep_cash_in": {"pl": "Wpłaty do kasy", "en": "Cash in"},
    "rep_cash_out": {"pl": "Wypłaty z kasy", "en": "Cash out"},
    "rep_float": {"pl": "Pogotowie kasowe", "en": "Float"},
    "rep_cash": {"pl": "Gotówka w szufladzie (wyliczona)", "en": "Cash in the drawer (expected)"},
    "rep_counted": {"pl": "Gotówka policzona", "en": "Cash counted"},
    "rep_difference": {"pl": "Różnica", "en": "Difference"},
    "t_online": {"pl": "online", "en": "online"},
    "t_voucher": {"pl": "bon", "en": "voucher"},
    # status bar
    "till_of": {"pl": "{store} · kasa {register}", "en": "{store} · till {register}"},
    "sync_unknown": {"pl": "centrala: stan nieznany", "en": "sync: unknown"},
    "sync_no_hub": {"pl": "centrala: nie skonfigurowana", "en": "sync: no hub configured"},
    "sync_all_sent": {"pl": "online · wszystko wysłane", "en": "online · all sent"},
    "sync_to_send": {"pl": "online · do wysłania: {n}", "en": "online · {n} to send"},
    "sync_offline": {"pl": "offline · czeka: {n}", "en": "offline · {n} waiting"},
    "devices_unknown": {"pl": "urządzenia: stan nieznany", "en": "devices: unknown"},
    "no_devices": {"pl": "brak skonfigurowanych urządzeń", "en": "no devices configured"},
    "printers": {"pl": "drukarka", "en": "printer"},
    "scanners": {"pl": "skaner", "en": "scanner"},
    "drawers": {"pl": "szuflada", "en": "drawer"},
    "queue_waiting": {"pl": "w kolejce: {n}", "en": "{n} waiting"},
    "offline_text": {
        "pl": "OFFLINE — brak połączenia z centralą. Nadal działa: sprzedaż (gotówka i karta), "
        "zwroty sprzedaży z tego sklepu i paragonów z podpisanym kodem QR, wydawanie odbiorów "
        "już przyjętych w sklepie. Sprzedaże są zapisywane i zostaną wysłane automatycznie.",
        "en": "OFFLINE — head office is unreachable. Still working: selling (cash and card), "
        "returns of this store's sales and of receipts with a signed QR code, handing out "
        "pickups already received here. Sales are kept and sent automatically.",
    },
}


def w(key: str, lang: str, **values: object) -> str:
    entry = WORDS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["pl"]
    return text.format(**values) if values else text
