#!/bin/bash
# The BC5CDR schedule sweep of BENCHMARKS.md ("A sweep on a GPU"): the project's train-bc5cdr command
# run seven times in parallel on one GPU, each stopped after LIM seconds; the dev F1 table of each run
# is in OUT/NAME.log. Needs spacy_medner installed with a CUDA build of torch and cupy, and the
# corpora converted first (`spacy project run convert-bc5cdr .`). Usage: LIM=430 OUT=sweep bash benchmarks/bc5cdr_gpu_sweep.sh
set -u
LIM=${LIM:-430}
OUT=${OUT:-benchmarks/work/bc5cdr_gpu_sweep}
MODEL=${MODEL:-bundled}
mkdir -p "$OUT"
COMMON=(configs/medner_trf.cfg --gpu-id 0 --paths.train corpus/bc5cdr/train.spacy --paths.dev corpus/bc5cdr/dev.spacy
        --components.transformer.model.name "$MODEL" --training.batcher.size 1000 --training.eval_frequency 260
        --training.patience 780 --training.optimizer.learn_rate.warmup_steps 150)
run() { # name steps peak-rate use-averages seed
  OMP_NUM_THREADS=2 timeout "$LIM" python -m spacy train "${COMMON[@]}" --output "$OUT/model_$1" \
    --training.max_steps "$2" --training.optimizer.learn_rate.total_steps "$2" --training.optimizer.learn_rate.initial_rate "$3" \
    --training.optimizer.use_averages "$4" --system.seed "$5" > "$OUT/$1.log" 2>&1
  echo "rc=$?" >> "$OUT/$1.log"
}
run base 1500 0.00015 false 0 &
run seed1 1500 0.00015 false 1 &
run avg 1500 0.00015 true 0 &
run lr3 1500 0.0003 false 0 &
run avglr3 1500 0.0003 true 0 &
run lr3s3k 3000 0.0003 false 0 &
run avgs3k 3000 0.00015 true 0 &
wait
grep -H -E "^ *[0-9]+ +[0-9]+ " "$OUT"/*.log
