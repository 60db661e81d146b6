"""A few hundred realistic products of a Polish convenience supermarket, generated
deterministically (same SKUs, barcodes and prices on every node and at the hub)."""

from __future__ import annotations

from datetime import datetime

from edge.domain.barcodes import with_check_digit
from edge.domain.catalogue import Product, Promotion, Unit
from edge.domain.vat import VatRate

CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("bakery", "Pieczywo", "Bakery"),
    ("dairy", "Nabiał", "Dairy"),
    ("fruit-veg", "Owoce i warzywa", "Fruit & vegetables"),
    ("meat", "Mięso i wędliny", "Meat & cold cuts"),
    ("drinks", "Napoje", "Drinks"),
    ("sweets", "Słodycze", "Sweets"),
    ("pantry", "Artykuły spożywcze", "Pantry"),
    ("household", "Chemia gospodarcza", "Household"),
    ("books", "Książki i prasa", "Books & press"),
    ("deposit", "Kaucja", "Deposit"),
)

# (category, name_pl, name_en, variants [(suffix_pl, suffix_en, price_minor)], vat, unit, desc)
_BASE: tuple[tuple[str, str, str, tuple[tuple[str, str, int], ...], VatRate, Unit], ...] = (
    (
        "bakery",
        "Chleb żytni",
        "Rye bread",
        (("500 g", "500 g", 549), ("800 g", "800 g", 799)),
        VatRate.C,
        "pcs",
    ),
    ("bakery", "Bułka kajzerka", "Kaiser roll", (("", "", 79),), VatRate.C, "pcs"),
    (
        "bakery",
        "Chleb pszenny krojony",
        "Sliced wheat bread",
        (("400 g", "400 g", 459),),
        VatRate.C,
        "pcs",
    ),
    ("bakery", "Drożdżówka z serem", "Cheese bun", (("", "", 349),), VatRate.C, "pcs"),
    (
        "bakery",
        "Bagietka francuska",
        "French baguette",
        (("250 g", "250 g", 399),),
        VatRate.C,
        "pcs",
    ),
    (
        "dairy",
        "Mleko 2%",
        "Milk 2%",
        (("1 l", "1 l", 389), ("0,5 l", "0.5 l", 229)),
        VatRate.C,
        "pcs",
    ),
    ("dairy", "Mleko 3,2%", "Milk 3.2%", (("1 l", "1 l", 419),), VatRate.C, "pcs"),
    ("dairy", "Masło ekstra 82%", "Butter 82%", (("200 g", "200 g", 799),), VatRate.C, "pcs"),
    (
        "dairy",
        "Jogurt naturalny",
        "Natural yoghurt",
        (("180 g", "180 g", 219), ("400 g", "400 g", 429)),
        VatRate.C,
        "pcs",
    ),
    (
        "dairy",
        "Ser żółty gouda",
        "Gouda cheese",
        (("plastry 150 g", "slices 150 g", 699),),
        VatRate.C,
        "pcs",
    ),
    ("dairy", "Twaróg półtłusty", "Semi-fat quark", (("250 g", "250 g", 449),), VatRate.C, "pcs"),
    ("dairy", "Śmietana 18%", "Sour cream 18%", (("200 g", "200 g", 319),), VatRate.C, "pcs"),
    (
        "dairy",
        "Jajka z wolnego wybiegu",
        "Free-range eggs",
        (("10 szt.", "10 pcs", 1299),),
        VatRate.C,
        "pcs",
    ),
    ("fruit-veg", "Jabłka Szampion", "Champion apples", (("", "", 399),), VatRate.C, "kg"),
    ("fruit-veg", "Banany", "Bananas", (("", "", 599),), VatRate.C, "kg"),
    ("fruit-veg", "Ziemniaki młode", "New potatoes", (("", "", 349),), VatRate.C, "kg"),
    ("fruit-veg", "Pomidory malinowe", "Raspberry tomatoes", (("", "", 1299),), VatRate.C, "kg"),
    ("fruit-veg", "Ogórki gruntowe", "Field cucumbers", (("", "", 799),), VatRate.C, "kg"),
    ("fruit-veg", "Cebula żółta", "Yellow onions", (("", "", 299),), VatRate.C, "kg"),
    ("fruit-veg", "Marchew", "Carrots", (("", "", 249),), VatRate.C, "kg"),
    ("fruit-veg", "Cytryny", "Lemons", (("", "", 899),), VatRate.C, "kg"),
    ("meat", "Filet z kurczaka", "Chicken breast fillet", (("", "", 2599),), VatRate.C, "kg"),
    ("meat", "Szynka wiejska", "Country ham", (("", "", 4999),), VatRate.C, "kg"),
    ("meat", "Kiełbasa śląska", "Silesian sausage", (("", "", 2899),), VatRate.C, "kg"),
    ("meat", "Parówki cielęce", "Veal frankfurters", (("200 g", "200 g", 699),), VatRate.C, "pcs"),
    (
        "drinks",
        "Woda mineralna niegazowana",
        "Still mineral water",
        (("0,5 l", "0.5 l", 199), ("1,5 l", "1.5 l", 299), ("5 l", "5 l", 849)),
        VatRate.A,
        "pcs",
    ),
    (
        "drinks",
        "Woda mineralna gazowana",
        "Sparkling mineral water",
        (("0,5 l", "0.5 l", 199), ("1,5 l", "1.5 l", 299)),
        VatRate.A,
        "pcs",
    ),
    (
        "drinks",
        "Sok pomarańczowy 100%",
        "Orange juice 100%",
        (("1 l", "1 l", 699),),
        VatRate.A,
        "pcs",
    ),
    (
        "drinks",
        "Sok jabłkowy tłoczony",
        "Pressed apple juice",
        (("1 l", "1 l", 799),),
        VatRate.A,
        "pcs",
    ),
    (
        "drinks",
        "Napój cola",
        "Cola drink",
        (("0,5 l", "0.5 l", 449), ("1,5 l", "1.5 l", 799)),
        VatRate.A,
        "pcs",
    ),
    (
        "drinks",
        "Kawa ziarnista",
        "Coffee beans",
        (("500 g", "500 g", 3499), ("1 kg", "1 kg", 6299)),
        VatRate.A,
        "pcs",
    ),
    (
        "drinks",
        "Herbata czarna ekspresowa",
        "Black tea bags",
        (("100 szt.", "100 bags", 1499),),
        VatRate.A,
        "pcs",
    ),
    ("sweets", "Czekolada mleczna", "Milk chocolate", (("100 g", "100 g", 549),), VatRate.A, "pcs"),
    (
        "sweets",
        "Czekolada gorzka 70%",
        "Dark chocolate 70%",
        (("100 g", "100 g", 649),),
        VatRate.A,
        "pcs",
    ),
    (
        "sweets",
        "Ptasie mleczko",
        "Bird's milk chocolates",
        (("380 g", "380 g", 1899),),
        VatRate.A,
        "pcs",
    ),
    ("sweets", "Krówki ciągutki", "Fudge candies", (("250 g", "250 g", 899),), VatRate.A, "pcs"),
    (
        "sweets",
        "Wafelki orzechowe",
        "Hazelnut wafers",
        (("5 x 34 g", "5 x 34 g", 799),),
        VatRate.A,
        "pcs",
    ),
    ("sweets", "Żelki owocowe", "Fruit gummies", (("200 g", "200 g", 499),), VatRate.A, "pcs"),
    (
        "pantry",
        "Mąka pszenna typ 450",
        "Wheat flour type 450",
        (("1 kg", "1 kg", 349),),
        VatRate.C,
        "pcs",
    ),
    ("pantry", "Cukier biały", "White sugar", (("1 kg", "1 kg", 449),), VatRate.C, "pcs"),
    ("pantry", "Makaron świderki", "Fusilli pasta", (("500 g", "500 g", 449),), VatRate.C, "pcs"),
    ("pantry", "Ryż długoziarnisty", "Long-grain rice", (("1 kg", "1 kg", 699),), VatRate.C, "pcs"),
    ("pantry", "Olej rzepakowy", "Rapeseed oil", (("1 l", "1 l", 999),), VatRate.C, "pcs"),
    (
        "pantry",
        "Ogórki kiszone",
        "Pickled cucumbers",
        (("900 g", "900 g", 1099),),
        VatRate.C,
        "pcs",
    ),
    (
        "pantry",
        "Koncentrat pomidorowy",
        "Tomato paste",
        (("200 g", "200 g", 399),),
        VatRate.C,
        "pcs",
    ),
    (
        "pantry",
        "Sól kamienna jodowana",
        "Iodised rock salt",
        (("1 kg", "1 kg", 199),),
        VatRate.C,
        "pcs",
    ),
    (
        "pantry",
        "Płatki owsiane górskie",
        "Rolled oats",
        (("500 g", "500 g", 399),),
        VatRate.C,
        "pcs",
    ),
    (
        "household",
        "Płyn do mycia naczyń",
        "Washing-up liquid",
        (("900 ml", "900 ml", 999),),
        VatRate.A,
        "pcs",
    ),
    (
        "household",
        "Papier toaletowy",
        "Toilet paper",
        (("8 rolek", "8 rolls", 1599),),
        VatRate.A,
        "pcs",
    ),
    (
        "household",
        "Ręczniki papierowe",
        "Paper towels",
        (("2 rolki", "2 rolls", 899),),
        VatRate.A,
        "pcs",
    ),
    (
        "household",
        "Proszek do prania",
        "Washing powder",
        (("1,5 kg", "1.5 kg", 2999),),
        VatRate.A,
        "pcs",
    ),
    (
        "household",
        "Worki na śmieci 60 l",
        "Bin bags 60 l",
        (("20 szt.", "20 pcs", 799),),
        VatRate.A,
        "pcs",
    ),
    ("household", "Mydło w płynie", "Liquid soap", (("500 ml", "500 ml", 899),), VatRate.A, "pcs"),
    (
        "books",
        "Pan Tadeusz — Adam Mickiewicz",
        "Pan Tadeusz — Adam Mickiewicz",
        (("", "", 2999),),
        VatRate.C,
        "pcs",
    ),
    (
        "books",
        "Lalka — Bolesław Prus",
        "The Doll — Bolesław Prus",
        (("", "", 3499),),
        VatRate.C,
        "pcs",
    ),
    ("books", "Atlas grzybów", "Mushroom atlas", (("", "", 4999),), VatRate.C, "pcs"),
    ("books", "Gazeta codzienna", "Daily newspaper", (("", "", 450),), VatRate.B, "pcs"),
    ("books", "Tygodnik opinii", "Weekly magazine", (("", "", 1099),), VatRate.B, "pcs"),
    ("deposit", "Kaucja za butelkę PET", "PET bottle deposit", (("", "", 50),), VatRate.D, "pcs"),
    ("deposit", "Kaucja za puszkę", "Can deposit", (("", "", 50),), VatRate.D, "pcs"),
)

