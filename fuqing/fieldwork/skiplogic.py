"""Skip logic (FLD-6): the subset of XLSForm ``relevant`` expressions the platform understands.

An expression is parsed once into a small tree of plain JSON (stored on the question) that the server
evaluates here and the browser evaluates in static/fuqing/fieldwork.js — never ``eval``:

    {"op": "and"|"or", "args": [node, …]}     {"op": "not", "arg": node}
    {"op": "=", "q": code, "v": value}        (also "!=", ">", ">=", "<", "<=")
    {"op": "selected", "q": code, "v": value}

Grammar: ``${code} = 'value'``, ``${n} >= 18``, ``selected(${q}, 'a')``, ``not(...)``, ``and``, ``or``,
parentheses. Anything else raises ``SkipLogicError`` naming what is not supported.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

COMPARISONS = ("=", "!=", ">", ">=", "<", "<=")
OP_LABELS = {
    "=": "等于",
    "!=": "不等于",
    ">": "大于",
    ">=": "不小于",
    "<": "小于",
    "<=": "不大于",
    "selected": "选了",
}


class SkipLogicError(ValueError):
    """The expression cannot be understood; the message is a Chinese sentence naming the problem."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<name>[A-Za-z_][\w.-]*)\s*\})
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<num>-?\d+(?:\.\d+)?)
      | (?P<op>!=|>=|<=|=|>|<)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][\w:-]*)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)


def _tokens(source: str) -> list[tuple[str, str]]:
    result = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup if match.lastgroup != "name" else "ref"
        if match.group("ref"):
            result.append(("ref", match.group("name")))
        elif kind == "str":
            result.append(("str", match.group("str")[1:-1]))
        elif kind == "num":
            result.append(("num", match.group("num")))
        elif kind == "op":
            result.append(("op", match.group("op")))
        elif kind == "punct":
            result.append(("punct", match.group("punct")))
        elif kind == "word":
            result.append(("word", match.group("word")))
        elif kind == "bad":
            raise SkipLogicError(f"条件中有无法识别的符号“{match.group('bad')}”。")
    return result


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = _tokens(source)
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise SkipLogicError("条件不完整。")
        self.index += 1
        return token

    def expect(self, kind: str, value: str) -> None:
        token = self.take()
        if token != (kind, value):
            raise SkipLogicError(f"条件格式有误：此处应为“{value}”。")

    def parse(self) -> dict:
        node = self.parse_or()
        if self.peek() is not None:
            raise SkipLogicError(f"条件格式有误：多余的“{self.peek()[1]}”。")
        return node

    def parse_or(self) -> dict:
        args = [self.parse_and()]
        while self.peek() == ("word", "or"):
            self.take()
            args.append(self.parse_and())
        return args[0] if len(args) == 1 else {"op": "or", "args": args}

    def parse_and(self) -> dict:
        args = [self.parse_atom()]
        while self.peek() == ("word", "and"):
            self.take()
            args.append(self.parse_atom())
        return args[0] if len(args) == 1 else {"op": "and", "args": args}

    def parse_atom(self) -> dict:
        token = self.take()
        if token == ("punct", "("):
            node = self.parse_or()
            self.expect("punct", ")")
            return node
        if token == ("word", "not"):
            self.expect("punct", "(")
            node = self.parse_or()
            self.expect("punct", ")")
            return {"op": "not", "arg": node}
        if token == ("word", "selected"):
            self.expect("punct", "(")
            kind, name = self.take()
            if kind != "ref":
                raise SkipLogicError("selected() 的第一个参数应为 ${题目代码}。")
            self.expect("punct", ",")
            kind, value = self.take()
            if kind not in ("str", "num"):
                raise SkipLogicError("selected() 的第二个参数应为选项值，如 'a'。")
            self.expect("punct", ")")
            return {"op": "selected", "q": name, "v": value}
        if token[0] == "ref":
            kind, op = self.take()
            if kind != "op":
                raise SkipLogicError(f"${{{token[1]}}} 之后应为比较符号（= != > >= < <=）。")
            kind, value = self.take()
            if kind not in ("str", "num"):
                raise SkipLogicError("比较的对象应为带引号的文字或数字。")
            return {"op": op, "q": token[1], "v": value}
        if token[0] == "word":
            raise SkipLogicError(f"不支持条件中的函数或写法“{token[1]}”。")
        raise SkipLogicError(f"条件格式有误：不应出现“{token[1]}”。")


def parse(source: str) -> dict | None:
    """The expression tree of ``source`` (None for an empty expression)."""
    source = (source or "").strip()
    if not source:
        return None
    return _Parser(source).parse()


def references(node: dict | None) -> set[str]:
    if not node:
        return set()
    if node["op"] in ("and", "or"):
        return set().union(*(references(a) for a in node["args"]))
    if node["op"] == "not":
        return references(node["arg"])
    return {node["q"]}


def to_source(node: dict | None) -> str:
    """Back to XLSForm syntax (for a condition built in the form)."""
    if not node:
        return ""
    op = node["op"]
    if op in ("and", "or"):
        return f" {op} ".join(
            f"({to_source(a)})" if a["op"] in ("and", "or") else to_source(a) for a in node["args"]
        )
    if op == "not":
        return f"not({to_source(node['arg'])})"
    value = node["v"]
    literal = value if _number(value) is not None else "'" + str(value).replace("'", "") + "'"
    if op == "selected":
        return f"selected(${{{node['q']}}}, {literal})"
    return f"${{{node['q']}}} {op} {literal}"


def _number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool | list):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def evaluate(node: dict | None, answers: dict) -> bool:
    """Whether a question with condition ``node`` is shown, given the answers so far.

    ``answers`` maps a question code to a string, a number, a list (multiple choice) or None.
    An unanswered question compares equal only to ''.
    """
    if not node:
        return True
    op = node["op"]
    if op == "and":
        return all(evaluate(a, answers) for a in node["args"])
    if op == "or":
        return any(evaluate(a, answers) for a in node["args"])
    if op == "not":
        return not evaluate(node["arg"], answers)
    answer = answers.get(node["q"])
    target = str(node["v"])
    if isinstance(answer, list):
        if op in ("selected", "="):
            return target in [str(a) for a in answer]
        if op == "!=":
            return target not in [str(a) for a in answer]
        return False
    text = "" if answer is None else str(answer)
    if op in ("selected", "="):
        left, right = _number(text), _number(target)
        return left == right if left is not None and right is not None else text == target
    if op == "!=":
        left, right = _number(text), _number(target)
        return left != right if left is not None and right is not None else text != target
    left, right = _number(text), _number(target)
    if left is None or right is None:
        if not text:
            return False
        left, right = text, target  # dates in ISO form compare as text
    return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]


def describe(node: dict | None, labels: dict[str, str], choices: dict[str, dict] | None = None) -> str:
    """A Chinese reading of the condition for the builder page: 当“第2题”等于“是”时显示.

    ``choices`` maps a question code to {value: label}, so a choice shows as its label."""
    if not node:
        return ""
    op = node["op"]
    if op in ("and", "or"):
        joiner = "并且" if op == "and" else "或者"
        return joiner.join(describe(a, labels, choices) for a in node["args"])
    if op == "not":
        return f"并非（{describe(node['arg'], labels, choices)}）"
    value = (choices or {}).get(node["q"], {}).get(str(node["v"]), node["v"])
    return f"“{labels.get(node['q'], node['q'])}”{OP_LABELS[op]}“{value}”"
