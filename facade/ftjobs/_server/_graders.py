"""The grader tools of the local server: ``POST /fine_tuning/alpha/graders/validate`` and ``/run``.

``validate`` answers the grader it was given once the request schema (checked by ``_validate``) and
the checks below pass. ``run`` computes a real score, offline, for the graders that need no model:

* ``string_check``: ``eq`` (equal), ``ne`` (not equal), ``like`` (input contains reference),
  ``ilike`` (contains, ignoring case); 1.0 or 0.0.
* ``text_similarity`` with ``fuzzy_match`` (rapidfuzz's ``fuzz.ratio`` / 100: twice the longest
  common subsequence of the two strings over their total length), ``bleu`` (sentence BLEU, n-grams
  1-4 with equal weights and the brevity penalty, no smoothing), ``gleu`` (Google BLEU: the smaller
  of n-gram precision and recall over n = 1..4), ``rouge_1`` .. ``rouge_5`` (ROUGE-N F-measure) and
  ``rouge_l`` (ROUGE-L F-measure, longest common subsequence of tokens). Tokens for the word metrics
  are the lower-cased runs of letters and digits (the tokenizer of Google's ``rouge_score``).

Templates ``{{sample.output_text}}``, ``{{sample.output_json.KEY...}}`` (the sample parsed as JSON) and
``{{item.KEY...}}`` are filled from the request as the API does; a name that resolves to nothing sets
``metadata.errors.invalid_variable_error`` (reward 0), as does ``output_json`` of a sample that is not
JSON (``sample_parse_error``).

A ``multi`` grader runs when its graders do: each one's score is a variable named by the grader's
``name`` in ``calculate_output``, an arithmetic formula (numbers, ``+ - * / ^``, parentheses,
``min max abs floor ceil exp sqrt log``); the scores are the ``sub_rewards``. A formula that does not
parse or names an unknown variable sets ``metadata.errors.formula_parse_error`` (reward 0).

What cannot run offline is a 400 ``unsupported_grader`` naming the field: ``cosine`` (embeddings
from a model) and ``meteor`` (WordNet synonyms and a stemmer), and the ``python``, ``score_model``
and ``label_model`` graders (a sandbox, or a model), alone or in a ``multi`` grader.
"""

from __future__ import annotations

import ast
import json
import math
import operator
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from . import _errors

RUNNABLE_METRICS = frozenset(
    {"fuzzy_match", "bleu", "gleu", "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l"}
)
OFFLINE_GRADERS = frozenset({"string_check", "text_similarity"})
#: Longest text a score is computed on (the subsequence tables are quadratic).
MAX_TEXT = 20_000
_TEMPLATE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_TOKEN = re.compile(r"[a-z0-9]+")
_ERROR_FLAGS = (
    "formula_parse_error",
    "sample_parse_error",
    "truncated_observation_error",
    "unresponsive_reward_error",
    "invalid_variable_error",
    "other_error",
    "python_grader_server_error",
    "python_grader_runtime_error",
    "model_grader_server_error",
    "model_grader_refusal_error",
    "model_grader_parse_error",
)
_ERROR_DETAILS = (
    "python_grader_server_error_type",
    "python_grader_runtime_error_details",
    "model_grader_server_error_details",
)


class _VariableError(Exception):
    """A template names a variable the sample or item does not have (``flag`` says which kind)."""

    def __init__(self, flag: str) -> None:
        super().__init__(flag)
        self.flag = flag


def validate(body: Mapping[str, Any]) -> dict[str, Any]:
    """The answer to ``validateGrader``: the grader, after the checks the schema cannot express."""
    grader = body["grader"]
    _check(grader, "grader")
    return {"grader": grader}


def _check(grader: Mapping[str, Any], where: str) -> None:
    """A python grader's source must parse and define ``grade``; a multi grader's part is checked too."""
    kind = grader.get("type")
    if kind == "python":
        try:
            tree = ast.parse(grader["source"])
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            at = f" (line {line})" if line else ""
            raise _errors.bad_request(
                f"Invalid value for '{where}.source': the source does not parse{at}:"
                f" {getattr(exc, 'msg', exc)}.",
                param=f"{where}.source",
                code="invalid_value",
            ) from None
        if not any(isinstance(node, ast.FunctionDef) and node.name == "grade" for node in tree.body):
            raise _errors.bad_request(
                f"Invalid value for '{where}.source': it must define grade(sample, item).",
                param=f"{where}.source",
                code="invalid_value",
            )
    elif kind == "multi" and isinstance(grader.get("graders"), Mapping):
        _check(grader["graders"], f"{where}.graders")


