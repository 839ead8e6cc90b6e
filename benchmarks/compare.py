"""Side-by-side benchmark of medner, spaCy `ner` and the Hugging Face token-classification recipe on one
CoNLL corpus (a folder with train.tsv and dev.tsv: word<TAB>IOB per line), with the same backbone, the same
training sentences, the same number of epochs, the same peak learning rate, warm-up and steps per epoch.

    python benchmarks/compare.py --corpus ../shared/data/bc5cdr --train-limit 2000 --epochs 2

Steps (each in its own subprocess, so peak memory is per step): spaCy's converter on the (first N) train
sentences and on the dev set; `python -m spacy train` for configs/medner_trf.cfg and
configs/ner_baseline_trf.cfg; benchmarks/hf_token_classification.py train; dev evaluation of each (spaCy's
Scorer, strict entity P/R/F per label; seqeval too for HF); benchmarks/measure.py speed (inference words/s
side by side, CRF share). Results go to RESULTS/<corpus>.json after every step and a markdown table to
RESULTS/<corpus>.md. Steps already in the JSON are skipped unless --force (so a run can resume).
The corpus is read where it lies; converted copies go to --workdir (default /tmp), never the repo.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import bench_data as bd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SPACY_SYSTEMS = {"medner": "medner_trf.cfg", "ner": "ner_baseline_trf.cfg"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_measured(cmd: Sequence[str], env: Optional[Dict[str, str]] = None) -> Dict[str, float]:
    """Run a command, fail loudly on a non-zero exit, return its wall time and peak RSS (os.wait4)."""
    log("$ " + " ".join(cmd))
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"step failed (exit {proc.returncode}): {cmd[1:4]}")
    # 1-minute load averages around the step: the machine is shared, so they qualify the timings
    return {"wall_seconds": round(seconds, 1), "peak_rss_mib": round(usage.ru_maxrss / 1024.0, 1),
            "load_avg_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def spacy_steps_per_epoch(docs: Sequence[object], size: int, buffer: int = 256) -> int:
    """Batches per epoch of spaCy's batch_by_padded batcher over these docs (anything with a len())."""
    from spacy.training.batchers import minibatch_by_padded_size

    return sum(1 for _ in minibatch_by_padded_size(list(docs), size, buffer=buffer, discard_oversize=False))


def training_seconds(timing_path: Path) -> Dict[str, float]:
    """From the spacy_train_timer JSONL: time from the first update to the last save, and step count."""
    records = [json.loads(line) for line in timing_path.read_text().splitlines() if line.strip()]
    updates = [r for r in records if r["event"] == "update"]
    saves = [r for r in records if r["event"] == "save"]
    if not updates or not saves:
        raise SystemExit(f"{timing_path}: no training steps recorded")
    return {"train_seconds": round(saves[-1]["t"] - updates[0]["t"], 1), "steps": len(updates),
            "epochs_started": updates[-1]["epoch"] + 1}


