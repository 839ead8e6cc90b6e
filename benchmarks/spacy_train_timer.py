"""Training-time instrumentation for `spacy train --code benchmarks/spacy_train_timer.py`.

Registers two callbacks that append JSON lines (wall clock, step, epoch) to the file named by the
environment variable MEDNER_BENCH_TIMING: `before_update` (every step) and `before_to_disk` (every
checkpoint save, the last one being the end of training). Training words/s = words trained divided by
the time from the first update to the last save. Nothing else in the pipeline changes.
"""
import json
import os
import time
from typing import Callable, Dict

from spacy import Language
from spacy.util import registry


def _append(record: Dict[str, object]) -> None:
    path = os.environ.get("MEDNER_BENCH_TIMING")
    if path:
        with open(path, "a", encoding="utf8") as handle:
            handle.write(json.dumps(record) + "\n")


@registry.callbacks("medner-bench.step_timer.v1")
def step_timer() -> Callable[[Language, Dict[str, int]], None]:
    def before_update(nlp: Language, info: Dict[str, int]) -> None:
        _append({"event": "update", "t": time.time(), "step": info["step"], "epoch": info["epoch"]})

    return before_update


@registry.callbacks("medner-bench.save_timer.v1")
def save_timer() -> Callable[[Language], Language]:
    def before_to_disk(nlp: Language) -> Language:
        _append({"event": "save", "t": time.time()})
        return nlp

    return before_to_disk
