"""More SYNTHETIC note kinds: terse triage and nursing notes, pathology and
operative reports, letterhead letters, telephone/portal/telehealth-IT
messages, psychiatry, social work, pharmacy, obstetric and pediatric notes,
and tabular flowsheets; plus the cross-cutting blocks (tables, dictation
lines, addresses inside sentences) the older kinds also use.

Every composer draws its frames and wordings from the note's random stream;
all PHI goes through the builder (see :mod:`.builder`), and every composer
ends with :func:`~.sections.extras_block` so ``forced`` TYPEs can be added.
"""
import datetime as dt
import re
import string
from typing import List, Optional, Sequence

from . import clinical as cl
from . import grammar as gr
from . import phrases as ph
from .builder import _FORMATTER, Field, Phi
from .cast import Clinician
from .sections import (
    NoteContext,
    ros_section,
    vitals_section,
    address_lines,
    allergies_section,
    demographics_block,
    dob_field,
    extras_block,
    meds_section,
    mrn_field,
    pmh_section,
    record_date_line,
    signature,
    social_section,
)
from .surrogates import component_name, department_field, format_date, initials_of, weighted


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def say(ctx: NoteContext, template: str, rate: float = 0.0, **fields: Field) -> None:
    """Like ``b.emit``, with typos (at ``rate``) in the literal text only, never in PHI."""
    for literal, name, _, _ in _FORMATTER.parse(template):
        ctx.b.add(ph.typos(ctx.rng, literal, rate) if rate else literal)
        if name is not None:
            ctx.b.piece(fields[name])


def _clock(ctx: NoteContext, style: Optional[int] = None) -> str:
    rng = ctx.rng
    h, m = rng.randint(0, 23), rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50, rng.randint(0, 59)))
    style = rng.randint(0, 3) if style is None else style
    if style == 0:
        return f"{h:02d}{m:02d}"
    if style == 1:
        return f"{h:02d}:{m:02d}"
    return f"{(h % 12) or 12}:{m:02d} {'pm' if h >= 12 else 'am'}" if style == 2 else f"{(h % 12) or 12}:{m:02d}{'PM' if h >= 12 else 'AM'}"


def _nurse(ctx: NoteContext) -> Clinician:
    return ctx.world.clinician(exclude=[ctx.author])


def _sexword(ctx: NoteContext, terse: bool = False) -> str:
    sex = ctx.patient.person.sex
    if terse:
        return ctx.rng.choice({"M": ("m", "male", "M"), "F": ("f", "female", "F")}[sex])
    return ctx.rng.choice({"M": ("man", "male", "gentleman"), "F": ("woman", "female", "lady")}[sex])


def address_sentence(ctx: NoteContext, terse: bool = False) -> None:
    """An address inside running text (street, city, sometimes state and ZIP)."""
    rng, p = ctx.rng, ctx.patient
    street = p.street.lower() if terse and rng.random() < 0.6 else p.street
    city = p.city.lower() if terse and rng.random() < 0.5 else p.city
    frames = (
        "lives at {s} in {c} with {r}.", "Pt lives at {s}, {c}, {st} {z}.", "EMS called to {s} in {c} for the fall.",
        "Found down outside {s}, {c}.", "Home address on file: {s}, {c}, {st} {z}.", "Will be staying with {r} at {s} in {c} after discharge.",
        "Moved to {s}, {c} {st} last month.", "bib ems from home ({s}, {c})", "VNA to see pt at home, {s}, {c}, {st}.",
    )
    named = re.sub(r"^\d+[A-Za-z]?\s+", "", street)
    if named != street and rng.random() < 0.3:  # the street without its number, and a landmark business
        frames = (
            "lives in a split-level off {n} in {c} with {r}.", "Home is the last house on {n}, {c}.", "Walked from home on {n} to the bus.",
            "Lives on {n} in {c}, past the {o}.", "Gravel drive past the {o} on {n}; {r} will meet the crew.", "Apartment above the {o} on {n}.",
        )
    frame = rng.choice(frames)
    landmark: Field = Phi("ORGANIZATION", ctx.sur.organization()) if "{o}" in frame else ""  # drawn only when the frame uses it
    say(ctx, frame if not terse else frame.lower(), s=Phi("STREET", street), c=Phi("CITY", city), st=Phi("STATE", p.state),
        z=Phi("ZIP", p.zip), r=p.relation, n=Phi("STREET", named), o=landmark)


def table_block(ctx: NoteContext) -> None:
    """Labs, vitals or medications as a pipe, tab or aligned-space table (PHI: the dates, sometimes a collector)."""
    rng, b = ctx.rng, ctx.b
    kind: int = weighted(rng, [(0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 0.5), (6, 0.5), (7, 0.5)])  # type: ignore[assignment]
    if kind >= 4:
        (visit_log, screening_log, fill_history, equipment_list)[kind - 4](ctx)
        return
    sep = rng.choice((" | ", "|", "\t", "  "))
    edge = sep.strip() == "|" and rng.random() < 0.5
    b.blank()
    if kind <= 1:  # lab trend table
        names = rng.sample(cl.LAB_MAKERS, k=rng.randint(3, 6))
        days = sorted({ctx.days(-rng.randint(0, 10), 0) for _ in range(rng.randint(2, 4))})
        b.line(rng.choice(("LABS", "Lab trend:", "Results:", "Chemistry", "Recent labs")))
        head: List[Field] = ["Test"]
        for d in days:
            head += [sep, ctx.date_phi(d, "short")]
        b.piece((["| "] if edge else []) + head + ([" |"] if edge else [])).add("\n")
        if sep.strip() == "|":
            b.line(("|" if edge else "") + "|".join(["---"] * (len(days) + 1)) + ("|" if edge else ""))
        for name, lo, hi, digits in names:
            vals = [f"{round(rng.uniform(lo, hi), digits):.{digits}f}" if digits else str(int(rng.uniform(lo, hi))) for _ in days]
            row = sep.join([name] + vals)
            b.line(("| " if edge else "") + row + (" |" if edge else ""))
    elif kind == 2:  # medication table
        b.line(rng.choice(("MEDICATIONS", "Medication list:", "Active Medications")))
        b.line(sep.join(("Medication", "Dose", "Route", "Freq", "Start")))
        for med in rng.sample(list(cl.MEDICATIONS.values()), k=rng.randint(3, 6)):
            name, doses, unit, sigs = med
            start = ctx.date_phi(ctx.days(-900, -1), rng.choice(("short", "full", "past")))
            b.emit("{x}{s}{st}", x=sep.join((name, f"{rng.choice(doses)} {unit}", rng.choice(("PO", "IV", "SC", "inh")),
                                              rng.choice(("daily", "BID", "TID", "qhs", "q6h prn")))), s=sep, st=start)
            b.add("\n")
    else:  # vitals flowsheet
        b.line(rng.choice(("VITALS", "Vital signs (last 24h):", "Flowsheet")))
        signed = rng.random() < 0.4  # a column of the nurses' initials (DOCTOR)
        b.line(sep.join(("Time", "BP", "HR", "RR", "Temp", "SpO2") + ((rng.choice(("Init", "RN", "Initials", "By")),) if signed else ())))
        nurses = [_nurse(ctx).person.initials for _ in range(2)]
        for _ in range(rng.randint(2, 5)):
            v = cl.vitals_values(rng)
            row = sep.join((_clock(ctx, 0), v["bp"], v["hr"], v["rr"], v["t_f"], v["spo2"] + "%"))
            if signed:
                b.line("{r}{s}{n}", r=row, s=sep, n=Phi("DOCTOR", rng.choice(nurses)))
            else:
                b.line(row)
    if rng.random() < 0.3:
        b.line("{l}{n}", l=rng.choice(("Collected by: ", "Verified by ", "RN: ")), n=ctx.sur.doctor_name(_nurse(ctx).person, "nurse"))


def _staff_initials(ctx: NoteContext, n: int) -> List[str]:
    """The initials of ``n`` staff members, two or three capitals each (``JRM``, ``KK``)."""
    out = []
    for _ in range(n):
        p = ctx.sur.person()
        out.append(p.initials if ctx.rng.random() < 0.6 else (p.first[:1] + p.last[:1]).upper())
    return out


def _file_notes(ctx: NoteContext, signer: str) -> None:
    """Dated notes to file, each signed off with the writer's initials (``10/09/25 - ... - TLP``)."""
    rng, b = ctx.rng, ctx.b
    b.blank()
    b.line(rng.choice(("NOTES TO FILE", "Comments:", "Staff notes", "Log notes")))
    for _ in range(rng.randint(1, 3)):
        note = rng.choice(("called to confirm next visit", "no show, left voicemail", "daughter asked about transport",
                           "labs reviewed, no change", "rescheduled after weather closure", "re-screen allowed once",
                           "copy of results mailed", "pt requests afternoon visits only"))
        b.line("{d} - " + note + rng.choice((". - ", ". -", " -- ", "  ")) + "{i}",
               d=Phi("DATE", format_date(ctx.days(-60, 0), rng.choice(("mmddyy", "mdyy", "md")))), i=Phi("DOCTOR", signer))


def visit_log(ctx: NoteContext) -> None:
    """A session or weight log with a column of the staff's initials (DOCTOR) beside each dated row."""
    rng, b = ctx.rng, ctx.b
    sep = rng.choice((" | ", "\t", "  ", " | "))
    staff = _staff_initials(ctx, rng.randint(1, 3))
    who = rng.choice(("Seen by", "Staff", "Init", "By", "RN", "Initials", "EP"))
    b.blank()
    variant = rng.random()
    if variant < 0.2:  # range of motion: "extension/flexion" pairs that look like dates and are not
        b.line(rng.choice(("AROM (degrees, ext/flex)", "Goniometry", "ROM log")))
        b.line(sep.join(("Date", "MCP", "PIP", "DIP", "TAM", rng.choice(("Tester", who)))))
        day = ctx.days(-40, -14)
        for _ in range(rng.randint(2, 5)):
            pairs = [f"{rng.choice(('--', str(rng.randint(0, 40))))}/{rng.randint(40, 95)}" for _ in range(3)]
            b.line("{d}" + sep + sep.join(pairs + [str(rng.randint(60, 260))]) + sep + "{i}",
                   d=Phi("DATE", format_date(day, rng.choice(("mmddyy", "md")))), i=Phi("DOCTOR", rng.choice(staff)))
            day += dt.timedelta(days=rng.randint(5, 9))
    elif variant < 0.6:  # monthly weights
        b.line(rng.choice(("WEIGHT LOG", "Supervised weight visits", "Monthly weights")))
        b.line(sep.join(("Month", "Weight (lb)", "BMI", who)))
        day = ctx.days(-300, -150)
        weight = rng.uniform(180, 320)
        for _ in range(rng.randint(3, 7)):
            weight -= rng.uniform(-1, 4)
            b.line("{m}" + sep + f"{weight:.1f}" + sep + f"{weight / rng.uniform(5.6, 6.0):.1f}" + sep + "{i}",
                   m=Phi("DATE", format_date(day, rng.choice(("abbr_month_year", "m_yyyy", "month_year")))), i=Phi("DOCTOR", rng.choice(staff)))
            day += dt.timedelta(days=rng.randint(26, 35))
    else:  # exercise or therapy sessions
        b.line(rng.choice(("SESSION LOG", "Exercise sessions", "Therapy visits this period")))
        b.line(sep.join(("Date", "Modality", "Workload", "HR", "BP", who)))
        day = ctx.days(-40, -14)
        for _ in range(rng.randint(3, 6)):
            v = cl.vitals_values(rng)
            mod = rng.choice(("treadmill", "NuStep", "arm ergometer", "bike", "gait training", "TheraBand"))
            load = rng.choice((f"{rng.uniform(1.5, 3.5):.1f} mph / {rng.randint(0, 6)} %", f"level {rng.randint(2, 8)}", f"{rng.randint(10, 50)} W x 12 min"))
            b.line("{d}" + sep + sep.join((mod, load, v["hr"], v["bp"])) + sep + "{i}",
                   d=Phi("DATE", format_date(day, rng.choice(("md", "mmdd", "mdyy")))), i=Phi("DOCTOR", rng.choice(staff)))
            day += dt.timedelta(days=rng.randint(2, 4))
    if rng.random() < 0.5:
        _file_notes(ctx, rng.choice(staff))


