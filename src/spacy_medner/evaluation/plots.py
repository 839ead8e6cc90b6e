"""Pictures for ``evaluate`` (matplotlib, no display needed): written atomically as PNG.

- :func:`reliability_png`: the reliability diagram of entity probabilities;
- :func:`bias_curve_png`: PHI token recall and precision against ``entity_bias``.
"""
import io
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

from ..safe_io import atomic_write_bytes


def _figure(width: float = 5.2, height: float = 4.4) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110)


def _save(fig: Any, path: Path) -> Path:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    atomic_write_bytes(path, buf.getvalue())
    return path


def reliability_png(report: Dict[str, Any], path: Path, title: str = "", after: Optional[Dict[str, Any]] = None) -> Path:
    """Accuracy against mean probability per bin (the diagonal is perfect calibration).

    ``after`` (another :func:`~.calibration.calibration_report`) is drawn beside
    ``report``, e.g. before and after temperature scaling. Marker area follows
    the bin's share of entities.
    """
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1], color="0.6", linestyle="--", linewidth=1, label="perfectly calibrated")
    series = [("model" if after is None else "before", report, "tab:red")]
    if after is not None:
        series.append(("after temperature scaling", after, "tab:blue"))
    for name, rep, color in series:
        bins = [b for b in rep["bins"] if b["count"]]
        total = max(rep["n_entities"], 1)
        xs = [b["mean_prob"] for b in bins]
        ys = [b["accuracy"] for b in bins]
        sizes = [20 + 400 * b["count"] / total for b in bins]
        ax.plot(xs, ys, color=color, linewidth=1.2, alpha=0.8)
        ax.scatter(xs, ys, s=sizes, color=color, alpha=0.7, label=f"{name}: ECE {rep['ece']:.3f}, Brier {rep['brier']:.3f}")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("entity probability (bin mean)")
    ax.set_ylabel("share of entities exactly right")
    ax.set_title(title or f"Reliability of entity probabilities ({report['n_entities']} entities)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, path)


def bias_curve_png(curve: Sequence[Dict[str, Any]], path: Path, chosen: Optional[float] = None, title: str = "",
                   min_recall: Optional[float] = None, min_precision: Optional[float] = None) -> Path:
    """PHI token recall and precision (percent) against ``entity_bias``; the chosen value marked."""
    fig = _figure(6.0, 4.2)
    ax = fig.add_subplot(1, 1, 1)
    xs = [row["entity_bias"] for row in curve]
    ax.plot(xs, [100 * row["token_r"] for row in curve], marker="o", color="tab:red", label="PHI token recall")
    ax.plot(xs, [100 * row["token_p"] for row in curve], marker="s", color="tab:blue", label="PHI token precision")
    if min_recall is not None:
        ax.axhline(100 * min_recall, color="tab:red", linestyle=":", linewidth=1, label=f"recall target {100 * min_recall:g}%")
    if min_precision is not None:
        ax.axhline(100 * min_precision, color="tab:blue", linestyle=":", linewidth=1, label=f"precision target {100 * min_precision:g}%")
    if chosen is not None:
        ax.axvline(chosen, color="0.3", linestyle="--", linewidth=1, label=f"chosen entity_bias {chosen:g}")
    ax.set_xlabel("entity_bias (added to every entity tag's score before decoding)")
    ax.set_ylabel("percent")
    ax.set_title(title or "The recall knob: PHI token recall and precision", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    return _save(fig, path)