_BRANDS = (
    ("", ""),
    ("Eko", "Organic"),
    ("Premium", "Premium"),
    ("Marka własna", "Own brand"),
    ("Bio", "Bio"),
    ("Rodzinne", "Family pack"),
)
_BRAND_FACTOR = (100, 135, 160, 80, 150, 190)
DEMO_COMPANY_PREFIX = "590123"  # GS1 Poland prefix 590 + a fictitious company


def _ean(n: int) -> str:
    return with_check_digit(f"{DEMO_COMPANY_PREFIX}{n:06d}")


def _plu(n: int, prefix: str = "28") -> str:
    """The catalogue code of a weighed product: the in-store label with its value zeroed."""
    return with_check_digit(f"{prefix}{n:05d}00000")


def demo_products() -> list[Product]:
    products: list[Product] = []
    counter = 0
    for b, (cat, name_pl, name_en, variants, vat, unit) in enumerate(_BASE):
        for v, (suf_pl, suf_en, price) in enumerate(variants):
            brands = _BRANDS[:1] if unit == "kg" or cat in ("books", "deposit") else _BRANDS
            for k, (brand_pl, brand_en) in enumerate(brands):
                counter += 1
                sku = f"{cat[:3].upper()}-{b + 1:03d}-{v + 1}{k + 1}"
                pl = " ".join(x for x in (name_pl, brand_pl, suf_pl) if x)
                en = " ".join(x for x in (name_en, brand_en, suf_en) if x)
                unit_price = price * _BRAND_FACTOR[k] // 100 // 10 * 10 + 9 if k else price
                if unit == "kg":
                    codes: tuple[str, ...] = (_plu(b + 1),)
                else:
                    codes = (_ean(counter),)
                desc_pl = f"{name_pl}. Kategoria: {_cat_name(cat, 'pl')}."
                desc_en = f"{name_en}. Category: {_cat_name(cat, 'en')}."
                if unit == "kg":
                    desc_pl += " Sprzedawane na wagę, cena za kilogram."
                    desc_en += " Sold by weight, price per kilogram."
                products.append(
                    Product(
                        sku=sku,
                        names={"pl": pl, "en": en},
                        price=unit_price,
                        vat=vat,
                        unit=unit,
                        category=cat,
                        barcodes=codes,
                        descriptions={"pl": desc_pl, "en": desc_en},
                    )
                )
    return products