def screening_log(ctx: NoteContext) -> None:
    """A research screening log: subject and chart numbers (IDNUM; another person's MRN would break one MRN per patient), participants' initials (PATIENT), ages, referral sources."""
    rng, b = ctx.rng, ctx.b
    sep = rng.choice(("  | ", " | ", "\t"))
    site = rng.randint(100, 999)
    b.blank()
    b.line(rng.choice(("SCREENING LOG", "Pre-screening log", "Enrollment log (site copy)")))
    b.line(sep.join(("Subj ID", "Init", "Age", "Sex", "Source", "Screened", "Status")))
    prefix = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
    for k in range(rng.randint(3, 6)):
        p = ctx.sur.person()
        years = rng.randint(40, 92)
        subj: Field = Phi("IDNUM", f"{site}-{k + 1 + rng.randint(0, 40):04d}") if rng.random() < 0.75 else "--"
        source = weighted(rng, [(("Dr. ", Phi("DOCTOR", ctx.sur.person().last)), 1), ("EHR query", 1), ("clinic list", 1),
                                (("chart ", Phi("IDNUM", f"{prefix}-{rng.randint(10**5, 10**6 - 1)}")), 1)])
        status = rng.choice(("SCREEN FAIL", "RANDOMIZED", "IN SCREENING", "DECLINED", "ELIGIBLE"))
        b.piece(subj).add(sep).piece(Phi("PATIENT", p.initials)).add(sep).piece(Phi("AGE", str(years))).add(sep + p.sex + sep)
        b.piece(source).add(sep).piece(Phi("DATE", format_date(ctx.days(-40, 0), rng.choice(("dmy_abbr_dash", "mdyy", "mmddyyyy"))))).add(sep + status + "\n")
    if rng.random() < 0.6:
        _file_notes(ctx, _staff_initials(ctx, 1)[0])


def fill_history(ctx: NoteContext) -> None:
    """A pharmacy fill history: Rx numbers (IDNUM), fill dates and prescribers as ``LAST F`` with an NPI."""
    rng, b = ctx.rng, ctx.b
    b.blank()
    b.line(rng.choice(("EXTERNAL FILL HISTORY", "Dispensing history (last 12 months)", "PHARMACY CLAIMS")))
    b.line("RX#        DRUG                               QTY  DAYS  LAST FILL    PRESCRIBER")
    doctors = [ctx.sur.person() for _ in range(rng.randint(1, 3))]
    with_npi = rng.random() < 0.5
    for name, doses, unit, _ in rng.sample(list(cl.MEDICATIONS.values()), k=rng.randint(2, 5)):
        doc = rng.choice(doctors)
        drug = f"{name} {rng.choice(doses)} {unit} TAB".upper()
        b.emit("{rx}    " + drug.ljust(35) + f"{rng.choice((30, 60, 90)):<5}{rng.choice((30, 90)):<6}" + "{d}     {p}",
               rx=Phi("IDNUM", str(rng.randint(10**6, 10**7 - 1))), d=Phi("DATE", format_date(ctx.days(-200, 0), "mmddyy")),
               p=Phi("DOCTOR", f"{doc.last.upper()} {doc.first[0]}"))
        if with_npi:
            b.emit(" ({npi})", npi=Phi("IDNUM", str(rng.randint(10**9, 2 * 10**9 - 1))))
        b.add("\n")


#: home equipment a vendor delivers, with a serial or asset number
EQUIPMENT = ("Semi-electric hospital bed", "Alternating-pressure mattress", "Oxygen concentrator 5 L", "Portable O2 cylinders (E)",
             "Rolling walker", "Shower chair", "Bedside commode", "CPAP with heated humidifier", "Nebulizer", "Wheelchair 18 in",
             "Hoyer lift", "Infusion pump", "Suction machine", "Pulse oximeter")


def equipment_list(ctx: NoteContext) -> None:
    """Home equipment in a tab or pipe table: vendor (ORGANIZATION), serial (DEVICE), delivery date."""
    rng, b = ctx.rng, ctx.b
    sep = rng.choice(("\t", " | ", "  "))
    vendors = [ctx.sur.organization("dme") for _ in range(rng.randint(1, 3))]
    b.blank()
    b.line(rng.choice(("DME / equipment in the home", "EQUIPMENT", "Durable medical equipment")))
    b.line(sep.join(("Item", "Vendor", rng.choice(("Serial/asset", "Serial", "Asset #")), "Delivered")))
    for item in rng.sample(EQUIPMENT, k=rng.randint(2, 5)):
        b.line(item + sep + "{v}" + sep + "{d}" + sep + "{t}", v=Phi("ORGANIZATION", rng.choice(vendors)),
               d=Phi("DEVICE", ctx.sur.device_id()), t=Phi("DATE", format_date(ctx.days(-60, 0), rng.choice(("mmddyyyy", "mdyy", "md")))))


#: events of a timed record (anaesthesia, procedure, resuscitation, IV team), PHI-free
TIMED_EVENTS = ("Monitors on, baseline VS obtained.", "Time-out completed.", "Induction, airway secured.", "Incision.",
                "Antibiotic given.", "Propofol infusion started.", "BP 86/48, phenylephrine 100 mcg.", "Tourniquet up.",
                "Tourniquet down.", "Specimen to pathology.", "Closure started.", "Dressing applied.", "Emergence, extubated.",
                "Report given to receiving RN.", "IV 20G L hand, 1st attempt.", "Labs drawn and sent.", "Foley placed.",
                "Pt repositioned, skin intact.", "Desat to 88%, jaw thrust, O2 up.", "Rhythm check, sinus.", "Glucose 142.",
                "Fluid bolus 500 mL started.", "Pain 6/10, hydromorphone 0.5 mg IV.", "Warm blanket applied.", "Family updated.")


def timed_log(ctx: NoteContext) -> None:
    """A timed record whose lines end with the initials of whoever wrote them, padded to a column
    (``08:14  Time-out #2.       LFS``), also ``(AQH)`` after an act and ``by TW``; the initials are DOCTOR."""
    rng, b = ctx.rng, ctx.b
    staff = _staff_initials(ctx, rng.randint(2, 3))
    b.blank()
    b.line(rng.choice(("INTRAOPERATIVE RECORD", "Anesthesia timeline", "EVENT LOG", "Procedure log", "IV team / events", "Timeline")))
    t = dt.datetime(2000, 1, 1, rng.randint(6, 20), rng.randint(0, 59))
    width = rng.choice((52, 60, 64))
    for event in rng.sample(TIMED_EVENTS, k=rng.randint(4, 9)):
        t += dt.timedelta(minutes=rng.randint(2, 25))
        who = Phi("DOCTOR", rng.choice(staff))
        form = rng.random()
        if form < 0.6:  # initials at the end, padded to a column
            b.line(f" {t:%H:%M}  " + event.ljust(width) + "{i}", i=who)
        elif form < 0.8:
            opener = rng.choice((" (", " - ", " by "))
            b.line(f" {t:%H:%M}  " + event.rstrip(".") + opener + "{i}" + (")" if opener == " (" else "") + ".", i=who)
        elif form < 0.9:  # a hand-off between two of them
            b.line(f" {t:%H:%M}  " + rng.choice(("Relief: ", "Handoff ", "Care transferred ")) + "{a} -> {c}", a=who, c=Phi("DOCTOR", rng.choice(staff)))
        else:
            b.line(f" {t:%H:%M}  " + event)


def dictation_block(ctx: NoteContext) -> None:
    """``Dictated by / Transcribed by`` lines with dates, job and document numbers."""
    rng, b = ctx.rng, ctx.b
    b.blank()
    form = rng.randint(0, 3)
    transcriber = ctx.sur.person()
    tr_field: Field = weighted(rng, [(Phi("USERNAME", ctx.sur.username(transcriber)), 2), (Phi("DOCTOR", transcriber.initials.lower()), 1),
                                     (Phi("DOCTOR", transcriber.full), 1), (Phi("DOCTOR", transcriber.initials), 1)])  # type: ignore[assignment]
    dictated_at = ctx.date_phi(ctx.date)
    typed_at = ctx.date_phi(ctx.days(0, 3))
    if form == 0:
        b.line("Dictated by: {d}", d=ctx.doctor(ctx.author, "signature"))
        b.line("Transcribed by: {t}", t=tr_field)
        b.line("D: {d1}  T: {d2}", d1=dictated_at, d2=typed_at)
    elif form == 1:
        b.line("{d}" + rng.choice(("/", ":", " / ", "/", ":")) + "{t}", d=Phi("DOCTOR", ctx.author.person.initials), t=tr_field)
        b.line("DD: {d1} {c1}".replace("{c1}", _clock(ctx, 1)), d1=dictated_at)
        b.line("DT: {d2} {c2}".replace("{c2}", _clock(ctx, 1)), d2=typed_at)
    elif form == 2:
        b.line("DICTATED BY: {d}", d=ctx.doctor(ctx.author, "signature"))
        b.line("TRANSCRIBED BY: {t} ON {d2}", t=tr_field, d2=typed_at)
        b.line("DICTATED BUT NOT READ" if rng.random() < 0.5 else "This report was dictated using voice recognition software; errors may occur.")
    else:
        b.line("Dictated {d1} by {d}; transcribed {d2} by {t}.", d1=dictated_at, d=ctx.doctor(ctx.author), d2=typed_at, t=tr_field)
    if rng.random() < 0.7:
        b.line("{l}{j}", l=rng.choice(("Job #: ", "Job ID: ", "Document #: ", "Conf #", "eScription: ")), j=Phi("IDNUM", ctx.sur.idnum()))
    if rng.random() < 0.25:
        b.line("cc: {d}", d=ctx.doctor(ctx.patient.pcp))


