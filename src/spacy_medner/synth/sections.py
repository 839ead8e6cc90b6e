"""Section writers shared by the SYNTHETIC note kinds.

Each writer appends one section (or one line) to the note being built,
choosing among several phrasings, layouts and orders; PHI always goes
through the builder so its offsets are recorded as it is written.
"""
import datetime as dt
import random
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from . import clinical as cl
from .builder import Field, NoteBuilder, Phi
from . import grammar as gr
from .phrases import DISTRACTORS
from .cast import Clinician, Patient, World
from .surrogates import (
    DATE_LEAD_INS,
    FULL_DATE_FORMATS,
    PAST_DATE_FORMATS,
    SHORT_DATE_FORMATS,
    Facility,
    Surrogates,
    department_field,
    format_date,
    weighted,
)

SECTION_NAMES: Dict[str, Tuple[str, ...]] = {
    "cc": ("Chief Complaint", "CC", "Reason for Visit", "Reason for Admission", "Presenting Complaint"),
    "hpi": ("History of Present Illness", "HPI", "History of present illness", "Interval History", "Subjective", "Present Illness"),
    "pmh": ("Past Medical History", "PMH", "PMHx", "Past Medical Hx", "Medical History", "Problem List", "Active Problems"),
    "psh": ("Past Surgical History", "PSH", "Surgical History", "Procedures"),
    "meds": ("Medications", "Meds", "Current Medications", "Outpatient Medications", "Home Meds", "Medications on Admission"),
    "allergies": ("Allergies", "ALL", "Allergies/Adverse Reactions", "Drug Allergies"),
    "social": ("Social History", "SH", "Social Hx", "Soc Hx", "Social"),
    "family": ("Family History", "FH", "FHx", "Family Hx"),
    "ros": ("Review of Systems", "ROS"),
    "exam": ("Physical Exam", "PE", "Physical Examination", "Exam", "Examination"),
    "vitals": ("Vitals", "VS", "Vital Signs"),
    "labs": ("Labs", "Laboratory Data", "Pertinent Results", "Data", "Labs/Studies", "Results"),
    "imaging": ("Imaging", "Studies", "Imaging Studies", "Diagnostics"),
    "ap": ("Assessment and Plan", "A/P", "Assessment/Plan", "Impression and Plan", "A&P", "Plan", "Assessment & Plan"),
    "course": ("Hospital Course", "Brief Hospital Course", "Hospital Course by Problem", "Course"),
    "dc_meds": ("Discharge Medications", "Medications on Discharge", "D/C Meds", "Discharge Meds"),
    "followup": ("Follow-up", "Follow Up", "Followup Instructions", "Follow-up Appointments"),
    "disposition": ("Disposition", "Discharge Disposition"),
    "condition": ("Condition on Discharge", "Discharge Condition"),
    "ed_course": ("ED Course", "Emergency Department Course", "Course in ED"),
    "mdm": ("Medical Decision Making", "MDM", "Assessment"),
    "impression": ("Impression", "Conclusion", "Impression/Recommendations"),
    "findings": ("Findings",),
    "technique": ("Technique",),
    "comparison": ("Comparison", "Comparisons", "Prior studies"),
    "indication": ("Clinical Indication", "Indication", "Clinical History", "Reason for Exam"),
    "contact": ("Contact Information", "Contacts", "Emergency Contact"),
    "other": ("Other", "Additional Information", "Administrative", "Misc"),
}


@dataclass
class Style:
    """A note's house style: headers, lists, dates, wrapping."""

    header_case: str  # "upper" | "title" | "lower"
    header_layout: str  # "inline" | "own_line" | "underlined" | "stars"
    bullet: str
    numbering: str
    date_format: str
    wrap_width: Optional[int]
    blank_between: bool

    @classmethod
    def random(cls, rng: random.Random) -> "Style":
        return cls(
            header_case=weighted(rng, [("upper", 4), ("title", 4), ("lower", 0.5)]),  # type: ignore[arg-type]
            header_layout=weighted(rng, [("inline", 5), ("own_line", 3), ("underlined", 0.8), ("stars", 0.5)]),  # type: ignore[arg-type]
            bullet=weighted(rng, [("- ", 4), ("* ", 2), ("\u2022 ", 1), ("o ", 0.7), ("  - ", 1), ("+ ", 0.3)]),  # type: ignore[arg-type]
            numbering=weighted(rng, [("{n}. ", 4), ("{n}) ", 2), ("#{n} ", 1), ("({n}) ", 0.7), ("{n}- ", 0.3)]),  # type: ignore[arg-type]
            date_format=weighted(rng, [("iso", 1), ("mdyy", 4), ("mmddyyyy", 3), ("mdyyyy", 2), ("mmddyy", 1), ("long", 1.5), ("abbr", 0.5), ("dashed", 0.5)]),  # type: ignore[arg-type]
            wrap_width=rng.choice((None, None, None, 66, 72, 80, 100)),
            blank_between=rng.random() < 0.7,
        )


