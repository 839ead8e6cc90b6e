"""SYNTHETIC surrogate PHI from Faker, rendered in the many surface forms notes use.

Everything here is drawn from a seeded :class:`random.Random` and seeded
Faker instances, so a corpus seed fixes every surrogate.  Renderers return
field values for :meth:`NoteBuilder.emit`: a :class:`Phi` or a sequence of
literal text and :class:`Phi` pieces (titles such as ``Dr.`` stay outside
the span, as in the i2b2 annotation guidelines).
"""
import calendar
import datetime as dt
import random
import string
import zlib
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from faker import Faker

from .builder import Field, Phi

# Name locales and their weights: mostly US English names, some others.
NAME_LOCALES: Tuple[Tuple[str, float], ...] = (
    ("en_US", 0.70),
    ("es_MX", 0.08),
    ("en_GB", 0.04),
    ("it_IT", 0.04),
    ("en_IN", 0.04),
    ("fr_FR", 0.03),
    ("pl_PL", 0.03),
    ("pt_BR", 0.02),
    ("de_DE", 0.02),
)

PROFESSIONS: Tuple[str, ...] = (
    "teacher", "retired teacher", "nurse", "carpenter", "electrician", "plumber",
    "accountant", "lawyer", "truck driver", "bus driver", "cashier", "chef", "cook",
    "software engineer", "engineer", "mechanic", "auto mechanic", "construction worker",
    "firefighter", "police officer", "mail carrier", "postal worker", "farmer",
    "landscaper", "hairdresser", "librarian", "pharmacist", "dentist", "janitor",
    "custodian", "security guard", "waitress", "waiter", "bartender", "secretary",
    "administrative assistant", "social worker", "professor", "student", "graduate student",
    "banker", "real estate agent", "salesman", "sales representative", "painter",
    "welder", "machinist", "fisherman", "homemaker", "nursing assistant", "CNA",
    "home health aide", "physical therapist", "computer programmer", "architect",
    "musician", "artist", "photographer", "journalist", "pastor", "minister",
    "day care worker", "veterinarian", "dental hygienist", "paralegal", "factory worker",
    "warehouse worker", "housekeeper", "insurance agent", "taxi driver", "pilot",
    "flight attendant", "research scientist", "lab technician", "respiratory therapist",
)

DEPARTMENTS: Tuple[str, ...] = (
    "Internal Medicine", "Cardiology", "Cardiology Clinic", "Endocrinology",
    "Diabetes Center", "Pulmonary Medicine", "Nephrology", "Renal Clinic",
    "Gastroenterology", "GI Clinic", "Oncology", "Hematology/Oncology", "Neurology",
    "Rheumatology", "Infectious Disease", "Vascular Surgery", "General Surgery",
    "Orthopedics", "Urology", "Geriatrics", "Primary Care", "Adult Medicine",
    "Emergency Department", "Emergency Medicine", "Medical Intensive Care Unit",
    "Cardiac Surgery", "Radiology", "Physical Therapy", "Heart Failure Clinic",
    "Anticoagulation Clinic", "Podiatry", "Dermatology", "Psychiatry", "Ophthalmology",
    "Women's Health", "Wound Care Center", "Pain Clinic", "Sleep Lab",
)

MONTHS = tuple(calendar.month_name)[1:]
MONTH_ABBR = tuple(calendar.month_abbr)[1:]


def weighted(rng: random.Random, options: Sequence[Tuple[object, float]]):
    """One option of ``(value, weight)`` pairs."""
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, w in options:
        x -= w
        if x < 0:
            return value
    return options[-1][0]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# Date formats: name -> renderer.  i2b2 annotates the whole date expression.
