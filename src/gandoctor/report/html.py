"""One self-contained HTML page per language: plots and sample grids embedded as base64 PNGs.

No scripts, no fonts, no links out: the file opens offline, can be mailed, and shows the same in
any browser. Chinese renders with the reader's system CJK font (the page declares UTF-8).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from gandoctor.report.run_files import RunFiles

MAX_GRIDS = 12  # sample grids shown, evenly spread over the run, so the file stays small

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "gandoctor report",
        "run": "Run",
        "lang_switch": "中文",
        "summary": "Summary",
        "steps": "steps logged",
        "last_step": "last step",
        "config": "Configuration",
        "losses": "Losses of D and G",
        "losses_note": "Steps on the curves are training iterations (generator steps); dashed lines mark "
        "the iteration where each doctor finding appeared (numbers as below; the list gives the doctor's "
        "optimizer step, all optimizers together, and the iteration).",
        "d_outputs": "Mean D(real) against mean D(fake)",
        "grad_norms": "Gradient norms (log scale)",
        "lr_speed": "Learning rates and throughput",
        "samples": "Samples over time (fixed noise)",
        "metrics": "Evaluation metrics",
        "metrics_last": "Latest evaluation",
        "best": "best",
        "findings": "Doctor's findings",
        "no_findings": "The doctor found nothing wrong.",
        "no_findings_file": "No findings.json in this run (the doctor was off).",
        "nothing": "Not recorded in this run.",
        "step": "step",
        "iteration": "iteration",
        "where": "where",
        "explanation": "why",
        "fix": "fix",
        "evidence": "evidence",
        "explained_by": "explained by",
        "empty": (
            "This folder holds no run files "
            "(config.json, metrics.jsonl, eval.jsonl, findings.json, samples/)."
        ),
        "error": "error",
        "warning": "warning",
        "info": "info",
        "lower_better": "lower is better",
        "higher_better": "higher is better",
    },
    "zh": {
        "title": "gandoctor 训练报告",
        "run": "运行目录",
        "lang_switch": "English",
        "summary": "概览",
        "steps": "已记录步数",
        "last_step": "最后一步",
        "config": "配置",
        "losses": "判别器 D 与生成器 G 的损失",
        "losses_note": "曲线上的步数是训练迭代（生成器更新次数）；虚线标出每条诊断首次出现的迭代"
        "（编号与下方列表一致；列表给出医生计数的优化器步数（所有优化器合计）和迭代）。",
        "d_outputs": "D(真实) 与 D(生成) 的均值",
        "grad_norms": "梯度范数（对数坐标）",
        "lr_speed": "学习率与吞吐量",
        "samples": "样本随训练的变化（固定噪声）",
        "metrics": "评估指标",
        "metrics_last": "最近一次评估",
        "best": "最佳",
        "findings": "诊断结果",
        "no_findings": "医生没有发现问题。",
        "no_findings_file": "本次运行没有 findings.json（未启用医生）。",
        "nothing": "本次运行未记录。",
        "step": "步",
        "iteration": "迭代",
        "where": "位置",
        "explanation": "原因",
        "fix": "修复",
        "evidence": "证据",
        "explained_by": "由此解释",
        "empty": "该目录中没有运行文件（config.json、metrics.jsonl、eval.jsonl、findings.json、samples/）。",
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "lower_better": "越低越好",
        "higher_better": "越高越好",
    },
}

LOWER_IS_BETTER = {"fd", "fid", "kid", "kid_std", "kl_uniform"}

STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC",
       "Microsoft YaHei", sans-serif; max-width: 980px; margin: 24px auto; padding: 0 16px; color: #222; }
h1 { margin-bottom: 4px; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
img.plot { max-width: 100%; border: 1px solid #eee; }
.grids { display: flex; flex-wrap: wrap; gap: 12px; }
.grids figure { margin: 0; text-align: center; font-size: 13px; color: #555; }
.grids img { width: 200px; image-rendering: pixelated; border: 1px solid #eee; }
.finding { border-left: 4px solid #7f8c8d; padding: 6px 12px; margin: 12px 0; background: #fafafa; }
.finding.error { border-color: #c0392b; } .finding.warning { border-color: #e67e22; }
.sev { font-weight: bold; text-transform: uppercase; font-size: 12px; }
.muted { color: #777; } code { background: #f2f2f2; padding: 1px 4px; }
table { border-collapse: collapse; }
td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
"""


def data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def finding_text(finding: dict[str, Any], lang: str) -> tuple[str, str, str]:
    """(summary, explanation, fix) in `lang`, from the finding's own JSON.

    findings.json carries every language's words under `words` (see `Finding.to_json`), so the report
    never imports the doctor's checks; an older file without them falls back to its top-level words.
    """
    words = (finding.get("words") or {}).get(lang)
    if isinstance(words, dict):
        return str(words.get("summary", "")), str(words.get("explanation", "")), str(words.get("fix", ""))
    return str(finding.get("summary", "")), str(finding.get("explanation", "")), str(finding.get("fix", ""))


def select_grids(samples: list[tuple[int, Path]], limit: int = MAX_GRIDS) -> list[tuple[int, Path]]:
    """At most `limit` grids, evenly spaced, always including the first and the last."""
    if len(samples) <= limit:
        return samples
    picks = sorted({round(i * (len(samples) - 1) / (limit - 1)) for i in range(limit)})
    return [samples[i] for i in picks]


