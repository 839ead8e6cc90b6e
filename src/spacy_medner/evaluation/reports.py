"""Evaluation reports: ``metrics.json``, ``metrics.md`` and ``errors.html``.

``errors.html`` shows note text by design (it is an inspection artifact the
user asks for): for each document with at least one strict error, the gold
and the predicted entities rendered side by side with displaCy, and the false
negatives and false positives listed by offsets and label. It is capped at
``max_error_docs`` documents.
"""
import html
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from spacy import displacy
from spacy.tokens import Doc

from ..safe_io import atomic_write_text

from ..spans import CharSpan
from .scoring import DocComparison, compare_docs

#: Default cap on the documents shown in errors.html.
MAX_ERROR_DOCS = 200

_PALETTE = (
    "#7aecec", "#bfeeb7", "#feca74", "#ff9561", "#aa9cfc", "#c887fb", "#9cc9cc",
    "#ffeb80", "#ff8197", "#f0d0ff", "#bfe1d9", "#e4e7d2", "#fcd5ce", "#d0f4de",
)


def _fmt(value: float) -> str:
    return f"{100 * value:.2f}"


def _prf_row(name: str, block: Dict[str, Any]) -> str:
    return f"| {name} | {_fmt(block['p'])} | {_fmt(block['r'])} | {_fmt(block['f'])} |"


def summary_rows(metrics: Dict[str, Any]) -> List[tuple]:
    """(name, P, R, F) rows of the headline numbers, fractions in [0, 1]."""
    rows = []
    for scope, block in (("", metrics), ("HIPAA ", metrics.get("hipaa"))):
        if block is None or (scope and not block.get("applicable")):
            continue
        rows.extend(
            [
                (f"{scope}strict micro", block["strict"]["micro"]),
                (f"{scope}strict macro", block["strict"]["macro"]),
                (f"{scope}relaxed micro", block["relaxed"]["micro"]),
                (f"{scope}relaxed macro", block["relaxed"]["macro"]),
                (f"{scope}token PHI", block["token"]),
            ]
        )
    structured = metrics.get("structured")
    if structured is not None and structured.get("applicable"):
        rows.append(("structured types token PHI", structured["token"]))
    return [(name, b["p"], b["r"], b["f"]) for name, b in rows]


