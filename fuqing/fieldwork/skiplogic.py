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

import datetime
import math
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
    """The expression tree of ``source`` (None for an empty expression). What the simple grammar does
    not read but the XLSForm subset does (``${n} + ${m} > 3``, ``../q``) is kept as
    ``{"op": "expr", "src": source, "e": tree}``."""
    source = (source or "").strip()
    if not source:
        return None
    try:
        return _Parser(source).parse()
    except SkipLogicError as first:
        try:
            tree = _ExprParser(source).parse()
        except SkipLogicError:
            raise first from None
        return {"op": "expr", "src": source, "e": tree}


def references(node: dict | None) -> set[str]:
    if not node:
        return set()
    if node["op"] in ("and", "or"):
        return set().union(*(references(a) for a in node["args"]))
    if node["op"] == "not":
        return references(node["arg"])
    if node["op"] == "expr":
        return expr_references(node["e"])
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
    if op == "expr":
        return node["src"]
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
    if op == "expr":
        return truthy(node["e"], answers)
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
    if op == "expr":
        return f"“{node['src']}”成立"
    value = (choices or {}).get(node["q"], {}).get(str(node["v"]), node["v"])
    return f"“{labels.get(node['q'], node['q'])}”{OP_LABELS[op]}“{value}”"


# --- XLSForm expressions (FLD-6): constraint, relevant, calculation, choice_filter ---------------------
#
# A wider, still small, XPath subset for what XLSForms write: ``.`` (this answer), ``${code}``,
# numbers and quoted text, + - * div mod, = != > >= < <=, and/or, and a few functions. It is parsed
# once into a list tree (stored as JSON) that the server evaluates here and the browser evaluates in
# static/fuqing/fieldwork.js, never with ``eval``:
#   ["lit", v]  ["ref", code]  ["self"]  ["attr", name]  ["neg", a]  ["bin", op, a, b]
#   ["and", [..]]  ["or", [..]]  ["fn", name, [..]]
# A bare word is an attribute of the choice being filtered (``choice_filter: province = ${prov}``).

FUNCTIONS = {
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "regex": (2, 2),
    "if": (3, 3),
    "concat": (1, 20),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "number": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "coalesce": (2, 2),
    "true": (0, 0),
    "false": (0, 0),
    "today": (0, 0),
}
MAX_REGEX = 200

_EXPR_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<name>[A-Za-z_][\w.-]*)\s*\})
      | (?P<parent>\.\./(?P<pname>[A-Za-z_][\w-]*))
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<num>\d+(?:\.\d+)?)
      | (?P<op>!=|>=|<=|=|>|<|\+|-|\*)
      | (?P<punct>[(),])
      | (?P<self>\.)
      | (?P<word>[A-Za-z_][\w:-]*)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)


def _expr_tokens(source: str) -> list[tuple[str, str]]:
    result = []
    for match in _EXPR_TOKEN.finditer(source):
        if match.group("ref"):
            result.append(("ref", match.group("name")))
        elif match.group("parent"):
            result.append(("ref", match.group("pname")))
        elif match.group("str") is not None:
            result.append(("str", match.group("str")[1:-1]))
        elif match.group("num"):
            result.append(("num", match.group("num")))
        elif match.group("op"):
            result.append(("op", match.group("op")))
        elif match.group("punct"):
            result.append(("punct", match.group("punct")))
        elif match.group("self"):
            result.append(("self", "."))
        elif match.group("word"):
            result.append(("word", match.group("word")))
        elif match.group("bad"):
            raise SkipLogicError(f"表达式中有无法识别的符号“{match.group('bad')}”。")
    return result


class _ExprParser(_Parser):
    def __init__(self, source: str):
        self.source = source
        self.tokens = _expr_tokens(source)
        self.index = 0

    def parse(self):
        node = self.parse_or()
        if self.peek() is not None:
            raise SkipLogicError(f"表达式格式有误：多余的“{self.peek()[1]}”。")
        return node

    def parse_or(self):
        args = [self.parse_and()]
        while self.peek() == ("word", "or"):
            self.take()
            args.append(self.parse_and())
        return args[0] if len(args) == 1 else ["or", args]

    def parse_and(self):
        args = [self.parse_cmp()]
        while self.peek() == ("word", "and"):
            self.take()
            args.append(self.parse_cmp())
        return args[0] if len(args) == 1 else ["and", args]

    def parse_cmp(self):
        left = self.parse_add()
        token = self.peek()
        if token and token[0] == "op" and token[1] in COMPARISONS:
            self.take()
            return ["bin", token[1], left, self.parse_add()]
        return left

    def parse_add(self):
        node = self.parse_mul()
        while self.peek() in (("op", "+"), ("op", "-")):
            node = ["bin", self.take()[1], node, self.parse_mul()]
        return node

    def parse_mul(self):
        node = self.parse_unary()
        while self.peek() in (("op", "*"), ("word", "div"), ("word", "mod")):
            node = ["bin", self.take()[1], node, self.parse_unary()]
        return node

    def parse_unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            return ["neg", self.parse_unary()]
        return self.parse_primary()

    def parse_primary(self):
        kind, value = self.take()
        if (kind, value) == ("punct", "("):
            node = self.parse_or()
            self.expect("punct", ")")
            return node
        if kind == "num":
            return ["lit", float(value) if "." in value else int(value)]
        if kind == "str":
            return ["lit", value]
        if kind == "ref":
            return ["ref", value]
        if kind == "self":
            return ["self"]
        if kind == "word":
            if self.peek() == ("punct", "("):
                if value not in FUNCTIONS:
                    raise SkipLogicError(f"不支持表达式中的函数“{value}()”。")
                self.take()
                args = []
                if self.peek() != ("punct", ")"):
                    args.append(self.parse_or())
                    while self.peek() == ("punct", ","):
                        self.take()
                        args.append(self.parse_or())
                self.expect("punct", ")")
                low, high = FUNCTIONS[value]
                if not low <= len(args) <= high:
                    raise SkipLogicError(f"函数“{value}()”的参数个数不对。")
                return ["fn", value, args]
            return ["attr", value]
        raise SkipLogicError(f"表达式格式有误：不应出现“{value}”。")


