"""SYNTHETIC machine output and paper forms, as they reach a de-identifier in bulk: an X12 5010
eligibility response (271), a FHIR Patient resource, a C-CDA document, a CSV worklist export, a
DICOM header dump and a numbered form with check boxes.

Their PHI follows the hand-written yardstick's rules (``tests/fixtures/ood_notes/README.md``):
an X12 ``NM1`` name is one span from family name to middle initial
(``NAKAGAWA*HIROSHI*T``); FHIR ``family`` and each ``given`` string are separate spans; a
hospital's own identifier namespace is a URL, a public one (``http://hl7.org/fhir/sid/us-ssn``)
is not PHI; every CSV cell is its own span. Their structure (segment ids, qualifiers, codes, JSON
keys, column names, form item numbers) is text that is never PHI, which the model has to learn too.
"""
import datetime as dt
import random
import re
from typing import Sequence, Tuple

from .builder import Phi
from .sections import NoteContext, extras_block
from .surrogates import Person, ascii_lower, component_name, initials_of


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def x12_eligibility(ctx: NoteContext, forced: Sequence[str]) -> None:
    """A registration desk's eligibility check: the raw X12 271 response, then the clerk's summary."""
    rng, b, p, sur = ctx.rng, ctx.b, ctx.patient, ctx.sur
    fac = ctx.facility
    payer = p.insurer.upper()
    sender = Phi("ORGANIZATION", rng.choice(("CLEARHUB", "AVAILITY", "CHC", "TRIZETTO", "EDIX")) + f"{rng.randint(1, 99):02d}")
    receiver = Phi("HOSPITAL", (initials_of(fac.name) or fac.short.upper())[:6])
    ctl = str(rng.randint(1, 99999)).zfill(9)
    grp = str(int(ctl))
    day = ctx.date
    clerk = sur.person()
    login = Phi("USERNAME", sur.username(clerk))
    if rng.random() < 0.7:
        b.line("PATIENT ACCESS - ELIGIBILITY RESPONSE (270/271, X12 005010X279A1)")
        b.line("Facility: {f}", f=Phi("HOSPITAL", fac.name))
        b.line("Inquiry {d} {t} by {u}", d=Phi("DATE", day.strftime("%m/%d/%Y")), t=f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}", u=login)
        b.blank()
    sep = "~\n" if rng.random() < 0.8 else "~"

    def put(template: str, **fields) -> None:
        b.emit(template + sep, **fields)

    put("ISA*00*          *00*          *ZZ*{s}    *ZZ*{r}    *{d}*" + f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}" + "*^*00501*{c}*0*P*:",
        s=sender, r=receiver, d=Phi("DATE", day.strftime("%y%m%d")), c=Phi("IDNUM", ctl))
    put("GS*HB*{s}*{r}*{d}*" + f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}" + "*{g}*X*005010X279A1",
        s=sender, r=receiver, d=Phi("DATE", day.strftime("%Y%m%d")), g=Phi("IDNUM", grp))
    put("ST*271*0001*005010X279A1")
    trace = Phi("IDNUM", f"{rng.choice('RTQ')}{rng.choice('QXZ')}{rng.randint(10**7, 10**8 - 1)}")
    put("BHT*0022*11*{t}*{d}*" + f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}", t=trace, d=Phi("DATE", day.strftime("%Y%m%d")))
    put("HL*1**20*1")
    put("NM1*PR*2*{p}*****PI*{i}", p=Phi("ORGANIZATION", payer), i=Phi("IDNUM", str(rng.randint(10000, 99999))))
    if rng.random() < 0.6:
        put("PER*IC*PROVIDER SERVICES*TE*{t}", t=Phi("PHONE", _digits(sur.phone())[-10:]))
    put("HL*2*1*21*1")
    put("NM1*1P*2*{h}*****XX*{n}", h=Phi("HOSPITAL", fac.name.upper()), n=Phi("IDNUM", str(rng.randint(10**9, 2 * 10**9 - 1))))
    put("HL*3*2*22*" + ("1" if rng.random() < 0.4 else "0"))
    put("TRN*2*{t}*" + str(rng.randint(10**9, 2 * 10**9 - 1)), t=trace)
    put("NM1*IL*1*{n}***MI*{m}", n=component_name(p.person, "PATIENT", "*"), m=Phi("HEALTHPLAN", p.healthplan.replace(" ", "")))
    if p.employer and rng.random() < 0.5:
        put("REF*6P*{g}*{e}", g=Phi("HEALTHPLAN", f"GRP-{rng.randint(1000, 99999)}"), e=Phi("ORGANIZATION", p.employer.upper()))
    put("N3*{s}", s=Phi("STREET", p.street.upper().replace(", ", "*")))
    put("N4*{c}*{s}*{z}", c=Phi("CITY", p.city.upper()), s=Phi("STATE", sur.state(abbr=True)), z=Phi("ZIP", p.zip))
    put("DMG*D8*{d}*" + p.person.sex, d=Phi("DATE", p.dob.strftime("%Y%m%d")))
    put("INS*Y*18*001*25")
    start = dt.date(day.year, 1, 1)
    put("DTP*291*RD8*{a}-{b}", a=Phi("DATE", start.strftime("%Y%m%d")), b=Phi("DATE", dt.date(day.year, 12, 31).strftime("%Y%m%d")))
    plan = rng.choice(("GOLD PPO 1500", "SILVER HMO", "BRONZE HSA 3000", "CHOICE PLUS"))
    put("EB*1*IND*30**" + plan)
    for code, amount in rng.sample((("C", "1500"), ("C", "612.40"), ("B", "35"), ("A", ".2"), ("G", "4000")), rng.randint(1, 4)):
        put(f"EB*{code}*IND*{rng.choice(('30', '98', 'MH', 'UC'))}***{rng.choice(('23', '29', '27'))}*{amount}*****Y")
    if rng.random() < 0.5:
        put("MSG*" + rng.choice(("PRIOR AUTHORIZATION REQUIRED FOR ADVANCED IMAGING", "REFERRAL REQUIRED FOR SPECIALIST", "COORDINATION OF BENEFITS ON FILE")))
    if rng.random() < 0.5:
        put("HL*4*3*23*0")
        put("NM1*03*1*{n}", n=component_name(p.relative, "PATIENT", "*"))
        put("DMG*D8*{d}*" + p.relative.sex, d=Phi("DATE", (p.dob - dt.timedelta(days=rng.randint(-4000, 4000))).strftime("%Y%m%d")))
    put("SE*" + str(rng.randint(18, 40)) + "*0001")
    put("GE*1*{g}", g=Phi("IDNUM", grp))
    put("IEA*1*{c}", c=Phi("IDNUM", ctl))
    b.blank()
    if rng.random() < 0.8:
        b.line("REGISTRAR SUMMARY ({u}):", u=login)
        b.line("Subscriber {n} active with {i}; member ID {m}. Copay $" + str(rng.choice((20, 35, 50))) + ", deductible met "
               + str(rng.randint(0, 100)) + "%. Called pt at {ph}.", n=Phi("PATIENT", p.person.full), i=Phi("ORGANIZATION", p.insurer),
               m=Phi("HEALTHPLAN", p.healthplan), ph=Phi("PHONE", p.phone))
        b.line("- {c}", c=Phi("PATIENT", f"{clerk.first[0]}. {clerk.last}"))
    extras_block(ctx, forced)


