"""Compositional (PHI-free) clinical sentences for SYNTHETIC notes.

Fixed sentence lists teach a model a handful of frames; these generators
compose a sentence from interchangeable parts (subject, verb, finding,
timing, modifier, negations, plans), so the same content comes in many
wordings and orders, as clinicians write it.  They return plain strings
(no PHI); the callers add them around PHI through the builder.
"""
import random
from typing import Sequence

from . import clinical as cl

SUBJECTS = ("Pt", "Patient", "The patient", "{He}", "pt", "Pt.")
REPORT_VERBS = ("reports", "endorses", "describes", "notes", "complains of", "c/o", "states {he} has had", "has had", "presents with",
                "is experiencing", "admits to", "mentions")
TIMING = ("for 3 days", "x 2 days", "since yesterday", "over the past week", "for several weeks", "that began this morning",
          "intermittently for a month", "on and off since the last visit", "for the last 48 hours", "since Sunday", "x1 week", "for about 10 days",
          "gradually worsening over 2 weeks", "that started suddenly 2 hours ago", "")
MODIFIERS = ("worse with exertion", "worse at night", "better with rest", "not relieved by tylenol", "associated with nausea",
             "associated with diaphoresis", "without radiation", "radiating to the back", "8/10 at its worst", "mild, 3/10",
             "waxing and waning", "constant", "that wakes {him} from sleep", "worse after meals", "with no clear trigger",
             "similar to prior episodes", "unlike prior episodes", "limiting {his} activity", "")
NEGATION_HEADS = ("Denies", "No", "Negative for", "{He} denies", "Pt denies", "Denies any", "No reported", "Without")
NEGATABLE = ("fevers", "chills", "night sweats", "chest pain", "SOB", "palpitations", "syncope", "nausea", "vomiting", "diarrhea",
             "constipation", "melena", "hematochezia", "dysuria", "hematuria", "headache", "vision changes", "focal weakness",
             "numbness", "rash", "cough", "hemoptysis", "orthopnea", "PND", "leg swelling", "weight loss", "abdominal pain",
             "sick contacts", "recent travel", "falls", "bleeding", "urinary retention")
PLAN_VERBS = ("Continue", "Start", "Increase", "Decrease", "Hold", "Resume", "Titrate", "Restart", "Discontinue", "Change to", "Will start",
              "Plan to continue", "Recommend", "Consider")
PLAN_REASONS = ("given {x}", "for {x}", "as {x} is not at goal", "due to {x}", "while {x} is evaluated", "pending repeat labs",
                "until follow-up", "and recheck in 2 weeks", "with close monitoring", "per {spec} recommendations", "")
SPECIALTIES = ("cardiology", "renal", "GI", "ID", "endocrine", "pulmonary", "neurology", "oncology", "surgery", "pharmacy")
ORDERS = ("CBC", "BMP", "CMP", "LFTs", "lipid panel", "A1c", "TSH", "UA", "urine culture", "blood cultures x2", "CXR", "ECG", "echo",
          "CT chest", "RUQ US", "BNP", "troponin", "INR", "Mg/Phos", "iron studies", "B12/folate", "PT/OT eval", "SLP eval", "nutrition consult")
ORDER_HEADS = ("Check", "Will check", "Obtain", "Order", "Repeat", "Send", "F/u", "Follow up", "Trend", "Pending:")
COURSE_HEADS = ("On HD#{n}", "Overnight", "Over the next {n} days", "By the day of discharge", "After {n} days of therapy",
                "Later that evening", "On arrival to the floor", "Early in the admission", "In the ICU")
COURSE_EVENTS = ("the patient remained hemodynamically stable", "creatinine returned to baseline", "oxygen was weaned to room air",
                 "pain was well controlled on oral agents", "blood cultures remained negative", "the fever curve trended down",
                 "diuresis was continued with a net negative balance", "the patient was transitioned to oral antibiotics",
                 "telemetry was unremarkable", "the patient ambulated independently", "mental status returned to baseline",
                 "the Foley catheter was removed", "the heparin drip was bridged to apixaban", "electrolytes were repleted",
                 "the patient developed a brief episode of AF with RVR, rate controlled with metoprolol",
                 "nutrition was advanced to a regular diet")


def _fill(text: str, he: str) -> str:
    his, him = {"he": ("his", "him"), "she": ("her", "her")}[he]
    return (text.replace("{He}", he.capitalize()).replace("{he}", he).replace("{his}", his).replace("{him}", him))


