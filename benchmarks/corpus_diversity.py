"""How varied is a corpus of annotated clinical notes? (i2b2 2014 XML folders)

For each folder of ``*.xml`` notes in the i2b2/UTHealth 2014 format (a
``synth`` output folder, the OOD yardstick, a real release) prints one column
of a Markdown table:

- notes, words, PHI spans per note and per 100 words, per-TYPE counts;
- **sentence frames**: every line is split into sentences, PHI spans are
  replaced by ``<TYPE>``, digit runs by ``9`` and whitespace runs by one space;
  a frame is such a normalised sentence.  ``distinct frames`` counts them
  over the whole corpus, ``frames/100 sentences`` over a fixed-size sample of
  the first ``--sample-sentences`` sentences (comparable across corpora of
  different sizes);
- **headers**: distinct section headers (``Xxx:`` at a line start, or a
  short all-capital line), lower-cased, digits normalised; and distinct note
  title lines (the first PHI-free line of a note, short, without a colon);
- **type-token ratio**: mean TTR over consecutive 1,000-token windows (MSTTR,
  comparable across sizes), TTR of the first 10,000 tokens, and the whole-
  corpus TTR (size-dependent; for reference only).  Tokens are lower-cased
  word and punctuation tokens with digit runs normalised to ``9``.

    python benchmarks/corpus_diversity.py /tmp/synth_before /tmp/synth_after tests/fixtures/ood_notes
    python benchmarks/corpus_diversity.py OUT --json diversity.json

It reads note text only to count; it prints numbers, never text.
"""
import argparse
import json
import random
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

TYPES = (
    "PATIENT", "DOCTOR", "USERNAME", "PROFESSION", "ROOM", "DEPARTMENT", "HOSPITAL", "ORGANIZATION",
    "STREET", "CITY", "STATE", "COUNTRY", "ZIP", "LOCATION-OTHER", "AGE", "DATE", "PHONE", "FAX",
    "EMAIL", "URL", "IPADDR", "SSN", "MEDICALRECORD", "HEALTHPLAN", "ACCOUNT", "LICENSE", "VEHICLE",
    "DEVICE", "BIOID", "IDNUM",
)

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)")
_HEADER = re.compile(r"^\s*(?:[#*\-=]+\s*)?([A-Za-z][A-Za-z0-9 /&()'.+-]{0,40}?)\s*:")
_WINDOW = 1000
_TTR_SAMPLE = 10_000


def read_notes(folder: Path) -> List[Tuple[str, List[Tuple[int, int, str]]]]:
    """(text, spans) of every i2b2 2014 XML note in ``folder`` (sorted by name)."""
    notes = []
    for path in sorted(folder.glob("*.xml")):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as err:
            print(f"skipped {path.name}: {err}", file=sys.stderr)
            continue
        text_el = root.find("TEXT")
        text = (text_el.text if text_el is not None else "") or ""
        spans = []
        tags = root.find("TAGS")
        for el in tags if tags is not None else []:
            try:
                start, end = int(el.get("start", "")), int(el.get("end", ""))
            except ValueError:
                continue
            label = (el.get("TYPE") or el.tag).upper()
            spans.append((start, end, label))
        spans.sort()
        notes.append((text, spans))
    return notes


def masked(text: str, spans: Sequence[Tuple[int, int, str]]) -> str:
    """``text`` with PHI replaced by ``<TYPE>`` (overlaps skipped)."""
    parts, last = [], 0
    for start, end, label in spans:
        if start < last:
            continue
        parts += [text[last:start], f"<{label}>"]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def frames_of(masked_text: str) -> List[str]:
    out = []
    for line in masked_text.split("\n"):
        line = re.sub(r"\s+", " ", _DIGITS.sub("9", line)).strip()
        if not line:
            continue
        out += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return out


def headers_of(masked_text: str) -> List[str]:
    out = []
    for line in masked_text.split("\n"):
        if "<" in line.split(":")[0]:
            continue
        m = _HEADER.match(line)
        if m and len(m.group(1).split()) <= 5:
            out.append(_DIGITS.sub("9", m.group(1).strip().lower()))
            continue
        bare = line.strip().strip("*=-# ").strip()
        if bare and bare.isupper() and len(bare.split()) <= 5 and "<" not in bare and re.search("[A-Z]{3}", bare):
            out.append(_DIGITS.sub("9", bare.lower()))
    return out


def title_of(masked_text: str) -> Optional[str]:
    for line in masked_text.split("\n"):
        bare = line.strip().strip("*=-# ").strip()
        if not bare or "<" in bare:
            continue
        if ":" in bare or len(bare.split()) > 7 or not re.search("[A-Za-z]", bare):
            continue
        return _DIGITS.sub("9", bare.lower())
    return None


def tokens_of(text: str) -> List[str]:
    return [_DIGITS.sub("9", t.lower()) for t in _TOKEN.findall(text)]