def letter_footer(ctx: NoteContext) -> None:
    """A one-line letterhead footer: address, phone, fax, e-mail, website."""
    f, rng, b = ctx.facility, ctx.rng, ctx.b
    sep = rng.choice((" \u00b7 ", " | ", " - ", "  ", " \u2022 "))
    b.blank()
    b.emit("{s}, {c}, {st} {z}", s=Phi("STREET", f.street), c=Phi("CITY", f.city), st=Phi("STATE", f.state), z=Phi("ZIP", f.zip))
    b.emit(sep + rng.choice(("T ", "Tel ", "Phone: ", "P ")) + "{p}", p=Phi("PHONE", f.phone))
    if rng.random() < 0.8:
        b.emit(sep + rng.choice(("F ", "Fax ", "Fax: ")) + "{x}", x=Phi("FAX", f.fax))
    if rng.random() < 0.7:
        b.emit(sep + "{u}", u=Phi("URL", ctx.sur.url(f.domain) if rng.random() < 0.6 else f.url))
    if rng.random() < 0.4:
        b.emit(sep + "{e}", e=Phi("EMAIL", ctx.sur.email(None, f.domain)))
    b.add("\n")


def _extras_and_sign(ctx: NoteContext, forced: Sequence[str], sign: bool = True) -> None:
    extras_block(ctx, forced)
    if sign:
        signature(ctx)


# ---------------------------------------------------------------------------
# terse notes
# ---------------------------------------------------------------------------


def ed_triage(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.5)
    b.line(rng.choice(("triage note", "ed triage", "TRIAGE", "Triage Assessment", "triage", "ED TRIAGE NOTE", "rn triage")) + rng.choice(("", " " + _clock(ctx, 0), " - " + _clock(ctx, 1))))
    complaint = rng.choice(ph.TERSE_COMPLAINTS)
    dur = rng.choice(ph.TERSE_DURATIONS)
    age = ctx.sur.age(p.age_on(ctx.date), p.person.sex)
    frame = rng.randint(0, 5)
    if frame == 0:
        say(ctx, "{a} {s} c/o {c} {d}.", a=age, s=_sexword(ctx, True), c=complaint, d=dur)
    elif frame == 1:
        say(ctx, "pt is a {a} {s} c/o {c} {d}", a=age, s=_sexword(ctx, True), c=complaint, d=dur)
    elif frame == 2:
        say(ctx, "{n} {a} here w/ {c} {d}", n=ctx.sur.patient_name(p.person, "terse"), a=Phi("AGE", f"{p.age_on(ctx.date)}"), c=complaint, d=dur)
        b.add(p.person.sex.lower())
    elif frame == 3:
        say(ctx, "cc: {c} {d}. pt states \"{q}\"", c=complaint, d=dur, q=rng.choice(("it hurts when i breathe", "i feel dizzy", "i fell down", "cant keep anything down", "my chest is tight")))
    elif frame == 4:
        say(ctx, "{n}, {a}, c/o {c}", n=ctx.sur.patient_name(p.person, "terse"), a=ctx.sur.age(p.age_on(ctx.date), p.person.sex, with_sex=True), c=complaint)
    else:
        say(ctx, "{c} {d}, {a} {s}", c=complaint, d=dur, a=age, s=_sexword(ctx, True))
    b.add("\n")
    arrival = rng.random()
    if arrival < 0.3:
        address_sentence(ctx, terse=True)
        b.add("\n")
    elif arrival < 0.55:
        say(ctx, rng.choice(("hx per {r} at bedside", "accomp by {r} {n}", "{r} {n} at bedside, hcp", "bib {r} {n}")) + "\n",
            r=_rel(ctx), n=ctx.sur.relative_name(p.relative, "terse"))
    elif arrival < 0.7:
        say(ctx, "bib ems from {c}\n", c=Phi("CITY", ctx.sur.city().lower() if rng.random() < 0.5 else ctx.sur.city()))
    items = rng.sample(ph.TRIAGE_EXTRAS, k=rng.randint(3, 7)) + rng.sample(ph.TERSE_FINDINGS, k=rng.randint(1, 3))
    if rng.random() < 0.4:
        items.append(rng.choice(ph.DISTRACTORS).lower())
    layout = rng.randint(0, 2)
    if layout == 0:
        b.line(", ".join(items))
    elif layout == 1:
        for it in items:
            b.line("- " + it)
    else:
        b.line(". ".join(items) + ".")
    if rng.random() < 0.6:
        b.line(rng.choice(("pmh: ", "hx: ", "PMH ")) + ", ".join(rng.choice(x.names).lower() for x in p.problems))
    if rng.random() < 0.5:
        b.line(rng.choice(("meds: ", "home meds: ")) + ", ".join(m.lower() for m in p.meds[: rng.randint(2, 6)]))
    if rng.random() < 0.5:
        b.line("all: " + ", ".join(a.lower() for a in p.allergies))
    r = rng.random()
    if r < 0.4:
        say(ctx, rng.choice(("placed in rm {r}", "to ed bed {r}", "rm {r}", "moved to hall bed {r}")) + "\n", r=Phi("ROOM", ctx.sur.room()))
    if rng.random() < 0.6:
        say(ctx, rng.choice(("{d} aware", "{d} at bedside", "ekg shown to {d}", "{d} notified of vs")) + "\n", d=ctx.doctor(kind="terse"))
    if rng.random() < 0.2:
        timed_log(ctx)
    extras_block(ctx, forced)
    b.blank()
    say(ctx, rng.choice(("{n}", "triage rn: {n}", "-- {n}", "{n} / {u}")) + "\n", n=ctx.sur.doctor_name(_nurse(ctx).person, "nurse"),
        u=Phi("USERNAME", _nurse(ctx).username))


#: terse events written with a month/day date in nursing notes
TERSE_DATED = ("last bm", "last bm was", "foley placed", "foley d/c'd", "piv placed", "piv changed", "dsg changed", "blood cx drawn",
               "next inr", "inr due", "pt/ot eval", "ct scheduled", "echo done", "tele since", "admitted", "transfused 1u prbc",
               "last dose of abx", "central line placed", "diet advanced", "oob since")


def nursing_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.6)
    shift = rng.choice(("0700-1900", "1900-0700", "7a-7p", "7p-7a", "days", "nights", "0700-1530", "2300-0700"))
    b.line(rng.choice(("nursing note", "Nursing Shift Note", "RN NOTE", "nsg note", "Nursing Progress Note", "shift summary")) + rng.choice(("", f" {shift}", f" ({shift})")))
    if rng.random() < 0.4:
        b.line("{n}  rm {r}", n=ctx.sur.patient_name(p.person, "terse"), r=Phi("ROOM", ctx.sur.room()))
    layout = rng.randint(0, 3)
    n_items = rng.randint(5, 11)
    findings = rng.sample(ph.TERSE_FINDINGS, k=n_items)
    specials: List = []
    specials.append(lambda: say(ctx, rng.choice(("{r} {n} at bedside, updated on poc", "{r} {n} called x2, updated", "{n} ({r}) visited, questions answered",
                                                 "spoke w/ {r} {n} by phone {ph}")), r=_rel(ctx),
                                n=ctx.sur.relative_name(p.relative, "terse"), ph=Phi("PHONE", p.phone)))
    specials.append(lambda: say(ctx, rng.choice(("{d} paged re: bp 88/50, new orders rec'd", "{d} notified of k 3.1, kcl ordered",
                                                 "{d} at bedside, aware", "per {d}, hold lasix")), d=ctx.doctor(kind="terse")))
    if rng.random() < 0.4:
        specials.append(lambda: say(ctx, rng.choice(("report given to {n}", "care handed off to {n}", "endorsed to {n}")), n=ctx.sur.doctor_name(_nurse(ctx).person, "nurse")))
    if rng.random() < 0.25:
        specials.append(lambda: say(ctx, rng.choice(("transferred to rm {r}", "moved to {r} for tele")), r=Phi("ROOM", ctx.sur.room())))
    if rng.random() < 0.2:
        specials.append(lambda: say(ctx, rng.choice(("pt's wallet and phone sent home w/ {n}", "belongings given to {n}")), n=ctx.sur.relative_name(p.relative, "terse")))
    for _ in range(rng.choice((0, 1, 1, 2))):  # terse event dates: "last bm 3/2", "piv placed 3/11"
        specials.append(lambda: say(ctx, rng.choice(TERSE_DATED) + " {d}" + rng.choice(("", ", no issues", " per pt", " per report")),
                                    d=Phi("DATE", format_date(ctx.days(-6, 3), rng.choice(("md", "md", "mmdd", "md"))))))
    entries: List = [lambda f=f: b.add(f) for f in findings] + specials
    rng.shuffle(entries)
    if rng.random() < 0.3:
        entries.insert(rng.randint(0, len(entries)), lambda: b.add(rng.choice(ph.DISTRACTORS).lower().rstrip(".")))
    for i, write in enumerate(entries):
        if layout == 0:
            b.add(_clock(ctx, rng.choice((0, 1))) + rng.choice((": ", " - ", " ")))
            write()
            b.add("\n")
        elif layout == 1:
            b.add(rng.choice(("- ", "* ", "")))
            write()
            b.add("\n")
        else:
            if i:
                b.add(rng.choice((". ", ", ", "; ")))
            write()
    if layout >= 2:
        b.add(".\n" if rng.random() < 0.5 else "\n")
    if rng.random() < 0.65:
        b.line(rng.choice(("assessment:", "ASSESSMENT", "head to toe:", "systems:")))
        for name, options in ph.SYSTEMS:
            if rng.random() < 0.8:
                b.line(f"{name.upper() if rng.random() < 0.4 else name}{rng.choice((': ', ' - ', ' '))}{rng.choice(options)}")
    if rng.random() < 0.5:
        b.line(rng.choice(("SBAR: S- stable B- see hx A- no acute changes R- cont poc", "plan: cont to monitor, fall precautions",
                           "i/o this shift 1400/1100", "goals: pain <4/10, ambulate tid")))
    if rng.random() < 0.2:
        timed_log(ctx)
    extras_block(ctx, forced)
    b.blank()
    say(ctx, rng.choice(("{n}", "-{n}", "signed: {n}", "{n} {t}")) + "\n", n=ctx.sur.doctor_name(_nurse(ctx).person, "nurse"), t=_clock(ctx))


