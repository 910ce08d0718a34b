"""The normalized text q= searches: NFKC + casefold, phones as digits (propops.lists)."""

from __future__ import annotations

from propops.lists import digits, normalize, search_text


def test_normalize_folds_width_and_case() -> None:
    assert normalize("ＴＯＷＥＲ　Ａ １２Ｂ") == "tower a 12b"
    assert normalize("Straße") == normalize("STRASSE") == "strasse"
    assert normalize("  海景閣\t3C ") == "海景閣 3c"
    assert normalize(None) == ""


def test_digits_of_a_phone() -> None:
    assert digits("+852 9123-4567") == "85291234567"
    assert digits("（９１２３）４５６７") == "91234567"
    assert digits("none") == ""


def test_search_text_joins_parts_and_phones() -> None:
    assert search_text("陳大文", None, phones=["+852 9123 4567"]) == "陳大文 85291234567"