DATE_FORMATS: Dict[str, object] = {
    "iso": lambda d: d.isoformat(),
    "mdyy": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    "mmddyyyy": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "mdyyyy": lambda d: f"{d.month}/{d.day}/{d.year}",
    "mmddyy": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
    "dashed": lambda d: f"{d.month:02d}-{d.day:02d}-{d.year}",
    "long": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "long_nocomma": lambda d: f"{MONTHS[d.month - 1]} {d.day} {d.year}",
    "abbr": lambda d: f"{MONTH_ABBR[d.month - 1]} {d.day}, {d.year}",
    "day_month_year": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "mmdd": lambda d: f"{d.month:02d}/{d.day:02d}",
    "md": lambda d: f"{d.month}/{d.day}",
    "ordinal_of": lambda d: f"{_ordinal(d.day)} of {MONTHS[d.month - 1]}",
    "month_ordinal": lambda d: f"{MONTHS[d.month - 1]} {_ordinal(d.day)}",
    "month_day": lambda d: f"{MONTHS[d.month - 1]} {d.day}",
    "month_year": lambda d: f"{MONTHS[d.month - 1]} {d.year}",
    "abbr_month_year": lambda d: f"{MONTH_ABBR[d.month - 1]} {d.year}",
    "m_yy": lambda d: f"{d.month}/{d.year % 100:02d}",
    "m_yyyy": lambda d: f"{d.month:02d}/{d.year}",
    "year": lambda d: str(d.year),
}
#: formats naming a full day (for record dates, DOB, admission dates)
FULL_DATE_FORMATS = ("iso", "mdyy", "mmddyyyy", "mdyyyy", "mmddyy", "dashed", "long", "abbr", "long_nocomma", "day_month_year")
#: formats for a day within the note's year (follow-ups, lab dates)
SHORT_DATE_FORMATS = ("mmdd", "md", "ordinal_of", "month_ordinal", "month_day", "mdyy", "mmddyyyy", "long")
#: formats for a past event (surgeries, diagnoses)
PAST_DATE_FORMATS = ("year", "year", "year", "month_year", "abbr_month_year", "m_yy", "m_yyyy", "mdyy")


def format_date(d: dt.date, fmt: str) -> str:
    return DATE_FORMATS[fmt](d)  # type: ignore[operator]


@dataclass(frozen=True)
class Person:
    first: str
    middle: str  # a middle initial, or ""
    last: str
    sex: str  # "M" or "F"

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def initials(self) -> str:
        return (self.first[:1] + (self.middle[:1] if self.middle else "") + self.last[:1]).upper()


@dataclass(frozen=True)
class Facility:
    name: str
    short: str  # an abbreviation or short name used in running text
    street: str
    city: str
    state: str
    zip: str
    phone: str
    fax: str
    url: str