def _rel(ctx: NoteContext) -> str:
    """The patient's relative's relation, as terse notes abbreviate it."""
    rel = ctx.patient.relation
    short = {"daughter": ("dtr", "daughter", "dau"), "husband": ("husband", "husb", "spouse"), "wife": ("wife", "spouse"),
             "mother": ("mom", "mother", "mo"), "father": ("dad", "father"), "partner": ("partner", "sig other")}
    return ctx.rng.choice(short.get(rel, (rel,)))


def _maybe_date(ctx: NoteContext, p: float) -> None:
    if ctx.rng.random() < p:
        record_date_line(ctx)


# ---------------------------------------------------------------------------
# reports
# ---------------------------------------------------------------------------


def pathology_report(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.6)
    if rng.random() < 0.6:
        b.line("{h}{d}", h=ctx.hospital(short=False), d=(" ", rng.choice(("Department of Pathology", "Pathology", "Anatomic Pathology")))
               if rng.random() < 0.6 else "")
    b.line(rng.choice(("SURGICAL PATHOLOGY REPORT", "Surgical Pathology", "PATHOLOGY REPORT", "Cytology Report", "Final Pathologic Diagnosis")))
    layout = rng.random()
    accession = Phi("IDNUM", rng.choice((f"S{ctx.date.year % 100:02d}-{rng.randint(100, 99999)}", f"SP-{rng.randint(10**5, 10**6)}", ctx.sur.idnum())))
    if layout < 0.5:
        say(ctx, "Patient: {n}    {m}\n", n=ctx.patient_name("header"), m=mrn_field(ctx))
        say(ctx, "{dob}    Sex: {s}\n", dob=dob_field(ctx), s=p.person.sex)
        say(ctx, "Accession #: {a}\n", a=accession)
    else:
        say(ctx, "Name: {n} | {m} | Acc: {a}\n", n=ctx.patient_name("header"), m=mrn_field(ctx), a=accession)
    collected = ctx.days(-5, -1)
    say(ctx, "Collected: {c}   Received: {r}   Reported: {t}\n", c=ctx.date_phi(collected), r=ctx.date_phi(collected + dt.timedelta(days=rng.randint(0, 1))), t=ctx.date_phi(ctx.date))
    say(ctx, rng.choice(("Submitting physician: {d}\n", "Ordering provider: {d}\n", "Surgeon: {d}\n")), d=ctx.doctor(rng.choice(p.specialists), "header"))
    specimens = rng.sample(ph.PATH_SPECIMENS, k=rng.randint(1, 2))
    ctx.header("indication")
    b.line(rng.choice(("Clinical history: ", "")) + rng.choice(("r/o malignancy", "screening colonoscopy", "elevated PSA 7.2", "BI-RADS 4 mass",
                                                               "changing lesion", "RUQ pain, gallstones", "lymphadenopathy")))
    b.blank()
    b.line(rng.choice(("SPECIMEN(S):", "Specimens:", "Specimen submitted:")))
    for i, (site, _, _) in enumerate(specimens):
        b.line(f"{string.ascii_uppercase[i]}. {site}")
    b.blank()
    b.line(rng.choice(("GROSS DESCRIPTION:", "Gross Description:", "Gross:")))
    for i, (_, gross, _) in enumerate(specimens):
        if rng.random() < 0.5:
            say(ctx, "{l}. Received in formalin labeled with the patient's name ({n}) and medical record number ({m}). " + gross + "\n",
                l=string.ascii_uppercase[i], n=Phi("PATIENT", p.person.full), m=Phi("MEDICALRECORD", p.mrn))
        else:
            b.line(f"{string.ascii_uppercase[i]}. {gross}")
    if rng.random() < 0.7:
        say(ctx, rng.choice(("Grossed by: {g}\n", "Dictated by {g}, PA\n", "Gross exam: {g}\n")), g=Phi("DOCTOR", ctx.sur.person().full))
    b.blank()
    b.line(rng.choice(("FINAL DIAGNOSIS:", "Diagnosis:", "FINAL PATHOLOGIC DIAGNOSIS:")))
    for i, (site, _, dx) in enumerate(specimens):
        b.line(f"{string.ascii_uppercase[i]}. {site.upper() if rng.random() < 0.4 else site}:")
        b.line(rng.choice(("   - ", "  ", "- ")) + dx)
    if rng.random() < 0.4:
        b.line(rng.choice(("Intradepartmental consultation obtained.", "Immunohistochemical controls stained appropriately.",
                           "Margins: uninvolved, closest 0.3 cm.", "pT2 N0 (0/14 lymph nodes).")))
    if rng.random() < 0.3:
        say(ctx, "Results called to {d} on {t} at {c}.\n", d=ctx.doctor(rng.choice(p.specialists)), t=ctx.date_phi(ctx.date, "short"), c=_clock(ctx, 1))
    if rng.random() < 0.1:
        say(ctx, "Tissue banked for research, biorepository ID {x}.\n", x=Phi("BIOID", p.bioid))
    extras_block(ctx, forced)
    b.blank()
    say(ctx, rng.choice(("Pathologist: {d}\n", "Electronically signed out by {d}\n", "{d}\nAttending Pathologist\n")), d=ctx.doctor(ctx.author, "signature"))
    say(ctx, "{t}\n", t=ctx.date_phi(ctx.date))


def operative_report(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.6)
    op, dx, step = rng.choice(ph.OPERATIONS)
    b.line(rng.choice(("OPERATIVE REPORT", "Operative Note", "OP NOTE", "BRIEF OPERATIVE NOTE", "Procedure Note", "OPERATIVE DICTATION")))
    if rng.random() < 0.5:
        demographics_block(ctx)
    say(ctx, rng.choice(("Date of surgery: {d}\n", "DATE OF PROCEDURE: {d}\n", "Date of operation: {d}\n")), d=ctx.date_phi(ctx.date))
    fields = [
        (rng.choice(("Surgeon", "SURGEON", "Attending surgeon")), ctx.doctor(ctx.author, "header")),
        (rng.choice(("Assistant", "Assistant(s)", "ASSISTANT")), ctx.doctor(kind="header")),
        (rng.choice(("Anesthesiologist", "Anesthesia staff", "CRNA")), ctx.doctor(kind="header")),
    ]
    for label, value in fields[: rng.randint(1, 3)]:
        say(ctx, label + ": {v}\n", v=value)
    b.line(rng.choice(("Preoperative diagnosis: ", "PRE-OP DX: ", "Pre-operative Diagnosis: ")) + dx)
    b.line(rng.choice(("Postoperative diagnosis: ", "POST-OP DX: ", "Post-operative Diagnosis: ")) + rng.choice((dx, "Same", "same as above")))
    b.line(rng.choice(("Procedure: ", "PROCEDURE PERFORMED: ", "Operation: ")) + op)
    b.line(rng.choice(("Anesthesia: ", "ANESTHESIA: ")) + rng.choice(("General endotracheal", "GETA", "Spinal", "MAC with local", "Regional block plus sedation")))
    b.line(f"EBL: {rng.choice((10, 25, 50, 100, 150, 300, 450))} mL" + rng.choice(("", f". IVF: {rng.randint(5, 30) * 100} mL crystalloid", f". UOP {rng.randint(100, 600)} mL")))
    b.line(rng.choice(("Complications: none", "COMPLICATIONS: None apparent.", "Complications: None.")))
    b.line(rng.choice(("Specimens: ", "SPECIMEN: ")) + rng.choice(("gallbladder to pathology", "none", "appendix to pathology", "bone fragments", "as above")))
    if rng.random() < 0.35:
        say(ctx, rng.choice(("Implants: {k}, serial # {s}\n", "Device: {k}, S/N {s}, lot {l}\n")), k=rng.choice(("plate and screws", "knee prosthesis", "pacemaker generator", "mesh")),
            s=Phi("DEVICE", ctx.sur.device_id()), l=str(rng.randint(10**5, 10**6)))
    b.blank()
    b.line(rng.choice(("INDICATIONS:", "Indications for procedure:", "Indications:")))
    say(ctx, "{n} is a {a} {s} with " + dx.lower() + ". Risks, benefits and alternatives were discussed and consent was obtained.\n",
        n=ctx.patient_name("narrative"), a=ctx.age(), s=_sexword(ctx))
    b.blank()
    b.line(rng.choice(("DESCRIPTION OF PROCEDURE:", "Details of the procedure:", "PROCEDURE IN DETAIL:")))
    opening = rng.choice((
        "The patient was identified in the pre-operative holding area and brought to OR {r}.",
        "The patient was brought to operating room {r} and placed supine.",
        "After identification, the patient was taken to OR {r}.",
    ))
    say(ctx, opening + " ", r=Phi("ROOM", str(rng.randint(1, 24))))
    b.add(rng.choice(("General anesthesia was induced. ", "Anesthesia was administered without difficulty. ")))
    b.add(rng.choice(("A Foley catheter was placed. ", "", "SCDs were placed. ")))
    b.add("A time-out was performed confirming patient, procedure and site. ")
    b.add(step + " ")
    b.add(rng.choice(("Hemostasis was confirmed. ", "The field was irrigated. ")) + rng.choice(("Counts were correct x2. ", "Sponge and needle counts were correct. ")))
    b.add(rng.choice(("The patient was taken to the PACU in stable condition.", "Extubated in the OR and transferred to the PACU in stable condition.",
                      "The patient tolerated the procedure well.")))
    b.add("\n")
    if rng.random() < 0.6:
        say(ctx, rng.choice(("{d} was present and scrubbed for the entire procedure.\n", "I was present for the key portions of the procedure. {d}\n")),
            d=ctx.doctor(ctx.author))
    if rng.random() < 0.5:
        say(ctx, rng.choice(("The family ({r} {n}) was updated in the waiting room.\n", "Spoke with {r}, {n}, after the case.\n")),
            r=p.relation, n=ctx.sur.relative_name(p.relative))
    if rng.random() < 0.5:
        timed_log(ctx)
    _extras_and_sign(ctx, forced)


# ---------------------------------------------------------------------------
# letters
# ---------------------------------------------------------------------------


