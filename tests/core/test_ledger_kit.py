"""The ledger kit's one unit rule (issue 11, point 2): division code, full name or the path of names,
inside the importer's scope; anything else refused with a Chinese message naming the column and the
rule. Short record numbers read back to the record."""

import uuid

import pytest

from fuqing.core.ledger import ParsedRow, UnitResolver, parse_record_number, short_number
from fuqing.core.scoping import user_scope
from fuqing.orgs import services as org_services
from fuqing.orgs.models import OrgKind


def _twin(tree):
    """A second 友谊社区 in 道里区, under another street."""
    street = org_services.add_org(None, parent=tree.a, name="城南街道", kind=OrgKind.TOWNSHIP)
    return org_services.add_org(None, parent=street, name="友谊社区", kind=OrgKind.COMMUNITY)


def test_one_rule_code_name_and_path(tree, daoli, django_assert_max_num_queries):
    twin = _twin(tree)
    user_scope(daoli)  # her scope is read once per request, whatever the import
    with django_assert_max_num_queries(1):  # every unit under the import's unit, once
        units = UnitResolver(tree.a, daoli, column="所属单位")
    assert units.resolve("230102002") == (tree.a1, "")  # division code
    assert units.resolve("新阳路街道") == (tree.a1, "")  # full name
    assert units.resolve("道里区") == (tree.a, "")  # "妇联" left off
    assert units.resolve("新阳路街道/友谊社区") == (tree.a1a, "")  # the last names of the path
    assert units.resolve("哈尔滨市/道里区/新阳路街道/友谊社区") == (tree.a1a, "")  # the whole path
    assert units.resolve(" 城南街道 / 友谊社区 ") == (twin, "")
    assert units.resolve("") == (tree.a, "")  # empty: the import's unit


def test_ambiguous_and_unknown_names_are_refused_with_the_rule(tree, daoli):
    _twin(tree)
    units = UnitResolver(tree.a, daoli, column="所属单位")
    unit, message = units.resolve("友谊社区")
    assert unit is None and "“友谊社区”不止一个" in message
    assert "新阳路街道/友谊社区" in message and "城南街道/友谊社区" in message
    unit, message = units.resolve("火星社区")
    assert unit is None and message.startswith("在“道里区妇联”之下找不到“火星社区”。")
    assert "行政区划代码" in message and "哈尔滨市/道里区/新阳路街道" in message
    row = ParsedRow(number=7, values={"org": "花园街道"})  # 南岗区: not under 道里区
    assert units.check(row, "org") is None
    assert [(e.row, e.column) for e in row.errors] == [(7, "所属单位")]
    assert "找不到“花园街道”" in row.errors[0].message


def test_units_outside_the_importers_edit_scope_are_foreign(tree, daoli):
    units = UnitResolver(tree.city, daoli, column="单位")
    assert units.resolve("道里区妇联") == (tree.a, "")
    unit, message = units.resolve("花园街道")  # under the city, but 南岗区 is not hers to edit
    assert unit is None and "不在您可以导入的范围内" in message
    unit, message = units.resolve("")  # the city itself is not hers: the cell is required
    assert unit is None and message.startswith("必填")


def test_accept_narrows_the_units(tree, daoli):
    units = UnitResolver(
        tree.a, daoli, column="所属社区", accept=lambda o, parent: o.kind == OrgKind.COMMUNITY
    )
    assert units.resolve("友谊社区") == (tree.a1a, "")
    assert units.resolve("新阳路街道")[0] is None


def test_short_record_numbers_read_back():
    pk = uuid.UUID("3f2a91c0-1234-4abc-8def-000000000001")
    assert short_number(pk) == "3F2A-91C0"
    assert parse_record_number("3f2a91c0") == "3F2A-91C0"
    assert parse_record_number(str(pk)) == str(pk)


def test_a_box_of_several_units_states_each_reason_and_the_rule_once(tree, daoli):
    units = UnitResolver(tree.a, daoli, column="报送单位", edit=False, default=False)
    found, problems = units.resolve_all(["新阳路街道", "230102", "火星妇联", "新阳路街道", "花园街道"])
    assert found == [tree.a1, tree.a]  # in order, without repeats
    assert problems[0] == "在“道里区妇联”之下找不到“火星妇联”。"
    assert problems[1] == "在“道里区妇联”之下找不到“花园街道”。"  # another district's: not found
    assert problems[2].startswith("单位可填：行政区划代码") and len(problems) == 3


def test_the_refusal_for_a_unit_outside_the_scope_can_be_worded(tree, researcher):
    units = UnitResolver(tree.city, researcher, column="单位", refusal="在“%(o)s”之下找不到“%(v)s”。")
    assert units.resolve("新阳路街道") == (None, "在“哈尔滨市妇联”之下找不到“新阳路街道”。")  # read-only


def test_text_choice_and_number_columns_read_and_print_the_attribute(tree):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from fuqing.core import cells
    from fuqing.core.cells import CellError
    from fuqing.core.ledger_kit import choice_column, number_column, text_column, write_each
    from fuqing.orgs.models import OrgKind

    name = text_column("name", "名称", 5)
    assert name.parse("  新阳路街道 ") == "新阳路街道" and name.export(tree.a1, None) == "新阳路街道"
    with pytest.raises(CellError):
        name.parse("新阳路街道妇联")  # longer than the column takes
    printed = text_column("code", "代码", attr="division_code")
    assert not printed.importable and printed.export(tree.a1, None) == "230102002"
    kind = choice_column("kind", "类型", OrgKind.choices)
    assert kind.parse("街道(乡镇)妇联") == OrgKind.TOWNSHIP and kind.export(tree.a1, None) == "街道(乡镇)妇联"
    amount = number_column("year", "年度", attr="code_year")
    assert amount.parse("2014") == 2014
    assert number_column("x", "金额", parse=cells.decimal).parse("1500.5") == Decimal("1500.5")
    rows = [ParsedRow(2, {}), ParsedRow(7, {})]

    def refuse_the_second(row):
        if row.number == 7:
            raise ValidationError({"name": "名称不能为空。"})

    try:
        write_each(rows, refuse_the_second)
    except ValidationError as exc:
        assert exc.messages == ["第 7 行：名称不能为空。"]
    else:
        raise AssertionError("the refusal was swallowed")