def parse_expr(source: str):
    """The tree of an XLSForm expression (None for an empty one); raises SkipLogicError."""
    source = (source or "").strip()
    if not source:
        return None
    return _ExprParser(source).parse()


def expr_references(node) -> set[str]:
    if not isinstance(node, list):
        return set()
    if node[0] == "ref":
        return {node[1]}
    found: set[str] = set()
    for part in node[1:]:
        if isinstance(part, list):
            if part and isinstance(part[0], str) and part[0] in _NODE_KINDS:
                found |= expr_references(part)
            else:
                for item in part:
                    found |= expr_references(item)
    return found


_NODE_KINDS = {"lit", "ref", "self", "attr", "neg", "bin", "and", "or", "fn"}


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _as_number(value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(Decimal(_as_text(value).strip()))
    except (InvalidOperation, ValueError):
        return float("nan")


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == value and value != 0
    return _as_text(value) != ""


def _compare(op: str, left, right) -> bool:
    """As XPath: a number on either side compares as numbers (NaN is unequal to all), otherwise text
    that reads as numbers compares as numbers, otherwise as text (ISO dates order as text)."""
    numeric = (int, float)
    if isinstance(left, bool) or isinstance(right, bool):
        left, right = _as_bool(left), _as_bool(right)
    elif (isinstance(left, numeric) or isinstance(right, numeric)) and not (
        isinstance(left, str) and isinstance(right, str)
    ):
        left, right = _as_number(left), _as_number(right)
        if left != left or right != right:
            return op == "!="
    else:
        a, b = _as_number(left), _as_number(right)
        if a == a and b == b and op not in ("=", "!="):
            left, right = a, b
        else:
            left, right = _as_text(left), _as_text(right)
            if op not in ("=", "!=") and (not left or not right):
                return False
    return {
        "=": left == right,
        "!=": left != right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[op]


def evaluate_expr(node, answers: dict, current=None, choice: dict | None = None):
    """The value of an expression tree: ``answers`` by code, ``current`` for ``.``, ``choice`` for a
    choice_filter's bare words. Never raises on data (a bad number is NaN, as in XPath)."""
    if node is None:
        return True
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "ref":
        return answers.get(node[1])
    if kind == "self":
        return current
    if kind == "attr":
        return (choice or {}).get(node[1], "")
    if kind == "neg":
        return -_as_number(evaluate_expr(node[1], answers, current, choice))
    if kind == "and":
        return all(_as_bool(evaluate_expr(a, answers, current, choice)) for a in node[1])
    if kind == "or":
        return any(_as_bool(evaluate_expr(a, answers, current, choice)) for a in node[1])
    if kind == "bin":
        op = node[1]
        left = evaluate_expr(node[2], answers, current, choice)
        right = evaluate_expr(node[3], answers, current, choice)
        if op in COMPARISONS:
            return _compare(op, left, right)
        a, b = _as_number(left), _as_number(right)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0 or b != b or a != a:
            return float("nan")
        return a / b if op == "div" else math.fmod(a, b)
    if kind == "fn":
        return _function(node[1], [evaluate_expr(a, answers, current, choice) for a in node[2]])
    raise SkipLogicError(f"未知的表达式节点“{kind}”。")


def _function(name: str, args: list):
    if name == "not":
        return not _as_bool(args[0])
    if name == "selected":
        return _as_text(args[1]) in _as_text(args[0]).split()
    if name == "count-selected":
        return len(_as_text(args[0]).split())
    if name == "string-length":
        return len(_as_text(args[0]))
    if name == "regex":
        pattern = _as_text(args[1])
        if len(pattern) > MAX_REGEX:
            return False
        try:
            return re.search(pattern, _as_text(args[0])) is not None
        except re.error:
            return False
    if name == "if":
        return args[1] if _as_bool(args[0]) else args[2]
    if name == "concat":
        return "".join(_as_text(a) for a in args)
    if name == "contains":
        return _as_text(args[1]) in _as_text(args[0])
    if name == "starts-with":
        return _as_text(args[0]).startswith(_as_text(args[1]))
    if name == "number":
        return _as_number(args[0])
    if name == "int":
        value = _as_number(args[0])
        return float(math.trunc(value)) if value == value and not math.isinf(value) else value
    if name == "round":
        value = _as_number(args[0])
        digits = int(_as_number(args[1])) if len(args) > 1 else 0
        return round(value, digits) if value == value and not math.isinf(value) else value
    if name == "coalesce":
        return args[0] if _as_text(args[0]) != "" else args[1]
    if name == "true":
        return True
    if name == "false":
        return False
    if name == "today":
        return datetime.date.today().isoformat()
    raise SkipLogicError(f"不支持表达式中的函数“{name}()”。")


def truthy(node, answers: dict, current=None, choice: dict | None = None) -> bool:
    return _as_bool(evaluate_expr(node, answers, current, choice))


def as_text(value) -> str:
    """An expression's value as stored text ('' for NaN)."""
    if isinstance(value, float) and (value != value or math.isinf(value)):
        return ""
    return _as_text(value)
