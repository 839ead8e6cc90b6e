"""The SYNTHETIC people and places a corpus is written about.

A :class:`World` holds the hospitals and clinicians shared by every patient
(so names recur across patients, as in a real hospital's notes); a
:class:`Patient` holds what stays the same across one patient's notes: name,
MRN, date of birth, address, contacts, problems, clinicians and the dates of
their records.
"""
import datetime as dt
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from .clinical import ACUTE, ALLERGIES, CHRONIC, SURGERIES, Problem, random_meds
from .surrogates import Facility, Person, Surrogates, weighted

#: i2b2 2014 surrogate dates lie in the future; so do ours.
FIRST_YEAR, LAST_YEAR = 2060, 2098


@dataclass
class Clinician:
    person: Person
    department: str
    facility: Facility
    username: str
    pager: str
    license: str
    email: str


@dataclass
class Patient:
    number: int
    person: Person
    dob: dt.date
    mrn: str
    street: str
    city: str
    state: str
    zip: str
    phone: str
    email: str
    ssn: str
    insurer: str
    healthplan: str
    profession: str
    employer: str
    origin: Optional[str]  # a country, for immigrants
    relative: Person
    relation: str
    pcp: Clinician
    specialists: List[Clinician]
    hospital: Facility
    problems: List[Problem]
    surgeries: List[str]
    surgery_years: List[int]
    meds: List[str]
    allergies: List[str]
    record_dates: List[dt.date]
    device: Optional[str] = None  # a kind of implanted device
    device_id: str = ""
    vehicle: str = ""
    bioid: str = ""
    license_no: str = ""
    hobby_place: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def patient_id(self) -> str:
        return f"{self.number:03d}"

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.dob.year
        if (day.month, day.day) < (self.dob.month, self.dob.day):
            years -= 1
        return years


class World:
    """Hospitals and clinicians shared across a SYNTHETIC corpus."""

    def __init__(self, sur: Surrogates, n_facilities: int = 40, n_clinicians: int = 160) -> None:
        self.sur = sur
        self.facilities = [sur.facility() for _ in range(n_facilities)]
        # a few large hospitals write most notes
        self.facility_weights = [1.0 / (i + 1) for i in range(n_facilities)]
        self.clinicians = [self._clinician() for _ in range(n_clinicians)]

    def _clinician(self) -> Clinician:
        sur, rng = self.sur, self.sur.rng
        person = sur.person()
        return Clinician(
            person=person,
            department=sur.department(),
            facility=self.facility(),
            username=sur.username(person),
            pager=sur.pager(),
            license=sur.license(),
            email=sur.email(person),
        )

    def facility(self) -> Facility:
        """One of the corpus's hospitals, or (one time in five) an outside facility named once."""
        if self.sur.rng.random() < 0.2:
            return self.sur.facility()
        return weighted(self.sur.rng, list(zip(self.facilities, self.facility_weights)))  # type: ignore[return-value]

    def clinician(self, exclude: Sequence[Clinician] = ()) -> Clinician:
        rng = self.sur.rng
        while True:
            c = rng.choice(self.clinicians)
            if c not in exclude:
                return c

    def patient(self, number: int, n_records: int) -> Patient:
        """A new SYNTHETIC patient with ``n_records`` record dates."""
        sur, rng = self.sur, self.sur.rng
        person = sur.person()
        age = weighted(
            rng, [(0, 0.02), (1, 0.01), (rng.randint(2, 17), 0.04), (rng.randint(19, 39), 0.15), (rng.randint(40, 64), 0.38), (rng.randint(65, 89), 0.35),
                  (rng.randint(90, 103), 0.06)]
        )
        first = dt.date(rng.randint(FIRST_YEAR, LAST_YEAR - 3), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        dob = first - dt.timedelta(days=int(age) * 365 + rng.randint(0, 364))  # type: ignore[arg-type]
        dates = [first]
        for _ in range(n_records - 1):
            dates.append(dates[-1] + dt.timedelta(days=weighted(rng, [(rng.randint(2, 30), 0.3), (rng.randint(30, 200), 0.5), (rng.randint(200, 700), 0.2)])))  # type: ignore[arg-type]
        chronic = [x for x in CHRONIC if not (x.key == "bph" and person.sex == "F")]
        problems = rng.sample(chronic, k=rng.randint(1, 3) if int(age) < 40 else rng.randint(2, 6))  # type: ignore[call-overload]
        if rng.random() < 0.5:
            acute = rng.choice(ACUTE)
            if acute not in problems:
                problems.append(acute)
        hospital = self.facility()
        pcp = self.clinician()
        specialists = [self.clinician(exclude=[pcp]) for _ in range(rng.randint(1, 3))]
        relative_sex = rng.choice("MF")
        relation = rng.choice(
            {"M": ("husband", "son", "brother", "partner"), "F": ("wife", "daughter", "sister", "partner")}[relative_sex]
        )
        if int(age) < 18:  # a child: the relative is a parent
            relation = {"M": "father", "F": "mother"}[relative_sex]
        relative = sur.person(sex=relative_sex)
        if relation in ("wife", "husband", "son", "daughter", "father", "mother") and rng.random() < 0.7:
            relative = Person(relative.first, relative.middle, person.last, relative.sex)
        n_surg = rng.randint(0, 3)
        device = rng.choice(("pacemaker", "ICD", "insulin pump", "spinal cord stimulator", "LVAD")) if rng.random() < 0.15 else None
        return Patient(
            number=number,
            person=person,
            dob=dob,
            mrn=sur.mrn(),
            street=sur.street(),
            city=sur.city(),
            state=sur.state(),
            zip=sur.zip(),
            phone=sur.phone(),
            email=sur.email(person),
            ssn=sur.ssn(),
            insurer=sur.organization("insurer"),
            healthplan=sur.healthplan(),
            profession=sur.profession() if int(age) >= 18 else "student",
            employer=sur.organization(),
            origin=sur.country() if rng.random() < 0.2 else None,
            relative=relative,
            relation=relation,
            pcp=pcp,
            specialists=specialists,
            hospital=hospital,
            problems=problems,
            surgeries=rng.sample(SURGERIES, k=n_surg),
            surgery_years=[rng.randint(first.year - 30, first.year - 1) for _ in range(n_surg)],
            meds=random_meds(rng, problems, rng.randint(3, 10)),
            allergies=["NKDA"] if rng.random() < 0.5 else rng.sample(ALLERGIES[4:], k=rng.randint(1, 2)),
            record_dates=dates,
            device=device,
            device_id=sur.device_id(),
            vehicle=sur.vehicle(),
            bioid=sur.bioid(),
            license_no=sur.license(),
            hobby_place=sur.location_other(),
        )