def outpatient_letter(ctx: NoteContext, forced: Sequence[str]) -> None:
    """Letterhead letters: to a colleague, to the patient, to an employer/school, to an insurer."""
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    f = ctx.facility
    kind = rng.choice(("patient", "employer", "insurer", "referral"))
    # letterhead
    b.line("{h}", h=Phi("HOSPITAL", f.name.upper() if rng.random() < 0.4 else f.name))
    if rng.random() < 0.6:
        b.line("{d}", d=department_field(ctx.author.department))
    if rng.random() < 0.5:
        address_lines(ctx, f.street, f.city, f.state, f.zip)
        say(ctx, rng.choice(("Phone {p}  Fax {x}\n", "Tel: {p} | Fax: {x}\n", "T {p} / F {x}\n", "Phone: {p}\n")), p=Phi("PHONE", f.phone), x=Phi("FAX", f.fax))
        if rng.random() < 0.6:
            say(ctx, "{u}\n", u=Phi("URL", ctx.sur.url(f.domain)))
    b.blank()
    b.line("{d}", d=ctx.date_phi(ctx.date, "full"))
    b.blank()
    if kind == "patient":
        b.line("{n}", n=Phi("PATIENT", p.person.full))
        address_lines(ctx, p.street, p.city, p.state, p.zip)
        b.blank()
        title = "Mr." if p.person.sex == "M" else rng.choice(("Ms.", "Mrs."))
        say(ctx, rng.choice(("Dear {t} {n},\n", "Dear {f},\n")), t=title, n=Phi("PATIENT", p.person.last), f=Phi("PATIENT", p.person.first))
        b.blank()
        say(ctx, rng.choice((
            "I am writing to let you know the results of the tests done on {d}. ",
            "Thank you for coming to see us on {d}. ",
            "We tried to reach you by phone at {ph} about your recent results. ",
        )), d=ctx.date_phi(ctx.days(-14, -1), "short"), ph=Phi("PHONE", p.phone))
        b.add(rng.choice(("Your cholesterol was slightly high (LDL 142) and your kidney function was normal. ",
                          "Your A1c was 7.2%, which is close to our goal. ", "Your mammogram was normal (BI-RADS 1). ",
                          "The colonoscopy showed two small polyps that were removed; they were not cancer. ")))
        b.add(rng.choice(("We also reviewed your medicines: " + ", ".join(p.meds[:4]) + ". ", "Your blood pressure in the office was "
                          + cl.vitals_values(rng)["bp"] + ". ", "")))
        b.add(rng.choice(("No change in your medicines is needed. ", "Please continue your current medicines. ", "We would like you to repeat the test in 3 months. ")))
        b.add("\n").blank()
        say(ctx, rng.choice(("If you have questions, please call our office at {ph} or send a message through the patient portal at {u}.\n",
                             "You can reach the nurse line at {ph}, or e-mail {e}.\n", "Please call {ph} to schedule your follow-up.\n")),
            ph=Phi("PHONE", f.phone), u=Phi("URL", ctx.sur.url(f.domain)), e=Phi("EMAIL", ctx.sur.email(None, f.domain)))
    elif kind == "employer":
        b.line(rng.choice(("To Whom It May Concern:", "TO WHOM IT MAY CONCERN,", "Re: work note")))
        b.blank()
        say(ctx, rng.choice((
            "{n} ({dob}) was seen in our office on {d}. {H} may return to work as a {j} at {o} on {r} without restrictions.",
            "Please excuse {n} from work from {d} through {r}. {H} is employed as a {j} with {o}.",
            "{n} is under my care and should avoid lifting more than 20 lb for 4 weeks. {H} works as a {j} at {o}.",
        )), n=Phi("PATIENT", p.person.full), dob=Phi("DATE", format_date(p.dob, rng.choice(("mmddyyyy", "mdyy", "long")))),
            d=ctx.date_phi(ctx.date, "short"), H=ctx.he.capitalize(), j=Phi("PROFESSION", p.profession), o=Phi("ORGANIZATION", p.employer),
            r=ctx.date_phi(ctx.days(3, 30), "short"))
        b.add("\n")
    elif kind == "insurer":
        b.line("{o}", o=Phi("ORGANIZATION", p.insurer))
        b.line(rng.choice(("Attn: Utilization Review", "Appeals Department", "Prior Authorization Unit")))
        b.blank()
        say(ctx, "RE: {n}, DOB {dob}, Member ID {h}\n", n=Phi("PATIENT", p.person.full), dob=ctx.date_phi(p.dob), h=Phi("HEALTHPLAN", p.healthplan))
        b.blank()
        b.line("Dear Medical Director,")
        b.blank()
        say(ctx, rng.choice((
            "I am writing to appeal the denial of {m} for my patient. {H} has tried and failed two formulary alternatives.",
            "I request prior authorization for an MRI of the lumbar spine. Symptoms have persisted for 8 weeks despite PT and NSAIDs.",
            "{n} requires a CPAP machine; the sleep study on {d} showed an AHI of 32.",
        )), m=rng.choice(("apixaban", "a GLP-1 agonist", "tiotropium", "adalimumab")), H=ctx.he.capitalize(), n=Phi("PATIENT", p.person.last),
            d=ctx.date_phi(ctx.days(-60, -5), "short"))
        b.add("\n")
    else:
        recipient = rng.choice(p.specialists)
        b.line("{d}", d=ctx.sur.doctor_name(recipient.person, "signature"))
        b.line("{h}", h=ctx.hospital(recipient.facility, short=False))
        address_lines(ctx, recipient.facility.street, recipient.facility.city, recipient.facility.state, recipient.facility.zip)
        b.blank()
        say(ctx, "Re: {n}; {m}; {dob}\n", n=Phi("PATIENT", p.person.full), m=mrn_field(ctx), dob=dob_field(ctx))
        b.blank()
        say(ctx, "Dear Dr. {d},\n", d=Phi("DOCTOR", recipient.person.last))
        b.blank()
        say(ctx, "I am referring {n}, a {a} {s}, for evaluation of " + rng.choice(cl.SYMPTOMS) + ". ",
            n=Phi("PATIENT", p.person.full), a=ctx.age(), s=_sexword(ctx))
        b.add(" ".join(rng.sample(cl.ASSOCIATED, k=rng.randint(2, 4))) + " ")
        b.add("Current medications: " + ", ".join(p.meds) + ". Allergies: " + ", ".join(p.allergies) + ". ")
        if rng.random() < 0.5:
            say(ctx, "{H} lives at {s} in {c} and can be reached at {ph}. ", H=ctx.he.capitalize(), s=Phi("STREET", p.street), c=Phi("CITY", p.city),
                ph=Phi("PHONE", p.phone))
        b.add("\n")
    b.blank()
    b.line(rng.choice(("Sincerely,", "Sincerely yours,", "Kind regards,", "Respectfully,")))
    b.blank()
    b.line("{d}", d=ctx.sur.doctor_name(ctx.author.person, "signature"))
    if rng.random() < 0.5:
        say(ctx, "{e}\n", e=Phi("EMAIL", ctx.sur.email(ctx.author.person, f.domain)))
    extras_block(ctx, forced)
    if rng.random() < 0.7:
        letter_footer(ctx)


# ---------------------------------------------------------------------------
# messages
# ---------------------------------------------------------------------------


