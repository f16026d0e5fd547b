"""report.html: one self-contained page (no scripts, no fetches) about the class.

Per exercise: how many passed, the score distribution, each test's pass rate,
and the named mistakes, each with the students who made it and an example of
the code that made it. Then the files that could not be graded and the whole
gradebook. Every text that came from a submission goes through html.escape.
"""

from __future__ import annotations

import datetime as _dt
from html import escape

from tutor.grading.summary import ClassSummary, ExerciseSummary

MAX_NAMES = 30  # students listed per mistake before "and N more"

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#fff;
 max-width:1100px;margin:0 auto;padding:24px 32px}
h1{font-size:28px;margin:0 0 4px}h2{font-size:22px;margin:0 0 6px}h3{font-size:16px;margin:18px 0 8px}
.sub{color:#596273;margin:0 0 18px}
section.ex{border:1px solid #d5dae3;border-radius:8px;padding:18px 22px;margin:18px 0;background:#fbfcfe}
.stats{display:flex;gap:28px;margin:6px 0 4px;flex-wrap:wrap}.stat b{font-size:22px;display:block}
.stat span{color:#596273;font-size:13px}
.dist{display:flex;align-items:flex-end;gap:6px;height:140px;border-bottom:2px solid #8a93a3;padding:0 4px;
 margin-top:4px}
.col{flex:1;display:flex;flex-direction:column;justify-content:flex-end;align-items:center;max-width:70px;height:100%}
.col .bar{width:100%;background:#3b6fd8;border-radius:3px 3px 0 0;min-height:1px}.col .n{font-size:12px;color:#1d2330}
.ticks{display:flex;gap:6px;padding:0 4px}.ticks div{flex:1;max-width:70px;text-align:center;font-size:12px;color:#596273}
table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;text-align:left;vertical-align:top;
 border-bottom:1px solid #e4e8ef}th{font-size:13px;color:#596273;font-weight:600}
.rate{width:260px}.meter{background:#e4e8ef;border-radius:3px;height:12px;width:240px}
.meter div{height:12px;border-radius:3px;background:#2e9d5b}.meter.low div{background:#d0563b}
.tag{font-size:11px;color:#596273;border:1px solid #c3c9d4;border-radius:3px;padding:0 4px;margin-left:6px}
.mistake{border-left:4px solid #d0863b;padding:6px 12px;margin:10px 0;background:#fff}
.mistake .count{display:inline-block;height:12px;background:#d0863b;border-radius:3px;vertical-align:middle;
 margin-right:8px}
.who{color:#38404e;font-size:14px}.why{color:#38404e;margin:4px 0}
pre{background:#f2f4f8;border:1px solid #dde2ea;border-radius:4px;padding:8px 10px;overflow-x:auto;
 font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;white-space:pre}
.bad{color:#b3361d}.ok{color:#23804a}.muted{color:#596273}
"""


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "-"


def _distribution(s: ExerciseSummary) -> str:
    if not s.submissions:
        return '<p class="muted">No checked submissions.</p>'
    top = max(n for _, n in s.scores) or 1
    cols = "".join(f'<div class="col"><div class="n">{n}</div><div class="bar" style="height:{88 * n / top:.1f}%"></div></div>'
                   for _, n in s.scores)
    ticks = "".join(f"<div>{score:g}</div>" for score, _ in s.scores)
    return (f'<div class="dist" role="img" aria-label="score distribution">{cols}</div>'
            f'<div class="ticks">{ticks}</div><p class="muted">score out of {s.max_score:g}; '
            "the number above each bar is how many submissions got it.</p>")


def _tests(s: ExerciseSummary) -> str:
    rows = []
    for name, hidden, passed, of in s.tests:
        frac = passed / of if of else 0
        low = " low" if frac < 0.5 else ""
        tag = '<span class="tag">hidden</span>' if hidden else ""
        rows.append(f'<tr><td>{escape(name)}{tag}</td><td class="rate"><div class="meter{low}">'
                    f'<div style="width:{100 * frac:.1f}%"></div></div></td><td>{passed}/{of} ({_pct(passed, of)})</td></tr>')
    return "<table><tr><th>test</th><th>passed by</th><th></th></tr>" + "".join(rows) + "</table>"


def _mistakes(s: ExerciseSummary) -> str:
    if not s.mistakes:
        return '<p class="muted">No named mistakes.</p>'
    top = max(len(m.students) for m in s.mistakes)
    out = []
    for m in s.mistakes:
        names = [escape(n) for n in m.students[:MAX_NAMES]]
        more = f" and {len(m.students) - MAX_NAMES} more" if len(m.students) > MAX_NAMES else ""
        code = (f'<p class="muted">Example: {escape(m.example_student)} ({escape(m.example_file)})</p>'
                f"<pre><code>{escape(m.example_code)}</code></pre>") if m.example_code else ""
        out.append(
            f'<div class="mistake"><h3><span class="count" style="width:{160 * len(m.students) / top:.0f}px"></span>'
            f'{escape(m.title)} <span class="muted">- {len(m.students)} student{"s" if len(m.students) != 1 else ""}'
            f'</span> <span class="tag">{escape(m.id)}</span></h3><p class="why">{escape(m.message)}</p>'
            f'<p class="who">Made by: {", ".join(names)}{more}</p>{code}</div>')
    return "".join(out)


def _exercise(s: ExerciseSummary) -> str:
    extra = f'<div class="stat"><b class="bad">{s.not_graded}</b><span>not graded</span></div>' if s.not_graded else ""
    return (f'<section class="ex" id="{escape(s.id)}"><h2>{escape(s.id)} <span class="muted">- {escape(s.title)}</span></h2>'
            f'<div class="stats"><div class="stat"><b>{s.submissions}</b><span>checked</span></div>'
            f'<div class="stat"><b class="ok">{s.passed} ({_pct(s.passed, s.submissions)})</b><span>passed every test</span></div>'
            f'<div class="stat"><b>{s.mean:.2f} / {s.max_score:g}</b><span>mean score</span></div>{extra}</div>'
            f"<h3>Score distribution</h3>{_distribution(s)}<h3>Tests</h3>{_tests(s)}"
            f"<h3>Named mistakes</h3>{_mistakes(s)}</section>")


def render_report(summary: ClassSummary, records: list[dict], *, title: str = "Class report") -> str:
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = [f"<h1>{escape(title)}</h1>",
            f'<p class="sub">{summary.students} students, {summary.rows} submissions, '
            f"{len(summary.not_graded)} not graded - made by tutor grade on {when}</p>"]
    body += [_exercise(s) for s in summary.exercises]
    if summary.not_graded:
        rows = "".join(f"<tr><td>{escape(st)}</td><td>{escape(f)}</td><td>{escape(r)}</td></tr>"
                       for st, f, r in summary.not_graded)
        body.append(f'<section class="ex"><h2>Not graded</h2><table><tr><th>student</th><th>file</th>'
                    f"<th>why</th></tr>{rows}</table></section>")
    rows = "".join(
        f"<tr><td>{escape(r['student'])}</td><td>{escape(r.get('exercise') or '-')}</td>"
        f"<td>{r['score']:g}/{r['max_score']:g}</td><td class=\"{'ok' if r['passed'] else 'bad'}\">"
        f"{'passed' if r['passed'] else ('not graded' if not r['graded'] else 'failed')}</td>"
        f"<td>{escape(', '.join(d['id'] for d in r['mistakes']))}</td></tr>" for r in records)
    body.append(f'<section class="ex"><h2>Gradebook</h2><table><tr><th>student</th><th>exercise</th><th>score</th>'
                f"<th>result</th><th>named mistakes</th></tr>{rows}</table></section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")
