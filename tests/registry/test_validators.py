"""REG-1: ID numbers (GB 11643) and phone numbers as cadres and ledgers write them."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuqing.core.cells import CellError
from fuqing.registry.validators import age_on, make_id_number, normalise_name, parse_id_number, parse_phone


def test_reg1_the_spec_example_is_valid_and_its_neighbour_is_not():
    parsed = parse_id_number("360426199101010071")
    assert parsed.birth_date == datetime.date(1991, 1, 1)
    assert parsed.male  # 17th digit 7
    with pytest.raises(CellError, match="校验位"):
        parse_id_number("360426199101010072")


def test_reg1_lowercase_x_full_width_digits_and_spaces_are_accepted():
    number = make_id_number("230102", datetime.date(1975, 3, 8), 4)
    if not number.endswith("X"):
        number = next(
            n
            for s in range(500)
            if (n := make_id_number("230102", datetime.date(1975, 3, 8), s)).endswith("X")
        )
    messy = (
        " "
        + number[:6]
        + " "
        + number[6:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        + "x "
    )
    assert parse_id_number(messy).value == number


def test_reg1_birth_date_must_be_real_and_not_in_the_future():
    with pytest.raises(CellError, match="出生日期 19910230"):
        parse_id_number("36042619910230007X")
    body = "23010220990101002"
    from fuqing.registry.validators import check_char

    with pytest.raises(CellError, match="不合理"):
        parse_id_number(body + check_char(body))


def test_reg1_wrong_length_and_letters_name_the_rule():
    with pytest.raises(CellError, match="18 位"):
        parse_id_number("23010219900101")
    with pytest.raises(CellError, match="前 17 位应为数字"):
        parse_id_number("23010219900101A02X")


def test_reg1_an_excel_number_cell_that_lost_digits_is_explained():
    with pytest.raises(CellError, match="存成了数字"):
        parse_id_number(2.30102199001011e17)


def test_reg1_fifteen_digit_numbers_are_upgraded():
    parsed = parse_id_number("230102800101002")
    assert parsed.value.startswith("23010219800101002")
    assert len(parsed.value) == 18
    assert parsed.birth_date == datetime.date(1980, 1, 1)


def test_reg1_the_seventeenth_digit_tells_a_man_from_a_woman():
    day = datetime.date(1988, 8, 8)
    assert not parse_id_number(make_id_number("230103", day, 12)).male
    assert parse_id_number(make_id_number("230103", day, 12, female=False)).male


@given(
    region=st.sampled_from(["230102", "230103", "230125", "110101"]),
    birth=st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2010, 12, 31)),
    seq=st.integers(0, 499),
)
def test_reg1_generated_numbers_are_always_valid_and_female(region, birth, seq):
    parsed = parse_id_number(make_id_number(region, birth, seq))
    assert parsed.birth_date == birth and not parsed.male


def test_reg1_age_is_derived_from_the_birth_date():
    assert age_on(datetime.date(1980, 5, 17), datetime.date(2014, 5, 16)) == 33
    assert age_on(datetime.date(1980, 5, 17), datetime.date(2014, 5, 17)) == 34


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678.0, "13812345678"),
        ("0451-86661234", "0451-86661234"),
        ("(0451)86661234", "0451-86661234"),
        ("045186661234", "0451-86661234"),
        ("010 6512 3456", "010-65123456"),
        ("86661234", "86661234"),
        ("", ""),
    ],
)
def test_reg1_phone_numbers_mobile_and_landline(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "138123456789", "0451-123", "电话", "0451-01234567"]
)
def test_reg1_bad_phone_numbers_are_refused_with_the_rule(raw):
    with pytest.raises(CellError, match="联系电话"):
        parse_phone(raw)


def test_reg1_names_lose_stray_spaces():
    assert normalise_name(" 张  丽 ") == "张丽"
    assert normalise_name("阿依.古丽") == "阿依·古丽"


def test_reg4_other_apps_find_women_by_the_same_blind_index(tree, daoli):
    from fuqing.registry.services import id_number_index
    from tests.registry.conftest import add_woman

    woman = add_woman(daoli, tree.a1a)
    assert id_number_index(woman.id_number.lower()) == woman.id_number_index
    assert id_number_index(" " + woman.id_number + " ") == woman.id_number_index