def portal_message(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    rate = rng.choice((0.0, 0.01, 0.02, 0.03, 0.05))
    doc = rng.choice(p.specialists + [p.pcp])
    b.line(rng.choice(("Patient Message", "MyChart Message", "Portal Message", "Web Encounter", "PATIENT PORTAL MESSAGE", "Secure Message")))
    header = rng.randint(0, 2)
    sender = rng.random() < 0.8
    sender_person = p.person if sender else p.relative
    if header == 0:
        say(ctx, "From: {n} <{e}>\n", n=Phi("PATIENT", sender_person.full), e=Phi("EMAIL", p.email if sender else ctx.sur.email(p.relative)))
        say(ctx, "Sent: {d} {t}\n", d=ctx.date_phi(ctx.date), t=_clock(ctx, 2))
        say(ctx, "To: {d}\n", d=ctx.doctor(doc, "header") if rng.random() < 0.6 else department_field(doc.department))
        b.line("Subject: " + rng.choice(("question", "refill", "Medication question", "test results", "RE: appointment", "not feeling well", "urgent!!")))
    elif header == 1:
        say(ctx, "Message from {n} ({m}) received {d} at {t} via patient portal.\n", n=ctx.patient_name("header"), m=mrn_field(ctx),
            d=ctx.date_phi(ctx.date), t=_clock(ctx, 1))
        if rng.random() < 0.5:
            say(ctx, "Portal login from IP {i}; account {u}.\n", i=Phi("IPADDR", ctx.sur.ipaddr()), u=Phi("USERNAME", ctx.sur.username(p.person)))
    else:
        say(ctx, "{d} {t} | {n} -> {r}\n", d=ctx.date_phi(ctx.date), t=_clock(ctx, 1), n=Phi("PATIENT", sender_person.full),
            r=ctx.doctor(doc, "header"))
    b.blank()
    say(ctx, rng.choice(ph.PORTAL_OPENERS) + "\n", rate, d=Phi("DOCTOR", doc.person.last.lower() if rng.random() < 0.3 else doc.person.last))
    if not sender:
        say(ctx, "this is {n}, {h} {r}. ", rate, n=Phi("PATIENT", p.relative.first), h=ctx.his, r=p.relation)
    for body in rng.sample(ph.PORTAL_BODIES, k=rng.randint(2, 4)):
        say(ctx, body + " ", rate)
    if rng.random() < 0.4:
        say(ctx, rng.choice(("you can call me at {ph}. ", "my cell is {ph}. ", "call me back at {ph} pls. ", "best number is {ph}. ")), rate, ph=Phi("PHONE", p.phone))
    if rng.random() < 0.2:
        say(ctx, "I moved, my new address is {s}, {c} {st} {z}. ", rate, s=Phi("STREET", p.street), c=Phi("CITY", p.city), st=Phi("STATE", p.state), z=Phi("ZIP", p.zip))
    b.add("\n")
    say(ctx, rng.choice(ph.PORTAL_CLOSERS) + "\n", rate)
    say(ctx, "{n}\n", n=Phi("PATIENT", rng.choice((sender_person.first, sender_person.full, sender_person.first.lower()))))
    if rng.random() < 0.2:
        b.line("Sent from my iPhone")
    b.blank()
    reply_by = ctx.world.clinician(exclude=[doc])
    b.line(rng.choice(("Reply:", "--- Response ---", "Staff response:", "RN reply:")))
    say(ctx, rng.choice((
        "Hi {n}, thank you for your message. ", "{n}, ", "Hello {n}, I spoke with Dr. {d}. ", "Called pt back at {ph}, no answer, LVM. ",
    )), n=Phi("PATIENT", p.person.first), d=Phi("DOCTOR", doc.person.last), ph=Phi("PHONE", p.phone))
    b.add(rng.choice(("Please hold the new medication and check your blood pressure twice a day. ", "Refill sent to your pharmacy. ",
                      "Please go to the ED if symptoms worsen. ", "We scheduled you for a video visit tomorrow. ", "Your labs look stable. ")))
    b.add("\n")
    say(ctx, "{n}\n", n=ctx.sur.doctor_name(reply_by.person, rng.choice(("nurse", "signature"))))
    extras_block(ctx, forced)


def phone_encounter(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.6)
    b.line(rng.choice(("Telephone Encounter", "PHONE CALL", "Phone note", "tel enc", "Nurse Triage Call", "Call Documentation")))
    caller_is_patient = rng.random() < 0.55
    if caller_is_patient:
        say(ctx, rng.choice(("Pt called at {t} re: {c}. ", "{n} called {t}, c/o {c}. ", "Call from patient ({n}) at {t}: {c}. ")),
            t=_clock(ctx, 2), c=rng.choice(cl.SYMPTOMS), n=ctx.patient_name())
    else:
        say(ctx, rng.choice(("Pt's {r} {n} called at {t} re: {c}. ", "{r} ({n}) called {t} with concerns about {c}. ", "Spoke w/ {r} {n}: {c}. ")),
            r=rng.choice((p.relation, "daughter", "son", "caregiver")), n=ctx.sur.relative_name(p.relative), t=_clock(ctx, 2), c=rng.choice(cl.SYMPTOMS))
    say(ctx, rng.choice(("Call back # {ph}. ", "cb {ph}. ", "Best # {ph}. ", "Reached at {ph}. ")), ph=Phi("PHONE", ctx.sur.phone() if rng.random() < 0.3 else p.phone))
    b.add("\n")
    if rng.random() < 0.6:
        say(ctx, rng.choice(("Identity verified with name and DOB ({d}).\n", "2 identifiers verified (name, DOB {d}).\n", "Verified pt by DOB {d} and address.\n")),
            d=ctx.date_phi(p.dob))
    b.line(gr.narrative(rng, ctx.he, [x.names[0] for x in p.problems], k=rng.randint(1, 3)) + " " + " ".join(rng.sample(cl.ASSOCIATED, k=rng.randint(0, 2))))
    if rng.random() < 0.4:
        b.line(rng.choice(ph.DISTRACTORS))
    if rng.random() < 0.4:
        meds_section(ctx)
    if rng.random() < 0.3:
        ros_section(ctx)
    b.line(rng.choice(("Per protocol, advised to go to the ED.", "Appt made for tomorrow.", "Will route to MD.", "Advised rest, fluids, tylenol prn.",
                       "LVM to call back.", "Pt verbalized understanding.", "Rx sent to pharmacy on file.")))
    if rng.random() < 0.5:
        say(ctx, rng.choice(("Routed to {d}.\n", "Discussed w/ {d}, agrees.\n", "FYI {d}\n")), d=ctx.doctor(rng.choice(p.specialists + [p.pcp])))
    if rng.random() < 0.3:
        say(ctx, "Pharmacy: {o}, {s}, {c}, ph {ph}\n", o=Phi("ORGANIZATION", rng.choice(("CVS", "Walgreens", "Rite Aid", "Stop & Shop")) + " Pharmacy"),
            s=Phi("STREET", ctx.sur.street()), c=Phi("CITY", ctx.sur.city()), ph=Phi("PHONE", ctx.sur.phone()))
    extras_block(ctx, forced)
    b.blank()
    say(ctx, rng.choice(("{n}\n", "-- {n} {t}\n", "{n}, triage nurse\n")), n=ctx.sur.doctor_name(_nurse(ctx).person, "nurse"), t=_clock(ctx, 1))


def telehealth_it(ctx: NoteContext, forced: Sequence[str]) -> None:
    """Telehealth visits with connection details, IT tickets, portal audits, remote-monitor uploads."""
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.6)
    kind = weighted(rng, [("video", 3), ("ticket", 1), ("audit", 1), ("monitor", 1)])
    if kind == "video":
        b.line(rng.choice(("Telehealth Visit", "Video Visit", "TELEMEDICINE NOTE", "Virtual Visit - Video")))
        demographics_block(ctx)
        say(ctx, rng.choice(("Platform: secure video. Patient joined from IP {i} ", "Session connected from {i} ", "Video link ({u}) opened from {i} ")),
            i=Phi("IPADDR", ctx.sur.ipaddr()), u=Phi("URL", ctx.sur.url(ctx.facility.domain)))
        say(ctx, "at home in {c}, {s}.\n", c=Phi("CITY", p.city), s=Phi("STATE", p.state))
        say(ctx, rng.choice(("Link sent to {e} and by text to {ph}.\n", "Invitation e-mailed to {e}.\n", "Backup phone {ph}.\n")),
            e=Phi("EMAIL", p.email), ph=Phi("PHONE", p.phone))
        b.line(rng.choice(ph.IT_EVENTS))
        b.line(rng.choice(("Consent for telehealth obtained verbally.", "Patient consented to a video visit.", "Location of provider: clinic office.")))
        b.blank()
        b.line(gr.symptom_sentence(rng, ctx.he) + " " + gr.negation_sentence(rng, ctx.he) + " " + rng.choice(cl.ASSOCIATED))
        b.line(rng.choice(("Exam limited by video: ", "Observed: ")) + rng.choice(("NAD, speaking full sentences.", "well-appearing, no increased WOB.", "rash on the forearm as shown on camera.")))
        if rng.random() < 0.5:
            meds_section(ctx)
        if rng.random() < 0.4:
            ros_section(ctx)
        b.line("Plan: " + cl.plan_for(rng, rng.choice(p.problems)))
    elif kind == "ticket":
        b.line(rng.choice(("IT Support Ticket", "Help Desk Note", "Patient Portal Support")))
        say(ctx, "Ticket #{t} opened {d} by {u}.\n", t=Phi("IDNUM", str(rng.randint(10**5, 10**7))), d=ctx.date_phi(ctx.date), u=Phi("USERNAME", ctx.author.username))
        say(ctx, rng.choice(("Patient {n} unable to log in to the portal ({url}); account {a} locked after 5 attempts from {i}.\n",
                             "Proxy access for {r} {n2} requested; e-mail on file {e}.\n",
                             "Telehealth camera not detected on patient's laptop, last connection from {i}.\n")),
            n=ctx.patient_name(), url=Phi("URL", ctx.sur.url(ctx.facility.domain)), a=Phi("USERNAME", ctx.sur.username(p.person)),
            i=Phi("IPADDR", ctx.sur.ipaddr()), r=p.relation, n2=Phi("PATIENT", p.relative.full), e=Phi("EMAIL", p.email))
        b.line(rng.choice(("Password reset link sent.", "Resolved; patient able to connect.", "Escalated to tier 2.", "Closed.")))
    elif kind == "audit":
        b.line(rng.choice(("Access Audit", "Portal activity log", "Security review")))
        say(ctx, "Record of {n} ({m}) accessed:\n", n=ctx.patient_name("header"), m=mrn_field(ctx))
        for _ in range(rng.randint(2, 5)):
            say(ctx, "{d} {t}  user {u}  from {i}  " + rng.choice(("VIEW", "PRINT", "EDIT", "login from")) + "\n",
                d=ctx.date_phi(ctx.days(-30, 0), rng.choice(("full", "short"))), t=_clock(ctx, 1), u=Phi("USERNAME", ctx.world.clinician().username),
                i=Phi("IPADDR", ctx.sur.ipaddr()))
    else:
        b.line(rng.choice(("Remote Patient Monitoring", "RPM review", "Device data review")))
        say(ctx, rng.choice(("{k} serial {s} uploaded readings from {i}.\n", "Readings from {k} (S/N {s}), gateway {i}.\n")),
            k=rng.choice(("BP cuff", "glucometer", "scale", p.device or "pacemaker")), s=Phi("DEVICE", p.device_id), i=Phi("IPADDR", ctx.sur.ipaddr()))
        b.line(rng.choice(("Avg BP 138/84 over 14 days.", "Weight up 2.1 kg in 3 days.", "Fasting glucose 110-160.", "AT/AF burden 2%, no VT.")))
    extras_block(ctx, forced)
    b.blank()
    say(ctx, "{d}\n", d=ctx.doctor(ctx.author, "signature"))


# ---------------------------------------------------------------------------
# specialty notes
# ---------------------------------------------------------------------------


def psychiatry_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.7)
    b.line(rng.choice(("Psychiatry Progress Note", "PSYCHIATRIC EVALUATION", "Behavioral Health Note", "Psych Consult", "Outpatient Psychiatry Follow-up")))
    if rng.random() < 0.6:
        demographics_block(ctx)
    ctx.header("cc")
    b.line(rng.choice(("\"I can't sleep and I feel hopeless\"", "depression f/u", "med management", "anxiety", "SI")))
    ctx.header("hpi", inline_ok=False)
    say(ctx, "{n} is a {a} {s} with " + rng.choice(("MDD", "bipolar I disorder", "GAD", "PTSD", "schizoaffective disorder", "alcohol use disorder")) + " who presents for "
        + rng.choice(("follow-up.", "worsening mood.", "medication management.", "evaluation after an ED visit.")) + " ",
        n=ctx.patient_name("narrative"), a=ctx.age(), s=_sexword(ctx))
    if rng.random() < 0.6:
        say(ctx, rng.choice(("Collateral obtained from {h} {r}, {n}, by phone ({ph}). ", "{h} {r} {n} accompanies {him} today. ")),
            h=ctx.his, r=p.relation, n=ctx.sur.relative_name(p.relative), ph=Phi("PHONE", p.phone), him="him" if ctx.he == "he" else "her")
    if rng.random() < 0.5:
        say(ctx, "Previously hospitalized at {h} in {y}. ", h=ctx.hospital(ctx.world.facility()), y=ctx.date_phi(ctx.days(-4000, -300), "past"))
    b.add(rng.choice(("Sleep 4-5 h/night. ", "Appetite decreased. ", "Reports improved energy. ", "Denies manic sx. ")) + gr.negation_sentence(rng, ctx.he) + "\n")
    if rng.random() < 0.4:
        pmh_section(ctx)
    if rng.random() < 0.6:
        meds_section(ctx)
    ctx.header("social", inline_ok=False)
    say(ctx, rng.choice(("Works as a {j} at {o}. ", "Unemployed, formerly a {j}. ", "On disability; previously worked as {j}. ")),
        j=Phi("PROFESSION", p.profession), o=Phi("ORGANIZATION", p.employer))
    say(ctx, rng.choice(("Lives with {r} in {c}. ", "Lives alone in an apartment in {c}. ", "Staying at a shelter in {c}. ")), r=p.relation, c=Phi("CITY", p.city))
    b.add(rng.choice(("Legal: none. ", "On probation. ", "Denies access to firearms. ")) + "\n")
    b.line(rng.choice(("MENTAL STATUS EXAM:", "MSE:", "Mental Status Examination:")))
    for line in rng.sample(ph.PSYCH_MSE, k=rng.randint(4, 8)):
        b.line(line)
    ctx.header("ap", inline_ok=False)
    ctx.bullets(rng.sample(ph.PSYCH_PLANS, k=rng.randint(2, 4)))
    if rng.random() < 0.4:
        say(ctx, "Safety: crisis line and {h} ED ({ph}) reviewed.\n", h=ctx.hospital(), ph=Phi("PHONE", ctx.facility.phone))
    _extras_and_sign(ctx, forced)


