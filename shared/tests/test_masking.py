from propops.masking import mask_id_number, mask_phone


def test_id_numbers_keep_only_the_first_and_last_two() -> None:
    assert mask_id_number("A1234567") == "A*****67"
    assert mask_id_number("AB") == "*B"
    assert mask_id_number(None) is None


def test_phones_keep_the_last_four() -> None:
    assert mask_phone("+85291234567") == "********4567"
    assert mask_phone("4567") == "***7"
