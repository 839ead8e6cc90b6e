"""The SYNTHETIC note kinds: discharge summary, progress note, clinic letter,
ED note, radiology report and telephone/telehealth note.

Each composer draws which optional sections appear, in which order, and how
each is phrased, from the note's random stream; ``forced`` TYPEs are added in
a closing block when the note would otherwise lack them.
"""
import datetime as dt
from typing import Callable, Dict, List, Sequence, Tuple

from . import clinical as cl
from . import grammar as gr
from .builder import Field, Phi
from .sections import (
    NoteContext,
    address_lines,
    allergies_section,
    demographics_block,
    dob_field,
    exam_section,
    extras_block,
    family_section,
    followup_line,
    health_maintenance_section,
    hpi_opening,
    hpi_section,
    imaging_section,
    labs_section,
    letterhead,
    meds_section,
    mrn_field,
    pmh_section,
    psh_section,
    record_date_line,
    ros_section,
    signature,
    social_section,
    ap_section,
)
from .exports import EXPORT_KINDS, MACHINE_KINDS
from .foreign import FOREIGN_KINDS
from .kinds import MORE_KINDS, table_block
from .surrogates import department_field, weighted


def _maybe(ctx: NoteContext, p: float, writer: Callable[[NoteContext], None]) -> None:
    if ctx.rng.random() < p:
        writer(ctx)


def _title(ctx: NoteContext, options: Sequence[str]) -> None:
    title = ctx.rng.choice(options)
    ctx.b.line(title.upper() if ctx.style.header_case == "upper" else title)


def _joined(items: Sequence[Field], sep: str = ", ") -> List[Field]:
    out: List[Field] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out.append(item)
    return out


# ---------------------------------------------------------------------------