@dataclass
class NoteContext:
    """Everything a section writer needs for one note."""

    b: NoteBuilder
    rng: random.Random
    sur: Surrogates
    world: World
    patient: Patient
    date: dt.date
    record_index: int
    author: Clinician
    facility: Facility
    style: Style

    # -- dates ------------------------------------------------------------
    def date_phi(self, day: dt.date, kind: str = "full") -> Field:
        """``day`` as a DATE surrogate in a format fitting ``kind`` (full, short, past).

        A format's lead-in ("the" of "the 16th") is written before the span, outside it.
        """
        rng = self.rng
        if kind == "full":
            fmt = self.style.date_format if rng.random() < 0.7 else rng.choice(FULL_DATE_FORMATS)
        elif kind == "short":
            fmt = rng.choice(SHORT_DATE_FORMATS)
        else:
            fmt = rng.choice(PAST_DATE_FORMATS)
        phi = Phi("DATE", format_date(day, fmt))
        return (DATE_LEAD_INS[fmt], phi) if fmt in DATE_LEAD_INS else phi

    def days(self, lo: int, hi: int) -> dt.date:
        """The record date shifted by a random number of days in [lo, hi]."""
        return self.date + dt.timedelta(days=self.rng.randint(lo, hi))

    # -- people and places -----------------------------------------------
    def patient_name(self, kind: str = "any") -> Field:
        return self.sur.patient_name(self.patient.person, kind)

    def doctor(self, clinician: Optional[Clinician] = None, kind: str = "any") -> Field:
        clinician = clinician or self.world.clinician(exclude=[self.author])
        return self.sur.doctor_name(clinician.person, kind)

    def hospital(self, facility: Optional[Facility] = None, short: Optional[bool] = None) -> Phi:
        facility = facility or self.facility
        if short is None:
            short = self.rng.random() < 0.35
        return Phi("HOSPITAL", facility.short if short else facility.name)

    def age(self, day: Optional[dt.date] = None) -> Field:
        return self.sur.age(self.patient.age_on(day or self.date), self.patient.person.sex)

    @property
    def he(self) -> str:
        return "he" if self.patient.person.sex == "M" else "she"

    @property
    def his(self) -> str:
        return "his" if self.patient.person.sex == "M" else "her"

    # -- layout -----------------------------------------------------------
    def header(self, key: str, inline_ok: bool = True) -> bool:
        """Write a section header; true when content may follow on the same line."""
        rng, st = self.rng, self.style
        name = rng.choice(SECTION_NAMES[key])
        if st.header_case == "upper" or (name.isupper() and st.header_case != "lower"):
            name = name.upper()
        elif st.header_case == "lower":
            name = name.lower() if not name.isupper() else name
        b = self.b
        if st.blank_between:
            b.blank()
        if st.header_layout == "underlined":
            b.line(name).line("-" * len(name))
            return False
        if st.header_layout == "stars":
            b.line(f"*** {name} ***")
            return False
        if st.header_layout == "inline" and inline_ok:
            b.add(f"{name}: ")
            return True
        b.line(f"{name}:")
        return False

    def bullets(self, items: Sequence[Field], numbered: Optional[bool] = None) -> None:
        if numbered is None:
            numbered = self.rng.random() < 0.45
        for i, item in enumerate(items, 1):
            prefix = self.style.numbering.format(n=i) if numbered else self.style.bullet
            self.b.add(prefix).piece(item).add("\n")

    def prose(self, sentences: Sequence[Callable[[], None]]) -> None:
        """Run sentence writers separated by spaces, as one paragraph."""
        for i, write in enumerate(sentences):
            if i:
                self.b.add(" ")
            write()
        self.b.add("\n")


# ---------------------------------------------------------------------------
# Lines and sections
# ---------------------------------------------------------------------------


def record_date_line(ctx: NoteContext) -> None:
    """The i2b2 2014 opening ``Record date: 2067-05-03`` (or a variant)."""
    rng, b = ctx.rng, ctx.b
    b.add("\n" * rng.choice((0, 1, 2, 3, 3)))
    label = weighted(rng, [("Record date", 6), ("Date of service", 1), ("Date", 1), ("DATE OF SERVICE", 0.5), ("Visit date", 0.5)])
    fmt = "iso" if label == "Record date" and rng.random() < 0.85 else ctx.style.date_format
    b.line(f"{label}: {{d}}", d=Phi("DATE", format_date(ctx.date, fmt)))
    b.blank()


def mrn_field(ctx: NoteContext) -> Field:
    """An MRN with one of its labels, glued or spaced (``MRN:4417220``)."""
    label = weighted(ctx.rng, [("MRN:", 3), ("MRN: ", 4), ("MRN ", 2), ("MR# ", 1), ("MR #", 1), ("Unit No: ", 1.5),
                               ("Medical Record #: ", 1), ("MRN#", 0.5), ("Med Rec No. ", 0.5)])
    return (label, Phi("MEDICALRECORD", ctx.patient.mrn))  # type: ignore[return-value]


def dob_field(ctx: NoteContext) -> Field:
    label = weighted(ctx.rng, [("DOB: ", 5), ("DOB:", 1), ("D.O.B. ", 1), ("Date of Birth: ", 2), ("Birthdate: ", 0.5)])
    return (label, ctx.date_phi(ctx.patient.dob, "full"))  # type: ignore[return-value]


def demographics_block(ctx: NoteContext, extra: Sequence[Tuple[str, Field]] = ()) -> None:
    """The patient identification block at the top of many notes."""
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    layout = rng.randint(0, 4)
    if layout == 0:  # one field per line
        b.line("{l}{n}", l=rng.choice(("Patient: ", "Name: ", "PATIENT NAME: ", "Patient Name: ")), n=ctx.patient_name("header"))
        b.line("{m}", m=mrn_field(ctx))
        if rng.random() < 0.7:
            b.line("{d}", d=dob_field(ctx))
        for label, value in extra:
            b.line(f"{label}: {{v}}", v=value)
    elif layout == 1:  # one line with separators
        sep = rng.choice(("   ", " | ", "  ", "; ", "\t"))
        b.emit("{n}{s}{m}", n=ctx.patient_name("header"), s=sep, m=mrn_field(ctx))
        if rng.random() < 0.6:
            b.emit("{s}{d}", s=sep, d=dob_field(ctx))
        b.add("\n")
        for label, value in extra:
            b.line(f"{label}: {{v}}", v=value)
    elif layout == 2:  # name and number, ward-list style
        b.line("{n}  {m}", n=Phi("PATIENT", f"{p.person.last.upper()}, {p.person.first.upper()}"), m=Phi("MEDICALRECORD", p.mrn))
        for label, value in extra:
            b.line(f"{label.upper()}: {{v}}", v=value)
    elif layout == 3:  # EMR banner
        b.emit("PATIENT: {n}  ", n=ctx.patient_name("header"))
        b.emit("{m}  ", m=mrn_field(ctx))
        b.emit("AGE: {a}  SEX: {s}", a=Phi("AGE", str(p.age_on(ctx.date))), s=p.person.sex)
        b.add("\n")
        for label, value in extra:
            b.line(f"{label}: {{v}}", v=value)
    else:  # "Re:" style used by letters and referral notes
        b.line("RE: {n}", n=ctx.patient_name("header"))
        b.line("{m}", m=mrn_field(ctx))
        b.line("{d}", d=dob_field(ctx))
        for label, value in extra:
            b.line(f"{label}: {{v}}", v=value)
    if rng.random() < 0.04:
        b.line("{l}{a}", l=rng.choice(("Acct #: ", "Account No: ", "ACCOUNT: ", "Billing #")), a=Phi("ACCOUNT", ctx.sur.account()))
    if rng.random() < 0.012:
        b.line("SSN: {s}", s=Phi("SSN", p.ssn))