class Surrogates:
    """Seeded Faker-backed generator of SYNTHETIC surrogate PHI values."""

    def __init__(self, seed: int, rng: random.Random) -> None:
        self.seed = seed
        self.rng = rng
        self._fakers: Dict[str, Faker] = {}

    def faker(self, locale: str = "en_US") -> Faker:
        """The seeded Faker for ``locale`` (seed derived stably from the corpus seed)."""
        fake = self._fakers.get(locale)
        if fake is None:
            fake = Faker(locale)
            fake.seed_instance((self.seed * 1_000_003 + zlib.crc32(locale.encode())) % (2**32))
            self._fakers[locale] = fake
        return fake

    @property
    def us(self) -> Faker:
        return self.faker("en_US")

    # -- people -----------------------------------------------------------
    def person(self, sex: Optional[str] = None) -> Person:
        rng = self.rng
        sex = sex or rng.choice("MF")
        fake = self.faker(weighted(rng, NAME_LOCALES))  # type: ignore[arg-type]
        first = fake.first_name_male() if sex == "M" else fake.first_name_female()
        last = fake.last_name()
        # keep single tokens free of Faker's occasional titles
        first = first.split()[0].strip(".,")
        middle = rng.choice(string.ascii_uppercase) if rng.random() < 0.45 else ""
        return Person(first, middle, last, sex)

    def username(self, person: Person) -> str:
        rng = self.rng
        first, last = _ascii_lower(person.first), _ascii_lower(person.last)
        return weighted(
            rng,
            [
                (f"{first[:1]}{last[:6]}", 3),
                (f"{first[:1]}{last[:1]}{rng.randint(1, 999)}", 3),
                (f"{person.initials.lower()}{rng.randint(1, 99)}", 2),
                (f"{last[:5]}{first[:1]}{rng.randint(1, 9)}", 1),
                (f"{first}.{last}", 1),
                (self.us.user_name(), 1),
            ],
        )  # type: ignore[return-value]

    def patient_name(self, p: Person, kind: str = "any") -> Field:
        """A patient name in one of the forms notes use (title outside the span)."""
        rng = self.rng
        title = "Mr." if p.sex == "M" else rng.choice(("Ms.", "Mrs.", "Ms."))
        options: List[Tuple[Field, float]] = [
            (Phi("PATIENT", p.full), 4),
            ((f"{title} ", Phi("PATIENT", p.last)), 4 if kind != "header" else 0),
            (Phi("PATIENT", f"{p.last}, {p.first}"), 2),
            (Phi("PATIENT", f"{p.last.upper()}, {p.first.upper()}"), 1.5 if kind == "header" else 0.3),
            (Phi("PATIENT", f"{p.first} {p.middle}. {p.last}" if p.middle else p.full), 1),
            (Phi("PATIENT", f"{p.first[0]}. {p.last}"), 0.4),
            (Phi("PATIENT", p.first), 0.8 if kind == "narrative" else 0),
            (Phi("PATIENT", p.last.upper()), 0.3),
            ((f"{title}", Phi("PATIENT", p.last)), 0.15 if kind != "header" else 0),
        ]
        return weighted(rng, options)  # type: ignore[return-value]

    def doctor_name(self, p: Person, kind: str = "any") -> Field:
        """A clinician name: ``Dr. Smith``, ``John Smith, MD``, ``SMITH``, ``Dr.Smith``..."""
        rng = self.rng
        cred = rng.choice(("MD", "M.D.", "MD", "MD, PhD", "DO", "NP", "PA-C", "RN"))
        options: List[Tuple[Field, float]] = [
            (("Dr. ", Phi("DOCTOR", p.last)), 6 if kind != "signature" else 0.5),
            (("Dr. ", Phi("DOCTOR", p.full)), 2),
            ((Phi("DOCTOR", p.full), f", {cred}"), 4 if kind == "signature" else 1.5),
            ((Phi("DOCTOR", f"{p.first} {p.middle}. {p.last}" if p.middle else p.full), f", {cred}"), 1.5 if kind == "signature" else 0.5),
            (Phi("DOCTOR", p.full), 2),
            ((Phi("DOCTOR", f"{p.first[0]}. {p.last}"), f" {cred}"), 0.5),
            (Phi("DOCTOR", f"{p.last}, {p.first}"), 0.7),
            ((Phi("DOCTOR", f"{p.last}, {p.first}"), f" {cred}"), 0.5 if kind == "signature" else 0.1),
            (("Dr.", Phi("DOCTOR", p.last)), 0.4),
            (("DR. ", Phi("DOCTOR", p.last.upper())), 0.3),
            (Phi("DOCTOR", p.last.upper()), 0.3),
            (Phi("DOCTOR", p.initials), 0.4 if kind == "signature" else 0.05),
        ]
        return weighted(rng, options)  # type: ignore[return-value]

    def relative_name(self, p: Person) -> Field:
        return weighted(self.rng, [(Phi("PATIENT", p.first), 3), (Phi("PATIENT", p.full), 2)])  # type: ignore[return-value]

    # -- ages -------------------------------------------------------------
    def age(self, years: int, sex: Optional[str] = None) -> Field:
        """``55yo``, ``55-year-old``, ``age 55``, ``92 y/o``, ``55M``... (the span is the number)."""
        rng = self.rng
        a = Phi("AGE", str(years))
        sex_word = {"M": "man", "F": "woman"}.get(sex or "", "patient")
        sex_letter = sex or "M"
        options: List[Tuple[Field, float]] = [
            ((a, "-year-old"), 5),
            ((a, " year old"), 2),
            ((a, "yo"), 2),
            ((a, " yo"), 2),
            ((a, " y/o"), 2),
            ((a, "y/o"), 0.7),
            ((a, " y.o."), 0.7),
            ((a, sex_letter), 0.5),
            ((a, " ", sex_letter), 0.4),
            ((a, " yr old"), 0.5),
            ((a, "-yr-old"), 0.4),
            (("age ", a, " ", sex_word), 0.3),
        ]
        return weighted(rng, options)  # type: ignore[return-value]

    # -- places -----------------------------------------------------------
    def city(self) -> str:
        return self.us.city()

    def state(self, abbr: Optional[bool] = None) -> str:
        if abbr is None:
            abbr = self.rng.random() < 0.55
        return self.us.state_abbr(include_territories=False) if abbr else self.us.state()

    def zip(self) -> str:
        return self.us.zipcode_plus4() if self.rng.random() < 0.12 else self.us.zipcode()

    def street(self) -> str:
        s = self.us.street_address()
        return s.upper() if self.rng.random() < 0.08 else s

    def country(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(
                ("Mexico", "Haiti", "Brazil", "Portugal", "Ireland", "Italy", "China", "Vietnam",
                 "India", "Russia", "Poland", "Guatemala", "El Salvador", "the Dominican Republic",
                 "Cape Verde", "Jamaica", "Greece", "Korea", "the Philippines", "Canada", "Germany",
                 "Colombia", "Nigeria", "Ghana", "Ethiopia", "Lebanon", "Cambodia", "Peru", "Cuba")
            )
        name = self.us.country()
        return name if "(" not in name and len(name) < 30 else "Canada"

    def location_other(self) -> str:
        rng = self.rng
        last, city = self.us.last_name(), self.us.city()
        return weighted(
            rng,
            [
                (f"{last} Lake", 2),
                (f"Lake {last}", 1),
                (f"Mount {last}", 1),
                (f"{last} State Park", 2),
                (f"{city} Beach", 2),
                (f"the {city} Mall", 1),
                (f"{last} Island", 1),
                (f"{last} Trail", 1),
                (f"{last} Ski Area", 1),
                (f"the {last} River", 1),
                (f"{city} Harbor", 1),
                (f"{last} Stadium", 1),
            ],
        )  # type: ignore[return-value]

    def facility(self) -> Facility:
        """A SYNTHETIC hospital with its address and contacts."""
        rng, us = self.rng, self.us
        last, city, first = us.last_name(), us.city(), us.first_name()
        name, short = weighted(
            rng,
            [
                ((f"{last} Memorial Hospital", f"{last} Memorial"), 3),
                ((f"{city} General Hospital", f"{city} General"), 3),
                ((f"{last} Medical Center", f"{last}"), 2),
                ((f"St. {first}'s Hospital", f"St. {first}'s"), 2),
                ((f"{city} Community Hospital", f"{city} Community"), 2),
                ((f"{last} Regional Medical Center", f"{last} Regional"), 2),
                ((f"{last} University Hospital", f"{last} University"), 1),
                ((f"{last}-{us.last_name()} Hospital", f"{last}"), 1),
                ((f"{city} Health Center", f"{city} Health"), 1),
                ((f"{last} Rehabilitation Hospital", f"{last} Rehab"), 1),
            ],
        )  # type: ignore[misc]
        words = [w for w in name.replace("-", " ").split() if w[:1].isupper() and w not in ("St.",)]
        acronym = "".join(w[0] for w in words)
        if len(acronym) >= 3 and rng.random() < 0.5:
            short = acronym
        domain = "".join(ch for ch in _ascii_lower(short) if ch.isalnum()) or "hospital"
        return Facility(
            name=name,
            short=short,
            street=us.street_address(),
            city=us.city(),
            state=self.state(),
            zip=us.zipcode(),
            phone=self.phone(),
            fax=self.phone(),
            url=rng.choice((f"www.{domain}.org", f"http://www.{domain}health.org", f"https://{domain}.org/patients")),
        )

    def organization(self, kind: str = "any") -> str:
        rng, us = self.rng, self.us
        if kind == "insurer":
            return weighted(
                rng,
                [
                    (f"{us.last_name()} Health Plan", 2),
                    (f"{self.state(abbr=False)} Blue Shield", 2),
                    (f"{us.last_name()} Mutual", 1),
                    (f"{us.city()} Health Alliance", 1),
                    (f"{us.company()} Insurance", 1),
                ],
            )  # type: ignore[return-value]
        if kind == "agency":
            return weighted(
                rng,
                [
                    (f"{us.city()} VNA", 2),
                    (f"{us.last_name()} Home Care", 2),
                    (f"{us.city()} Council on Aging", 1),
                    (f"{us.last_name()} Hospice", 1),
                ],
            )  # type: ignore[return-value]
        return us.company()

    def department(self) -> str:
        return self.rng.choice(DEPARTMENTS)

    def room(self) -> str:
        rng = self.rng
        return weighted(
            rng,
            [
                (str(rng.randint(100, 1299)), 3),
                (f"{rng.randint(1, 12)}{rng.choice('ABCDEFGHJ')}-{rng.randint(1, 40)}", 2),
                (f"{rng.randint(200, 999)}{rng.choice('AB')}", 2),
                (f"{rng.choice(('Ellison', 'Blake', 'White', 'Baker', 'Phillips'))} {rng.randint(2, 19)}", 1),
            ],
        )  # type: ignore[return-value]

    def profession(self) -> str:
        if self.rng.random() < 0.2:
            job = self.us.job()
            if "," not in job:
                return job.lower()
        return self.rng.choice(PROFESSIONS)

    # -- contacts ---------------------------------------------------------
    def phone(self) -> str:
        rng = self.rng
        area, ex, num = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
        return weighted(
            rng,
            [
                (f"({area}){ex}-{num:04d}", 3),
                (f"({area}) {ex}-{num:04d}", 3),
                (f"{area}-{ex}-{num:04d}", 3),
                (f"{area}.{ex}.{num:04d}", 1),
                (f"{ex}-{num:04d}", 1),
                (f"{area} {ex} {num:04d}", 0.5),
                (f"1-{area}-{ex}-{num:04d}", 0.5),
                (f"x{rng.randint(1, 9)}-{num:04d}", 0.5),
            ],
        )  # type: ignore[return-value]

    def pager(self) -> str:
        rng = self.rng
        return rng.choice((str(rng.randint(10000, 99999)), f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"))

    def email(self, person: Optional[Person] = None) -> str:
        if person is not None and self.rng.random() < 0.6:
            local = self.rng.choice(
                (f"{_ascii_lower(person.first)}.{_ascii_lower(person.last)}",
                 f"{_ascii_lower(person.first)[:1]}{_ascii_lower(person.last)}{self.rng.randint(1, 99)}")
            )
            return f"{local}@{self.us.free_email_domain()}"
        return self.us.email()

    def url(self) -> str:
        rng, us = self.rng, self.us
        return weighted(
            rng,
            [
                (us.url().rstrip("/"), 2),
                (f"www.{us.domain_name()}", 2),
                (f"https://{us.domain_name()}/{us.uri_path()}", 1),
            ],
        )  # type: ignore[return-value]

    def ipaddr(self) -> str:
        return self.us.ipv4_private() if self.rng.random() < 0.5 else self.us.ipv4_public()

    # -- identifiers ------------------------------------------------------
    def mrn(self, style: Optional[int] = None) -> str:
        rng = self.rng
        style = rng.randint(0, 5) if style is None else style
        if style == 0:
            return str(rng.randint(1_000_000, 9_999_999))
        if style == 1:
            return f"{rng.randint(10_000_000, 99_999_999)}"
        if style == 2:
            return f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        if style == 3:
            return f"{rng.randint(0, 9_999_999):010d}"
        if style == 4:
            return f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(0, 9)}"
        return f"{rng.choice(string.ascii_uppercase)}{rng.randint(1_000_000, 9_999_999)}"

    def ssn(self) -> str:
        s = self.us.ssn()
        return s.replace("-", "") if self.rng.random() < 0.2 else s

    def healthplan(self) -> str:
        rng = self.rng
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 3)))
        return rng.choice(
            (f"{letters}{rng.randint(100_000_000, 999_999_999)}", f"{rng.randint(10**10, 10**11 - 1)}",
             f"{letters}-{rng.randint(100_000, 999_999)}-{rng.randint(10, 99)}")
        )

    def account(self) -> str:
        rng = self.rng
        return rng.choice(
            (str(rng.randint(10**7, 10**9)), f"{rng.randint(10**6, 10**7)}-{rng.randint(1, 99):02d}",
             f"A{rng.randint(10**6, 10**8)}")
        )

    def license(self) -> str:
        rng = self.rng
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
        return rng.choice(
            (f"{letters}{rng.randint(1_000_000, 9_999_999)}", str(rng.randint(10_000, 299_999)),
             f"{rng.choice(string.ascii_uppercase)}{rng.randint(10**7, 10**8)}",
             f"{rng.choice('SDT')}{rng.randint(100, 999)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}")
        )

    def vehicle(self) -> str:
        return self.us.vin() if self.rng.random() < 0.35 else self.us.license_plate()

    def device_id(self) -> str:
        rng = self.rng
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
        return rng.choice(
            (f"{letters}{rng.randint(100_000, 999_999)}{rng.choice(string.ascii_uppercase)}",
             f"{rng.randint(10**8, 10**9)}", f"SN-{rng.randint(10**5, 10**6)}-{letters}")
        )

    def bioid(self) -> str:
        rng = self.rng
        return rng.choice(
            (f"BB-{rng.randint(10**5, 10**6)}", f"{rng.randint(10**7, 10**8)}-{rng.choice('ABCX')}",
             f"FP{rng.randint(10**6, 10**7)}", f"DNA-{rng.randint(1000, 9999)}-{rng.randint(100, 999)}")
        )

    def idnum(self) -> str:
        rng = self.rng
        return weighted(
            rng,
            [
                (str(rng.randint(10**6, 10**8)), 3),
                (f"{rng.randint(10**5, 10**6)}-{rng.randint(1000, 9999)}", 1),
                (f"{rng.choice('SMRC')}{rng.randint(50, 99)}-{rng.randint(1000, 99999)}", 1),
                (f"{rng.randint(0, 9)}-{rng.randint(10**6, 10**7)}", 1),
                (f"{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}{rng.randint(10**4, 10**6)}", 1),
            ],
        )  # type: ignore[return-value]


def _ascii_lower(text: str) -> str:
    import unicodedata

    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text.lower()) if ch.isascii() and ch.isalnum()
    ) or "x"