def fhir_patient(ctx: NoteContext, forced: Sequence[str]) -> None:
    """A FHIR R4 Patient resource as an integration ticket or an export shows it."""
    rng, b, p, sur = ctx.rng, ctx.b, ctx.patient, ctx.sur
    fac = ctx.facility
    domain = fac.domain or f"{ascii_lower(fac.short)}.example.org"
    ind = "  " if rng.random() < 0.6 else "    "
    if rng.random() < 0.6:
        b.line(rng.choice(("Interface error - FHIR Patient upsert rejected (HTTP 422)", "FHIR export, resource 1 of 1",
                           "Service desk: payload attached for review", "GET /fhir/r4/Patient - response body")))
        b.blank()
    rid = Phi("IDNUM", f"pt-{rng.randint(16**5, 16**6 - 1):06x}")
    b.add("{\n").add(f'{ind}"resourceType": "Patient",\n{ind}"id": "').phi(rid.label, rid.text).add('",\n')
    stamp = dt.datetime.combine(ctx.date, dt.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)))
    b.add(f'{ind}"meta": {{ "lastUpdated": "').phi("DATE", stamp.strftime("%Y-%m-%dT%H:%M:%S") + rng.choice(("Z", "-05:00", "-07:00", ".000Z"))).add('" },\n')
    b.add(f'{ind}"identifier": [\n')
    b.add(f'{ind}{ind}{{ "system": "').phi("URL", f"https://ehr.{domain}/id/mrn").add('", "value": "').phi("MEDICALRECORD", p.mrn).add('" }')
    if rng.random() < 0.5:
        b.add(f',\n{ind}{ind}{{ "system": "http://hl7.org/fhir/sid/us-ssn", "value": "').phi("SSN", p.ssn).add('" }')
    b.add(f"\n{ind}],\n")
    b.add(f'{ind}"name": [ {{ "use": "official", "family": "').phi("PATIENT", p.person.last).add('", "given": [ "').phi("PATIENT", p.person.first).add('"')
    if p.person.middle:
        b.add(', "').phi("PATIENT", p.person.middle.rstrip(".")).add('"')
    b.add(" ] } ],\n")
    b.add(f'{ind}"telecom": [ {{ "system": "phone", "value": "').phi("PHONE", p.phone).add('", "use": "' + rng.choice(("home", "mobile")) + '" }')
    if rng.random() < 0.6:
        b.add(', { "system": "email", "value": "').phi("EMAIL", p.email).add('" }')
    b.add(" ],\n")
    b.add(f'{ind}"gender": "' + ("female" if p.person.sex == "F" else "male") + f'",\n{ind}"birthDate": "').phi("DATE", p.dob.isoformat()).add('",\n')
    b.add(f'{ind}"address": [ {{ "line": [ "').phi("STREET", p.street).add('" ], "city": "').phi("CITY", p.city).add('", "state": "')
    b.phi("STATE", sur.state(abbr=True)).add('", "postalCode": "').phi("ZIP", p.zip).add('", "country": "').phi("COUNTRY", "US").add('" } ],\n')
    b.add(f'{ind}"generalPractitioner": [ {{ "reference": "Practitioner/').phi("IDNUM", f"npi-{rng.randint(10**9, 2 * 10**9 - 1)}")
    b.add('", "display": "').phi("DOCTOR", p.pcp.person.full).add('" } ],\n')
    b.add(f'{ind}"managingOrganization": {{ "reference": "Organization/').phi("HOSPITAL", ascii_lower(fac.short)[:8] or "org").add('" }\n}\n')
    if rng.random() < 0.5:
        b.blank()
        b.line("Error: " + rng.choice(('identifier[0].value duplicates an existing record', 'birthDate conflicts with the MPI entry',
                                       'address.state not in ValueSet USPS', 'telecom[1].value fails pattern')) + "; ticket {t} - {a}",
               t=Phi("IDNUM", f"INC{rng.randint(10**6, 10**7 - 1)}"), a=Phi("PATIENT", sur.person().full))
    extras_block(ctx, forced)