def social_work_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.7)
    b.line(rng.choice(("Social Work Note", "SOCIAL WORK ASSESSMENT", "Case Management/SW", "SW Progress Note", "Discharge Planning Note")))
    if rng.random() < 0.5:
        demographics_block(ctx)
    say(ctx, rng.choice(("SW met with pt and {r} {n} at bedside. ", "SW spoke with pt's {r}, {n}, by phone at {ph}. ", "Met with {p} in room {rm}. ")),
        r=p.relation, n=ctx.sur.relative_name(p.relative), ph=Phi("PHONE", p.phone), p=ctx.patient_name(), rm=Phi("ROOM", ctx.sur.room()))
    b.add(" ".join(rng.sample(ph.SW_ITEMS, k=rng.randint(2, 4))) + "\n")
    address_sentence(ctx)
    b.add("\n")
    if rng.random() < 0.6:
        social_section(ctx)
    items: List[Field] = []
    items.append(("HCP: ", ctx.sur.relative_name(p.relative), f" ({p.relation}), ", Phi("PHONE", p.phone)))
    items.append(("Insurance: ", Phi("ORGANIZATION", p.insurer), ", ID ", Phi("HEALTHPLAN", p.healthplan)))
    if rng.random() < 0.6:
        items.append(("Employment: ", Phi("PROFESSION", p.profession), " at ", Phi("ORGANIZATION", p.employer)))
    if rng.random() < 0.5:
        items.append(("Services: ", Phi("ORGANIZATION", ctx.sur.organization("agency")), " (", Phi("PHONE", ctx.sur.phone()), ")"))
    if p.origin and rng.random() < 0.7:
        items.append(("Born in ", Phi("COUNTRY", p.origin), "; interpreter needed: ", rng.choice(("yes", "no"))))
        if rng.random() < 0.5:
            items.append(("Family in ", Phi("COUNTRY", p.origin), ": ", Phi("PHONE", ctx.sur.intl_phone())))
    rng.shuffle(items)
    ctx.bullets(items, numbered=False)
    b.line(rng.choice(("Plan: SW to follow for dc planning.", "Will fax referral once accepted.", "Dispo: home with services pending insurance auth.")))
    _extras_and_sign(ctx, forced)


def pharmacy_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.7)
    b.line(rng.choice(("Pharmacy Consult", "Clinical Pharmacist Note", "PHARMACY - ANTICOAGULATION", "Pharmacokinetics Note", "Medication Reconciliation - Pharmacy")))
    if rng.random() < 0.6:
        demographics_block(ctx)
    say(ctx, rng.choice(("Consulted by {d} for ", "Per {d}, asked to assist with ", "Pharmacy to dose ")) + rng.choice(("vancomycin dosing.", "warfarin management.", "renal dose adjustment.", "med rec.")) + "\n",
        d=ctx.doctor(kind="header"))
    say(ctx, "{a} {s}, ", a=ctx.age(), s=p.person.sex)
    b.line(f"wt {rng.randint(45, 130)} kg, ht {rng.randint(150, 190)} cm, SCr {rng.uniform(0.6, 2.8):.2f}")
    if rng.random() < 0.7:
        meds_section(ctx)
    if rng.random() < 0.5:
        allergies_section(ctx)
    ctx.header(rng.choice(("ap", "impression")), inline_ok=False)
    for item in rng.sample(ph.PHARM_ITEMS, k=rng.randint(2, 5)):
        b.line(rng.choice(("- ", "* ", "")) + item)
    if rng.random() < 0.25:
        fill_history(ctx)
    if rng.random() < 0.4:
        say(ctx, rng.choice(("Outpatient pharmacy: {o}, {c} ({ph}).\n", "Fill history from {o}.\n")), o=Phi("ORGANIZATION", rng.choice(("CVS", "Walgreens", "Costco", "Walmart")) + " Pharmacy"),
            c=Phi("CITY", ctx.sur.city()), ph=Phi("PHONE", ctx.sur.phone()))
    if rng.random() < 0.3:
        say(ctx, "Rx #{r}, prescriber DEA {l}.\n", r=Phi("IDNUM", str(rng.randint(10**6, 10**7))), l=Phi("LICENSE", "".join(rng.choice("ABFM") + rng.choice(string.ascii_uppercase)) + str(rng.randint(10**6, 10**7))))
    if rng.random() < 0.4:
        b.line(rng.choice(ph.DISTRACTORS))
    extras_block(ctx, forced)
    b.blank()
    say(ctx, rng.choice(("{n}, PharmD\n", "{n}, PharmD, BCPS\n", "Pharmacist: {n}\n")), n=Phi("DOCTOR", ctx.author.person.full))
    if rng.random() < 0.5:
        say(ctx, rng.choice(("pager {x}\n", "ext {x}\n")), x=Phi("PHONE", ctx.author.pager))


def obstetric_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.7)
    b.line(rng.choice(("L&D Admission Note", "OB Triage", "Delivery Note", "Postpartum Day 1", "Prenatal Visit", "OB H&P")))
    if rng.random() < 0.5:
        demographics_block(ctx)
    gp = [x for x in ph.OB_ITEMS if x.startswith("G")]
    items = [rng.choice(gp)] + rng.sample([x for x in ph.OB_ITEMS if x not in gp], k=rng.randint(3, 7))
    say(ctx, "{n} is a {a} " + items[0] + ", ", n=ctx.patient_name("narrative"), a=ctx.age())
    say(ctx, rng.choice(("LMP {l}, EDD {e}. ", "EDD {e} by 8 wk US. ", "dated by LMP {l}. ")), l=ctx.date_phi(ctx.days(-280, -250), rng.choice(("full", "short"))),
        e=ctx.date_phi(ctx.days(0, 20), rng.choice(("full", "short"))))
    b.add("; ".join(items[1:]) + ".\n")
    if rng.random() < 0.7:
        say(ctx, rng.choice(("FOB {n} at bedside, supportive. ", "Husband {n} present. ", "Support person: {n} ({ph}). ")), n=ctx.sur.relative_name(ctx.sur.person("M")),
            ph=Phi("PHONE", ctx.sur.phone()))
        b.add("\n")
    if rng.random() < 0.5:
        baby = ctx.sur.person()
        say(ctx, rng.choice(("Delivered a viable {s} infant at {t} on {d}, weight 3,340 g. ", "SVD of a liveborn {s} at {t} on {d}. ")),
            s="female" if baby.sex == "F" else "male", t=_clock(ctx, 0), d=ctx.date_phi(ctx.date, "short"))
        say(ctx, rng.choice(("Baby named {b}. ", "Infant {b} to newborn nursery. ", "Baby {b} rooming in. ")), b=Phi("PATIENT", f"{baby.first} {p.person.last}"))
        b.add("\n")
    if rng.random() < 0.7:
        vitals_section(ctx)
    if rng.random() < 0.5:
        pmh_section(ctx)
    if rng.random() < 0.6:
        meds_section(ctx, meds=["prenatal vitamin 1 tab daily"] + rng.sample(("ferrous sulfate 325 mg daily", "docusate 100 mg BID", "labetalol 200 mg BID",
                                                                              "insulin NPH 10 units qhs", "ondansetron 4 mg PO q8h PRN"), k=rng.randint(0, 2)))
    allergies_section(ctx)
    ctx.header("ap", inline_ok=False)
    ctx.bullets(rng.sample(("Admit to L&D.", "Expectant management.", "GBS prophylaxis with PCN G.", "Epidural on request.", "Continuous EFM.",
                            "Routine postpartum care.", "Rh status reviewed; RhoGAM not indicated.", "Lactation consult.", "Contraception counseling: desires IUD.",
                            "Pre-eclampsia labs (CBC, LFTs, creatinine, UPC).", "Follow up in clinic in 6 weeks."), k=rng.randint(3, 5)))
    say(ctx, rng.choice(("OB attending: {d}\n", "Delivering provider: {d}\n", "Discussed with {d}.\n")), d=ctx.doctor(kind="header"))
    if rng.random() < 0.3:
        say(ctx, "L&D room {r}\n", r=Phi("ROOM", ctx.sur.room()))
    _extras_and_sign(ctx, forced)