def measure(folder: Path, sample_sentences: int = 1000, seed: int = 0) -> Dict[str, object]:
    notes = read_notes(folder)
    n = len(notes)
    words = sum(len(text.split()) for text, _ in notes)
    per_type: Counter = Counter()
    surfaces: Dict[str, set] = {}
    frames: List[str] = []
    headers: Counter = Counter()
    titles: Counter = Counter()
    tokens: List[str] = []
    for text, spans in notes:
        per_type.update(label for _, _, label in spans)
        for start, end, label in spans:
            surfaces.setdefault(label, set()).add(text[start:end].lower())
        m = masked(text, spans)
        frames += frames_of(m)
        headers.update(headers_of(m))
        t = title_of(m)
        if t:
            titles[t] += 1
        tokens += tokens_of(text)
    phi = sum(per_type.values())
    sample = frames
    if len(frames) > sample_sentences:
        # a random fixed-size sample (seeded): comparable across corpus sizes
        sample = random.Random(seed).sample(frames, sample_sentences)
    windows = [tokens[i : i + _WINDOW] for i in range(0, len(tokens) - _WINDOW + 1, _WINDOW)]
    msttr = sum(len(set(w)) / _WINDOW for w in windows) / len(windows) if windows else float("nan")
    head = tokens[:_TTR_SAMPLE]
    return {
        "folder": str(folder),
        "notes": n,
        "words": words,
        "words_per_note": words / n if n else 0.0,
        "sentences": len(frames),
        "distinct_frames": len(set(frames)),
        "distinct_frames_ratio": len(set(frames)) / len(frames) if frames else 0.0,
        "frames_per_100_sampled": 100 * len(set(sample)) / len(sample) if sample else 0.0,
        "sampled_sentences": len(sample),
        "distinct_headers": len(headers),
        "distinct_titles": len(titles),
        "tokens": len(tokens),
        "msttr_1000": msttr,
        "ttr_first_10k": len(set(head)) / len(head) if head else 0.0,
        "ttr_sample_tokens": len(head),
        "ttr_overall": len(set(tokens)) / len(tokens) if tokens else 0.0,
        "phi": phi,
        "phi_per_note": phi / n if n else 0.0,
        "phi_per_100_words": 100 * phi / words if words else 0.0,
        "types_present": sum(1 for t in TYPES if per_type[t]),
        "per_type": {t: per_type[t] for t in TYPES},
        "distinct_per_type": {t: len(surfaces.get(t, ())) for t in TYPES},
        "other_labels": {k: v for k, v in per_type.items() if k not in TYPES},
    }


_ROWS = (
    ("notes", "notes", "{:d}"),
    ("words", "words", "{:d}"),
    ("words / note", "words_per_note", "{:.0f}"),
    ("sentences (lines split at . ! ? ;)", "sentences", "{:d}"),
    ("distinct sentence frames", "distinct_frames", "{:d}"),
    ("distinct frames / sentences", "distinct_frames_ratio", "{:.3f}"),
    ("distinct frames per 100 sampled sentences", "frames_per_100_sampled", "{:.1f}"),
    ("distinct section headers", "distinct_headers", "{:d}"),
    ("distinct note title lines", "distinct_titles", "{:d}"),
    ("MSTTR (mean TTR, 1,000-token windows)", "msttr_1000", "{:.3f}"),
    ("TTR, first 10,000 tokens", "ttr_first_10k", "{:.3f}"),
    ("TTR, whole corpus (size-dependent)", "ttr_overall", "{:.4f}"),
    ("PHI spans", "phi", "{:d}"),
    ("PHI / note", "phi_per_note", "{:.1f}"),
    ("PHI / 100 words", "phi_per_100_words", "{:.1f}"),
    ("TYPEs present (of 30)", "types_present", "{:d}"),
)


def table(results: Sequence[Dict[str, object]], names: Sequence[str]) -> str:
    lines = ["| measure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for title, key, fmt in _ROWS:
        cells = []
        for r in results:
            v = r[key]
            cells.append(fmt.format(v) if v == v else "n/a")  # NaN check
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines += ["", "| TYPE: spans (distinct strings, lower-cased) | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for t in TYPES:
        cells = (f"{r['per_type'][t]} ({r['distinct_per_type'][t]})" for r in results)  # type: ignore[index]
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path, help="folders of i2b2 2014 XML notes")
    parser.add_argument("--names", nargs="*", help="column names (default: folder names)")
    parser.add_argument("--sample-sentences", type=int, default=1000, help="sentences sampled for the fixed-size frame count")
    parser.add_argument("--json", type=Path, help="also write the measures as JSON here")
    args = parser.parse_args(argv)
    names = args.names or [f.name for f in args.folders]
    if len(names) != len(args.folders):
        parser.error("--names needs one name per folder")
    results = []
    for folder in args.folders:
        if not folder.is_dir():
            parser.error(f"{folder}: not a folder")
        results.append(measure(folder, args.sample_sentences))
    print(table(results, names))
    if args.json:
        args.json.write_text(json.dumps(dict(zip(names, results)), indent=2), encoding="utf8")


if __name__ == "__main__":
    main()