class Benchmark:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.name = args.name or Path(args.corpus or args.train).resolve().name
        self.work = Path(args.workdir) / self.name
        self.work.mkdir(parents=True, exist_ok=True)
        self.results_path = Path(args.results) / f"{self.name}.json"
        self.results_path.parent.mkdir(parents=True, exist_ok=True)
        self.results: Dict[str, object] = {}
        if self.results_path.exists() and not args.force:
            self.results = json.loads(self.results_path.read_text())
        self.py = sys.executable

    def save(self) -> None:
        self.results_path.write_text(json.dumps(self.results, indent=2))
        (self.results_path.with_suffix(".md")).write_text(markdown(self.results))

    def prepare(self) -> None:
        a = self.args
        train_file = Path(a.train) if a.train else Path(a.corpus) / "train.tsv"
        dev_file = Path(a.dev) if a.dev else Path(a.corpus) / "dev.tsv"
        train = bd.read_conll(train_file)
        dev = bd.read_conll(dev_file)
        if a.train_limit:
            train = train[: a.train_limit]
        if a.dev_limit:
            dev = dev[: a.dev_limit]
        self.train_tsv, self.dev_tsv = self.work / "train.tsv", self.work / "dev.tsv"
        monitor_tsv = self.work / "dev_monitor.tsv"
        bd.write_conll(train, self.train_tsv)
        bd.write_conll(dev, self.dev_tsv)
        bd.write_conll(dev[: a.monitor_sentences], monitor_tsv)
        corpus = self.work / "corpus"
        self.train_docbin = bd.spacy_convert(self.train_tsv, corpus)
        self.dev_docbin = bd.spacy_convert(self.dev_tsv, corpus)
        self.monitor_docbin = bd.spacy_convert(monitor_tsv, corpus)
        train_docs = bd.load_docs(self.train_docbin)
        self.steps_per_epoch = spacy_steps_per_epoch(train_docs, a.batch_words)
        self.total_steps = self.steps_per_epoch * a.epochs
        self.warmup_steps = max(1, round(a.warmup_fraction * self.total_steps))
        self.hf_batch = max(1, round(len(train) / self.steps_per_epoch))
        self.train_words = bd.count_words(train)
        data = {
            "train_file": str(train_file), "dev_file": str(dev_file), "labels": bd.entity_labels(train + dev),
            "train_sentences": len(train), "train_words": self.train_words, "train_docs_10_sentences": len(train_docs),
            "dev_sentences": len(dev), "dev_words": bd.count_words(dev),
            "train_limit": a.train_limit, "dev_limit": a.dev_limit,
        }
        budget = {
            "epochs": a.epochs, "peak_learn_rate": a.learn_rate, "warmup_steps": self.warmup_steps,
            "schedule": "linear warm-up then linear decay to 0 at the last step (spaCy warmup_linear.v1, "
                        "HF get_linear_schedule_with_warmup)",
            "spacy_batcher": f"batch_by_padded size={a.batch_words} words (padded), buffer=256; docs of 10 sentences",
            "spacy_steps_per_epoch": self.steps_per_epoch, "total_steps": self.total_steps,
            "hf_batch_sentences": self.hf_batch, "hf_steps_per_epoch": -(-len(train) // self.hf_batch),
            "optimizer": "Adam(W) beta1=0.9 beta2=0.999 eps=1e-8, weight decay 0.01, grad clip 1.0, dropout 0.1",
            "threads": a.threads,
        }
        if self.results.get("data") not in (None, data) or self.results.get("budget") not in (None, budget):
            log("data or budget changed since the stored results: starting afresh")
            self.results = {}
        self.results.update({"corpus": self.name, "data": data, "budget": budget, "machine": machine_info()})
        self.results.setdefault("systems", {})
        self.save()

    def train_spacy(self, system: str) -> None:
        a = self.args
        out = self.work / f"out_{system}"
        timing = self.work / f"{system}.timing.jsonl"
        timing.unlink(missing_ok=True)
        config = Path(a.configs) / SPACY_SYSTEMS[system]
        cmd = [self.py, "-m", "spacy", "train", str(config), "--output", str(out),
               "--code", str(HERE / "spacy_train_timer.py"),
               "--paths.train", str(self.train_docbin), "--paths.dev", str(self.monitor_docbin),
               "--components.transformer.model.name", a.model,
               "--training.max_epochs", str(a.epochs), "--training.max_steps", "0",
               "--training.eval_frequency", str(10 ** 6), "--training.patience", "0",
               "--training.batcher.size", str(a.batch_words),
               "--training.optimizer.learn_rate.initial_rate", str(a.learn_rate),
               "--training.optimizer.learn_rate.warmup_steps", str(self.warmup_steps),
               "--training.optimizer.learn_rate.total_steps", str(self.total_steps),
               "--training.before_update", '{"@callbacks":"medner-bench.step_timer.v1"}',
               "--training.before_to_disk", '{"@callbacks":"medner-bench.save_timer.v1"}']
        proc = run_measured(cmd, env={"MEDNER_BENCH_TIMING": str(timing), "OMP_NUM_THREADS": str(a.threads)})
        timed = training_seconds(timing)
        words = self.train_words * a.epochs
        self.systems[system] = {"train": {
            **timed, "train_words_per_second": round(words / timed["train_seconds"], 1),
            "process_wall_seconds": proc["wall_seconds"], "peak_rss_mib": proc["peak_rss_mib"],
            "load_avg_1min_before_after": proc["load_avg_1min_before_after"], "command": " ".join(cmd[1:]),
        }}
        self.save()

    def eval_spacy(self, system: str) -> None:
        out_json = self.work / f"eval_{system}.json"
        cmd = [self.py, str(HERE / "measure.py"), "eval-spacy", "--model", str(self.model_dir(system)),
               "--dev-spacy", str(self.dev_docbin), "--system", system, "--json", str(out_json),
               "--batch-size", str(self.args.infer_batch_size), "--threads", str(self.args.threads)]
        proc = run_measured(cmd)
        evaluation = json.loads(out_json.read_text())
        evaluation["peak_rss_mib"] = proc["peak_rss_mib"]
        self.systems[system]["eval"] = evaluation
        self.save()

    def train_hf(self) -> None:
        a = self.args
        out = self.work / "out_hf"
        cmd = [self.py, str(HERE / "hf_token_classification.py"), "train", "--train", str(self.train_tsv),
               "--model", a.model, "--output", str(out), "--epochs", str(a.epochs),
               "--learn-rate", str(a.learn_rate), "--warmup-steps", str(self.warmup_steps),
               "--batch-size", str(self.hf_batch), "--threads", str(a.threads)]
        proc = run_measured(cmd)
        stats = json.loads((out / "train_stats.json").read_text())
        stats.update({"process_wall_seconds": proc["wall_seconds"], "peak_rss_mib": proc["peak_rss_mib"],
                      "load_avg_1min_before_after": proc["load_avg_1min_before_after"], "command": " ".join(cmd[1:])})
        self.systems["hf"] = {"train": stats}
        self.save()

    def eval_hf(self) -> None:
        out_json = self.work / "eval_hf.json"
        cmd = [self.py, str(HERE / "hf_token_classification.py"), "evaluate", "--model", str(self.model_dir("hf")),
               "--dev", str(self.dev_tsv), "--dev-spacy", str(self.dev_docbin), "--json", str(out_json),
               "--batch-size", str(self.args.infer_batch_size), "--threads", str(self.args.threads)]
        proc = run_measured(cmd)
        evaluation = json.loads(out_json.read_text())
        evaluation["peak_rss_mib"] = proc["peak_rss_mib"]
        self.systems["hf"]["eval"] = evaluation
        self.save()

    def speed(self) -> None:
        a = self.args
        out_json = self.work / "speed.json"
        cmd = [self.py, str(HERE / "measure.py"), "speed", "--medner", str(self.model_dir("medner")),
               "--ner", str(self.model_dir("ner")), "--hf", str(self.model_dir("hf")), "--dev", str(self.dev_tsv),
               "--n-texts", str(a.n_texts), "--batch-size", str(a.infer_batch_size), "--repeats", str(a.repeats),
               "--json", str(out_json), "--threads", str(a.threads)]
        proc = run_measured(cmd)
        result = json.loads(out_json.read_text())
        result["process_peak_rss_mib"] = proc["peak_rss_mib"]
        result["load_avg_1min_before_after"] = proc["load_avg_1min_before_after"]
        self.results["speed"] = result
        self.save()

    def model_dir(self, system: str) -> Path:
        return self.work / ("out_hf/model" if system == "hf" else f"out_{system}/model-last")

    @property
    def systems(self) -> Dict[str, Dict[str, object]]:
        return self.results["systems"]  # type: ignore[return-value]

    def run(self) -> None:
        self.prepare()
        wanted = self.args.systems.split(",")
        for system in wanted:
            done = self.systems.get(system, {})
            if "train" not in done or not self.model_dir(system).exists():
                log(f"training {system}")
                self.train_hf() if system == "hf" else self.train_spacy(system)
            if "eval" not in self.systems[system] or system in self.args.redo_eval.split(","):
                log(f"evaluating {system}")
                self.eval_hf() if system == "hf" else self.eval_spacy(system)
        if set(wanted) >= {"medner", "ner", "hf"} and ("speed" not in self.results or self.args.force_speed):
            log("timing inference")
            self.speed()
        self.results["targets"] = targets(self.results)
        self.save()
        log(f"done: {self.results_path}")
        print(markdown(self.results))


def machine_info() -> Dict[str, object]:
    from importlib.metadata import version

    import spacy
    import torch
    import transformers

    return {"cpus": os.cpu_count(), "device": "CPU only", "python": platform.python_version(),
            "torch": torch.__version__, "spacy": spacy.__version__, "spacy_transformers": version("spacy-transformers"),
            "transformers": transformers.__version__, "platform": platform.platform()}


def _f(results: Dict[str, object], system: str) -> Optional[float]:
    try:
        return results["systems"][system]["eval"]["scorer"]["f"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None


def targets(results: Dict[str, object]) -> List[Dict[str, object]]:
    """The issue's targets, each met/missed/unmeasured with the figures behind it."""
    f_med, f_ner, f_hf = _f(results, "medner"), _f(results, "ner"), _f(results, "hf")
    speed = results.get("speed") or {}
    rows = []

    def add(name: str, value: Optional[float], threshold: Optional[float], ok, detail: str) -> None:
        state = "unmeasured" if value is None or threshold is None else ("met" if ok(value, threshold) else "missed")
        rows.append({"target": name, "state": state, "value": value, "threshold": threshold, "detail": detail})

    add("medner F1 >= spaCy ner F1 + 1.0", f_med, None if f_ner is None else round(f_ner + 1.0, 2),
        lambda v, t: v >= t, f"medner {f_med} vs ner {f_ner}")
    add("medner F1 >= HF F1", f_med, f_hf, lambda v, t: v >= t, f"medner {f_med} vs HF {f_hf}")
    add("medner inference >= 1.5x HF pipeline words/s", speed.get("ratio_medner_vs_hf_pipeline"), 1.5,
        lambda v, t: v >= t, "ratio of median times")
    add("medner inference >= 1.0x spaCy ner words/s", speed.get("ratio_medner_vs_ner"), 1.0,
        lambda v, t: v >= t, "ratio of median times")
    share = speed.get("crf_share_by_subtraction")
    add("CRF head < 5% of medner inference time", share, 0.05, lambda v, t: v < t,
        f"by subtraction {share}; medner pipe timed alone {speed.get('crf_share_by_pipe_timing')}")
    return rows


def markdown(results: Dict[str, object]) -> str:
    systems = results.get("systems", {})
    labels = results.get("data", {}).get("labels", [])
    speed = results.get("speed") or {}
    wps = speed.get("words_per_second", {})
    lines = [f"### {results.get('corpus')}", "",
             "| system | P | R | F1 | " + " | ".join(f"F1 {l}" for l in labels)
             + " | F1 char spans | train words/s | train s | train peak RSS MiB | inference words/s | eval peak RSS MiB |",
             "|---" * (10 + len(labels)) + "|"]
    for system, speed_key in (("medner", "medner"), ("ner", "ner"), ("hf", "hf_pipeline")):
        s = systems.get(system, {})
        sc = (s.get("eval") or {}).get("scorer") or {}
        tr = s.get("train") or {}
        per = sc.get("per_label", {})
        cells = [system, sc.get("p"), sc.get("r"), sc.get("f")] + [per.get(l, {}).get("f") for l in labels] + [
            (sc.get("char_spans") or {}).get("f"), tr.get("train_words_per_second"), tr.get("train_seconds"), tr.get("peak_rss_mib"),
            wps.get(speed_key), (s.get("eval") or {}).get("peak_rss_mib")]
        lines.append("| " + " | ".join("–" if c is None else str(c) for c in cells) + " |")
    hf_eval = (systems.get("hf") or {}).get("eval") or {}
    if hf_eval:
        d, st = hf_eval.get("seqeval_default", {}), hf_eval.get("seqeval_strict_iob2", {})
        lines += ["", f"HF seqeval on the same predictions: default (conlleval) mode P/R/F {d.get('p')}/{d.get('r')}/"
                      f"{d.get('f')}; strict IOB2 mode {st.get('p')}/{st.get('r')}/{st.get('f')}."]
    if speed:
        lines += ["", f"Inference: {speed.get('texts')} dev sentences ({speed.get('words')} words), batch size "
                      f"{speed.get('batch_size')}, median of {speed.get('repeats')} interleaved repetitions; medner/HF "
                      f"pipeline {speed.get('ratio_medner_vs_hf_pipeline')}x, medner/ner {speed.get('ratio_medner_vs_ner')}x; "
                      f"transformer only {wps.get('medner_transformer_only')} words/s; CRF share "
                      f"{speed.get('crf_share_by_subtraction')} (subtraction), {speed.get('crf_share_by_pipe_timing')} "
                      f"(pipe timed alone)."]
    if results.get("targets"):
        lines += ["", "| target | state | figures |", "|---|---|---|"]
        for t in results["targets"]:
            lines.append(f"| {t['target']} | {t['state']} | {t['value']} vs {t['threshold']} ({t['detail']}) |")
    return "\n".join(lines) + "\n"


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", help="folder holding train.tsv and dev.tsv (word<TAB>IOB)")
    p.add_argument("--train", help="training file (overrides --corpus/train.tsv)")
    p.add_argument("--dev", help="dev file (overrides --corpus/dev.tsv)")
    p.add_argument("--name", help="results name (default: the corpus folder's name)")
    p.add_argument("--train-limit", type=int, default=0, help="first N training sentences (0 = all)")
    p.add_argument("--dev-limit", type=int, default=0, help="first N dev sentences (0 = all)")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--learn-rate", type=float, default=1e-4, help="peak learning rate, all systems")
    p.add_argument("--warmup-fraction", type=float, default=0.1, help="warm-up steps as a share of all steps")
    p.add_argument("--batch-words", type=int, default=500, help="spaCy batch_by_padded size; HF batch matches its steps")
    p.add_argument("--monitor-sentences", type=int, default=20,
                   help="dev sentences spaCy train scores once (its log); the full dev set is scored afterwards")
    p.add_argument("--n-texts", type=int, default=300, help="dev sentences timed for inference")
    p.add_argument("--infer-batch-size", type=int, default=32)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--model", default="bundled", help="transformer for all three systems")
    p.add_argument("--systems", default="medner,ner,hf")
    p.add_argument("--configs", default=str(REPO / "configs"))
    p.add_argument("--workdir", default="/tmp/medner_bench")
    p.add_argument("--results", default=str(HERE / "results"))
    p.add_argument("--force", action="store_true", help="ignore stored results and redo every step")
    p.add_argument("--force-speed", action="store_true", help="redo the inference timing")
    p.add_argument("--redo-eval", default="", help="comma-separated systems whose dev evaluation is redone")
    args = p.parse_args(argv)
    if not args.corpus and not (args.train and args.dev):
        p.error("give --corpus DIR or both --train and --dev")
    return args


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    try:
        Benchmark(args).run()
    except (bd.ConllFormatError, RuntimeError) as err:
        raise SystemExit(f"error: {err}")


if __name__ == "__main__":
    main()