def run(body: Mapping[str, Any]) -> dict[str, Any]:
    """The answer to ``runGrader``: reward and metadata, or 400 for a grader that needs a model."""
    grader = body["grader"]
    _check(grader, "grader")
    _runnable(grader)
    started = time.perf_counter()
    errors: dict[str, Any] = dict.fromkeys(_ERROR_FLAGS, False) | dict.fromkeys(_ERROR_DETAILS)
    sample = body["model_sample"]
    item = body.get("item") or {}
    sub_rewards: dict[str, float] = {}
    try:
        if grader["type"] == "multi":
            for part in _parts(grader):
                sub_rewards[part["name"]] = _score(part, sample, item)
            reward = formula(grader["calculate_output"], sub_rewards)
        else:
            reward = _score(grader, sample, item)
    except _VariableError as exc:
        errors[exc.flag] = True
        reward = 0.0
    return {
        "reward": reward,
        "metadata": {
            "name": grader["name"],
            "type": grader["type"],
            "errors": errors,
            "execution_time": time.perf_counter() - started,
            "scores": {},
            "token_usage": None,
            "sampled_model_name": None,
        },
        "sub_rewards": sub_rewards,
        "model_grader_token_usage_per_model": {},
    }


def _parts(grader: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The graders of a multi grader (the spec's single grader, or a list)."""
    parts = grader["graders"]
    return list(parts) if isinstance(parts, list) else [parts]


def _runnable(grader: Mapping[str, Any], where: str = "grader") -> None:
    kind = grader["type"]
    if kind == "multi" and where == "grader":
        for part in _parts(grader):
            _runnable(part, "grader.graders")
        return
    if kind not in OFFLINE_GRADERS:
        raise _errors.bad_request(
            f"The local server cannot run a '{kind}' grader: it needs a model or a code sandbox."
            f" It runs {' and '.join(sorted(OFFLINE_GRADERS))} graders;"
            " use graders/validate to check this one.",
            param=f"{where}.type",
            code="unsupported_grader",
        )
    metric = grader.get("evaluation_metric")
    if kind == "text_similarity" and metric not in RUNNABLE_METRICS:
        why = "embeddings from a model" if metric == "cosine" else "WordNet synonyms and a stemmer"
        raise _errors.bad_request(
            f"The local server cannot compute the '{metric}' metric offline (it needs {why})."
            f" It computes {', '.join(sorted(RUNNABLE_METRICS))}.",
            param=f"{where}.evaluation_metric",
            code="unsupported_grader",
        )


def _score(grader: Mapping[str, Any], sample: str, item: Mapping[str, Any]) -> float:
    text = render(grader["input"], sample, item)
    reference = render(grader["reference"], sample, item)
    if grader["type"] == "string_check":
        operation = grader["operation"]
        if operation == "eq":
            return float(text == reference)
        if operation == "ne":
            return float(text != reference)
        if operation == "like":
            return float(reference in text)
        return float(reference.casefold() in text.casefold())  # ilike
    return similarity(grader["evaluation_metric"], text[:MAX_TEXT], reference[:MAX_TEXT])


# --- the multi grader's formula ------------------------------------------------------------------

_BINARY: dict[type[ast.operator], Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.BitXor: operator.pow,  # ``^`` is a power in the API's formulas
}
_FUNCTIONS: dict[str, Any] = {
    "min": min,
    "max": max,
    "abs": abs,
    "floor": math.floor,
    "ceil": math.ceil,
    "exp": math.exp,
    "sqrt": math.sqrt,
    "log": math.log,
}
MAX_FORMULA = 1000


def formula(text: str, variables: Mapping[str, float]) -> float:
    """``calculate_output`` evaluated over the graders' scores (no Python beyond arithmetic)."""
    if len(text) > MAX_FORMULA:
        raise _VariableError("formula_parse_error")
    try:
        tree = ast.parse(text.strip(), mode="eval")
        value = float(_evaluate(tree.body, variables))
    except (SyntaxError, ValueError, TypeError, ArithmeticError, RecursionError, MemoryError):
        raise _VariableError("formula_parse_error") from None
    if not math.isfinite(value):
        raise _VariableError("formula_parse_error")
    return value


def _evaluate(node: ast.expr, variables: Mapping[str, float]) -> float:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in variables:
            raise ValueError(node.id)
        return variables[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _evaluate(node.operand, variables)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left, variables), _evaluate(node.right, variables)
        if isinstance(node.op, ast.Pow | ast.BitXor) and abs(right) > 64:
            raise ArithmeticError("exponent too large")
        return float(_BINARY[type(node.op)](left, right))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and node.args
        and not node.keywords
    ):
        return float(_FUNCTIONS[node.func.id](*(_evaluate(arg, variables) for arg in node.args)))
    raise ValueError(ast.dump(node)[:40])


# --- templates ---------------------------------------------------------------------------------


def render(template: str, sample: str, item: Mapping[str, Any]) -> str:
    """``template`` with each ``{{namespace.path}}`` replaced (strings as they are, other JSON as JSON)."""

    def value(match: re.Match[str]) -> str:
        found = _lookup(match.group(1), sample, item)
        return found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)

    return _TEMPLATE.sub(value, template)


