"""Skip logic (FLD-6): the XLSForm ``relevant`` subset, one evaluator on the server and the same in the
browser (static/fuqing/fieldwork.js), checked against each other."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fuqing.fieldwork import skiplogic

ANSWERS = {"employed": "no", "age": "35", "kids": ["a", "c"], "day": "2014-04-20", "empty": None}
CASES = [
    ("${employed} = 'no'", True),
    ("${employed} != 'no'", False),
    ("${age} >= 18 and ${age} < 60", True),
    ("${age} > 40 or ${employed} = 'no'", True),
    ("not(${employed} = 'yes')", True),
    ("selected(${kids}, 'c')", True),
    ("selected(${kids}, 'b')", False),
    ("${kids} = 'a'", True),
    ("${missing} = ''", True),
    ("${missing} > 3", False),
    ("${day} >= '2014-04-01'", True),
    ("(${employed} = 'yes' or ${age} = 35) and not(selected(${kids}, 'b'))", True),
    ("${age} = 35.0", True),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_fld6_relevant_expressions_evaluate_on_the_server(source, expected):
    assert skiplogic.evaluate(skiplogic.parse(source), ANSWERS) is expected


def test_fld6_a_parsed_condition_reads_back_as_xlsform():
    node = skiplogic.parse("${a} = 'x' and selected(${b}, 'y')")
    assert skiplogic.to_source(node) == "${a} = 'x' and selected(${b}, 'y')"
    assert skiplogic.references(node) == {"a", "b"}
    assert skiplogic.describe(node, {"a": "第1题"}) == "“第1题”等于“x”并且“b”选了“y”"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("pulldata('x', 'y') > 1", "pulldata"),
        ("${a} = ", "不完整"),
        ("${a} = 'x' ${b}", "多余"),
        ("${a} ~ 1", "~"),
    ],
)
def test_fld6_unsupported_expressions_are_named(source, message):
    with pytest.raises(skiplogic.SkipLogicError) as caught:
        skiplogic.parse(source)
    assert message in str(caught.value)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_fld6_the_browser_evaluates_conditions_like_the_server():
    script = Path(__file__).resolve().parents[2] / "static" / "fuqing" / "fieldwork.js"
    cases = [{"node": skiplogic.parse(s), "expected": e} for s, e in CASES]
    program = (
        "global.document = {querySelectorAll: () => []}; global.window = global;\n"
        + script.read_text(encoding="utf-8")
        + f"\nconst answers = {json.dumps({k: v for k, v in ANSWERS.items() if v is not None})};\n"
        + f"const cases = {json.dumps(cases)};\n"
        + "console.log(JSON.stringify(cases.map(c => window.fuqingSkipLogic.evaluate(c.node, answers))));"
    )
    result = subprocess.run(["node", "-e", program], capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(result.stdout) == [e for _s, e in CASES]
