#!/usr/bin/env python3
"""Checks that a Grafana dashboard only queries metrics the server exposes.

    check-dashboard.py DASHBOARD_JSON METRICS_TEXT_FILE

Collects every PromQL expression in the dashboard (each `expr`, wherever it is, and the
templating variables' queries), picks out the metric names, and looks each up among the
families (`# TYPE` lines) of a scrape of /metrics saved to METRICS_TEXT_FILE. Prints
`ok: N expressions, M metrics` and exits 0, or prints each unknown metric with its
expression and exits 1. A renamed family then breaks the test suite, not the dashboard.

Standard library only: the test suite runs it with the system's python3.
"""
import json
import re
import sys

# PromQL functions and aggregations: names followed by "(" that are not metrics.
FUNCTIONS = {
    "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
    "avg", "avg_over_time", "bottomk", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
    "cos", "cosh", "count", "count_over_time", "count_values", "day_of_month", "day_of_week",
    "day_of_year", "days_in_month", "deg", "delta", "deriv", "double_exponential_smoothing",
    "end", "exp", "floor", "group", "histogram_avg", "histogram_count", "histogram_fraction",
    "histogram_quantile", "histogram_stddev", "histogram_stdvar", "histogram_sum",
    "holt_winters", "hour", "idelta", "increase", "info", "irate", "label_join",
    "label_replace", "last_over_time", "limit_ratio", "limitk", "ln", "log10", "log2",
    "mad_over_time", "max", "max_over_time", "min", "min_over_time", "minute", "month", "pi",
    "predict_linear", "present_over_time", "quantile", "quantile_over_time", "rad", "rate",
    "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_by_label",
    "sort_by_label_desc", "sort_desc", "sqrt", "start", "stddev", "stddev_over_time", "stdvar",
    "stdvar_over_time", "sum", "sum_over_time", "tan", "tanh", "time", "timestamp", "topk",
    "vector", "year",
}
# Keywords whose parenthesised list holds label names, not metrics.
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS = GROUPING | {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "le"}

TOKEN = re.compile(
    r"""
      (?P<string>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)
    | (?P<matchers>\{[^}]*\})
    | (?P<range>\[[^\]]*\])
    | (?P<variable>\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>(?:0x[0-9A-Fa-f]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?:ms|s|m|h|d|w|y)*)
    | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
    | (?P<open>\()
    | (?P<close>\))
    | (?P<other>\S)
    | \s+
    """,
    re.VERBOSE,
)


def metric_names(expr):
    """Metric names in one PromQL expression, in order of first use."""
    tokens = [(m.lastgroup, m.group()) for m in TOKEN.finditer(expr) if m.lastgroup]
    names = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        following = tokens[i + 1][0] if i + 1 < len(tokens) else None
        # `sum by (user) (...)`: an aggregation may take its grouping before its argument.
        if following == "ident" and tokens[i + 1][1].lower() in ("by", "without"):
            following = "open"
        if kind == "ident":
            word = text.lower()
            if word in GROUPING and following == "open":
                # Skip `by (user, le)` and the like up to the matching ")".
                depth, i = 0, i + 1
                while i < len(tokens):
                    depth += {"open": 1, "close": -1}.get(tokens[i][0], 0)
                    if depth == 0:
                        break
                    i += 1
            elif not (following == "open" and word in FUNCTIONS) and word not in KEYWORDS:
                if text not in names:
                    names.append(text)
        i += 1
    return names


def variable_expression(query):
    """The PromQL inside a templating query, or None when it names no metric."""
    query = query.strip()
    match = re.fullmatch(r"label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)", query, re.S)
    if match:
        return match.group(1)
    if re.fullmatch(r"label_values\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)", query):
        return None  # a label across all metrics
    match = re.fullmatch(r"query_result\((.*)\)", query, re.S)
    if match:
        return match.group(1)
    if query.startswith("metrics("):
        return None
    return query or None


def expressions(dashboard):
    found = []

    def walk(node):
        if isinstance(node, dict):
            expr = node.get("expr")
            if isinstance(expr, str) and expr.strip():
                found.append(expr)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(dashboard.get("panels", []))
    walk(dashboard.get("annotations", {}))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if isinstance(query, str):
            expr = variable_expression(query)
            if expr:
                found.append(expr)
    return found


def families(text):
    """Family name -> type, from the `# TYPE` lines of a text or OpenMetrics exposition."""
    result = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] == "#" and parts[1] == "TYPE":
            result[parts[2]] = parts[3]
    return result


def known(name, types):
    if name in types:
        return True
    # OpenMetrics names a counter family without the `_total` its samples carry.
    if name.endswith("_total") and types.get(name[: -len("_total")]) == "counter":
        return True
    for suffix in ("_bucket", "_count", "_sum"):
        if name.endswith(suffix) and name[: -len(suffix)] in types:
            return True
    return False


def main(argv):
    if len(argv) != 3:
        print("usage: check-dashboard.py DASHBOARD_JSON METRICS_TEXT_FILE", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as file:
        dashboard = json.load(file)
    with open(argv[2], encoding="utf-8") as file:
        types = families(file.read())
    exprs = expressions(dashboard)
    if not exprs:
        print(f"{argv[1]}: no expressions found", file=sys.stderr)
        return 1
    used = set()
    unknown = 0
    for expr in exprs:
        for name in metric_names(expr):
            used.add(name)
            if not known(name, types):
                print(f"unknown metric {name} in: {expr}")
                unknown += 1
    if unknown:
        return 1
    print(f"ok: {len(exprs)} expressions, {len(used)} metrics")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