def address_lines(ctx: NoteContext, street: str, city: str, state: str, zip_: str) -> None:
    b = ctx.b
    if ctx.rng.random() < 0.15:  # an address abroad: province or state and postcode on one line, the country below
        city, state, zip_, country = ctx.sur.foreign_address()
        b.line("{s}", s=Phi("STREET", street))
        if state:
            b.line("{c}{sep}{st}{sep2}{z}", c=Phi("CITY", city), sep=ctx.rng.choice((" ", ", ")), st=Phi("STATE", state),
                   sep2=ctx.rng.choice((" ", "  ")), z=Phi("ZIP", zip_))
        else:
            b.line("{c}", c=Phi("CITY", city))
            b.line("{z}", z=Phi("ZIP", zip_))
        b.line("{x}", x=Phi("COUNTRY", country))
        return
    if ctx.rng.random() < 0.6:
        b.line("{s}", s=Phi("STREET", street))
        b.line("{c}, {st} {z}", c=Phi("CITY", city), st=Phi("STATE", state), z=Phi("ZIP", zip_))
    else:
        b.line("{s}, {c}, {st} {z}", s=Phi("STREET", street), c=Phi("CITY", city), st=Phi("STATE", state), z=Phi("ZIP", zip_))


def letterhead(ctx: NoteContext) -> None:
    f, b, rng = ctx.facility, ctx.b, ctx.rng
    b.line("{h}", h=Phi("HOSPITAL", f.name.upper() if rng.random() < 0.4 else f.name))
    if rng.random() < 0.2:
        b.line("{d}", d=department_field(ctx.author.department))
    address_lines(ctx, f.street, f.city, f.state, f.zip)
    if rng.random() < 0.8:
        b.emit("{l}{p}", l=rng.choice(("Tel: ", "Phone: ", "Tel ", "P: ")), p=Phi("PHONE", f.phone))
        if rng.random() < 0.6:
            b.emit("{s}{l}{x}", s=rng.choice(("   ", " | ", "  ")), l=rng.choice(("Fax: ", "Fax ", "F: ")), x=Phi("FAX", f.fax))
        b.add("\n")
    r = rng.random()
    if r < 0.25:
        b.line("{u}", u=Phi("URL", f.url if rng.random() < 0.5 else ctx.sur.url(f.domain)))
    elif r < 0.4:
        b.line("{u} | {e}", u=Phi("URL", f.url), e=Phi("EMAIL", ctx.sur.email(None, f.domain)))
    b.blank()


def hpi_opening(ctx: NoteContext, reason: str) -> None:
    """The opening HPI sentence: who, how old, with what history, presenting with what."""
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    probs = [rng.choice(x.names) for x in p.problems[: rng.randint(2, max(2, len(p.problems)))]]
    history = ", ".join(probs[:-1]) + (" and " if len(probs) > 1 else "") + probs[-1] if probs else "no significant PMH"
    sex = rng.choice(({"M": "male", "F": "female"}[p.person.sex], {"M": "man", "F": "woman"}[p.person.sex], {"M": "M", "F": "F"}[p.person.sex], "patient"))
    form = rng.randint(0, 6)
    if form == 0:
        b.emit("{n} is a {a} {s} with a history of {h} who presents with {r} {d}.", n=ctx.patient_name("narrative"),
               a=ctx.age(), s=sex, h=history, r=reason, d=rng.choice(cl.DURATIONS))
    elif form == 1:
        b.emit("{a} {s} w/ PMH of {h} p/w {r} {d}.", a=ctx.age(), s=sex, h=history, r=reason, d=rng.choice(cl.DURATIONS))
    elif form == 2:
        b.emit("Pt is a {a} {s} with {h}, here for {r}.", a=ctx.age(), s=sex, h=history, r=reason)
    elif form == 3:
        b.emit("{n} is a pleasant {a} {s} whom I am seeing for {r}. {H} has a history of {h}.", n=ctx.patient_name("narrative"),
               a=ctx.age(), s=sex, r=reason, H=ctx.he.capitalize(), h=history)
    elif form == 4:
        b.emit("This is a {a} {s} with h/o {h} who was in {h2} usual state of health until {d} ago when {he} developed {r}.",
               a=ctx.age(), s=sex, h=history, h2=ctx.his, d=rng.choice(("3 days", "1 week", "2 days", "several weeks", "a month")),
               he=ctx.he, r=reason)
    elif form == 5:
        b.emit("{n}, age {a}, presents today with {r}. PMH significant for {h}.", n=ctx.patient_name("narrative"),
               a=Phi("AGE", str(p.age_on(ctx.date))), r=reason, h=history)
    else:
        b.emit("{a} {s} ({h}) referred by {d} for evaluation of {r}.", a=ctx.age(), s=sex, h=history,
               d=ctx.doctor(p.pcp), r=reason)


def hpi_section(ctx: NoteContext, reason: Optional[str] = None, n_extra: Tuple[int, int] = (2, 5), ed_course: bool = False) -> None:
    rng, b = ctx.rng, ctx.b
    reason = reason or rng.choice(cl.SYMPTOMS)
    inline = ctx.header("hpi")
    if not inline and rng.random() < 0.2:
        b.add("  ")
    hpi_opening(ctx, reason)
    if rng.random() < 0.2:
        b.emit(rng.choice((" Symptoms began on {d}.", " First noticed on {d}.", " Onset {d}.")), d=ctx.date_phi(ctx.days(-14, -1), "short"))
    names = [x.names[0] for x in ctx.patient.problems]
    for _ in range(rng.randint(*n_extra)):
        b.add(" " + (rng.choice(cl.ASSOCIATED) if rng.random() < 0.45 else gr.narrative(rng, ctx.he, names, k=1)))
    if ctx.record_index > 0:
        for sentence in rng.sample(cl.INTERVAL_LINES, k=rng.randint(0, 3)):
            b.add(" " + sentence)
    if ctx.record_index > 0 and rng.random() < 0.45:
        prev = ctx.patient.record_dates[ctx.record_index - 1]
        b.emit(rng.choice((" Last seen in clinic on {d}.", " Was last seen by me {d}.", " Since the visit of {d}, {he} reports feeling better.",
                           " Recently seen {d} at {h}.")), d=ctx.date_phi(prev, rng.choice(("full", "short"))),
               he=ctx.he, h=ctx.hospital())
    if rng.random() < 0.25:
        b.emit(" {H} was recently hospitalized at {h} for {r}.", H=ctx.he.capitalize(),
               h=ctx.hospital(ctx.world.facility()), r=rng.choice(cl.SYMPTOMS))
    if rng.random() < 0.3:
        b.add(" " + rng.choice(DISTRACTORS))
    if rng.random() < 0.15:
        b.emit(" History obtained from {h} {r} {n}, who accompanies {him}.", h=ctx.his, r=ctx.patient.relation,
               n=ctx.sur.relative_name(ctx.patient.relative), him="him" if ctx.he == "he" else "her")
    b.add("\n")
    if ed_course:
        b.line(" ".join(rng.sample(cl.ED_SENTENCES, k=rng.randint(2, 4))))