def _cat_name(cat: str, lang: str) -> str:
    for cid, pl, en in CATEGORIES:
        if cid == cat:
            return pl if lang == "pl" else en
    return cat


def demo_promotions() -> list[Promotion]:
    """Three kinds of promotion, valid all year, on well-known demo SKUs."""
    year_start = datetime(2020, 1, 1).astimezone()
    year_end = datetime(2100, 1, 1).astimezone()
    return [
        Promotion(
            "PROMO-WATER-3F2",
            "DRI-026-21",
            "multibuy",
            buy=3,
            pay=2,
            starts=year_start,
            ends=year_end,
            labels={"pl": "3 w cenie 2", "en": "3 for 2"},
        ),
        Promotion(
            "PROMO-CHOC-20",
            "SWE-033-11",
            "percent",
            value=20,
            starts=year_start,
            ends=year_end,
            labels={"pl": "-20%", "en": "20% off"},
        ),
        Promotion(
            "PROMO-BUTTER",
            "DAI-008-11",
            "price",
            value=649,
            starts=year_start,
            ends=year_end,
            labels={"pl": "Cena promocyjna", "en": "Special price"},
        ),
    ]


def demo_stock(product: Product) -> int:
    """Opening stock: pieces, or grams for weighed goods; a few items are out of stock."""
    h = sum(ord(c) for c in product.sku)
    if h % 17 == 0:
        return 0
    return (5 + h % 40) * 1000 if product.weighed else 3 + h % 48