def _lookup(name: str, sample: str, item: Mapping[str, Any]) -> Any:
    parts = name.split(".")
    if parts[0] == "sample" and len(parts) >= 2:
        if parts[1] == "output_text" and len(parts) == 2:
            return sample
        if parts[1] == "output_json":
            try:
                current: Any = json.loads(sample)
            except ValueError:
                raise _VariableError("sample_parse_error") from None
            return _walk(current, parts[2:])
    elif parts[0] == "item":
        return _walk(item, parts[1:])
    raise _VariableError("invalid_variable_error")


def _walk(current: Any, keys: Sequence[str]) -> Any:
    for key in keys:
        if isinstance(current, Mapping) and key in current:
            current = current[key]
        elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
            current = current[int(key)]
        else:
            raise _VariableError("invalid_variable_error")
    if current is None:
        raise _VariableError("invalid_variable_error")
    return current


# --- text similarity ---------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Lower-cased runs of letters and digits."""
    return _TOKEN.findall(text.lower())


def similarity(metric: str, text: str, reference: str) -> float:
    """The score of ``text`` against ``reference`` by one of :data:`RUNNABLE_METRICS`, in [0, 1]."""
    if metric == "fuzzy_match":
        total = len(text) + len(reference)
        return 1.0 if total == 0 else 2 * _lcs(text, reference) / total
    hyp, ref = tokens(text), tokens(reference)
    if metric == "bleu":
        return bleu(hyp, ref)
    if metric == "gleu":
        return gleu(hyp, ref)
    if metric == "rouge_l":
        return _f_measure(_lcs(hyp, ref), len(hyp), len(ref))
    n = int(metric.removeprefix("rouge_"))
    overlap = sum((_ngrams(hyp, n) & _ngrams(ref, n)).values())
    return _f_measure(overlap, max(len(hyp) - n + 1, 0), max(len(ref) - n + 1, 0))


def _ngrams(words: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def _f_measure(overlap: int, hyp_count: int, ref_count: int) -> float:
    if overlap == 0 or hyp_count == 0 or ref_count == 0:
        return 0.0
    precision, recall = overlap / hyp_count, overlap / ref_count
    return 2 * precision * recall / (precision + recall)


def _lcs(a: Sequence[Any], b: Sequence[Any]) -> int:
    """Length of the longest common subsequence (two rows of the table)."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def bleu(hyp: Sequence[str], ref: Sequence[str], max_n: int = 4) -> float:
    """Sentence BLEU (Papineni et al. 2002) against one reference: the geometric mean of the clipped
    n-gram precisions for n = 1..4 times the brevity penalty; 0 when any precision is 0."""
    import math

    if not hyp or not ref:
        return 0.0
    log_sum = 0.0
    for n in range(1, max_n + 1):
        counts = _ngrams(hyp, n)
        total = sum(counts.values())
        matched = sum((counts & _ngrams(ref, n)).values())
        if total == 0 or matched == 0:
            return 0.0
        log_sum += math.log(matched / total) / max_n
    penalty = 1.0 if len(hyp) > len(ref) else math.exp(1 - len(ref) / len(hyp))
    return penalty * math.exp(log_sum)


def gleu(hyp: Sequence[str], ref: Sequence[str], max_n: int = 4) -> float:
    """Google BLEU (Wu et al. 2016): matching n-grams (n = 1..4, all together) over the larger of
    the hypothesis's and the reference's n-gram counts, i.e. min(precision, recall)."""
    hyp_counts: Counter[tuple[str, ...]] = Counter()
    ref_counts: Counter[tuple[str, ...]] = Counter()
    for n in range(1, max_n + 1):
        hyp_counts.update(_ngrams(hyp, n))
        ref_counts.update(_ngrams(ref, n))
    total = max(sum(hyp_counts.values()), sum(ref_counts.values()))
    return 0.0 if total == 0 else sum((hyp_counts & ref_counts).values()) / total