def health_maintenance_section(ctx: NoteContext) -> None:
    """Screening and vaccine dates: the PHI is the dates."""
    rng, b = ctx.rng, ctx.b
    b.blank()
    b.line(rng.choice(("Health Maintenance:", "HEALTH MAINTENANCE:", "Health maintenance", "Preventive care:")))
    for item in rng.sample(cl.HEALTH_MAINTENANCE, k=rng.randint(2, 5)):
        r = rng.random()
        if r < 0.7:
            b.line("{b}{i}: {d}", b=ctx.style.bullet, i=item, d=ctx.date_phi(ctx.days(-1500, -10), rng.choice(("past", "full", "short"))))
        else:
            b.line(f"{ctx.style.bullet}{item}: " + rng.choice(("due", "declined", "up to date", "ordered today")))


def pmh_section(ctx: NoteContext) -> None:
    rng, p = ctx.rng, ctx.patient
    ctx.header("pmh", inline_ok=False)
    items: List[Field] = []
    for prob in p.problems:
        name = rng.choice(prob.names)
        r = rng.random()
        if r < 0.12:
            items.append((name, ", dx ", ctx.date_phi(ctx.days(-4000, -200), "past")))
        elif r < 0.18:
            items.append((name, " - followed by ", ctx.doctor()))
        elif r < 0.22:
            items.append((name, " diagnosed at age ", Phi("AGE", str(max(1, p.age_on(ctx.date) - rng.randint(2, 20))))))
        else:
            items.append(name)
    if p.device and rng.random() < 0.5:
        if rng.random() < 0.35:
            items.append((f"s/p {p.device} placement ", ctx.date_phi(ctx.days(-2000, -100), "past"), ", serial #", Phi("DEVICE", p.device_id)))
        else:
            items.append(f"s/p {p.device} placement")
    if rng.random() < 0.5:
        ctx.bullets(items)
    else:
        parts: List[Field] = []
        for i, it in enumerate(items):
            if i:
                parts.append(rng.choice((", ", "; ")))
            parts.append(it)
        ctx.b.piece(parts).add("\n")


def psh_section(ctx: NoteContext) -> None:
    p, rng = ctx.patient, ctx.rng
    if not p.surgeries:
        return
    inline = ctx.header("psh")
    items: List[Field] = []
    for surg, year in zip(p.surgeries, p.surgery_years):
        if rng.random() < 0.55:
            when = ctx.date_phi(dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), "past")
            items.append(rng.choice(((surg, " (", when, ")"), ("s/p ", surg, " ", when), (surg, " ", when),
                                     (surg, " at ", ctx.hospital(ctx.world.facility()), " ", when))))
        else:
            items.append(rng.choice((surg, "s/p " + surg)))
    if inline:
        ctx.b.piece([x for i, it in enumerate(items) for x in ((", ",) if i else ()) + (it,)]).add("\n")
    else:
        ctx.bullets(items, numbered=False)


def meds_section(ctx: NoteContext, key: str = "meds", meds: Optional[Sequence[str]] = None) -> None:
    rng = ctx.rng
    meds: List[Field] = list(meds if meds is not None else ctx.patient.meds)
    rng.shuffle(meds)
    if meds and rng.random() < 0.2:
        meds[0] = (meds[0], rng.choice((" (started ", " - since ", " (dose changed ")), ctx.date_phi(ctx.days(-400, -5), rng.choice(("short", "past"))), ")" if rng.random() < 0.7 else ")")
    inline = ctx.header(key)
    if inline and rng.random() < 0.5:
        ctx.b.piece([x for i, m in enumerate(meds) for x in ((rng.choice((", ", "; ")),) if i else ()) + (m,)]).add("\n")
        return
    if inline:
        ctx.b.add("\n")
    ctx.bullets(meds)


def allergies_section(ctx: NoteContext) -> None:
    inline = ctx.header("allergies")
    allergies = ctx.patient.allergies
    if inline or len(allergies) == 1:
        ctx.b.line(", ".join(allergies))
    else:
        ctx.bullets(allergies, numbered=False)


def social_section(ctx: NoteContext) -> None:
    """Social history: the home of PROFESSION, ORGANIZATION, COUNTRY, CITY and LOCATION-OTHER."""
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    ctx.header("social")
    writers: List[Callable[[], None]] = []
    if rng.random() < 0.55:
        writers.append(lambda: b.emit(rng.choice(("Works as a {j}.", "Retired {j}.", "Occupation: {j}.", "Former {j}.", "{H} is a {j}.", "Employed as {j}.")),
                                      j=Phi("PROFESSION", p.profession), H=ctx.he.capitalize()))
    if rng.random() < 0.18:
        writers.append(lambda: b.emit(rng.choice(("Works at {o}.", "Employed by {o}.", "Recently laid off from {o}.")),
                                      o=Phi("ORGANIZATION", p.employer)))
    if rng.random() < 0.25:  # occupation and employer in one clause
        writers.append(lambda: b.emit(rng.choice(("Works full time as a {j} at {o}.", "{H} is a {j} for {o}.", "Previously a {j} with {o} until {y}.",
                                                  "Works part time as a {j} at {o}; no exposures.", "Employment: {j}, {o}.", "Job: {j} ({o}), nights.")),
                                      j=Phi("PROFESSION", ctx.sur.profession()), o=Phi("ORGANIZATION", ctx.sur.organization()),
                                      H=ctx.he.capitalize(), y=ctx.date_phi(ctx.days(-1500, -60), "past")))
    if rng.random() < 0.15:  # a relative's occupation
        writers.append(lambda: b.emit(rng.choice(("{H} {r} is a {j}.", "{H} {r} works as a {j} at {o}.", "{H} {r}, a {j}, helps at home.")),
                                      H=ctx.his.capitalize(), r=p.relation, j=Phi("PROFESSION", ctx.sur.profession()),
                                      o=Phi("ORGANIZATION", ctx.sur.organization())))
    if rng.random() < 0.6:
        writers.append(lambda: b.emit(rng.choice(("Lives with {h} {r} in {c}.", "Lives in {c} with {h} {r}.", "Lives with {r} {n} in {c}, {s}.",
                                                  "Resides in {c}.", "From {c}, {s}.")),
                                      h=ctx.his, r=p.relation, c=Phi("CITY", p.city), s=Phi("STATE", p.state),
                                      n=ctx.sur.relative_name(p.relative)))
    if p.origin and rng.random() < 0.6:
        writers.append(lambda: b.emit(rng.choice(("Born in {c}, moved to the US in {y}.", "Emigrated from {c} {y}.", "Originally from {c}.",
                                                  "Native of {c}; speaks limited English, interpreter used.")),
                                      c=Phi("COUNTRY", p.origin), y=ctx.date_phi(ctx.days(-15000, -2000), "past")))
    if rng.random() < 0.06:
        writers.append(lambda: b.emit(rng.choice(("Recently returned from a trip to {c}.", "Travel to {c} last month.")),
                                      c=Phi("COUNTRY", ctx.sur.country())))
    if rng.random() < 0.04:
        writers.append(lambda: b.emit(rng.choice(("Enjoys hiking at {l}.", "Spends summers at {l}.", "Fell while walking at {l}.")),
                                      l=Phi("LOCATION-OTHER", p.hobby_place)))
    if rng.random() < 0.02:
        writers.append(lambda: b.emit(rng.choice(("Drives a truck for work (plate {v}).", "Was the restrained driver; vehicle {v}.")),
                                      v=Phi("VEHICLE", p.vehicle)))
    for s in rng.sample(cl.SOCIAL_FILLER, k=rng.randint(1, 3)):
        writers.append(lambda s=s: b.add(s))
    rng.shuffle(writers)
    ctx.prose(writers)