def pediatric_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.7)
    b.line(rng.choice(("Pediatric Visit", "Well Child Check", "Peds Sick Visit", "PEDIATRIC PROGRESS NOTE", "Newborn Follow-up", "Pediatrics Clinic Note")))
    days_old = (ctx.date - p.dob).days
    years = p.age_on(ctx.date)
    months = (min(23, max(0, int(days_old / 30.44))) if days_old >= 28 else 0) if years < 2 else years * 12
    child = p.person
    parent = p.relative
    fam = p.extra
    if "other_parent" not in fam:  # drawn on the first pediatric note, then kept: a patient's family does not change
        other = ctx.sur.person("M" if parent.sex == "F" else "F")
        if rng.random() < 0.6:
            other = type(other)(other.first, other.middle, child.last, other.sex)
        fam.update(other_parent=other, parent_job=ctx.sur.profession(), parent_phone=ctx.sur.phone(), other_employer=ctx.sur.organization(),
                   school=f"{ctx.sur.us.last_name()} {rng.choice(('Elementary School', 'Middle School', 'Academy', 'Montessori', 'High School'))}",
                   daycare=f"{ctx.sur.us.last_name()} {rng.choice(('Early Learning Center', 'Daycare', 'Little Learners', 'Child Care'))}")
    other = fam["other_parent"]
    mother, father = (parent, other) if parent.sex == "F" else (other, parent)
    if rng.random() < 0.4:
        say(ctx, "Patient: {n}   {m}\n", n=ctx.patient_name("header"), m=mrn_field(ctx))
    say(ctx, "{n} is a{an} {a} {s} brought in by " + rng.choice(("{mo} and {fa}", "mother {mo}", "father {fa}", "parents {mo} and {fa}", "mom ({mo})")) + " for "
        + rng.choice(("a well child check.", "fever x2 days.", "ear pain.", "cough and congestion.", "rash.") + (("ADHD follow-up.",) if years >= 6 else ())) + "\n",
        n=Phi("PATIENT", child.first), an="n" if str(months if months < 24 else months // 12).startswith("8") or months in (11, 18) else "",
        a=ctx.sur.child_age(months), s="boy" if child.sex == "M" else "girl", mo=ctx.sur.relative_name(mother), fa=ctx.sur.relative_name(father))
    b.line(rng.choice(("Parents:", "Family:", "Guardians:")))
    first, second = (mother, father) if rng.random() < 0.6 else (father, mother)
    for who in (first, second):
        role = "Mother" if who is mother else "Father"
        if who is parent:
            say(ctx, f"- {role}: " + "{m}, {j}, " + rng.choice(("cell", "ph", "phone")) + " {ph}\n", m=Phi("PATIENT", who.full),
                j=Phi("PROFESSION", fam["parent_job"]), ph=Phi("PHONE", fam["parent_phone"]))
        else:
            say(ctx, f"- {role}: " + "{f}" + rng.choice(("", ", works at {o}")) + "\n", f=Phi("PATIENT", who.full), o=Phi("ORGANIZATION", fam["other_employer"]))
    if rng.random() < 0.5 and (months < 60 or years >= 5):
        if years < 5:
            say(ctx, rng.choice(("Attends {o}. ", "Goes to {o} 3 days a week. ")) + "\n", o=Phi("ORGANIZATION", fam["daycare"]))
        else:
            say(ctx, rng.choice(("Grade {g} at {o}. ", "Goes to {o}. ", "Attends {o}, doing well in school. ")) + "\n",
                g=str(max(1, years - 5)), o=Phi("ORGANIZATION", fam["school"]))
    bank = ph.PEDS_INFANT if months < 24 else ph.PEDS_CHILD
    for item in rng.sample(bank, k=rng.randint(3, min(6, len(bank)))):
        b.line(item)
    if rng.random() < 0.7:
        v = cl.vitals_values(rng)
        weight = 3.4 + 0.55 * months if months < 24 else 2 * years + 8 + rng.uniform(-2, 4)
        b.line(f"T {v['t_f']}  HR {rng.randint(80, 160) if years < 5 else rng.randint(65, 120)}  RR {rng.randint(24, 40) if years < 2 else rng.randint(14, 26)}"
               f"  SpO2 {v['spo2']}%  Wt {weight:.1f} kg")
    if rng.random() < 0.7:
        b.line(rng.choice(("Exam:", "PE:", "Physical exam:")))
        for name, findings in rng.sample(cl.EXAM, k=rng.randint(3, 6)):
            b.line(f"{name}: {rng.choice(findings)}")
    b.line(rng.choice(("A/P:", "Assessment and plan:", "Plan:")))
    plans = ["Supportive care, fluids, antipyretics.", "Return precautions reviewed with parents.", "Vaccines given today per schedule; VIS provided.",
             "Recheck ears in 2-3 weeks.", "Referral to developmental pediatrics."]
    plans += ["Next well visit in 3 months.", "Discussed safe sleep and car seat."] if years < 2 else ["School note provided.", "Next well visit in 1 year."]
    plans += ["Continue current ADHD regimen."] if years >= 6 else []
    ctx.bullets(rng.sample(plans, k=rng.randint(2, 4)))
    if months < 3 and rng.random() < 0.7:
        say(ctx, "Born at {h} at 39 weeks via SVD, BW 3.2 kg, Apgars 8 and 9.\n", h=ctx.hospital(ctx.world.facility()))
    say(ctx, rng.choice(("Seen with {d}.\n", "PCP: {d}\n", "Follow up with {d} at the next well visit.\n")), d=ctx.doctor(p.pcp))
    _extras_and_sign(ctx, forced)


def flowsheet(ctx: NoteContext, forced: Sequence[str]) -> None:
    """A tabular printout: header fields, then lab/med/vitals tables and a bulleted problem list."""
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe_date(ctx, 0.6)
    b.line(rng.choice(("Lab Summary", "FLOWSHEET PRINTOUT", "Results Review", "Rounding Sheet", "Handoff / Sign-out")))
    sep = rng.choice((" | ", "\t", "  "))
    b.emit("{n}{s}{m}{s}{d}", n=ctx.patient_name("header"), s=sep, m=mrn_field(ctx), d=dob_field(ctx))
    b.emit("{s}Rm {r}", s=sep, r=Phi("ROOM", ctx.sur.room()))
    b.add("\n")
    for _ in range(rng.randint(1, 3)):
        table_block(ctx)
    if rng.random() < 0.7:
        b.blank()
        b.line(rng.choice(("Problems:", "Active issues:", "To do:")))
        items = [rng.choice(x.names) + rng.choice(("", " - stable", " - f/u labs", ": " + cl.plan_for(rng, x))) for x in p.problems]
        ctx.bullets(items)
    if rng.random() < 0.5:
        say(ctx, rng.choice(("Covering: {d}, pager {pg}\n", "Primary team: {d}\n")), d=ctx.doctor(kind="header"), pg=Phi("PHONE", ctx.world.clinician().pager))
    extras_block(ctx, forced)
    if rng.random() < 0.5:
        b.blank()
        say(ctx, "Printed {d} {t} by {u}\n", d=ctx.date_phi(ctx.date), t=_clock(ctx, 1), u=Phi("USERNAME", ctx.author.username))


def _hl7_ts(ctx: NoteContext, day: dt.date) -> Phi:
    """An HL7 v2 timestamp, one DATE span with its fused time digits (``20251103141955``, ``202511031419``)."""
    rng = ctx.rng
    clock = f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}" + (f"{rng.randint(0, 59):02d}" if rng.random() < 0.7 else "")
    return Phi("DATE", day.strftime("%Y%m%d") + clock)


def hl7_message(ctx: NoteContext, forced: Sequence[str]) -> None:
    """An HL7 v2 message as an interface engine prints it: MSH, EVN, PID, NK1, PV1, IN1 and OBX segments."""
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    fac = ctx.facility
    code = Phi("HOSPITAL", initials_of(fac.name) or fac.short.upper())
    if rng.random() < 0.6:
        b.line(rng.choice(("--- HL7 message (segments shown one per line) ---", "Interface engine: held message", "INBOUND ADT (raw)",
                           "Message detail - error queue", "Results interface log")))
    kind = rng.choice(("ADT^A08^ADT_A01", "ADT^A04^ADT_A01", "ORU^R01^ORU_R01", "SIU^S12^SIU_S12"))
    ctl = Phi("IDNUM", f"{code.text}{rng.randint(10**7, 10**8 - 1)}")
    b.emit("MSH|^~\\&|{a}|{f}|{r}|{c}|{t}||" + kind + "|{ctl}|P|2.5.1\n", a=rng.choice(("REGADT", "EPIC", "LAB", "RADIS")),
           f=Phi("HOSPITAL", fac.short.upper().replace(" ", "_")), r=rng.choice(("LABSYS", "PACS", "HIE", "BILLING")), c=code,
           t=_hl7_ts(ctx, ctx.date), ctl=ctl)
    b.emit("EVN|" + kind[4:7] + "|{t}\n", t=_hl7_ts(ctx, ctx.date))
    street = p.street.upper().replace(", ", "^")
    b.emit("PID|1||{m}^^^{c}^MR~{ssn}^^^SSA^SS||{n}^^{tt}||{dob}|{sex}|||{st}^^{ci}^{s}^{z}^USA||{ph}^PRN^PH~^NET^Internet^{e}|||||{acct}\n",
           m=Phi("MEDICALRECORD", p.mrn), c=code, ssn=Phi("SSN", p.ssn.replace("-", "")), n=component_name(p.person, "PATIENT", "^"),
           tt="MRS" if p.person.sex == "F" else "MR", dob=Phi("DATE", p.dob.strftime("%Y%m%d")), sex=p.person.sex,
           st=Phi("STREET", street), ci=Phi("CITY", p.city.upper()), s=Phi("STATE", ctx.sur.state(abbr=True)), z=Phi("ZIP", p.zip),
           ph=Phi("PHONE", p.phone), e=Phi("EMAIL", p.email), acct=Phi("ACCOUNT", ctx.sur.account()))
    if rng.random() < 0.7:
        rel = {"wife": "SPO^Spouse", "husband": "SPO^Spouse", "daughter": "CHD^Child", "son": "CHD^Child"}.get(p.relation, "OTH^Other")
        b.emit("NK1|1|{n}|" + rel + "^HL70063||{ph}\n", n=component_name(p.relative, "PATIENT", "^"), ph=Phi("PHONE", ctx.sur.phone()))
    doc = p.pcp
    b.emit("PV1|1|" + rng.choice(("O", "I", "E")) + "|{dep}^{rm}^" + rng.choice("ABCD") + "^{c}||||{npi}^{d}^^^^MD|||" +
           rng.choice(("MED", "ONC", "CAR", "SUR")) + "||||1|||||{v}\n",
           dep=department_field(ctx.sur.department().upper()), rm=Phi("ROOM", str(rng.randint(100, 999))), c=code,
           npi=Phi("IDNUM", str(rng.randint(10**9, 2 * 10**9 - 1))), d=component_name(doc.person, "DOCTOR", "^"), v=Phi("ACCOUNT", f"V{ctx.date:%Y%m%d}-{rng.randint(1000, 9999)}"))
    if rng.random() < 0.6:
        b.emit("IN1|1|{pl}^{pn}|{ins}|||||||||||||{n}|01^Self||||||||||||||||||||{hp}\n", pl=rng.choice(("GLD3", "PPO1", "HMO2")),
               pn=rng.choice(("Gold PPO 3", "Silver HMO", "Medicare Advantage")), ins=Phi("ORGANIZATION", p.insurer.upper()),
               n=component_name(p.person, "PATIENT", "^"), hp=Phi("HEALTHPLAN", p.healthplan))
    for i in range(rng.randint(0, 4)):
        test, unit, value, ref = rng.choice((("2345-7^Glucose^LN", "mg/dL", "112", "70-99"), ("2160-0^Creatinine^LN", "mg/dL", "0.94", "0.57-1.00"),
                                             ("718-7^Hemoglobin^LN", "g/dL", "11.2", "12.0-15.5"), ("2823-3^Potassium^LN", "mmol/L", "4.1", "3.5-5.1")))
        b.emit(f"OBX|{i + 1}|NM|{test}||{value}|{unit}|{ref}|N|||F|||{{t}}\n", t=_hl7_ts(ctx, ctx.date))
    extras_block(ctx, forced)


#: new kinds and their weights (the older kinds keep theirs, see ``notes.NOTE_KINDS``)
MORE_KINDS = {
    "ed_triage": (ed_triage, 0.05),
    "nursing_note": (nursing_note, 0.06),
    "pathology_report": (pathology_report, 0.03),
    "operative_report": (operative_report, 0.04),
    "outpatient_letter": (outpatient_letter, 0.05),
    "portal_message": (portal_message, 0.05),
    "phone_encounter": (phone_encounter, 0.04),
    "telehealth_it": (telehealth_it, 0.03),
    "psychiatry_note": (psychiatry_note, 0.03),
    "social_work_note": (social_work_note, 0.03),
    "pharmacy_note": (pharmacy_note, 0.03),
    "obstetric_note": (obstetric_note, 0.03),
    "pediatric_note": (pediatric_note, 0.03),
    "flowsheet": (flowsheet, 0.03),
    "hl7_message": (hl7_message, 0.02),
}