def _join(items: Sequence[str], rng: random.Random) -> str:
    if len(items) == 1:
        return items[0]
    style = rng.randint(0, 2)
    if style == 0:
        return ", ".join(items[:-1]) + (" or " if rng.random() < 0.5 else ", or ") + items[-1]
    if style == 1:
        return "/".join(items)
    return ", ".join(items)


def symptom_sentence(rng: random.Random, he: str, symptom: str = "") -> str:
    """``Pt reports dyspnea on exertion for 3 days, worse at night.`` and its many variants."""
    symptom = symptom or rng.choice(cl.SYMPTOMS)
    parts = [rng.choice(SUBJECTS), rng.choice(REPORT_VERBS), symptom]
    timing, mod = rng.choice(TIMING), rng.choice(MODIFIERS)
    order = rng.random()
    text = " ".join(parts)
    if order < 0.5:
        text += (" " + timing if timing else "") + (", " + mod if mod else "")
    else:
        text += (", " + mod if mod else "") + (" " + timing if timing else "")
    return _fill(text.strip() + ".", he)


def negation_sentence(rng: random.Random, he: str) -> str:
    """``Denies fevers, chills or night sweats.``"""
    items = rng.sample(NEGATABLE, k=rng.randint(1, 5))
    return _fill(f"{rng.choice(NEGATION_HEADS)} {_join(items, rng)}.", he)


def plan_sentence(rng: random.Random, problem_names: Sequence[str] = ()) -> str:
    """``Increase lisinopril to 20 mg daily as HTN is not at goal.`` / ``Check BMP, Mg in AM.``"""
    if rng.random() < 0.35:
        orders = rng.sample(ORDERS, k=rng.randint(1, 4))
        when = rng.choice(("", " in AM", " tomorrow", " in 1 week", " before next visit", " today", " q AM", " prior to discharge"))
        return f"{rng.choice(ORDER_HEADS)} {', '.join(orders)}{when}."
    key = rng.choice(sorted(cl.MEDICATIONS))
    name, doses, unit, sigs = cl.MEDICATIONS[key]
    verb = rng.choice(PLAN_VERBS)
    dose = f" {rng.choice(doses)} {unit}" if rng.random() < 0.7 else ""
    sig = f" {rng.choice(sigs)}" if dose and rng.random() < 0.6 else ""
    x = rng.choice(problem_names) if problem_names else rng.choice(("the symptoms", "the exam", "renal function", "the BP"))
    reason = rng.choice(PLAN_REASONS).replace("{x}", x).replace("{spec}", rng.choice(SPECIALTIES))
    if verb in ("Increase", "Decrease", "Titrate", "Change to") and dose:
        text = f"{verb} {name}{' to' if verb != 'Change to' else ''}{dose}{sig}"
    else:
        text = f"{verb} {name}{dose}{sig}"
    return (text + (" " + reason if reason else "")).strip() + "."


def course_sentence(rng: random.Random) -> str:
    """``On HD#2 oxygen was weaned to room air and creatinine returned to baseline.``"""
    head = rng.choice(COURSE_HEADS).replace("{n}", str(rng.randint(2, 5)))
    events = rng.sample(COURSE_EVENTS, k=rng.randint(1, 2))
    return f"{head}, {' and '.join(events)}." if rng.random() < 0.6 else f"{head} {' and '.join(events)}."


def exam_sentence(rng: random.Random) -> str:
    """A prose exam line: ``On exam she is comfortable; lungs CTAB, RRR, no edema.``"""
    picks = rng.sample(cl.EXAM, k=rng.randint(3, 6))
    findings = [rng.choice(f) for _, f in picks]
    head = rng.choice(("On exam", "Exam notable for", "Exam:", "PE", "On examination", "Exam today"))
    return f"{head} {'; '.join(findings) if rng.random() < 0.5 else ', '.join(findings)}."


def narrative(rng: random.Random, he: str, problem_names: Sequence[str] = (), k: int = 3) -> str:
    """``k`` composed sentences of mixed kinds, for HPI or interval history paragraphs."""
    makers = (lambda: symptom_sentence(rng, he), lambda: negation_sentence(rng, he), lambda: plan_sentence(rng, problem_names),
              lambda: course_sentence(rng), lambda: exam_sentence(rng))
    weights = (4, 3, 1, 0.5, 0.5)
    out = []
    for _ in range(k):
        x = rng.random() * sum(weights)
        for make, w in zip(makers, weights):
            x -= w
            if x < 0:
                out.append(make())
                break
    return " ".join(out)