def family_section(ctx: NoteContext) -> None:
    rng, b = ctx.rng, ctx.b
    inline = ctx.header("family")
    items: List[Field] = []
    for rel in rng.sample(cl.FAMILY_RELATIVES, k=rng.randint(1, 3)):
        cond = rng.choice(cl.FAMILY_CONDITIONS)
        age = Phi("AGE", str(rng.randint(38, 96)))
        items.append(rng.choice(((rel, f" with {cond}"), (rel, f" - {cond} at ", age), (rel, f" died of {cond} at age ", age),
                                 (rel, f": {cond}, deceased at ", age), (rel, f" {cond} in ", Phi("AGE", f"{rng.randint(4, 8)}0s")))))
    if rng.random() < 0.2:
        items.append("Noncontributory" if not items else "No family history of sudden cardiac death")
    if inline or rng.random() < 0.5:
        b.piece([x for i, it in enumerate(items) for x in (("; ",) if i else ()) + (it,)]).add(".\n")
    else:
        ctx.bullets(items, numbered=False)


def ros_section(ctx: NoteContext) -> None:
    rng = ctx.rng
    inline = ctx.header("ros")
    if rng.random() < 0.5:
        if inline:
            ctx.b.add("\n")
        for line in rng.sample(cl.ROS_LINES, k=rng.randint(4, 10)):
            ctx.b.line(line)
        return
    ctx.b.line(rng.choice((
        "Negative except as in HPI.", "10-point ROS negative except as noted above.",
        "Constitutional: no fevers. CV: no CP. Resp: + DOE. GI: no N/V/D. GU: no dysuria.",
        "All other systems reviewed and negative.", "+fatigue, +DOE; otherwise negative in detail.",
    )))


def vitals_section(ctx: NoteContext) -> None:
    inline = ctx.header("vitals")
    ctx.b.line(cl.vitals_line(ctx.rng) if inline else cl.vitals_line(ctx.rng))


def exam_section(ctx: NoteContext, with_vitals: bool = True) -> None:
    rng, b = ctx.rng, ctx.b
    ctx.header("exam", inline_ok=False)
    if with_vitals:
        b.line(rng.choice(("", "VS: ", "Vitals: ", "V/S: ")) + cl.vitals_line(rng))
    systems = [s for s in cl.EXAM if rng.random() < 0.8]
    sep = rng.choice((": ", ": ", " - ", ":  "))

    def finding(options: Sequence[str]) -> str:
        return ", ".join(rng.sample(options, k=1 if rng.random() < 0.6 else 2))

    if rng.random() < 0.15:
        b.line(gr.exam_sentence(rng))
    elif rng.random() < 0.75:
        for name, findings in systems:
            b.line(f"{name}{sep}{finding(findings)}")
    else:
        b.line(". ".join(f"{name}{sep}{finding(findings)}" for name, findings in systems) + ".")


def labs_section(ctx: NoteContext) -> None:
    rng, b = ctx.rng, ctx.b
    inline = ctx.header("labs")
    if rng.random() < 0.4:
        b.emit("{d}: ", d=ctx.date_phi(ctx.days(-3, 0), "short"))
    elif inline:
        pass
    b.line(cl.lab_line(rng))
    if rng.random() < 0.35:
        b.line(cl.lab_line(rng))
    if rng.random() < 0.2:
        b.line("{p}{i}: {l}", p=rng.choice(("Accession #", "Specimen #", "Lab ID ")), i=Phi("IDNUM", ctx.sur.idnum()), l=cl.lab_line(rng))


def imaging_section(ctx: NoteContext) -> None:
    rng, b = ctx.rng, ctx.b
    ctx.header("imaging", inline_ok=False)
    for study in rng.sample(cl.IMAGING, k=rng.randint(1, 3)):
        if rng.random() < 0.3:
            b.emit("{d} ", d=ctx.date_phi(ctx.days(-5, 0), "short"))
        b.line(study)


def ap_section(ctx: NoteContext, key: str = "ap") -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    ctx.header(key, inline_ok=False)
    if rng.random() < 0.5:
        sex_word = rng.choice({"M": ("M", "man", "male"), "F": ("F", "woman", "female")}[p.person.sex])
        b.emit("{a} {s} with {h}", a=ctx.age(), s=sex_word, h=", ".join(rng.choice(x.names) for x in p.problems[:3]))
        b.line(rng.choice((", overall stable.", ", here for routine follow-up.", ", improving.", " as above.")))
    style = rng.randint(0, 2)
    for i, prob in enumerate(p.problems, 1):
        plan: Field = cl.plan_for(rng, prob) if rng.random() < 0.55 else gr.plan_sentence(rng, prob.names)
        if rng.random() < 0.3:
            plan = (plan, " " + gr.plan_sentence(rng, prob.names))
        if rng.random() < 0.15:
            plan = (plan, rng.choice((" Last checked ", " Labs from ", " Discussed at visit on ")), ctx.date_phi(ctx.days(-200, -7), "short"), ".")
        name = rng.choice(prob.names)
        if style == 0:
            b.line("{h}{p}", h=f"#{i} {name}: " if rng.random() < 0.5 else f"# {name}: ", p=plan)
        elif style == 1:
            b.line("{h}{p}", h=ctx.style.numbering.format(n=i) + f"{name} - ", p=plan)
        else:
            b.line("{h}{p}", h=f"{name.upper() if rng.random() < 0.3 else name}: ", p=plan)
    if rng.random() < 0.5:
        b.line(rng.choice(cl.EDUCATION))
    followup_line(ctx)


