"""Languages: every French message of the code has an English translation; formats follow the language."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from kpawidgets.i18n import catalog, format_date, format_money, format_money_rounded, format_percent, translate
from kpawidgets.tools.catalog import extract_messages, missing_translations


def test_every_message_has_an_english_translation() -> None:
    missing = missing_translations("en")
    listing = "\n".join(f"{places[0]}: {msgid}" for msgid, places in missing.items())
    assert not missing, f"{len(missing)} message(s) without English translation:\n{listing}"


def test_extraction_sees_calls_inside_fstrings() -> None:
    messages = extract_messages()
    assert "Le réseau KPA-Cité" in messages  # only ever used inside an f-string


def test_placeholders_survive_translation() -> None:
    placeholder = re.compile(r"\{[a-z_]+\}")
    for msgid, msgstr in catalog("en").items():
        assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(msgstr)), msgid


def test_french_is_the_source_and_english_is_translated() -> None:
    assert translate("Accueil", "fr") == "Accueil"
    assert translate("Accueil", "en") == "Home"


def test_formats_follow_the_language() -> None:
    nbsp, narrow = "\u00a0", "\u202f"
    assert format_money_rounded(Decimal("35000"), "fr") == f"35{narrow}000{nbsp}€"
    assert format_money(Decimal("3886.08"), "fr") == f"3{narrow}886,08{nbsp}€"
    assert format_date(dt.date(2026, 4, 15), "fr") == "15 avril 2026"
    assert format_date(dt.date(2026, 4, 15), "en") == "15 April 2026"
    assert format_percent(0.65, "fr") == f"65{nbsp}%"
    assert format_percent(0.65, "en") == "65%"


def test_catalogs_hold_no_forgotten_entries() -> None:
    used = set(extract_messages())
    stale = [msgid for msgid in catalog("en") if msgid not in used]
    assert not stale, f"translations of messages the code no longer uses: {stale}"