def metrics_markdown(metrics: Dict[str, Any]) -> str:
    """The markdown report: summary, per-label table, HIPAA status, cross-check."""
    lines = ["# Evaluation", ""]
    lines.append(
        f"{metrics['n_docs']} documents, {metrics['n_words']} words, "
        f"{metrics['n_gold_entities']} gold and {metrics['n_pred_entities']} predicted entities, "
        f"{metrics['docs_with_errors']} documents with errors."
    )
    speed = metrics.get("speed")
    if speed:
        lines.append(f"Speed: {speed['words_per_second']:.0f} words/s (batch size {speed['batch_size']}).")
    lines += ["", "## Summary", "", "| Metric | P | R | F |", "|---|---:|---:|---:|"]
    lines += [_prf_row(name, {"p": p, "r": r, "f": f}) for name, p, r, f in summary_rows(metrics)]
    hipaa = metrics.get("hipaa")
    if hipaa is not None and not hipaa.get("applicable"):
        lines += ["", f"HIPAA subset: {hipaa['reason']}"]
    lines += [
        "",
        "## Per label",
        "",
        "Strict and relaxed entity P/R/F; token recall is the share of the label's gold tokens "
        "predicted as PHI under any label.",
        "",
        "| Label | Gold | Pred | Strict P | Strict R | Strict F | Relaxed P | Relaxed R | Relaxed F | Token R |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    token_recall = metrics["token"]["per_label_recall"]
    for label, s in metrics["strict"]["per_label"].items():
        r = metrics["relaxed"]["per_label"].get(label, {"p": 0.0, "r": 0.0, "f": 0.0})
        tr = token_recall.get(label)
        lines.append(
            f"| {label} | {s['tp'] + s['fn']} | {s['tp'] + s['fp']} | {_fmt(s['p'])} | {_fmt(s['r'])} | "
            f"{_fmt(s['f'])} | {_fmt(r['p'])} | {_fmt(r['r'])} | {_fmt(r['f'])} | "
            f"{_fmt(tr['r']) if tr else '-'} |"
        )
    cal = metrics.get("calibration")
    if cal and cal.get("applicable"):
        t = cal.get("temperature")
        lines += [
            "",
            "## Calibration of entity probabilities",
            "",
            f"{cal['n_entities']} predicted entities (a correct one matches a gold entity exactly); "
            f"temperature {t:g}." if t is not None else f"{cal['n_entities']} predicted entities.",
            "",
            f"ECE ({cal['n_bins']} bins): {cal['ece']:.4f}; Brier: {cal['brier']:.4f}; "
            f"mean probability {_fmt(cal['mean_prob'] or 0.0)}% against {_fmt(cal['accuracy'] or 0.0)}% correct. "
            "Reliability diagram: reliability.png.",
        ]
    check = metrics.get("spacy_scorer")
    if check:
        verdict = "agrees" if check["agrees_with_strict"] else "differs (tokenization mismatch)"
        f = check["ents_f"]
        lines += [
            "",
            f"spaCy Scorer cross-check: ents_f = {_fmt(f) if f is not None else 'n/a'}, "
            f"{verdict} with the character-offset strict score.",
        ]
    return "\n".join(lines) + "\n"


def _colors(labels: Sequence[str]) -> Dict[str, str]:
    return {label: _PALETTE[i % len(_PALETTE)] for i, label in enumerate(sorted(labels))}


def _render(text: str, entities: Sequence[CharSpan], title: str, colors: Dict[str, str]) -> str:
    data = {
        "text": text,
        "ents": [{"start": e.start, "end": e.end, "label": e.label} for e in entities],
        "title": title,
    }
    return displacy.render(
        data, style="ent", manual=True, page=False, jupyter=False, options={"colors": colors}
    )


def _error_rows(comp: DocComparison, text: str) -> List[str]:
    relaxed_gold = {g: p for g, p in comp.relaxed.matched}
    relaxed_pred = {p: g for g, p in comp.relaxed.matched}
    gold_by_span = {(g.start, g.end): g for g in comp.gold}
    pred_by_span = {(p.start, p.end): p for p in comp.pred}
    rows = []
    for kind, ents in (("FN", comp.strict.false_negatives), ("FP", comp.strict.false_positives)):
        for ent in ents:
            other_side = pred_by_span if kind == "FN" else gold_by_span
            twin = other_side.get((ent.start, ent.end))
            relaxed = (relaxed_gold if kind == "FN" else relaxed_pred).get(ent)
            if twin is not None:
                note = f"label mismatch ({'predicted' if kind == 'FN' else 'gold'} {twin.label})"
            elif relaxed is not None:
                note = f"boundary: relaxed match with {relaxed.start}-{relaxed.end}"
            else:
                note = ""
            rows.append(
                f"<tr><td>{kind}</td><td>{ent.start}</td><td>{ent.end}</td>"
                f"<td>{html.escape(ent.label)}</td><td><code>{html.escape(text[ent.start:ent.end])}</code></td>"
                f"<td>{html.escape(note)}</td></tr>"
            )
    return rows


def errors_html(
    gold_docs: Sequence[Doc],
    comparisons: Sequence[DocComparison],
    max_error_docs: int = MAX_ERROR_DOCS,
) -> str:
    """The error page: side-by-side gold/predicted renderings of documents with errors."""
    with_errors = [c for c in comparisons if c.has_errors]
    shown = with_errors[:max_error_docs]
    labels = {e.label for c in comparisons for e in (*c.gold, *c.pred)}
    colors = _colors(labels)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>NER errors</title>",
        "<style>body{font-family:sans-serif;margin:1em}"
        ".pair{display:flex;gap:1em}.pair>div{flex:1;min-width:0;border:1px solid #ddd;padding:.5em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style></head><body>",
        "<h1>NER errors</h1>",
        "<p><strong>This page contains clinical note text.</strong> "
        f"{len(with_errors)} of {len(comparisons)} documents have at least one strict error; "
        f"showing {len(shown)}. FN: gold entity not predicted exactly; FP: prediction "
        "not in the gold exactly.</p>",
    ]
    for comp in shown:
        text = gold_docs[comp.index].text
        parts.append(
            f"<h2>{html.escape(comp.name)}</h2><p>{len(comp.strict.false_negatives)} FN, "
            f"{len(comp.strict.false_positives)} FP</p>"
        )
        parts.append(
            "<div class='pair'>"
            f"<div>{_render(text, comp.gold, 'Gold', colors)}</div>"
            f"<div>{_render(text, comp.pred, 'Predicted', colors)}</div></div>"
        )
        parts.append(
            "<table><tr><th>Error</th><th>Start</th><th>End</th><th>Label</th><th>Text</th>"
            "<th>Note</th></tr>" + "".join(_error_rows(comp, text)) + "</table>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_reports(
    metrics: Dict[str, Any],
    gold_docs: Sequence[Doc],
    pred_docs: Sequence[Doc],
    out_dir: Path,
    write_errors_html: bool = True,
    max_error_docs: int = MAX_ERROR_DOCS,
) -> Dict[str, Optional[Path]]:
    """Write ``metrics.json``, ``metrics.md`` and (unless disabled) ``errors.html``.

    Returns the paths written (``errors_html`` is None when disabled).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "metrics.json"
    atomic_write_text(json_path, json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    md_path = out_dir / "metrics.md"
    atomic_write_text(md_path, metrics_markdown(metrics))
    html_path: Optional[Path] = None
    if write_errors_html:
        gold_docs, pred_docs = list(gold_docs), list(pred_docs)
        html_path = out_dir / "errors.html"
        page = errors_html(gold_docs, compare_docs(gold_docs, pred_docs), max_error_docs)
        atomic_write_text(html_path, page)
    return {"metrics_json": json_path, "metrics_md": md_path, "errors_html": html_path}