def followup_line(ctx: NoteContext) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    r = rng.random()
    if r < 0.3:
        b.line(rng.choice(("Follow up with {d} on {t}.", "RTC {t} with {d}.", "F/u {d} {t}.", "Return visit {t}; sooner prn.")),
               d=ctx.doctor(p.pcp), t=ctx.date_phi(ctx.days(7, 120), "short"))
    elif r < 0.5:
        b.line(rng.choice(("RTC in 3 months.", "Follow up in 4-6 weeks.", "Return in 1 year for physical.", "F/u 2 wks.")))
    elif r < 0.6:
        b.line("Appointment with {d} in {dep} on {t}; call {ph} with questions.", d=ctx.doctor(rng.choice(p.specialists)),
               dep=department_field(rng.choice(p.specialists).department), t=ctx.date_phi(ctx.days(7, 90), "short"),
               ph=Phi("PHONE", ctx.facility.phone))
    elif r < 0.8:
        b.line("Will see {h} back at {f} in {w} weeks.", h="him" if ctx.he == "he" else "her", f=ctx.hospital(), w=str(rng.randint(2, 12)))


def signature(ctx: NoteContext) -> None:
    """The closing block: signer, credentials, username, pager, dictation dates, job number."""
    rng, b, a = ctx.rng, ctx.b, ctx.author
    b.blank()
    form = rng.randint(0, 6)
    signed_at = ctx.days(0, 2)
    if form == 0:
        b.line("_" * rng.choice((20, 30, 40)))
        b.line("{d}", d=ctx.doctor(a, "signature"))
        if rng.random() < 0.2:
            b.line("{dep}", dep=department_field(a.department))
    elif form == 1:
        b.line("Electronically signed by {d} on {t} at {h}:{m:02d}".replace("{m:02d}", f"{rng.randint(0, 59):02d}"),
               d=ctx.doctor(a, "signature"), t=ctx.date_phi(signed_at), h=str(rng.randint(7, 22)))
    elif form == 2:
        b.line("Signed by: {d} ({u})", d=ctx.doctor(a, "signature"), u=Phi("USERNAME", a.username))
    elif form == 3:
        b.line("{d}", d=ctx.doctor(a, "signature"))
        b.line(rng.choice(("pager #{p}", "Pager {p}", "pgr {p}", "beeper {p}")), p=Phi("PHONE", a.pager))
    elif form == 4:
        b.line("Dictated by: {d}", d=ctx.doctor(a, "signature"))
        b.line("DD: {d1}", d1=ctx.date_phi(ctx.date))
        b.line("DT: {d2}", d2=ctx.date_phi(signed_at))
        if rng.random() < 0.6:
            b.line("{l}{j}", l=rng.choice(("Job #: ", "JOB#: ", "eScription document:", "Document #: ")), j=Phi("IDNUM", ctx.sur.idnum()))
        if rng.random() < 0.4:
            b.line("TR: {u}", u=Phi("USERNAME", ctx.sur.username(ctx.sur.person())))
    elif form == 5:
        b.line("{d} [{u}]", d=ctx.doctor(a, "signature"), u=Phi("USERNAME", a.username))
        b.line("{t}", t=ctx.date_phi(signed_at))
    else:
        b.line("Attending: {d}", d=ctx.doctor(a, "signature"))
    if rng.random() < 0.03:
        b.line(rng.choice(("DEA #: {l}", "License #{l}", "Lic # {l}", "NPI/Lic: {l}")), l=Phi("LICENSE", a.license))
    if rng.random() < 0.25:
        cc = [ctx.doctor(c) for c in rng.sample(ctx.patient.specialists + [ctx.patient.pcp], k=rng.randint(1, 2))]
        b.emit("cc: ").piece([x for i, it in enumerate(cc) for x in (("; ",) if i else ()) + (it,)]).add("\n")


# ---------------------------------------------------------------------------
# One-line snippets, one per TYPE: used for rare mentions and to make sure a
# block of notes holds every TYPE.
# ---------------------------------------------------------------------------


def _snippet_address(ctx: NoteContext) -> None:
    p = ctx.patient
    ctx.b.line(ctx.rng.choice(("Home address: {s}, {c}, {st} {z}", "Address: {s} {c} {st} {z}", "Mailing address: {s}, {c}, {st}  {z}")),
               s=Phi("STREET", p.street), c=Phi("CITY", p.city), st=Phi("STATE", p.state), z=Phi("ZIP", p.zip))


#: sentences naming a third party of each kind, with {o} the ORGANIZATION and {x} its reference number
THIRD_PARTY_LINES: Dict[str, Tuple[str, ...]] = {
    "lab": ("Sent to {o}, req {x}.", "Specimen sent to {o} (accession {x}).", "NIPT drawn today, specimen {x}, sent to {o}.",
            "Send-out to {o}; requisition {x}. Expedited.", "{o} report {x}: no pathogenic variants.", "results from {o} pending, ref {x}"),
    "pharmacy": ("Filled at {o} on {d}.", "Rx sent to {o}.", "pharmacy: {o}, fill #{x}", "Called {o} to cancel the old script.",
                 "Last fill {d} at another pharmacy ({o}), not on the e-Rx list.", "Preferred pharmacy: {o}, {ph}"),
    "dme": ("DME: {o}; device issued {d}, s/n {x}.", "Order for walker faxed to {o}.", "Oxygen supplied by {o} (acct {x}).",
            "{o} to deliver the hospital bed tomorrow.", "CPAP supplies through {o}, order {x}."),
    "interpreter": ("Interpreter: {n}, {o}, ID {x}.", "{o} interpreter used for the entire visit (ID {x}).", "via {o} phone interpreter #{x}",
                    "Present: {n}, certified medical interpreter, {o}."),
    "ems": ("Brought in by {o}.", "pt is a paramedic with {o}.", "Per {o} run sheet {x}, found down at home.", "{o} report: GCS 14 on scene.",
            "transferred by {o} at {t}", "BIBA ({o}), run # {x}"),
    "school": ("Attends {o} 3 days/week.", "Social: attends {o}; lives with parents.", "Form completed for {o}.",
               "School: {o}, 2nd grade.", "Camp form for {o} signed.", "Note for {o}: may return {d}."),
    "registry": ("{o} notified at {t}, referral # {x}.", "Reported to {o} (case {x}).", "{o}: reported because death occurred within 24 h.",
                 "Case discussed with {o}; report {x} filed.", "{o} notified per protocol."),
    "insurer": ("Travel insurer: {o}, policy {x}.", "Benefit: {o}, member ID {x}.", "Insurance: {o}, BIN 610591, member ID {x}.",
                "Prior auth submitted to {o}, ref {x}.", "{o} denied coverage; appeal ref {x}."),
}