def _log_time(ctx: NoteContext) -> Tuple[Phi, str]:
    """An access-log time as (DATE span, text after it): ISO with ``Z`` is one span with its time (set K's
    rule); otherwise the date is the span and the time of day follows outside it."""
    when = dt.datetime.combine(ctx.date, dt.time()) - dt.timedelta(minutes=ctx.rng.randint(0, 60 * 24 * 30))
    fmt = ctx.rng.choice(("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d", "%m/%d/%Y"))
    if "T" in fmt:
        return Phi("DATE", when.strftime(fmt)), ""
    return Phi("DATE", when.strftime(fmt)), when.strftime(" %H:%M:%S" if fmt.startswith("%Y") else " %H:%M")


def _table_name(rng: random.Random, person: Person) -> str:
    """A clinician as a table cell writes one: ``Dana Reyes``, ``Reyes, Dana``, ``Reyes, D``, ``REYES, D``."""
    return rng.choice((person.full, f"{person.last}, {person.first}", f"{person.last}, {person.first[0]}",
                       f"{person.last.upper()}, {person.first[0]}"))


def csv_export(ctx: NoteContext, forced: Sequence[str]) -> None:
    """A registry or worklist export, an access log or a database dump: a header row (or an INSERT), then
    rows of patients, one cell per field."""
    rng, b, sur = ctx.rng, ctx.b, ctx.sur
    sep = rng.choice((",", ",", "\t", "|", ";"))
    cols = rng.sample(("mrn", "last", "first", "dob", "sex", "phone", "zip", "visit", "provider", "age", "dx", "a1c", "name", "user"),
                      rng.randint(5, 8))
    if "last" in cols and "first" not in cols:
        cols.append("first")
    if "user" in cols:  # an access log: each row starts with the time and the login
        cols = ["ts", "user"] + [c for c in cols if c != "user"]
    heads = {"mrn": "MRN", "last": "LastName", "first": "FirstName", "dob": "DOB", "sex": "Sex", "phone": "Phone", "zip": "Zip",
             "visit": "VisitDate", "provider": "Provider", "age": "Age", "dx": "ICD10", "a1c": "HbA1c", "name": "PatientName",
             "user": "UserID", "ts": "Timestamp"}
    if rng.random() < 0.6:
        b.line(rng.choice(("Registry export", "Worklist download", "Outreach list", "Quality report extract")) + " - generated {d}",
               d=Phi("DATE", ctx.date.strftime(rng.choice(("%m/%d/%Y", "%Y-%m-%d")))))
    upper = rng.random() < 0.3
    sql = sep == "," and rng.random() < 0.4  # a database dump: one multi-row INSERT, values in single quotes
    if sql:
        table = rng.choice(("patients", "appointments", "outreach", "registry", "access_log"))
        b.line(f"INSERT INTO `{table}` (`id`," + ",".join(f"`{heads[c].lower()}`" for c in cols) + ") VALUES")
        key = rng.randint(100, 99000)  # the row keys count up: numbers internal to the database, not PHI
    else:
        b.line(sep.join(heads[c].upper() if upper else heads[c] for c in cols))
    n_rows = rng.randint(3, 8)
    for row in range(n_rows):
        person = sur.person()
        dob = ctx.date - dt.timedelta(days=rng.randint(18 * 365, 90 * 365))
        cells = {
            "mrn": Phi("MEDICALRECORD", sur.mrn()), "last": Phi("PATIENT", person.last), "first": Phi("PATIENT", person.first),
            "dob": Phi("DATE", dob.strftime(rng.choice(("%m/%d/%Y", "%Y-%m-%d", "%Y%m%d")))), "sex": person.sex,
            "phone": Phi("PHONE", sur.phone()), "zip": Phi("ZIP", sur.zip()),
            "visit": Phi("DATE", (ctx.date - dt.timedelta(days=rng.randint(0, 400))).strftime("%m/%d/%Y")),
            "provider": Phi("DOCTOR", _table_name(rng, sur.person())), "age": Phi("AGE", str((ctx.date - dob).days // 365)),
            "dx": rng.choice(("E11.9", "I10", "J44.1", "N18.3", "E78.5", "F32.A")), "a1c": f"{rng.uniform(5.2, 11.8):.1f}",
            "name": Phi("PATIENT", f"{person.last}, {person.first}"), "user": Phi("USERNAME", sur.username(sur.person())),
            "ts": _log_time(ctx),
        }
        if sql:
            key += rng.randint(1, 40)
            b.add(f"({key},")
        for i, c in enumerate(cols):
            if i:
                b.add(sep)
            value = cells[c]
            if sql and rng.random() < 0.08:
                b.add("NULL")
                continue
            if sql:
                quote = "'"
                if isinstance(value, Phi):  # SQL doubles a quote inside a value (O''Neill)
                    value = Phi(value.label, value.text.replace("'", "''"))
            else:
                quote = '"' if sep == "," and (rng.random() < 0.3 or (isinstance(value, Phi) and "," in value.text)) else ""
            b.add(quote)
            if isinstance(value, tuple):  # the log time: its span, then any time of day outside it
                b.piece(value[0])
                b.add(value[1])
            else:
                b.piece(Phi(value.label, value.text.upper()) if upper and isinstance(value, Phi) else value)
            b.add(quote)
        b.add((");" if row == n_rows - 1 else "),") if sql else "")
        b.add("\n")
    extras_block(ctx, forced)


_FORM_ITEMS = (
    ("Patient name (last, first)", "name"), ("Date of birth", "dob"), ("Age", "age"), ("Sex", "sex"),
    ("Home address", "street"), ("City, state, ZIP", "city"), ("Telephone", "phone"), ("Medical record no.", "mrn"),
    ("Insurance / member ID", "plan"), ("Usual occupation", "job"), ("Emergency contact", "relative"),
    ("Attending physician", "doctor"), ("Admission date", "admit"), ("Education", "school"), ("Race", "race"),
    ("Tobacco use", "tobacco"), ("Weight (kg)", "weight"), ("Allergies", "allergies"), ("Height (cm)", "height"),
    ("Number of prior visits", "visits"),
)


def numbered_form(ctx: NoteContext, forced: Sequence[str]) -> None:
    """A paper form as typed or scanned: numbered items, check boxes and a form revision line."""
    rng, b, p, sur = ctx.rng, ctx.b, ctx.patient, ctx.sur
    title = rng.choice(("PATIENT REGISTRATION WORKSHEET", "Home Health Certification and Plan of Care", "Adverse Event Report - Worksheet",
                        "Vital Records Worksheet", "Disability Claim - Attending Physician Statement", "Pre-Admission Questionnaire"))
    upper = rng.random() < 0.35
    b.line(title.upper() if upper else title)
    b.line("{h}", h=Phi("HOSPITAL", ctx.facility.name.upper() if upper else ctx.facility.name))
    b.blank()
    items = list(_FORM_ITEMS)
    rng.shuffle(items)
    start = rng.choice((1, 1, 5, 11, 17))
    box = rng.choice(("[x]", "[X]", "(x)"))
    for n, (label, key) in enumerate(items[: rng.randint(10, 16)], start=start):
        b.emit(f"{n}. " + (label.upper() if upper else label) + ": ")
        if key == "name":
            b.emit("{l}, {f}", l=Phi("PATIENT", p.person.last.upper() if upper else p.person.last), f=Phi("PATIENT", p.person.first.upper() if upper else p.person.first))
        elif key == "dob":
            b.emit("{d}", d=Phi("DATE", p.dob.strftime(rng.choice(("%m/%d/%Y", "%m %d %Y", "%d-%b-%Y")))))
        elif key == "age":
            b.emit("{a}", a=Phi("AGE", str(max(1, (ctx.date - p.dob).days // 365))))
        elif key == "sex":
            b.emit(f"{box} {'F' if p.person.sex == 'F' else 'M'}  [ ] {'M' if p.person.sex == 'F' else 'F'}")
        elif key == "street":
            b.emit("{s}", s=Phi("STREET", p.street))
        elif key == "city":
            b.emit("{c}, {s} {z}", c=Phi("CITY", p.city), s=Phi("STATE", sur.state(abbr=True)), z=Phi("ZIP", p.zip))
        elif key == "phone":
            b.emit("{t}", t=Phi("PHONE", p.phone))
        elif key == "mrn":
            b.emit("{m}", m=Phi("MEDICALRECORD", p.mrn))
        elif key == "plan":
            b.emit("{i} / {m}", i=Phi("ORGANIZATION", p.insurer), m=Phi("HEALTHPLAN", p.healthplan))
        elif key == "job":
            b.emit("{j}", j=Phi("PROFESSION", p.profession))
        elif key == "relative":
            b.emit("{r} ({rel}) {t}", r=Phi("PATIENT", p.relative.full), rel=p.relation, t=Phi("PHONE", sur.phone()))
        elif key == "doctor":
            b.emit("{d}, MD", d=Phi("DOCTOR", p.pcp.person.full))
        elif key == "admit":
            b.emit("{d}", d=Phi("DATE", ctx.date.strftime("%m/%d/%Y")))
        elif key == "school":
            b.emit(f"{box} high school  [ ] college  [ ] graduate")
        elif key == "race":
            b.emit(rng.choice(("[ ] White  [x] Black  [ ] Asian  [ ] Other", "[x] Declined", "Asian (Korean ancestry)", "Other Pacific Islander")))
        elif key == "tobacco":
            b.emit(rng.choice(("[ ] Yes [x] No", "former, 20 pack-years", "[x] Never")))
        elif key == "weight":
            b.emit(f"{rng.uniform(40, 130):.1f}")
        elif key == "height":
            b.emit(str(rng.randint(140, 195)))
        elif key == "allergies":
            b.emit(rng.choice(("NKDA", "penicillin (rash)", "sulfa, latex")))
        else:
            b.emit(str(rng.randint(0, 30)))
        b.add("\n")
    b.blank()
    b.line("Signed: {d}   Date: {t}", d=Phi("DOCTOR", ctx.author.person.full), t=Phi("DATE", ctx.date.strftime("%m/%d/%Y")))
    b.line(rng.choice(("Form", "FORM")) + f" {rng.choice(('HIM', 'REG', 'VS', 'HH', 'APS'))}-{rng.randint(2, 40)} (rev. {rng.randint(1, 12):02d}/{rng.randint(2015, 2024)})"
           + rng.choice(("", f"   Page 1 of {rng.randint(1, 3)}", f"   P.0{rng.randint(1, 3)}/03")))
    extras_block(ctx, forced)


def _uid(rng, root: str) -> str:
    return f"{root}.{rng.randint(1, 9)}.{rng.randint(10**9, 10**10 - 1)}.{rng.randint(100, 999)}.{rng.randint(10**9, 2 * 10**9)}.{rng.randint(1, 999)}"


def dicom_header(ctx: NoteContext, forced: Sequence[str]) -> None:
    """A DICOM header as ``dcmdump`` prints it, with a PACS import line: one element per line,
    ``(gggg,eeee) VR [value]  # length, multiplicity Keyword``; identifying values are PHI, the
    tags, VRs, keywords, times, sizes and standard UIDs are not."""
    rng, b, p, sur = ctx.rng, ctx.b, ctx.patient, ctx.sur
    fac = ctx.facility
    modality, desc = rng.choice((("CT", "CT CHEST W CONTRAST"), ("MR", "MRI BRAIN WO"), ("CR", "XR CHEST 2 VIEWS"), ("US", "US ABDOMEN COMPLETE")))
    root = rng.choice(("1.2.840.113619.2", "1.3.12.2.1107.5.1", "1.2.392.200036.9116", "1.2.826.0.1.3680043.8"))
    study_uid = _uid(rng, root)
    width = 40

    def element(tag: str, vr: str, keyword: str, value, bracket: bool = True) -> None:
        text = value.text if isinstance(value, Phi) else value
        shown = f"[{text}]" if bracket else text
        pad = " " * max(1, width - len(shown))
        b.emit(f"({tag}) {vr} " + ("[{v}]" if bracket else "{v}") + f"{pad}# {len(text) + len(text) % 2:3d}, 1 {keyword}\n", v=value)

    if rng.random() < 0.7:
        job = Phi("IDNUM", f"{ctx.date:%y%m%d}-{rng.randint(1, 9999):04d}")
        b.emit("$ dcmdump -M IMPORT/{j}/SER00" + str(rng.randint(1, 9)) + f"/IM{rng.randint(1, 999):06d}.dcm\n", j=job)
        b.add("\n")
    b.add("# Dicom-Data-Set\n# Used TransferSyntax: Little Endian Explicit\n")
    element("0008,0005", "CS", "SpecificCharacterSet", "ISO_IR 100")
    element("0008,0008", "CS", "ImageType", "ORIGINAL\\PRIMARY\\AXIAL")
    element("0008,0016", "UI", "SOPClassUID", "=" + rng.choice(("CTImageStorage", "MRImageStorage", "ComputedRadiographyImageStorage")), bracket=False)
    element("0008,0018", "UI", "SOPInstanceUID", Phi("IDNUM", study_uid + f".{rng.randint(1, 9)}.{rng.randint(1, 400)}"))
    study_day = ctx.date - dt.timedelta(days=rng.randint(0, 30))
    element("0008,0020", "DA", "StudyDate", Phi("DATE", study_day.strftime("%Y%m%d")))
    element("0008,0030", "TM", "StudyTime", f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}.000")
    if rng.random() < 0.5:
        element("0008,002a", "DT", "AcquisitionDateTime", Phi("DATE", study_day.strftime("%Y%m%d") + f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d}"))
    element("0008,0050", "SH", "AccessionNumber", Phi("IDNUM", f"{modality}{study_day:%y}-{rng.randint(10**5, 10**7)}"))
    element("0008,0060", "CS", "Modality", modality)
    element("0008,0070", "LO", "Manufacturer", rng.choice(("GE MEDICAL SYSTEMS", "SIEMENS", "Philips", "CANON_MEC")))
    element("0008,0080", "LO", "InstitutionName", Phi("HOSPITAL", fac.name.upper()))
    element("0008,0090", "PN", "ReferringPhysicianName", component_name(p.pcp.person, "DOCTOR", "^"))
    element("0008,1010", "SH", "StationName", f"{modality}AWP{rng.randint(10000, 99999)}")
    element("0008,1030", "LO", "StudyDescription", desc)
    if rng.random() < 0.6:
        element("0008,1070", "PN", "OperatorsName", component_name(sur.person(), "DOCTOR", "^"))
    element("0008,1090", "LO", "ManufacturerModelName", rng.choice(("Revolution EVO", "SOMATOM Force", "Ingenia 3.0T", "Aquilion ONE")))
    element("0010,0010", "PN", "PatientName", component_name(p.person, "PATIENT", "^"))
    element("0010,0020", "LO", "PatientID", Phi("MEDICALRECORD", p.mrn))
    element("0010,0030", "DA", "PatientBirthDate", Phi("DATE", p.dob.strftime("%Y%m%d")))
    element("0010,0040", "CS", "PatientSex", p.person.sex)
    if rng.random() < 0.4:
        element("0010,2154", "SH", "PatientTelephoneNumbers", Phi("PHONE", _digits(p.phone)[-10:]))
    element("0018,0050", "DS", "SliceThickness", rng.choice(("0.625", "1.25", "2.5", "5")))
    if rng.random() < 0.5:
        element("0018,1000", "LO", "DeviceSerialNumber", Phi("DEVICE", f"{rng.randint(10**5, 10**7)}"))
    element("0020,000d", "UI", "StudyInstanceUID", Phi("IDNUM", study_uid))
    element("0020,000e", "UI", "SeriesInstanceUID", Phi("IDNUM", study_uid + f".{rng.randint(1, 9)}"))
    element("0020,0010", "SH", "StudyID", Phi("IDNUM", str(rng.randint(1000, 99999))))
    element("0020,0011", "IS", "SeriesNumber", str(rng.randint(1, 12)))
    b.add("\n")
    if rng.random() < 0.8:
        b.line("Import {d} {t} by {u}: matched to local MRN {m}; " + rng.choice(("no mismatches", "name matched after reconciliation", "DOB verified by phone")) + ".",
               d=Phi("DATE", ctx.date.isoformat()), t=f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}", u=Phi("USERNAME", sur.username(sur.person())),
               m=Phi("MEDICALRECORD", p.mrn))
    extras_block(ctx, forced)


def ccda_document(ctx: NoteContext, forced: Sequence[str]) -> None:
    """A C-CDA continuity-of-care document as its XML reads: the header's patient, author and
    custodian, then a results table; given and family names are separate spans, timestamps one
    span with their offset, the hospital's own OID an IDNUM, the standard OIDs and codes not PHI."""
    rng, b, p, sur = ctx.rng, ctx.b, ctx.patient, ctx.sur
    fac = ctx.facility
    oid = f"2.16.840.1.113883.3.{rng.randint(1000, 99999)}"
    offset = rng.choice(("-0500", "-0600", "-0700", "-0800"))

    def ts(day: dt.date, clock: bool = True) -> Phi:
        text = day.strftime("%Y%m%d") + (f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}{offset}" if clock else "")
        return Phi("DATE", text)

    def tel(number: str) -> Phi:  # E.164 with dashes; a short local number or extension gets a whole new number
        digits = _digits(number)[-10:]
        if len(digits) < 10:
            digits = f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        return Phi("PHONE", f"+1-{digits[:3]}-{digits[3:6]}-{digits[6:]}")

    b.add('<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">\n')
    b.add('  <templateId root="2.16.840.1.113883.10.20.22.1.2" extension="2015-08-01"/>\n')
    b.emit('  <id root="{o}" extension="{d}"/>\n', o=Phi("IDNUM", oid), d=Phi("IDNUM", str(rng.randint(10**6, 10**8))))
    b.add('  <code code="34133-9" codeSystem="2.16.840.1.113883.6.1" displayName="Summarization of Episode Note"/>\n')
    b.emit('  <effectiveTime value="{t}"/>\n', t=ts(ctx.date))
    b.add("  <recordTarget>\n    <patientRole>\n")
    b.emit('      <id root="{o}" extension="{m}"/>\n', o=Phi("IDNUM", oid), m=Phi("MEDICALRECORD", p.mrn))
    if rng.random() < 0.5:
        b.emit('      <id root="2.16.840.1.113883.4.1" extension="{s}"/>\n', s=Phi("SSN", p.ssn))
    b.emit('      <addr use="HP">\n        <streetAddressLine>{s}</streetAddressLine>\n        <city>{c}</city>\n'
           '        <state>{st}</state>\n        <postalCode>{z}</postalCode>\n        <country>{co}</country>\n      </addr>\n',
           s=Phi("STREET", p.street), c=Phi("CITY", p.city), st=Phi("STATE", sur.state(abbr=True)), z=Phi("ZIP", p.zip), co=Phi("COUNTRY", "US"))
    b.emit('      <telecom use="HP" value="tel:{t}"/>\n', t=tel(p.phone))
    if rng.random() < 0.6:
        b.emit('      <telecom use="HP" value="mailto:{e}"/>\n', e=Phi("EMAIL", p.email))
    b.emit("      <patient>\n        <name use=\"L\"><given>{g}</given><family>{f}</family></name>\n",
           g=Phi("PATIENT", p.person.first), f=Phi("PATIENT", p.person.last))
    b.add('        <administrativeGenderCode code="' + p.person.sex + '" codeSystem="2.16.840.1.113883.5.1"/>\n')
    b.emit('        <birthTime value="{d}"/>\n      </patient>\n    </patientRole>\n  </recordTarget>\n', d=ts(p.dob, clock=False))
    doc = p.pcp.person
    b.emit('  <author>\n    <time value="{t}"/>\n    <assignedAuthor>\n      <id root="2.16.840.1.113883.4.6" extension="{n}"/>\n'
           '      <telecom use="WP" value="tel:{ph}"/>\n      <assignedPerson><name><prefix>Dr.</prefix><given>{g}</given><family>{f}</family>'
           '<suffix>MD</suffix></name></assignedPerson>\n    </assignedAuthor>\n  </author>\n',
           t=ts(ctx.date), n=Phi("IDNUM", str(rng.randint(10**9, 2 * 10**9 - 1))), ph=tel(fac.phone), g=Phi("DOCTOR", doc.first), f=Phi("DOCTOR", doc.last))
    b.emit("  <custodian><assignedCustodian><representedCustodianOrganization>\n      <name>{h}</name>\n"
           "    </representedCustodianOrganization></assignedCustodian></custodian>\n", h=Phi("HOSPITAL", fac.name))
    b.add('  <component><structuredBody><component><section>\n    <code code="30954-2" codeSystem="2.16.840.1.113883.6.1"/>\n'
          "    <title>RESULTS</title>\n    <text><table><thead><tr><th>Test</th><th>Result</th><th>Range</th><th>Date</th></tr></thead><tbody>\n")
    for test, value, ref in rng.sample((("Hemoglobin A1c", "7.4 %", "4.0-5.6"), ("Creatinine", "1.12 mg/dL", "0.51-0.95"),
                                        ("Potassium", "3.6 mmol/L", "3.5-5.1"), ("LDL cholesterol", "88 mg/dL", "<100"),
                                        ("TSH", "2.1 mIU/L", "0.4-4.0")), rng.randint(2, 4)):
        day = ctx.date - dt.timedelta(days=rng.randint(0, 30))
        b.emit(f"      <tr><td>{test}</td><td>{value.replace('<', '&lt;')}</td><td>{ref.replace('<', '&lt;')}</td><td>" + "{d}</td></tr>\n",
               d=Phi("DATE", day.strftime("%m/%d/%Y")))
    b.add("    </tbody></table></text>\n  </section></component></structuredBody></component>\n</ClinicalDocument>\n")
    extras_block(ctx, forced)


#: the kinds that are machine output (the numbered form is a typed or scanned page)
MACHINE_KINDS = ("x12_eligibility", "fhir_patient", "csv_export", "dicom_header", "ccda_document")

EXPORT_KINDS = {
    "x12_eligibility": (x12_eligibility, 0.015),
    "fhir_patient": (fhir_patient, 0.015),
    "csv_export": (csv_export, 0.025),  # CSV, access logs and SQL dumps
    "numbered_form": (numbered_form, 0.02),
    "dicom_header": (dicom_header, 0.015),
    "ccda_document": (ccda_document, 0.015),
}
