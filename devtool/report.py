"""Renders a check-cors report: the origin x scenario matrix and the findings, or JSON."""

from __future__ import annotations

import json

from devtool.corscheck import Report

STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
COLUMNS = (("GET", "omit"), ("GET", "include"), ("POST", "omit"), ("POST", "include"))


def to_json(report: Report) -> str:
    return json.dumps(report.as_json(), indent=2)


def render(report: Report, output) -> None:
    from rich.table import Table
    from rich.text import Text

    matrix = Table(title=f"What a browser allows, calling {report.api}")
    matrix.add_column("page origin", no_wrap=True)
    matrix.add_column("path", no_wrap=True)
    for method, credentials in COLUMNS:
        matrix.add_column(f"{'GET' if method == 'GET' else 'POST json'}\n{credentials}")
    rows: dict[tuple[str, str], dict] = {}
    for s in report.scenarios:
        rows.setdefault((s.origin, s.url), {})[(s.method, s.credentials)] = s
    blocked_reasons: dict[str, list[str]] = {}
    for (origin, url), cells in rows.items():
        rendered = []
        for key in COLUMNS:
            s = cells.get(key)
            if s is None:
                rendered.append(Text("-"))
            elif s.allowed:
                rendered.append(Text("allowed", style="green"))
            else:
                blocked_reasons.setdefault(s.reason, []).append(f"{s.method} {key[1]}")
                rendered.append(Text("BLOCKED" if s.needed else "blocked", style="bold red" if s.needed else "yellow"))
        matrix.add_row(origin, url.removeprefix(report.api), *rendered)
    output.print(matrix)
    for reason, where in blocked_reasons.items():
        output.print(Text(f"  blocked ({', '.join(sorted(set(where)))}): {reason}", style="dim"))
    if any(not s.needed and not s.allowed for s in report.scenarios):
        output.print(Text("  lower-case 'blocked' cells are not needed (pass --credentials if they are)", style="dim"))

    for problem in report.proxy_problems:
        output.print(Text(f"proxy: {problem}", style="bold red"))

    for f in report.findings:
        output.print(Text(f"[{f.severity}] {f.id}: {f.message}", style=STYLE[f.severity]))
        for line in _evidence(f.evidence).splitlines():
            output.print(Text(f"    {line}", style="dim"))
        if f.fix:
            output.print(Text(f"    fix: {f.fix}"))
    verdict = "ok" if report.ok else "FAILED"
    blocked = sum(1 for s in report.scenarios if s.needed and not s.allowed)
    counts = ", ".join(f"{sum(f.severity == sev for f in report.findings)} {sev}" for sev in STYLE)
    output.print(
        Text(
            f"check-cors {verdict}: {blocked} needed scenario(s) blocked; findings: {counts}; {report.requests} requests",
            style="bold green" if report.ok else "bold red",
        )
    )


def _evidence(evidence: dict) -> str:
    cases = evidence.get("cases", [evidence])
    lines = []
    for case in cases[:4]:
        headers = case.get("headers", {})
        parts = [case.get("origin", ""), case.get("url", "")]
        parts += [f"{k}: {v}" for k, v in headers.items()]
        if "status" in case:
            parts.append(f"status {case['status']}")
        lines.append(" · ".join(p for p in parts if p))
    if len(cases) > 4:
        lines.append(f"… and {len(cases) - 4} more")
    return "\n".join(lines)


def summary_line(report: Report) -> str:
    """One line for `devtool up --check`."""
    blocked = [s for s in report.scenarios if s.needed and not s.allowed]
    worst = [f for f in report.findings if f.severity in ("high", "medium")]
    if report.ok and not worst:
        return f"CORS check clean: {len(report.scenarios)} scenarios as a browser will judge them, no finding above low ({report.requests} requests)"
    parts = [f"{len(blocked)} needed scenario(s) blocked"] if blocked else []
    parts += [f"{f.severity}: {f.id}" for f in worst]
    parts += [f"proxy: {p}" for p in report.proxy_problems]
    return "CORS check " + ("passed with " if report.ok else "FAILED: ") + "; ".join(parts) + " (devtool check-cors for details)"