def _snippet_third_party(ctx: NoteContext) -> None:
    """A lab, pharmacy, supplier, interpreter service, ambulance, school, registry or insurer, with its reference number.

    An agency interpreter is not a clinician: i2b2 tags the name PATIENT, like relatives and other people.
    """
    rng, sur = ctx.rng, ctx.sur
    kind = rng.choice(tuple(THIRD_PARTY_LINES))
    org = sur.organization(kind)
    line = rng.choice(THIRD_PARTY_LINES[kind])
    if rng.random() < 0.15:
        line = line[:1].lower() + line[1:]
    ctx.b.line(line, o=Phi("ORGANIZATION", org), x=Phi("IDNUM", sur.ref_id(org)), d=ctx.date_phi(ctx.days(-60, 0), "short"),
               n=Phi("PATIENT", sur.person().full), ph=Phi("PHONE", sur.phone()), t=f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}")


#: family sentences that name relatives by their first name alone ({r1} {a}, {r2} {b}; {x} and {y} are ages)
FAMILY_LINES = (
    "{R1} {a} and {r2} {b} came today; {b} asks about home care.", "Married to {a}, a {j}; children {b} ({x}) and {c} ({y}).",
    "one depressive episode after {h} {r1} {a} died in a car crash.", "{R1} {a} watches the kids while {he} works.",
    "calling from out of state, where {he} is visiting {h} {r1} {a}.", "Accompanied by {r1} {a} and {r2} {b}.",
    "Lives with {r1} ({a}) and two children ({b}, {c}).", "spoke w/ {a} ({r1}) who will bring meds list.",
    "{R1} {a} is the main caregiver; {r2} {b} helps on weekends.", "Previous delivery: 3.4 kg boy ({b}) at 39 wk.",
    "Sibs: {b} ({x}), {c} ({y}), both well.", "{R1}, {a}, at bedside.", "msg from {r1} ({a}): pt fell again yest.",
)


#: relatives and their sex (``None``: either)
FAMILY_SEX: Dict[str, Optional[str]] = {
    "wife": "F", "husband": "M", "daughter": "F", "son": "M", "sister": "F", "brother": "M", "mother": "F", "father": "M", "grandma": "F",
    "grandmother": "F", "partner": None, "niece": "F", "aunt": "F", "cousin": None, "girlfriend": "F", "boyfriend": "M", "stepson": "M",
    "granddaughter": "F",
}


def _snippet_family(ctx: NoteContext) -> None:
    """Relatives named by their first name alone, in family and social sentences."""
    rng, sur = ctx.rng, ctx.sur
    rels = rng.sample(tuple(FAMILY_SEX), 2)
    people = [sur.person(FAMILY_SEX[rels[0]]), sur.person(FAMILY_SEX[rels[1]]), sur.person()]
    firsts = [Phi("PATIENT", p.first.lower() if rng.random() < 0.1 else p.first) for p in people]
    line = rng.choice(FAMILY_LINES)
    ctx.b.line(line, R1=rels[0].capitalize(), r1=rels[0], r2=rels[1], a=firsts[0], b=firsts[1], c=firsts[2], h=ctx.his, he=ctx.he,
               j=Phi("PROFESSION", sur.profession()), x=Phi("AGE", str(rng.randint(1, 17))), y=Phi("AGE", str(rng.randint(1, 17))))