def discharge_summary(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    los = rng.randint(1, 14)
    admitted = ctx.date - dt.timedelta(days=los)
    _maybe(ctx, 0.8, record_date_line)
    if rng.random() < 0.5:
        b.line("{h}", h=ctx.hospital(short=False))
    _title(ctx, ("DISCHARGE SUMMARY", "Discharge Summary", "Discharge Summary - Final", "DISCHARGE SUMMARY (FINAL)", "Discharge Note"))
    extra: List[Tuple[str, Field]] = [
        (rng.choice(("Admission Date", "Date of Admission", "ADMIT DATE", "Admitted")), ctx.date_phi(admitted)),
        (rng.choice(("Discharge Date", "Date of Discharge", "DISCHARGE DATE", "Discharged")), ctx.date_phi(ctx.date)),
    ]
    if rng.random() < 0.6:
        extra.append((rng.choice(("Attending", "Attending Physician", "Discharging Physician")), ctx.doctor(ctx.author, "header")))
    if rng.random() < 0.2:
        extra.append((rng.choice(("Service", "Department", "Unit")), department_field(ctx.author.department)))
    if rng.random() < 0.15:
        extra.append(("Room", Phi("ROOM", ctx.sur.room())))
    if rng.random() < 0.25:
        extra.append(("PCP", ctx.doctor(p.pcp, "header")))
    demographics_block(ctx, extra)
    principal = rng.choice(p.problems)
    if rng.random() < 0.7:
        ctx.header("cc")
        b.line(rng.choice(cl.SYMPTOMS))
    hpi_section(ctx, n_extra=(3, 7), ed_course=rng.random() < 0.7)
    middle: List[Callable[[NoteContext], None]] = [pmh_section, psh_section, lambda c: meds_section(c, "meds"), allergies_section]
    if rng.random() < 0.3:
        rng.shuffle(middle)
    for w in middle:
        w(ctx)
    _maybe(ctx, 0.7, social_section)
    _maybe(ctx, 0.45, family_section)
    _maybe(ctx, 0.8, exam_section)
    _maybe(ctx, 0.7, labs_section)
    _maybe(ctx, 0.2, table_block)
    _maybe(ctx, 0.45, imaging_section)
    # hospital course
    ctx.header("course", inline_ok=False)
    if rng.random() < 0.5:
        b.emit(rng.choice(("{n} was admitted to {h} for management of {x}. ", "The patient was admitted to the {d} service. ",
                           "Pt admitted on {t} with {x}. ")),
               n=ctx.patient_name("narrative"), h=ctx.hospital(), x=rng.choice(principal.names),
               d=department_field(ctx.author.department), t=ctx.date_phi(admitted, "short"))
        b.add(" ".join(rng.sample(cl.COURSE_EVENTS, k=rng.randint(1, 3)) + [gr.course_sentence(rng) for _ in range(rng.randint(0, 2))]))
        b.add("\n")
    for i, prob in enumerate(p.problems, 1):
        plan = cl.plan_for(rng, prob)
        header = rng.choice(prob.names)
        line: List[Field] = [f"# {header}: " if rng.random() < 0.6 else f"{header.upper()}: ", plan]
        r = rng.random()
        if r < 0.2:
            line += [" On ", ctx.date_phi(admitted + dt.timedelta(days=rng.randint(0, los)), "short"),
                     rng.choice((" was seen by ", " discussed with ")), ctx.doctor(), "."]
        elif r < 0.3:
            line += [f" HD#{rng.randint(2, max(2, los))} ", rng.choice(("improved", "transferred to the floor", "afebrile")), "."]
        if rng.random() < 0.45:
            line += [" " + " ".join(rng.sample(cl.COURSE_EVENTS, k=rng.randint(1, 3)))]
        elif rng.random() < 0.5:
            line += [" " + gr.course_sentence(rng)]
        b.piece(line).add("\n")
    _maybe(ctx, 0.3, lambda c: b.line(rng.choice(cl.IMAGING)))
    meds_section(ctx, "dc_meds", cl.random_meds(rng, p.problems, rng.randint(4, 11)))
    if rng.random() < 0.7:
        ctx.header("condition")
        b.line(rng.choice(cl.CONDITIONS))
    if rng.random() < 0.7:
        ctx.header("disposition")
        dispo = rng.choice(cl.DISPOSITIONS)
        if "VNA" in dispo or "services" in dispo:
            b.line("{d} ({o})", d=dispo, o=Phi("ORGANIZATION", ctx.sur.organization("agency")))
        elif "facility" in dispo and rng.random() < 0.6:
            b.line("{d}: {h}", d=dispo, h=Phi("HOSPITAL", f"{ctx.sur.us.last_name()} {rng.choice(('Rehabilitation Center', 'Nursing Home', 'Skilled Nursing', 'Manor'))}"))
        else:
            b.line(dispo)
    ctx.header("followup", inline_ok=False)
    items: List[Field] = []
    for c in rng.sample(p.specialists + [p.pcp], k=rng.randint(1, len(p.specialists) + 1)):
        form = rng.random()
        when = ctx.date_phi(ctx.days(3, 60), "short")
        if form < 0.35:
            items.append((ctx.doctor(c), " on ", when))
        elif form < 0.6:
            items.append((ctx.doctor(c), ", ", department_field(c.department), ", ", when, rng.choice((" at 10:30am", " 2:00 PM", ""))))
        elif form < 0.8:
            items.append((ctx.doctor(c), " in 1-2 weeks, ", Phi("PHONE", c.facility.phone)))
        else:
            items.append((ctx.doctor(c), " at ", ctx.hospital(c.facility), ", ", when))
    ctx.bullets(items, numbered=False)
    if rng.random() < 0.4:
        b.line(rng.choice(cl.EDUCATION))
    if rng.random() < 0.6:
        b.blank()
        b.line(rng.choice(("Discharge Instructions:", "Patient Instructions:", "INSTRUCTIONS:")))
        ctx.bullets(rng.sample(cl.INSTRUCTIONS, k=rng.randint(2, 5)), numbered=False)
    extras_block(ctx, forced)
    signature(ctx)


def progress_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe(ctx, 0.85, record_date_line)
    if rng.random() < 0.15:
        b.line("{h} {d}", h=ctx.hospital(), d=department_field(ctx.author.department))
    elif rng.random() < 0.3:
        b.line("{h}", h=ctx.hospital())
    _title(ctx, ("Progress Note", "Clinic Note", "Follow-up Visit", "PCP Visit", "Office Visit", "Attending Progress Note",
                 "Return Visit", "Outpatient Note", "Interval Note", "Inpatient Progress Note", "Annual Physical"))
    if rng.random() < 0.6:
        extra: List[Tuple[str, Field]] = []
        if rng.random() < 0.4:
            extra.append((rng.choice(("PCP", "Primary care", "Provider")), ctx.doctor(p.pcp, "header")))
        if rng.random() < 0.1:
            extra.append(("Location", Phi("ROOM", ctx.sur.room())))
        demographics_block(ctx, extra)
    elif rng.random() < 0.5:
        b.blank()
        b.line(rng.choice(("{n} is seen today for follow-up.", "Seen with {n} today.", "{n} returns for a scheduled visit.")),
               n=ctx.patient_name("narrative"))
    _maybe(ctx, 0.45, lambda c: (c.header("cc"), b.line(rng.choice(cl.SYMPTOMS + ("follow-up", "f/u HTN, DM", "routine visit", "med check")))))
    hpi_section(ctx, n_extra=(2, 5))
    optional: List[Tuple[float, Callable[[NoteContext], None]]] = [
        (0.6, pmh_section), (0.3, psh_section), (0.8, meds_section), (0.6, allergies_section), (0.35, social_section),
        (0.2, family_section), (0.4, ros_section),
    ]
    writers = [w for prob, w in optional if rng.random() < prob]
    if rng.random() < 0.35:
        rng.shuffle(writers)
    for w in writers:
        w(ctx)
    exam_section(ctx, with_vitals=rng.random() < 0.9)
    _maybe(ctx, 0.5, labs_section)
    _maybe(ctx, 0.15, table_block)
    _maybe(ctx, 0.2, imaging_section)
    ap_section(ctx)
    _maybe(ctx, 0.3, health_maintenance_section)
    extras_block(ctx, forced)
    signature(ctx)


def clinic_letter(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe(ctx, 0.6, record_date_line)
    letterhead(ctx)
    b.line("{d}", d=ctx.date_phi(ctx.date, "full"))
    b.blank()
    recipient = rng.choice(p.specialists + [p.pcp]) if rng.random() < 0.7 else p.pcp
    b.line("{d}", d=ctx.sur.doctor_name(recipient.person, "signature"))
    if rng.random() < 0.5:
        b.line("{h}", h=ctx.hospital(recipient.facility, short=False))
        if rng.random() < 0.6:
            f = recipient.facility
            address_lines(ctx, f.street, f.city, f.state, f.zip)
    b.blank()
    if rng.random() < 0.6:
        b.emit(rng.choice(("Re: ", "RE: ", "Patient: ")) + "{n}", n=ctx.patient_name("header"))
        if rng.random() < 0.7:
            b.emit(rng.choice(("; ", ", ", "  ")) + "{m}", m=mrn_field(ctx))
        if rng.random() < 0.5:
            b.emit(rng.choice(("; ", ", ", "  ")) + "{d}", d=dob_field(ctx))
        b.add("\n")
    else:
        demographics_block(ctx)
    b.blank()
    b.line(rng.choice(("Dear {d},", "Dear {d}:", "Dear Colleague,")), d=(rng.choice(("Dr. ", "Dr.")), Phi("DOCTOR", recipient.person.last))
           if rng.random() < 0.8 else Phi("DOCTOR", recipient.person.first))
    b.blank()
    b.emit(rng.choice((
        "I had the pleasure of seeing {n} in {dep} at {h} on {t}.",
        "I had the pleasure of seeing {n} in clinic at {h} on {t}.",
        "Thank you for referring {n}, whom I saw in consultation on {t}.",
        "I saw your patient {n} today in the {dep} clinic.",
        "{n} returned to {h} for follow-up on {t}.",
        "This letter summarizes my visit with {n} on {t}.",
    )), n=ctx.patient_name("narrative"), dep=department_field(ctx.author.department), h=ctx.hospital(), t=ctx.date_phi(ctx.date, "short"))
    b.add(" As you know, ")
    hpi_opening(ctx, rng.choice(cl.SYMPTOMS))
    for sentence in rng.sample(cl.ASSOCIATED, k=rng.randint(1, 4)):
        b.add(" " + sentence)
    b.add("\n").blank()
    meds = p.meds[:]
    rng.shuffle(meds)
    b.line(rng.choice(("Current medications include ", "Medications: ", "{H} takes ")).replace("{H}", ctx.he.capitalize())
           + ", ".join(meds) + ". Allergies: " + ", ".join(p.allergies) + ".")
    if rng.random() < 0.5:
        b.blank()
        social_section(ctx)
    b.blank()
    v = cl.vitals_values(rng)
    b.line(rng.choice((
        f"On examination, blood pressure was {v['bp']}, heart rate {v['hr']}, and weight {v['wt_lb']} lb.",
        f"Exam: BP {v['bp']}, P {v['hr']}. " + "; ".join(f"{n}: {rng.choice(f)}" for n, f in rng.sample(cl.EXAM, k=4)) + ".",
        f"Physical examination was notable for a BP of {v['bp']} and {rng.choice(cl.EXAM[4][1])}.",
    )))
    if rng.random() < 0.6:
        b.line("Recent labs: " + cl.lab_line(rng) + ".")
    b.blank()
    b.line(rng.choice(("Impression and recommendations:", "IMPRESSION/PLAN:", "In summary:", "My recommendations are as follows:")))
    items = [cl.plan_for(rng, x) for x in p.problems[: rng.randint(2, 5)]]
    if rng.random() < 0.6:
        ctx.bullets([s[0].upper() + s[1:] for s in items], numbered=True)
    else:
        b.line(" ".join(s[0].upper() + s[1:] for s in items))
    b.blank()
    b.emit(rng.choice((
        "Thank you for allowing me to participate in the care of this patient.",
        "Thank you for this referral.",
        "Please do not hesitate to contact me at {ph} with any questions.",
        "I will see {him} again on {t}.",
        "Feel free to reach me at {e}.",
    )), ph=Phi("PHONE", ctx.facility.phone), him="him" if ctx.he == "he" else "her", t=ctx.date_phi(ctx.days(14, 180), "short"),
        e=Phi("EMAIL", ctx.author.email))
    b.add("\n").blank()
    b.line(rng.choice(("Sincerely,", "Best regards,", "Yours sincerely,", "With best wishes,")))
    b.blank()
    b.line("{d}", d=ctx.sur.doctor_name(ctx.author.person, "signature"))
    if rng.random() < 0.3:
        b.line("{dep}", dep=department_field(ctx.author.department))
    if rng.random() < 0.1:
        b.line("{e}", e=Phi("EMAIL", ctx.author.email))
    if rng.random() < 0.5:  # reference initials: author / typist ("AK/sb", "LTF:DMK")
        typist = ctx.sur.person().initials
        if rng.random() < 0.5:
            b.blank()
        b.line("{a}" + rng.choice(("/", "/", ":", " / ")) + "{t}", a=Phi("DOCTOR", ctx.author.person.initials),
               t=Phi("DOCTOR", typist.lower() if rng.random() < 0.6 else typist))
    extras_block(ctx, forced)
    if rng.random() < 0.5:
        cc = [ctx.doctor(c) for c in rng.sample(p.specialists, k=1)]
        b.blank()
        b.emit("cc: ").piece(_joined(cc + ([ctx.patient_name()] if rng.random() < 0.3 else []), "; ")).add("\n")


def ed_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe(ctx, 0.8, record_date_line)
    _title(ctx, ("ED NOTE", "ED Attending Note", "ED Provider Note", "Emergency Note", "ED Visit", "ED Physician Record"))
    if rng.random() < 0.3:
        b.line("{h} {d}", h=ctx.hospital(), d=rng.choice(("Emergency Department", "Emergency Medicine")))
    elif rng.random() < 0.3:
        b.line("{h}", h=ctx.hospital(short=False))
    arrival_minute = rng.randint(0, 24 * 60 - 1)
    b.line("{l}{d} {t}", l=rng.choice(("Arrival: ", "Date/time of arrival: ", "Seen: ")), d=ctx.date_phi(ctx.date),
           t=f"{arrival_minute // 60:02d}{arrival_minute % 60:02d}")
    if rng.random() < 0.6:
        demographics_block(ctx)
    arrival = rng.random()
    if arrival < 0.35:
        b.line("Arrived by EMS from {c}.", c=Phi("CITY", ctx.sur.city()))
    elif arrival < 0.45:
        b.line("Transferred from {h} for higher level of care.", h=ctx.hospital(ctx.world.facility()))
    else:
        b.line(rng.choice(("Walk-in.", "Mode of arrival: ambulatory.", "Brought in by family.")))
    reason = rng.choice(cl.SYMPTOMS)
    ctx.header("cc")
    b.line(reason)
    hpi_section(ctx, reason=reason, n_extra=(3, 6))
    pmh_section(ctx)
    _maybe(ctx, 0.8, meds_section)
    allergies_section(ctx)
    _maybe(ctx, 0.5, social_section)
    _maybe(ctx, 0.4, ros_section)
    ctx.header("exam", inline_ok=False)
    b.line(rng.choice(("Triage vitals: ", "Initial VS: ", "VS: ")) + cl.vitals_line(rng))
    for name, findings in rng.sample(cl.EXAM, k=rng.randint(4, 8)):
        b.line(f"{name}: {rng.choice(findings)}")
    _maybe(ctx, 0.8, labs_section)
    _maybe(ctx, 0.1, table_block)
    _maybe(ctx, 0.6, imaging_section)
    ctx.header("ed_course", inline_ok=False)
    t = arrival_minute + rng.randint(10, 50)
    for _ in range(rng.randint(2, 5)):
        stamp = f"{(t // 60) % 24:02d}{t % 60:02d}"
        event = rng.choice((
            "given ASA 325 mg PO and NTG 0.4 mg SL x1 with relief.", "2L NS bolus.", "repeat troponin negative.",
            "ceftriaxone 1 g IV given.", "patient resting comfortably.", "morphine 4 mg IV x1 for pain.",
            "CT read as above.", "duoneb x3 with improvement in wheezing.", "lasix 40 mg IV with 1.2 L UOP.",
        ))
        if rng.random() < 0.2:
            b.line(f"{stamp} - discussed with " + "{d}" + ", who will see the patient.", d=ctx.doctor())
        else:
            b.line(f"{stamp} - {event}")
        t += rng.randint(15, 120)
    ctx.header("mdm", inline_ok=False)
    b.emit("{a} {s} with ", a=ctx.age(), s=p.person.sex)
    b.line(f"{rng.choice(p.problems[0].names)} presenting with {reason}. " + rng.choice((
        "Low suspicion for ACS given negative troponins and nonischemic ECG.", "Differential includes CAP vs CHF exacerbation.",
        "Likely musculoskeletal.", "Concern for sepsis from urinary source.", "Will admit for further workup.")))
    ctx.header("disposition")
    r = rng.random()
    if r < 0.45:
        b.line(rng.choice(("Admitted to {d} under {doc}, room {r}.", "Admit to {d}, {doc} accepting. Bed {r}.")),
               d=rng.choice(("Medicine", "Internal Medicine", "Cardiology", "Medical Intensive Care Unit", "Observation Unit")),
               doc=ctx.doctor(), r=Phi("ROOM", ctx.sur.room()))
    elif r < 0.6:
        b.line("Admitted to the floor. Condition: " + rng.choice(cl.CONDITIONS) + ".")
    else:
        b.line(rng.choice(("Discharged home", "Home", "Discharged to home with family")) + "; follow up with {d} in 2-3 days.", d=ctx.doctor(p.pcp))
    extras_block(ctx, forced)
    signature(ctx)


#: exam -> scenarios, each (findings, impressions) that agree with each other
RADIOLOGY: Dict[str, Tuple[Tuple[Tuple[str, ...], Tuple[str, ...]], ...]] = {
    "CT CHEST WITH CONTRAST": (
        (("Lungs: No focal consolidation. 4 mm nodule in the RUL (series 3, image 42).", "Pleura: No effusion.",
          "Mediastinum: No lymphadenopathy by CT size criteria.", "Heart: Normal size. Coronary calcifications.",
          "Pulmonary arteries: No filling defect.", "Bones: Degenerative changes of the thoracic spine."),
         ("No pulmonary embolism.", "4 mm RUL nodule; follow-up CT in 12 months per Fleischner guidelines.")),
        (("Filling defects in the right lower lobe segmental arteries.", "RV/LV ratio 0.9.", "Small right pleural effusion.",
          "Wedge-shaped opacity in the right lower lobe.", "Bones: No suspicious lesion."),
         ("Acute right lower lobe segmental pulmonary emboli without right heart strain.", "Small right effusion.",
          "RLL opacity, possibly infarct.")),
    ),
    "CXR PA/LAT": (
        (("The lungs are clear.", "Heart size is normal.", "No pneumothorax or effusion.", "Mediastinal contours are unremarkable."),
         ("No acute cardiopulmonary process.",)),
        (("Patchy opacity at the right base.", "Blunting of the left costophrenic angle.", "Heart size is upper normal.",
          "No pneumothorax."),
         ("Right basilar opacity, atelectasis vs pneumonia.", "Small left effusion.")),
    ),
    "CT HEAD WITHOUT CONTRAST": (
        (("No intracranial hemorrhage, mass effect or midline shift.", "Ventricles are normal in size.",
          "The visualized paranasal sinuses are clear.", "Periventricular white matter hypodensities."),
         ("No acute intracranial abnormality.", "Chronic small vessel ischemic changes.")),
        (("Hypodensity in the left MCA territory with loss of gray-white differentiation.", "No hemorrhage.",
          "Mild effacement of the adjacent sulci."),
         ("Acute to subacute left MCA territory infarct.", "No hemorrhagic transformation.")),
    ),
    "US ABDOMEN COMPLETE": (
        (("Liver: Normal echotexture, no focal lesion.", "Gallbladder: Multiple shadowing stones, no wall thickening.",
          "CBD measures 4 mm.", "Kidneys: Right 10.8 cm, left 11.2 cm, no hydronephrosis.", "No ascites."),
         ("Cholelithiasis without sonographic evidence of cholecystitis.",)),
        (("Liver: Coarsened echotexture with nodular contour.", "Moderate ascites.", "Spleen 15.2 cm.", "Patent portal vein with hepatopetal flow."),
         ("Cirrhotic liver morphology with splenomegaly and ascites.",)),
    ),
    "MRI LUMBAR SPINE WITHOUT CONTRAST": (
        (("L3-4: Mild disc bulge, no stenosis.", "L4-5: Broad-based disc bulge with moderate right foraminal narrowing.",
          "L5-S1: Facet arthropathy.", "Conus terminates at L1."),
         ("Multilevel degenerative changes, most pronounced at L4-5.",)),
    ),
    "BILATERAL LOWER EXTREMITY VENOUS DUPLEX": (
        (("Normal compressibility of the common femoral, femoral and popliteal veins bilaterally.", "Normal phasic flow."),
         ("No evidence of DVT.",)),
        (("Noncompressible left popliteal vein with echogenic thrombus.", "Right side: normal compressibility and flow."),
         ("Acute left popliteal DVT.",)),
    ),
}


def radiology_report(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe(ctx, 0.7, record_date_line)
    if rng.random() < 0.6:
        b.line("{h} {d}", h=ctx.hospital(), d=rng.choice(("Department of Radiology", "Radiology", "Diagnostic Imaging")))
    _title(ctx, ("IMAGING REPORT", "Imaging Report", "Final Report", "DIAGNOSTIC REPORT", "Report"))
    demographics_block(ctx)
    exam, scenarios = rng.choice(sorted(RADIOLOGY.items()))
    findings, impressions = rng.choice(scenarios)
    b.line("Exam: " + exam)
    b.line("{l}{d}", l=rng.choice(("Date of exam: ", "Exam date: ", "Date: ")), d=ctx.date_phi(ctx.date))
    if rng.random() < 0.8:
        b.line("{l}{i}", l=rng.choice(("Accession #: ", "Accession: ", "ACC# ", "Order #")), i=Phi("IDNUM", ctx.sur.idnum()))
    b.line("{l}{d}", l=rng.choice(("Ordering physician: ", "Referring: ", "Ordered by: ")), d=ctx.doctor(p.pcp, "header"))
    ctx.header("indication")
    b.emit("{a} {s} with ", a=ctx.age(), s=p.person.sex)
    b.line(rng.choice(cl.SYMPTOMS) + rng.choice((".", ", r/o PE.", ", eval for pneumonia.", "; h/o " + rng.choice(p.problems[0].names) + ".")))
    if rng.random() < 0.6:
        ctx.header("technique")
        b.line(rng.choice(("Standard protocol.", "Axial images were obtained with IV contrast.", "Multiplanar multisequence imaging without contrast.",
                           "PA and lateral views.", "Grayscale and color Doppler images.")))
    ctx.header("comparison")
    if rng.random() < 0.6:
        b.line("{d}", d=ctx.date_phi(ctx.days(-900, -20), rng.choice(("full", "short"))))
    else:
        b.line("None.")
    ctx.header("findings", inline_ok=False)
    for f in rng.sample(findings, k=rng.randint(min(2, len(findings)), len(findings))):
        b.line(f)
    ctx.header("impression", inline_ok=False)
    ctx.bullets(rng.sample(impressions, k=rng.randint(1, len(impressions))), numbered=True)
    extras_block(ctx, forced)
    b.blank()
    b.line(rng.choice(("Dictated by: {d}", "Radiologist: {d}", "Read by {d}")), d=ctx.doctor(ctx.author, "signature"))
    b.line(rng.choice(("Signed: {t}", "Electronically signed {t}", "Finalized {t}")), t=ctx.date_phi(ctx.days(0, 1)))


def telephone_note(ctx: NoteContext, forced: Sequence[str]) -> None:
    rng, b, p = ctx.rng, ctx.b, ctx.patient
    _maybe(ctx, 0.85, record_date_line)
    kind = rng.choice(("phone", "portal", "video"))
    _title(ctx, {"phone": ("Telephone Encounter", "Phone Note", "Telephone Call"),
                 "portal": ("Patient Portal Message", "Patient Message", "Portal Message"),
                 "video": ("Telehealth Visit", "Video Visit Note", "Virtual Visit")}[kind])
    if rng.random() < 0.5:
        demographics_block(ctx)
    if kind == "phone":
        if rng.random() < 0.5:
            b.line("Caller: {n} ({r})", n=ctx.sur.relative_name(p.relative), r=p.relation)
        else:
            b.line("Patient called from {ph}.", ph=Phi("PHONE", p.phone))
    elif kind == "portal":
        b.line("Message from {n}" + rng.choice(("", " via portal", " (sent from {e})")), n=ctx.patient_name(), e=Phi("EMAIL", p.email))
    else:
        b.emit("Visit conducted via secure video; patient located at home in {c}, {s}", c=Phi("CITY", p.city), s=Phi("STATE", p.state))
        if rng.random() < 0.3:
            b.emit(", session IP {i}", i=Phi("IPADDR", ctx.sur.ipaddr()))
        if rng.random() < 0.2:
            b.emit(", link {u}", u=Phi("URL", ctx.sur.url()))
        b.line(". Consent obtained verbally.")
    b.blank()
    reason = rng.random()
    med = rng.choice(p.meds)
    if reason < 0.35:
        b.line(f"Requesting refill of {med}. Last filled " + "{d}" + ".", d=ctx.date_phi(ctx.days(-90, -20), "short"))
        b.line(rng.choice(("Refill sent to pharmacy.", "90-day supply with 1 refill sent.", "Needs visit before further refills.")))
    elif reason < 0.7:
        symptom = rng.choice(cl.SYMPTOMS)
        b.emit("Reports {s} {d}. ", s=symptom, d=rng.choice(cl.DURATIONS))
        b.line(" ".join(rng.sample(cl.ASSOCIATED, k=rng.randint(0, 2)) + [gr.negation_sentence(rng, ctx.he)]))
        b.line(rng.choice(("Advised to go to the ED if symptoms worsen.", "Scheduled for same-day visit.", "Will call back tomorrow to check in.")))
    else:
        b.emit("Calling with results: ")
        b.line(cl.lab_line(rng) + ".")
        b.line(rng.choice(("Reviewed with patient; no changes.", "Will adjust " + med.split(" ")[0] + " as discussed.")))
    if rng.random() < 0.3:
        followup_line(ctx)
    extras_block(ctx, forced)
    b.blank()
    b.line(rng.choice(("{d}", "{d} / {u}", "-- {d}")), d=ctx.doctor(ctx.author, "signature"), u=Phi("USERNAME", ctx.author.username))


NOTE_KINDS: Dict[str, Tuple[Callable[[NoteContext, Sequence[str]], None], float]] = {
    "discharge_summary": (discharge_summary, 0.18),
    "progress_note": (progress_note, 0.22),
    "clinic_letter": (clinic_letter, 0.10),
    "ed_note": (ed_note, 0.09),
    "radiology_report": (radiology_report, 0.06),
    "telephone_note": (telephone_note, 0.05),
}
NOTE_KINDS.update(MORE_KINDS)
NOTE_KINDS.update(FOREIGN_KINDS)
NOTE_KINDS.update(EXPORT_KINDS)

#: kinds that may carry ``Dictated by / Transcribed by`` lines
DICTATED_KINDS = ("discharge_summary", "progress_note", "clinic_letter", "ed_note", "radiology_report", "operative_report",
                  "pathology_report", "psychiatry_note", "outpatient_letter")
#: machine output, never hard-wrapped (one segment, element or row per line)
UNWRAPPED_KINDS = ("hl7_message",) + MACHINE_KINDS
#: kinds never printed ALL-CAPS (typed by patients or machines)
MIXED_CASE_KINDS = ("portal_message", "telehealth_it") + MACHINE_KINDS


def choose_kind(rng, patient=None, day=None) -> str:
    """A note kind; with ``patient`` only kinds that fit their age and sex (children get pediatric notes)."""
    options = [(k, w) for k, (_, w) in NOTE_KINDS.items()]
    if patient is not None:
        age = patient.age_on(day) if day is not None else 40
        female = patient.person.sex == "F"
        fits = []
        for k, w in options:
            if k == "pediatric_note":
                w = 1.2 if age < 18 else 0.0
            elif k == "obstetric_note" and not (female and 16 <= age <= 48):
                w = 0.0
            elif k == "obstetric_note":
                w *= 4
            elif age < 18 and k in ("discharge_summary", "progress_note", "clinic_letter"):
                w *= 0.3
            fits.append((k, w))
        options = fits
    return weighted(rng, options)  # type: ignore[return-value]