def _plot_section(title: str, plot: Path | None, w: dict[str, str], note: str = "") -> str:
    body = (
        f'<img class="plot" src="{data_uri(plot)}" alt="{_esc(title)}">'
        if plot
        else f'<p class="muted">{w["nothing"]}</p>'
    )
    return f"<h2>{_esc(title)}</h2>{f'<p class=muted>{_esc(note)}</p>' if note and plot else ''}{body}"


def _findings_section(run: RunFiles, w: dict[str, str], lang: str) -> str:
    if run.findings_doc is None:
        return f'<h2>{w["findings"]}</h2><p class="muted">{w["no_findings_file"]}</p>'
    if not run.findings:
        return f"<h2>{w['findings']}</h2><p>{w['no_findings']}</p>"
    parts = [f"<h2>{w['findings']}</h2>"]
    for number, f in enumerate(run.findings, start=1):
        summary, explanation, fix = finding_text(f, lang)
        loc = f.get("location") or {}
        where = (
            f" · {w['where']} <code>{_esc(loc.get('file'))}:{_esc(loc.get('line'))}</code>"
            if loc.get("file")
            else ""
        )
        severity = f.get("severity", "info")
        parts.append(
            f'<div class="finding {_esc(severity)}" id="finding-{number}">'
            f'<div><span class="sev">#{number} {_esc(w.get(severity, severity))}</span> '
            f'<code>{_esc(f["id"])}</code> '
            f'<span class="muted">{w["step"]} {_esc(f.get("step"))}'
            + (f" ({w['iteration']} {_esc(f['iteration'])})" if "iteration" in f else "")
            + f"{where}</span></div>"
            f"<p><b>{_esc(summary)}</b></p>"
            + (f"<p>{w['explanation']}: {_esc(explanation)}</p>" if explanation else "")
            + f"<p>{w['fix']}: {_esc(fix)}</p>"
            + (
                f'<p class="muted">{w["evidence"]}: <code>{_esc(f.get("evidence"))}</code></p>'
                if f.get("evidence")
                else ""
            )
            + (
                f'<p class="muted">{w["explained_by"]}: <code>{_esc(f["explained_by"])}</code></p>'
                if f.get("explained_by")
                else ""
            )
            + "</div>"
        )
    return "".join(parts)


def _metrics_table(run: RunFiles, w: dict[str, str]) -> str:
    if not run.evals:
        return ""
    last = run.evals[-1]
    rows = []
    for key, value in last.items():
        if key == "step" or not isinstance(value, int | float):
            continue
        history = [r[key] for r in run.evals if isinstance(r.get(key), int | float)]
        lower = key in LOWER_IS_BETTER
        best = min(history) if lower else max(history)
        rows.append(
            f"<tr><td><code>{_esc(key)}</code></td><td>{_fmt(value)}</td>"
            f"<td>{w['best']} {_fmt(best)}</td>"
            f"<td class=muted>{w['lower_better'] if lower else w['higher_better']}</td></tr>"
        )
    return (
        f"<h3>{w['metrics_last']} ({w['step']} {_esc(last['step'])})</h3><table>{''.join(rows)}</table>"
    )


def render_html(run: RunFiles, plots: dict[str, Path | None], lang: str) -> str:
    w = WORDS[lang]
    other = "report.html" if lang == "zh" else "report.zh.html"
    head = (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{w['title']} · {_esc(run.run_dir.name)}</title><style>{STYLE}</style></head><body>"
    )
    parts = [
        head,
        f"<h1>{w['title']}</h1>",
        f'<p class="muted">{w["run"]}: <code>{_esc(run.run_dir)}</code> · '
        f'<a href="{other}">{w["lang_switch"]}</a></p>',
    ]
    if run.empty:
        parts.append(f"<p>{w['empty']}</p></body></html>")
        return "".join(parts)
    if run.metrics:
        parts.append(
            f"<h2>{w['summary']}</h2><p>{w['steps']}: {len(run.metrics)} · "
            f"{w['last_step']}: {_esc(run.metrics[-1]['step'])}</p>"
        )
    parts.append(_findings_section(run, w, lang))
    parts.append(_plot_section(w["losses"], plots.get("losses"), w, w["losses_note"]))
    parts.append(_plot_section(w["d_outputs"], plots.get("d_outputs"), w))
    parts.append(_plot_section(w["grad_norms"], plots.get("grad_norms"), w))
    parts.append(_plot_section(w["lr_speed"], plots.get("lr_speed"), w))
    parts.append(f"<h2>{w['samples']}</h2>")
    grids = select_grids(run.samples)
    if grids:
        figures = "".join(
            f'<figure><img src="{data_uri(p)}" alt="step {s}"><figcaption>{w["step"]} {s}'
            f"</figcaption></figure>"
            for s, p in grids
        )
        parts.append(f'<div class="grids">{figures}</div>')
    else:
        parts.append(f'<p class="muted">{w["nothing"]}</p>')
    parts.append(_plot_section(w["metrics"], plots.get("metrics"), w))
    parts.append(_metrics_table(run, w))
    if run.config:
        rows = "".join(
            f"<tr><td><code>{_esc(k)}</code></td><td>{_esc(v)}</td></tr>" for k, v in run.config.items()
        )
        parts.append(f"<h2>{w['config']}</h2><table>{rows}</table>")
    parts.append("</body></html>")
    return "".join(parts)