SNIPPETS: Dict[str, Callable[[NoteContext], None]] = {
    "PATIENT": lambda c: (c.b.line("Emergency contact: {r} {n}, {ph}", r=c.patient.relation, n=c.sur.relative_name(c.patient.relative), ph=Phi("PHONE", c.sur.phone()))
                          if c.rng.random() < 0.4 else _snippet_family(c)),
    "DOCTOR": lambda c: c.b.line(c.rng.choice(("Discussed with {d}.", "Case reviewed with {d}, who agrees with the plan.", "Seen with {d}.")), d=c.doctor()),
    "USERNAME": lambda c: c.b.line(c.rng.choice(("Entered by: {u}", "Last edited by {u}", "Note author ID: {u}")), u=Phi("USERNAME", c.author.username)),
    "PROFESSION": lambda c: c.b.line(c.rng.choice(("Occupation: {j}", "Works as a {j}.")), j=Phi("PROFESSION", c.patient.profession)),
    "ROOM": lambda c: c.b.line(c.rng.choice(("Room: {r}", "Bed {r}", "Rm {r}", "Transferred to room {r}.")), r=Phi("ROOM", c.sur.room())),
    "DEPARTMENT": lambda c: c.b.line(c.rng.choice(("Referred to {d}.", "Service: {d}", "Consult requested from {d}.")), d=Phi("DEPARTMENT", c.sur.department(named=True))),
    "HOSPITAL": lambda c: c.b.line(c.rng.choice(("Prior records requested from {h}.", "Outside records from {h} reviewed.")), h=c.hospital(c.world.facility())),
    "ORGANIZATION": lambda c: (c.b.line(c.rng.choice(("Services arranged through {o}.", "Referral faxed to {o}.")), o=Phi("ORGANIZATION", c.sur.organization("agency")))
                               if c.rng.random() < 0.3 else _snippet_third_party(c)),
    "STREET": _snippet_address,
    "CITY": _snippet_address,
    "STATE": _snippet_address,
    "ZIP": _snippet_address,
    "COUNTRY": lambda c: c.b.line(c.rng.choice(("Born in {x}.", "Recent travel to {x}.", "Country of origin: {x}")), x=Phi("COUNTRY", c.patient.origin or c.sur.country())),
    "LOCATION-OTHER": lambda c: c.b.line(c.rng.choice(("Injury occurred at {l}.", "Was at {l} when symptoms began.")), l=Phi("LOCATION-OTHER", c.patient.hobby_place)),
    "AGE": lambda c: c.b.line("{r} died at age {a} of {x}.", r=c.rng.choice(cl.FAMILY_RELATIVES), a=Phi("AGE", str(c.rng.randint(50, 99))), x=c.rng.choice(cl.FAMILY_CONDITIONS)),
    "DATE": lambda c: c.b.line(c.rng.choice(("Last colonoscopy {d}.", "Last flu shot {d}.", "Tetanus booster {d}.")), d=c.date_phi(c.days(-900, -30), "past")),
    "PHONE": lambda c: c.b.line(c.rng.choice(("Patient phone: {p}", "Call back number {p}", "Home phone {p}", "Cell: {p}", "Work # {w}",
                                              "{r} (lives abroad) can be reached at {i}.", "Alt contact {r}: {i}", "Best number {p}, or work {w}.",
                                              "Text OK to {p}.", "Phone (H) {p} (W) {w}")),
                                r=c.patient.relation, p=Phi("PHONE", c.patient.phone), w=Phi("PHONE", c.sur.phone()), i=Phi("PHONE", c.sur.intl_phone())),
    "FAX": lambda c: c.b.line(c.rng.choice(("Please fax results to {f}.", "Fax: {f}")), f=Phi("FAX", c.facility.fax)),
    "EMAIL": lambda c: c.b.line(c.rng.choice((
        "Patient email: {e}", "Prefers contact by email ({e}).", "E-mail: {e}", "Results sent to {e} per pt request.", "pt email {e}",
        "Contact {r} at {e2} for scheduling.", "Questions to {i}.", "Copy of letter e-mailed to {e}.", "Email address on file ({e}) confirmed.",
        "Send records to {i}.", "Reach me at {a}.", "Proxy e-mail: {e2}")),
        e=Phi("EMAIL", c.patient.email), e2=Phi("EMAIL", c.sur.email(c.patient.relative)), r=c.patient.relation,
        i=Phi("EMAIL", c.sur.email(None, c.facility.domain)), a=Phi("EMAIL", c.sur.email(c.author.person, c.facility.domain))),
    "URL": lambda c: c.b.line(c.rng.choice((
        "Education materials: {u}", "Patient portal: {u}", "Pt directed to {u} for the low-sodium diet handout.", "More info: {u}",
        "Sign up for the portal at {h}", "Video visit link: {h}", "Consent form available at {h}", "See {u} for the study protocol.",
        "Directions and parking: {h}", "Online scheduling at {h}")),
        u=Phi("URL", c.sur.url()), h=Phi("URL", c.sur.url(c.facility.domain))),
    "IPADDR": lambda c: c.b.line(c.rng.choice((
        "Video visit connected from IP {i}.", "Remote monitor upload from {i}.", "Portal login from {i}.", "login from {i} at {t}",
        "Session IP: {i}", "Device gateway {i} reported 14 readings.", "Telehealth session source address {i} (home network).",
        "Access logged from workstation {i}.", "E-signature captured from {i}.", "Pt's home router {i} blocked the video app; switched to phone.")),
        i=Phi("IPADDR", c.sur.ipaddr()), t=f"{c.rng.randint(0, 23):02d}:{c.rng.randint(0, 59):02d}"),
    "SSN": lambda c: c.b.line(c.rng.choice(("SSN: {s}", "Social Security #: {s}", "SS# {s}", "Soc Sec No. {s}", "SSN {s} verified with registration.")),
                              s=Phi("SSN", c.patient.ssn)),
    "MEDICALRECORD": lambda c: c.b.line("{m}", m=mrn_field(c)),
    "HEALTHPLAN": lambda c: c.b.line(c.rng.choice(("Insurance: {o}, member ID {h}", "Health plan: {o} #{h}")), o=Phi("ORGANIZATION", c.patient.insurer), h=Phi("HEALTHPLAN", c.patient.healthplan)),
    "ACCOUNT": lambda c: c.b.line(c.rng.choice(("Account #: {a}", "Acct {a}", "Billing account: {a}")), a=Phi("ACCOUNT", c.sur.account())),
    "LICENSE": lambda c: c.b.line(c.rng.choice(("Prescriber DEA #: {l}", "Driver's license {l} on file.", "Provider license #{l}")), l=Phi("LICENSE", c.patient.license_no)),
    "VEHICLE": lambda c: c.b.line(c.rng.choice(("MVC: driver of vehicle with plate {v}.", "Vehicle ID: {v}", "Per police report, car {v} struck a pole.")), v=Phi("VEHICLE", c.patient.vehicle)),
    "DEVICE": lambda c: c.b.line(c.rng.choice(("{k} serial #{i}", "Device: {k}, S/N {i}", "{k} model/serial {i} interrogated today.")), k=(c.patient.device or "pacemaker").capitalize(), i=Phi("DEVICE", c.patient.device_id)),
    "BIOID": lambda c: c.b.line(c.rng.choice(("Biobank specimen ID: {x}", "Consented to research biobank, sample {x}.", "Fingerprint ID {x} verified.")), x=Phi("BIOID", c.patient.bioid)),
    "IDNUM": lambda c: c.b.line(c.rng.choice(("Order #{x}", "Requisition #: {x}", "Ref #{x}", "Pathology #{x}", "acc # {x}", "Autopsy permit # {x}",
                                              "Employee no.: {x}", "Certificate no. {x} issued.", "CT head (acc # {x}): no acute findings.")),
                                x=Phi("IDNUM", c.sur.idnum())),
}

#: how often a note carries each TYPE's snippet unprompted (rare TYPEs)
SNIPPET_RATES: Dict[str, float] = {
    "ROOM": 0.05, "DEPARTMENT": 0.03, "ORGANIZATION": 0.5, "PATIENT": 0.25, "EMAIL": 0.06, "FAX": 0.02, "URL": 0.07,
    "IPADDR": 0.08, "SSN": 0.006, "HEALTHPLAN": 0.01, "ACCOUNT": 0.02, "LICENSE": 0.005,
    "VEHICLE": 0.004, "DEVICE": 0.01, "BIOID": 0.004, "IDNUM": 0.12, "LOCATION-OTHER": 0.01,
    "COUNTRY": 0.01, "USERNAME": 0.03, "PHONE": 0.05, "STREET": 0.03,
}


def extras_block(ctx: NoteContext, forced: Sequence[str]) -> None:
    """Rare-TYPE lines, plus any ``forced`` TYPE the note does not hold yet."""
    rng = ctx.rng
    wanted = [t for t, rate in SNIPPET_RATES.items() if rng.random() < rate]
    wanted += [t for t in forced if t not in ctx.b.labels]
    done: set = set()
    lines = []
    for t in wanted:
        writer = SNIPPETS[t]
        if writer in done:
            continue
        done.add(writer)
        lines.append(writer)
    if not lines:
        return
    if rng.random() < 0.5:
        ctx.header("other", inline_ok=False)
    else:
        ctx.b.blank()
    for writer in lines:
        writer(ctx)
