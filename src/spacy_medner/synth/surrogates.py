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

from ..lexicon import DEPARTMENTS, PROFESSIONS
from .builder import Field, Phi

# Name locales and their weights: many cultures, as in a US city hospital.
# ``vi``, ``zh``, ``ja``, ``ko`` and ``ar`` are romanised (Latin-script)
# names built from Faker's romanised providers or the lists below.
NAME_LOCALES: Tuple[Tuple[str, float], ...] = (
    ("en_US", 0.44),
    ("es_MX", 0.06),
    ("es_CO", 0.02),
    ("en_GB", 0.03),
    ("en_IE", 0.02),
    ("it_IT", 0.03),
    ("en_IN", 0.05),
    ("fr_FR", 0.03),
    ("pl_PL", 0.02),
    ("pt_BR", 0.03),
    ("de_DE", 0.02),
    ("nl_NL", 0.02),
    ("vi", 0.04),
    ("zh", 0.04),
    ("ja", 0.015),
    ("ko", 0.015),
    ("en_NG", 0.02),
    ("yo_NG", 0.015),
    ("ig_NG", 0.01),
    ("ar", 0.03),
    ("en_PK", 0.015),
    ("tr_TR", 0.01),
    ("tw_GH", 0.01),
)

#: romanised Korean names (Faker's ko_KR is Hangul only)
KOREAN_LAST = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin", "Seo", "Kwon", "Hwang", "Ahn", "Song", "Oh", "Yoo", "Hong")
KOREAN_FIRST = {
    "M": ("Min-jun", "Seo-jun", "Ji-hoon", "Hyun-woo", "Dong-hyun", "Sung-min", "Jae-won", "Young-ho", "Tae-yang", "Jin"),
    "F": ("Ji-woo", "Seo-yeon", "Min-ji", "Soo-jin", "Eun-ji", "Hye-jin", "Ji-eun", "Yuna", "Mi-kyung", "Soo-ah"),
}
#: romanised Arabic names, with the particles notes keep (al-, bin, bint, Abdel, Abu)
ARABIC_FIRST = {
    "M": ("Mohammed", "Muhammad", "Ahmed", "Ahmad", "Omar", "Ali", "Hassan", "Hussein", "Khalid", "Youssef", "Ibrahim", "Tariq", "Karim", "Samir", "Walid", "Abdullah", "Mustafa", "Faisal", "Nabil", "Rami"),
    "F": ("Fatima", "Aisha", "Mariam", "Layla", "Noor", "Huda", "Salma", "Yasmin", "Rania", "Amira", "Zainab", "Leila", "Hana", "Samira", "Dalia", "Reem"),
}
ARABIC_LAST = ("al-Hassan", "Al-Rashid", "El-Sayed", "Abdel Aziz", "Abdelrahman", "bin Saleh", "Haddad", "Khoury", "Nasser", "Mansour", "Saleh", "Hamdan", "Abu Bakr", "al-Amin", "Farouk", "Aziz", "Qureshi", "Darwish", "Ibrahim", "Suleiman", "Abdullah", "El Khatib", "bin Omar", "Al Otaibi")
#: Vietnamese given names (Faker's vi_VN first_name is unreliable)
VIETNAMESE_FIRST = {
    "M": ("Minh", "Tuan", "Quang", "Hung", "Duc", "Hai", "Long", "Phuc", "Khoa", "Thanh", "Nam", "Bao", "Dung", "Trung", "Vinh"),
    "F": ("Lan", "Huong", "Linh", "Mai", "Thu", "Trang", "Ngoc", "Hoa", "Anh", "Phuong", "Thao", "Nhung", "Hanh", "Yen", "Tuyet"),
}
#: surnames with an apostrophe
APOSTROPHE_LAST = ("O'Brien", "O'Connor", "O'Neill", "O'Malley", "O'Reilly", "O'Donnell", "O'Sullivan", "D'Angelo", "D'Amico", "D'Souza", "DeAngelis", "N'Diaye", "Dell'Aquila", "O'Hara", "D'Costa")
#: given names that are also ordinary English words
WORD_FIRST = {
    "M": ("Mark", "Bill", "Will", "Grant", "Hunter", "Chase", "Rich", "Sonny", "Guy", "Art", "Bob", "Frank", "Miles", "Pat", "Gene"),
    "F": ("Rose", "Hope", "May", "Faith", "Joy", "Grace", "Amber", "Dawn", "Summer", "Iris", "Olive", "Ruby", "Pearl", "Holly", "June", "Patience", "Star"),
}
#: surnames that are also ordinary English words
WORD_LAST = ("Young", "Park", "Grant", "Long", "Little", "Price", "Stone", "Wood", "Hall", "Black", "White", "Brown", "Green",
             "King", "Bishop", "Rich", "Small", "Moody", "Hope", "Frank", "Savage", "Rose", "Banks", "Fields", "Case", "Bell",
             "Cross", "Love", "Lane", "Church", "Hill", "Page", "Sharp", "Strong", "Swift", "Wise", "Best", "Day", "Cook", "Head",
             "Rice", "Gay", "Mark", "Bill", "Law", "Sterling", "Major", "Early", "Cash", "Foot", "Wolf", "Fox")
#: surname particles by locale (Spanish, Portuguese, German, French)
PARTICLES = {"es_MX": ("de la ", "del ", "de los ", "de "), "es_CO": ("de la ", "del "), "pt_BR": ("da ", "dos ", "de "),
             "de_DE": ("von ",), "fr_FR": ("de ", "Le ", "du "), "it_IT": ("De ", "Di ", "La ")}

#: pieces of compound occupations ("retired high school chemistry teacher", "HVAC apprentice", "line cook")
PROFESSION_TRADES = ("HVAC", "electrical", "plumbing", "carpentry", "welding", "roofing", "drywall", "masonry", "pipefitter", "sheet metal")
PROFESSION_TRADE_ROLES = ("apprentice", "technician", "installer", "foreman", "contractor", "journeyman", "helper", "estimator")
PROFESSION_SUBJECTS = ("math", "chemistry", "biology", "English", "history", "music", "art", "special education", "physical education", "Spanish", "science")
PROFESSION_SCHOOLS = ("high school", "middle school", "elementary school", "kindergarten", "preschool", "community college")
PROFESSION_QUALIFIED = (
    "line cook", "prep cook", "short-order cook", "sous chef", "pastry chef", "long-haul truck driver", "delivery driver", "forklift operator",
    "crane operator", "heavy equipment operator", "dental hygienist", "dental assistant", "medical assistant", "phlebotomist",
    "pharmacy technician", "radiology technician", "surgical technologist", "EMT", "paramedic", "9-1-1 dispatcher", "air traffic controller",
    "school bus driver", "crossing guard", "grocery stocker", "barista", "dishwasher", "nanny", "personal care attendant", "child care provider",
    "warehouse associate", "Amazon delivery driver", "rideshare driver", "hotel housekeeper", "office manager", "bookkeeper", "tax preparer",
    "claims adjuster", "loan officer", "bank teller", "IT support specialist", "data analyst", "web developer", "graphic designer",
    "hospice chaplain", "youth pastor", "yoga instructor", "personal trainer", "lobsterman", "dairy farmer", "poultry worker",
    "meat cutter", "butcher", "baker", "seamstress", "tailor", "shoe repairer", "locksmith", "exterminator", "tree trimmer",
    "groundskeeper", "golf course superintendent", "union electrician", "longshoreman", "merchant marine", "Army veteran", "National Guard member",
    "retired Marine", "corrections officer", "probation officer", "court reporter", "legal secretary", "home daycare provider",
)
PROFESSION_STATUS = ("retired ", "former ", "part-time ", "laid-off ", "semi-retired ", "")

#: word pieces for invented proper names of places, firms and clinics ("Willowmere", "Coldstream", "Kestrel Bay")
PLACE_HEADS = ("Willow", "Cold", "Red", "Harbor", "Kestrel", "Sun", "Bright", "Ash", "Green", "Oak", "Maple", "Stone", "River", "North",
               "East", "West", "Silver", "Pine", "Cedar", "Fox", "Elm", "Birch", "Clear", "High", "Lake", "Mill", "Heron", "Falcon",
               "Iron", "Copper", "Blue", "Glen", "Wren", "Thorn", "Summer", "Winter", "Rose", "Hawk", "Deer", "Fern", "Moss", "Bay")
PLACE_TAILS = ("mere", "stream", "line", "hollow", "water", "grove", "field", "brook", "wood", "ridge", "ford", "haven", "gate", "crest",
               "dale", "view", "point", "side", "vale", "hurst", "wick", "ton", "bury", "more", "land", "shore", "spring", "rock")
PLACE_WORDS = ("Bay", "Valley", "Harbor", "Hill", "Creek", "Point", "Ridge", "Meadow", "Springs", "Pines", "Lakes", "Falls", "Crossing", "Commons")
#: employer kinds written after a proper name ("Redline Freight", "Coldstream Mechanical")
EMPLOYER_KINDS = ("Freight", "Mechanical", "Logistics", "Construction", "Electric", "Plumbing & Heating", "Landscaping", "Foods", "Bakery",
                  "Manufacturing", "Tool & Die", "Auto Body", "Motors", "Trucking", "Roofing", "Builders", "Insurance", "Realty", "Credit Union",
                  "Savings Bank", "Dental", "Veterinary Clinic", "Hardware", "Market", "Grocers", "Diner", "Brewing Co.", "Textiles", "Plastics",
                  "Paper Co.", "Printing", "Seafood", "Farms", "Dairy", "Transit", "Moving & Storage", "Staffing", "Security", "Cleaning Services",
                  "Public Schools", "School District", "Academy", "Country Club", "Marina", "Hotel", "Inn", "Senior Living", "Nursing Home",
                  "Daycare", "Child Care Center", "Learning Center", "Fitness", "Software", "Systems", "Labs", "Consulting", "Engineering",
                  "Energy", "Utilities", "Water District", "Sanitation", "Steel", "Lumber", "Quarry", "Shipyard", "Casino", "Distribution Center")

#: third parties notes name beside the care team, by kind: written after a proper name
#: ("Helix Prenatal Genomics", "Camelback Drug", "Tri-County EMS"); ``organization(kind)``
THIRD_PARTY_KINDS: Dict[str, Tuple[str, ...]] = {
    "lab": ("Genomics", "Diagnostics", "Reference Laboratory", "Genetics Laboratory", "Prenatal Genomics", "Molecular Diagnostics",
            "Toxicology", "Pathology Associates", "Clinical Laboratories", "BioReference", "Allergy Labs", "Sleep Diagnostics"),
    "pharmacy": ("Drug", "Pharmacy", "Apothecary", "Drugs", "Compounding Pharmacy", "Specialty Pharmacy", "Family Pharmacy", "Rx"),
    "dme": ("Home Respiratory", "Medical Supply", "Home Medical", "Respiratory Services", "Oxygen & Medical", "Mobility", "Orthotics & Prosthetics",
            "Hearing Aids", "Home Infusion", "Medical Equipment"),
    "interpreter": ("Interpreting", "Language Services", "Interpreter Services", "Translations", "Language Line", "Bridge Services"),
    "ems": ("EMS", "Ambulance", "Fire Rescue", "Rescue Squad", "Medical Transport", "Air Medical", "Fire Department", "Ambulance Service"),
    "school": ("Daycare", "Head Start", "Preschool", "Elementary", "Middle School", "High School", "Academy", "Montessori", "Learning Center",
               "Day Camp", "Charter School", "Boys & Girls Club"),
    "registry": ("Donor Network", "Organ Procurement Organization", "Medical Examiner", "Coroner's Office", "Poison Center", "Health Department",
                 "Board of Health", "Child Protective Services", "Adult Protective Services", "Sheriff's Office", "Police Department"),
    "insurer": ("Health Plan", "Senior Advantage", "Medicare Rx", "Care Plan", "Travel Assurance", "Assist", "Mutual", "Health Alliance",
                "Employee Benefits", "Workers' Comp", "Casualty", "Life & Health", "Medicaid Plan", "Kids Health Plan"),
}
#: regional words that begin the names of services ("Tri-County EMS", "Heartland Donor Network")
REGION_WORDS = ("Tri-County", "TriState", "Tri-State", "Metro", "Regional", "Northwest", "Coastal", "Prairie", "Lakeshore", "Heartland",
                "Pacifica", "Sunbelt", "Keystone", "Gulf Coast")
#: daycare and preschool names after "Little"
LITTLE_WORDS = ("Acorns", "Sprouts", "Explorers", "Lambs", "Stars", "Feet", "Learners", "Hands", "Sparrows")
#: fields of the programs and centres inside a hospital that are named as departments ("Structural Heart Program")
PROGRAM_FIELDS = ("Structural Heart", "Advanced Heart Failure", "Memory Disorders", "Comprehensive Epilepsy", "Bariatric Surgery",
                  "Healthy Weight", "Complex Care", "Movement Disorders", "Transitional Care", "Lung Nodule", "Limb Preservation")
#: a ward's kind after a name and floor ("Hartwell 4 Telemetry", "Ashgrove 6 West")
WARD_KINDS = ("Telemetry", "West", "East", "North", "South", "Medical", "Surgical", "Oncology", "Med-Surg", "Step-Down", "Ortho")
#: words that begin hospital and church-founded names and are also ordinary words ("MERCY RIDGE MEDICAL CENTER")
VIRTUE_WORDS = ("Mercy", "Providence", "Trinity", "Good Shepherd", "Good Samaritan", "Sacred Heart", "Hope", "Grace", "Bethany",
                "Covenant", "Unity", "Harmony", "Liberty", "Pioneer", "Valley", "Summit", "Frontier", "Heritage", "Advocate")
#: secondary address units written inside the STREET span ("Suite B", "2nd Floor", "apt 3")
STREET_UNITS = ("Suite {n}", "Ste {n}", "Ste. {n}", "Apt {n}", "apt {n}", "Apt. {n}", "Unit {n}", "#{n}", "{o} Floor", "Level {k}",
                "Bldg {L}", "Suite {L}", "Room {n}", "Floor {k}", "Lot {n}", "Trailer {k}")

#: the common street suffixes as notes abbreviate them
STREET_SUFFIXES = ("St", "St", "Ave", "Ave", "Dr", "Dr", "Rd", "Rd", "Ct", "Ln", "Blvd", "Way", "Pl", "Cir", "Ter", "Pkwy", "Hwy", "Trl")
#: one-word brand names and local businesses, for employers and landmarks ("HearthStone", "Pruitt Feed & Seed")
BRAND_TAILS = ("line", "stone", "point", "path", "well", "bridge", "way", "works", "field", "spring", "light", "star", "view", "gate")
LOCAL_BUSINESSES = ("Feed & Seed", "Coffee", "Hardware", "Diner", "Auto Body", "Tire & Lube", "Market", "Grocery", "Bakery", "Bait & Tackle",
                    "Car Wash", "Laundromat", "Lumber", "Farm Supply", "Pizza", "Barbershop", "Motors", "Quarry", "Orchards", "Tavern")
#: credentials written after a clinician's name, outside the DOCTOR span ("Renée Castellanos, LCSW")
CREDENTIALS = ("LCSW", "LICSW", "MSW", "CPhT", "PharmD", "PharmD, BCPS", "PMHNP-BC", "FNP-C", "FNP-BC", "NNP-BC", "AGACNP-BC", "CNM", "CRNA",
               "RD, LDN", "PT, DPT", "OTR/L", "SLP", "CCC-SLP", "Au.D., CCC-A", "LMHC", "LPC", "PsyD", "PhD", "RGN", "BSN, RN", "MSN, RN",
               "CCHT", "RRT", "EMT-P", "MD, FACC", "MD, FACS", "MBBS", "MBChB", "MRCP", "FRACP", "DDS", "DMD", "OD", "DPM", "CGC", "MS, CGC",
               "RN, CDE", "CNS", "APRN", "PA", "LPN", "CNA", "MA", "PhD, FACMG", "PhD, DABMGG", "MS, CCC-SLP", "OTR/L, CHT", "COTA/L",
               "FP-C, CCP", "RN, CRNI", "MLS(ASCP)", "CRNA, APRN", "RRT-NPS", "C-NPT, RN", "RT(R)")

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
    "dotted": lambda d: f"{d.month:02d}.{d.day:02d}.{d.year}",
    "dotted_dmy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "dmy_abbr": lambda d: f"{d.day} {MONTH_ABBR[d.month - 1]} {d.year}",
    "dmy_abbr_dash": lambda d: f"{d.day:02d}-{MONTH_ABBR[d.month - 1]}-{d.year}",
    "legacy_compact": lambda d: f"{d.day:02d}{MONTH_ABBR[d.month - 1].upper()}{d.year}",
    "slash_iso": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "dash_short": lambda d: f"{d.month}-{d.day}-{d.year % 100:02d}",
    "abbr_dot": lambda d: f"{MONTH_ABBR[d.month - 1]}. {d.day}, {d.year}",
    "abbr_day": lambda d: f"{MONTH_ABBR[d.month - 1]} {d.day}",
    "abbr_ordinal": lambda d: f"{MONTH_ABBR[d.month - 1]} {_ordinal(d.day)}",
    "abbr_apos_yy": lambda d: f"{MONTH_ABBR[d.month - 1]} '{d.year % 100:02d}",
    "ordinal_day": lambda d: _ordinal(d.day),  # written "the 16th"; "the" is not PHI (DATE_LEAD_INS)
    "compact_iso": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
}
#: text written before a format's DATE span, outside it: i2b2 annotates "16th" in "the 16th"
DATE_LEAD_INS: Dict[str, str] = {"ordinal_day": "the "}
#: formats naming a full day (for record dates, DOB, admission dates)
FULL_DATE_FORMATS = ("iso", "mdyy", "mmddyyyy", "mdyyyy", "mmddyy", "dashed", "long", "abbr", "long_nocomma", "day_month_year",
                     "iso", "mdyy", "mmddyyyy", "dotted", "dmy_abbr", "dmy_abbr_dash", "slash_iso", "dash_short", "abbr_dot",
                     "legacy_compact", "dotted_dmy")
#: formats for a day within the note's year (follow-ups, lab dates)
SHORT_DATE_FORMATS = ("mmdd", "md", "ordinal_of", "month_ordinal", "month_day", "mdyy", "mmddyyyy", "long",
                      "md", "abbr_day", "abbr_ordinal", "month_ordinal", "dmy_abbr", "ordinal_day")
#: formats for a past event (surgeries, diagnoses)
PAST_DATE_FORMATS = ("year", "year", "year", "month_year", "abbr_month_year", "m_yy", "m_yyyy", "mdyy", "abbr_apos_yy", "year")


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
    domain: str = ""  # the web/e-mail domain, e.g. ``smh.org``


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
            for provider in fake.get_providers():  # it_IT builds its city list from a set: unsorted, it follows PYTHONHASHSEED
                if isinstance(getattr(provider, "cities", None), list):
                    provider.cities = sorted(provider.cities)
            fake.seed_instance((self.seed * 1_000_003 + zlib.crc32(locale.encode())) % (2**32))
            self._fakers[locale] = fake
        return fake

    @property
    def us(self) -> Faker:
        return self.faker("en_US")

    # -- people -----------------------------------------------------------
    def person(self, sex: Optional[str] = None) -> Person:
        """A SYNTHETIC person with a name from one of :data:`NAME_LOCALES`.

        Names may be romanised (Chinese, Japanese, Korean, Arabic, Vietnamese),
        hyphenated, carry an apostrophe or a particle (``van der``, ``de la``,
        ``bin``), be plain words (``Rose``, ``Young``), or lose their
        diacritics the way US record systems often drop them.
        """
        rng = self.rng
        sex = sex or rng.choice("MF")
        locale: str = weighted(rng, NAME_LOCALES)  # type: ignore[assignment]
        first, last = self._base_name(locale, sex)
        # keep single tokens free of Faker's occasional titles
        first = first.split()[0].strip(".,") if locale not in ("ko",) else first
        r = rng.random()
        if r < 0.09:  # double-barrelled names are common in hand-written notes (Okonjo-Whitfield, Ngata-Brooks)
            last = f"{last}-{self._base_name(rng.choice((locale, 'en_US', 'en_GB')), sex)[1].split()[-1]}"
        elif r < 0.11:
            last = rng.choice(APOSTROPHE_LAST)
        elif r < 0.13 and locale in PARTICLES and " " not in last:
            last = rng.choice(PARTICLES[locale]) + last
        elif r < 0.165:
            last = rng.choice(WORD_LAST)
        if rng.random() < 0.045:
            first = rng.choice(WORD_FIRST[sex])
        if not (first + last).isascii() and rng.random() < 0.45:
            first, last = _ascii_fold(first), _ascii_fold(last)
        middle = rng.choice(string.ascii_uppercase) if rng.random() < 0.4 else ""
        return Person(first, middle, last, sex)

    def _base_name(self, locale: str, sex: str) -> Tuple[str, str]:
        rng = self.rng
        if locale == "vi":
            fake = self.faker("vi_VN")
            return rng.choice(VIETNAMESE_FIRST[sex]), fake.last_name()
        if locale == "zh":
            fake = self.faker("zh_CN")
            return fake.first_romanized_name(), fake.last_romanized_name()
        if locale == "ja":
            fake = self.faker("ja_JP")
            first = fake.first_romanized_name_male() if sex == "M" else fake.first_romanized_name_female()
            return first, fake.last_romanized_name()
        if locale == "ko":
            return rng.choice(KOREAN_FIRST[sex]), rng.choice(KOREAN_LAST)
        if locale == "ar":
            return rng.choice(ARABIC_FIRST[sex]), rng.choice(ARABIC_LAST)
        fake = self.faker(locale)
        first = fake.first_name_male() if sex == "M" else fake.first_name_female()
        return first, fake.last_name()

    def username(self, person: Person) -> str:
        rng = self.rng
        first, last = ascii_lower(person.first), ascii_lower(person.last)
        return weighted(
            rng,
            [
                (f"{first[:1]}{last[:6]}", 3),
                (f"{first[:1]}{last[:1]}{rng.randint(1, 999)}", 3),
                (f"{person.initials.lower()}{rng.randint(1, 99)}", 2),
                (f"{last[:5]}{first[:1]}{rng.randint(1, 9)}", 1),
                (f"{first}.{last}", 1),
                (self.us.user_name(), 1),
                (f"{rng.choice(('lis', 'reg', 'ed', 'rad', 'rx', 'adm', 'edtech'))}_{first[:1]}{last[:7]}", 1),  # a system's prefix
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
            ((title.rstrip(".") + " ", Phi("PATIENT", p.last)), 0.6 if kind != "header" else 0),
            (Phi("PATIENT", f"{p.last}, {p.first} {p.middle}." if p.middle else f"{p.last}, {p.first}"), 0.5),
            (Phi("PATIENT", f"{p.last} {p.first[0]}"), 0.2),
            (Phi("PATIENT", f"{p.last.upper()}, {p.first[0]}"), 0.15),
            (Phi("PATIENT", f"{p.first[0]}.{p.last[0]}."), 0.1 if kind != "header" else 0),
            (Phi("PATIENT", f"{p.first} {p.last}".upper()), 0.3 if kind == "header" else 0.05),
            (Phi("PATIENT", f"{p.last}, {p.first} {p.middle}".upper() if p.middle else f"{p.last}, {p.first}".upper()), 0.6 if kind == "header" else 0.05),
            (Phi("PATIENT", f"{p.first} {p.last[0]}."), 0.3 if kind == "narrative" else 0.05),
        ]
        if kind == "terse":
            options = [
                (Phi("PATIENT", p.full.lower()), 2), (Phi("PATIENT", p.last.lower()), 1), (Phi("PATIENT", p.first.lower()), 1),
                ((title.rstrip(".").lower() + " ", Phi("PATIENT", p.last.lower())), 1.5), (Phi("PATIENT", p.full), 1),
                (("pt ", Phi("PATIENT", p.last.lower())), 0.5), (Phi("PATIENT", p.first), 0.5),
            ]
        return weighted(rng, options)  # type: ignore[return-value]

    def doctor_name(self, p: Person, kind: str = "any") -> Field:
        """A clinician name: ``Dr. Smith``, ``John Smith, MD``, ``SMITH``, ``Dr.Smith``..."""
        rng = self.rng
        cred = rng.choice(("MD", "M.D.", "MD", "MD, PhD", "DO", "NP", "PA-C", "RN")) if rng.random() < 0.7 else rng.choice(CREDENTIALS)
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
            (("-- ", Phi("DOCTOR", ".".join(p.initials) + ".")), 0.3 if kind == "signature" else 0),
            (("Dr ", Phi("DOCTOR", p.last)), 1),
            ((Phi("DOCTOR", p.last), " MD"), 0.4),
            (("Dr. ", Phi("DOCTOR", f"{p.first[0]}. {p.last}")), 0.5),
            ((Phi("DOCTOR", f"{p.last}, {p.first[0]}."), f" {cred}"), 0.2),
            (Phi("DOCTOR", f"{p.last.upper()}, {p.first[0]}"), 0.4),  # a paging or dispensing log's "LAST, F"
            (Phi("DOCTOR", f"{p.last}, {p.first[0]}"), 0.4),  # an order list's "Patel, N"
            ((Phi("DOCTOR", f"{p.last.upper()}, {p.first[0]}"), " " + rng.choice(("CRNA", "RN", "CST", "MD", "PA-C"))), 0.2),
            (("Dr. ", Phi("DOCTOR", p.first)), 0.15 if kind != "signature" else 0),
        ]
        if kind == "terse":
            options = [
                (("dr ", Phi("DOCTOR", p.last.lower())), 3), (("dr. ", Phi("DOCTOR", p.last.lower())), 1),
                (("Dr ", Phi("DOCTOR", p.last)), 1.5), (("dr ", Phi("DOCTOR", p.last)), 1), (Phi("DOCTOR", p.last.lower()), 0.5),
                ((Phi("DOCTOR", p.last.lower()), " md"), 0.5), (("md ", Phi("DOCTOR", p.last)), 0.3),
            ]
        elif kind == "nurse":
            options = [
                ((Phi("DOCTOR", p.full), ", RN"), 3), ((Phi("DOCTOR", p.full), " RN"), 2), ((Phi("DOCTOR", p.first), " RN"), 1.5),
                ((Phi("DOCTOR", f"{p.first} {p.last[0]}."), ", RN"), 1), ((Phi("DOCTOR", p.initials), " RN"), 0.7),
                ((Phi("DOCTOR", p.first.lower()), " rn"), 0.5), ((Phi("DOCTOR", p.full), ", BSN, RN"), 0.5),
                ((Phi("DOCTOR", p.full), ", LPN"), 0.3), ((Phi("DOCTOR", p.full), ", NP"), 0.3),
            ]
        return weighted(rng, options)  # type: ignore[return-value]

    def relative_name(self, p: Person, kind: str = "any") -> Field:
        if kind == "terse":
            return weighted(self.rng, [(Phi("PATIENT", p.first.lower()), 2), (Phi("PATIENT", p.first), 2),
                                       (Phi("PATIENT", p.full.lower()), 1)])  # type: ignore[return-value]
        return weighted(self.rng, [(Phi("PATIENT", p.first), 3), (Phi("PATIENT", p.full), 2),
                                   (Phi("PATIENT", f"{p.first} {p.middle}. {p.last}" if p.middle else p.full), 0.3)])  # type: ignore[return-value]

    # -- ages -------------------------------------------------------------
    def age(self, years: int, sex: Optional[str] = None, with_sex: bool = False) -> Field:
        """``55yo``, ``55-year-old``, ``age 55``, ``92 y/o``, ``aged 91``... (the span is the number).

        Forms that carry the sex (``55M``, ``72 yo m``, ``age 55 woman``) only
        with ``with_sex`` (where no sex word follows).
        """
        ws = 1.0 if with_sex else 0.0
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
            ((a, sex_letter), 2 * ws),
            ((a, " ", sex_letter), 1 * ws),
            ((a, " yr old"), 0.5),
            ((a, "-yr-old"), 0.4),
            (("age ", a, " ", sex_word), 0.5 * ws),
            (("aged ", a), 0.4),
            ((a, " years of age"), 0.3),
            ((a, "yo ", sex_letter), 1 * ws),
            ((a, " yo ", sex_letter.lower()), 1 * ws),
            ((a, " y.o. ", sex_letter), 0.6 * ws),
            ((a, "-yo"), 0.2),
            ((a, " yrs"), 0.2),
            ((a, "y"), 0.15),
            (("(", a, ")"), 0.1),
        ]
        return weighted(rng, options)  # type: ignore[return-value]

    def child_age(self, months: int) -> Field:
        """A child's age: ``8 mo old``, ``8-month-old``, ``3 wk old``, ``2 yo`` (the span is the number)."""
        rng = self.rng
        if months < 1:
            a = Phi("AGE", str(rng.randint(2, 4)))
            return weighted(rng, [((a, " wk old"), 1), ((a, "-week-old"), 1), ((a, " wks"), 0.5)])  # type: ignore[return-value]
        if months < 24:
            a = Phi("AGE", str(months))
            return weighted(rng, [((a, " mo old"), 2), ((a, "-month-old"), 2), ((a, " mo"), 1), ((a, "mo"), 0.5), ((a, " month old"), 1)])  # type: ignore[return-value]
        a = Phi("AGE", str(months // 12))
        return weighted(rng, [((a, "-year-old"), 2), ((a, " yo"), 1), ((a, " y/o"), 1), ((a, "yo"), 0.5)])  # type: ignore[return-value]

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
        """A street address; some with a unit after a comma ("900 Tamsin Parkway, Level 2"), some PO boxes."""
        rng = self.rng
        x = rng.random()
        if x < 0.06:
            s = weighted(rng, [(f"PO Box {rng.randint(10, 99999)}", 3), (f"P.O. Box {rng.randint(10, 9999)}", 2),
                               (f"RR {rng.randint(1, 9)} Box {rng.randint(10, 999)}", 1)])  # type: ignore[assignment]
        else:
            s = self.us.street_address()
            if rng.random() < 0.35:  # a common suffix as notes abbreviate it: "655 Sunfield Dr", "12 Quenby Ct."
                name = weighted(rng, [(self.us.last_name(), 3), (self.place_name(), 2), (self.us.first_name(), 1)])
                s = f"{self.us.building_number()} {name} {rng.choice(STREET_SUFFIXES)}{'.' if rng.random() < 0.2 else ''}"
            if x < 0.3 and not any(u in s for u in ("Apt.", "Suite")):
                unit = rng.choice(STREET_UNITS).format(n=rng.randint(1, 499), k=rng.randint(1, 9), o=_ordinal(rng.randint(1, 6)),
                                                       L=rng.choice("ABCDEFGH"))
                s = f"{s}{rng.choice((', ', ', ', ' '))}{unit}" if rng.random() < 0.8 else f"{unit}, {s}"  # "Level 2, 40 Logan Vale Street"
        return s.upper() if rng.random() < 0.08 else s

    def foreign_address(self) -> Tuple[str, str, str, str]:
        """A Canadian, Australian, British, Irish, Indian or New Zealand (city, province or state or "", postcode, country)."""
        city, state, postcode, country = self._foreign_address()
        return city.strip(), state.strip(), postcode.strip(), country  # some Faker locales pad their city names

    def _foreign_address(self) -> Tuple[str, str, str, str]:
        rng = self.rng
        where = rng.choice(("CA", "CA", "AU", "AU", "GB", "IE", "IN", "NZ"))
        if where == "IN":
            f = self.faker("en_IN")
            pin = f.postcode()
            return f.city(), f.state(), pin if rng.random() < 0.6 else f"{pin[:3]} {pin[3:]}", "India"
        if where == "NZ":
            f = self.faker("en_NZ")
            return f.city(), "", f.postcode(), rng.choice(("New Zealand", "NZ"))
        if where == "CA":
            f = self.faker("en_CA")
            return f.city(), f.province_abbr(), f.postcode(), "Canada"
        if where == "AU":
            f = self.faker("en_AU")
            return f.city(), f.state_abbr(), f.postcode(), "Australia"
        if where == "GB":
            f = self.faker("en_GB")
            return f.city(), "", f.postcode(), rng.choice(("UK", "United Kingdom", "England"))
        eircode = (f"{rng.choice('ACDEFHKNPRTVWXY')}{rng.randint(1, 99):02d} "
                   + "".join(rng.choice("ACDEFHKNPRTVWXY0123456789") for _ in range(4)))
        return self.faker("en_IE").city(), "", eircode, "Ireland"

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
        place = self.place_name()
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
                ((f"{rng.choice(VIRTUE_WORDS)} {rng.choice(PLACE_WORDS)} Medical Center", ""), 1),
                ((f"{rng.choice(VIRTUE_WORDS)} {city} General Hospital", ""), 0.5),
                ((f"{rng.choice(VIRTUE_WORDS)} Hospital", ""), 0.5),
                ((f"Hôpital {rng.choice(('Saint-', 'Sainte-', 'du Sacré-Cœur-de-', 'de '))}{place}", place), 0.3),
            ],
        )  # type: ignore[misc]
        if rng.random() < 0.35:  # an outpatient practice or clinic: i2b2 tags these HOSPITAL too
            proper = weighted(rng, [(last, 2), (city, 2), (self.place_name(), 3), (f"{self.place_name()} {rng.choice(PLACE_WORDS)}", 1)])
            kind = rng.choice(("Pediatrics", "Family Practice", "Family Medicine", "Women's Clinic", "Women's Health", "Cardiology Associates",
                               "Primary Care", "Behavioral Health", "Orthopedic Associates", "Urgent Care", "Community Health Center",
                               "Travel & Tropical Medicine", "Internal Medicine Associates", "Health Partners", "Medical Group",
                               "Dermatology", "Eye Center", "Surgical Associates", "Kidney Care", "Physical Therapy", "Dialysis Center",
                               "Nursing and Rehabilitation Center", "Skilled Nursing Facility", "Clinic", "Health Clinic", "Counseling Center",
                               "Imaging Center", "Reference Lab", "Dermatopathology Lab", "Diagnostics", "Heart Clinic", "Dermatology Associates",
                               "Digestive Health, P.C.", "Pediatrics, P.A.", "Surgery Center", "Endoscopy Center", "Sleep Center", "Cancer Center",
                               "Hearing & Balance Clinic", "Vein Clinic", "Wound Care Center", "Lab", "Radiology", "Dialysis",
                               "Reference Laboratory", "Genomics Laboratory", "Immunohematology Reference Laboratory", "Hand & Upper Extremity Therapy",
                               "Skin Cancer Clinic", "Recovery Clinic", "Skin & Melanoma Clinic", "Family Medical Centre", "Avian & Exotic Clinic"))
            name, short = f"{proper} {kind}", f"{proper}"
        if not short:  # the virtue-word names: the name without its kind
            short = " ".join(name.split()[:2])
        acronym = initials_of(name)
        if len(acronym) >= 3 and rng.random() < 0.5:
            short = acronym
        domain = "".join(ch for ch in ascii_lower(short) if ch.isalnum()) or "hospital"
        return Facility(
            name=name,
            short=short,
            street=self.street(),
            city=us.city(),
            state=self.state(),
            zip=us.zipcode(),
            phone=self.phone(),
            fax=self.phone(),
            url=rng.choice((f"www.{domain}.org", f"http://www.{domain}health.org", f"https://{domain}.org/patients")),
            domain=rng.choice((f"{domain}.org", f"{domain}health.org", f"{domain}.edu", f"{domain}hc.org")),
        )

    def organization(self, kind: str = "any") -> str:
        rng, us = self.rng, self.us
        if kind in THIRD_PARTY_KINDS and (kind != "insurer" or rng.random() < 0.5):
            proper = weighted(rng, [
                (us.last_name(), 2), (us.city(), 2), (self.place_name(), 3), (rng.choice(PLACE_HEADS) + rng.choice(PLACE_WORDS), 0.5),
                (rng.choice(REGION_WORDS), 2), (f"Little {rng.choice(LITTLE_WORDS)}", 0.6 if kind == "school" else 0),
                (self.state(abbr=False), 0.7), (f"{us.last_name()} County", 1 if kind in ("registry", "ems") else 0.1),
                (f"{rng.choice(PLACE_HEADS)} {rng.choice(PLACE_WORDS)}", 1),
            ])
            name = f"{proper} {rng.choice(THIRD_PARTY_KINDS[kind])}"
            if kind == "pharmacy" and rng.random() < 0.3:  # a chain's store number is part of the name
                name += f" #{rng.choice((rng.randint(1, 99), rng.randint(100, 9999)))}" if rng.random() < 0.8 else f" #{rng.randint(1, 999):04d}"
            return name.upper() if rng.random() < 0.06 else name
        if kind == "insurer":
            return weighted(
                rng,
                [
                    (f"{us.last_name()} Health Plan", 2),
                    (f"{self.state(abbr=False)} Blue Shield", 2),
                    (f"{us.last_name()} Mutual", 1),
                    (f"{self.place_name()} Mutual Health", 0.5),
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
                    (f"{self.place_name()} {rng.choice(('Hospice', 'Home Health', 'Visiting Nurses'))} of the {rng.choice(('Foothills', 'Valley', 'Coast', 'Lakes', 'Plains'))}", 0.6),
                ],
            )  # type: ignore[return-value]
        if rng.random() < 0.09:  # a third party named as an employer
            return self.organization(rng.choice(tuple(THIRD_PARTY_KINDS)))
        return weighted(
            rng,
            [
                (us.company(), 3),
                (f"{self.place_name()} {rng.choice(EMPLOYER_KINDS)}", 3),
                (f"{us.last_name()} {rng.choice(EMPLOYER_KINDS)}", 2),
                (f"{us.city()} {rng.choice(EMPLOYER_KINDS)}", 1),
                (f"{rng.choice(PLACE_HEADS)} {rng.choice(PLACE_WORDS)} {rng.choice(EMPLOYER_KINDS)}", 1),
                (f"Little {rng.choice(LITTLE_WORDS)} {rng.choice(('Daycare', 'Preschool', 'Learning Center'))}", 0.5),
                (f"{us.last_name()} & {us.last_name()}", 1),
                (f"{us.last_name()} & {us.last_name()}, {rng.choice(('APC', 'LLP', 'PLLC', 'P.C.'))}", 0.3),
                (f"Port of {self.place_name()} {rng.choice(('Container Terminal', 'Marine Terminal', 'Authority'))}", 0.2),
                (f"{us.last_name()} & Sons {rng.choice(EMPLOYER_KINDS)}", 0.3),
                (f"{us.last_name()} {rng.choice(EMPLOYER_KINDS)} {rng.choice(('plc', 'Ltd', 'LLC', 'Inc.', 'Co.'))}", 0.4),
                (f"{self.place_name()} {rng.choice(EMPLOYER_KINDS)}, {rng.choice(('Inc.', 'LLC', 'PLLC', 'P.A.', 'Co.'))}", 0.4),
                (self.brand(), 1.2),
                (f"{us.last_name()} {rng.choice(LOCAL_BUSINESSES)}", 1),
                (f"{self.place_name()} {rng.choice(LOCAL_BUSINESSES)}", 0.4),
                (f"The {rng.choice(PLACE_HEADS)} {rng.choice(('Anchor', 'Lantern', 'Kettle', 'Mill', 'Oak', 'Barrel'))} "
                 f"{rng.choice(('Grill', 'Tavern', 'Inn', 'Cafe', 'Pub', 'Diner'))}", 0.4),
            ],
        )  # type: ignore[return-value]

    def brand(self) -> str:
        """An invented one-word brand: Brightline, HearthStone, Kestrelpath."""
        rng = self.rng
        head, tail = rng.choice(PLACE_HEADS), rng.choice(BRAND_TAILS)
        return head + (tail.capitalize() if rng.random() < 0.35 else tail)

    def place_name(self) -> str:
        """An invented one-word place-like proper name: Willowmere, Coldstream, Ashgrove."""
        return self.rng.choice(PLACE_HEADS) + self.rng.choice(PLACE_TAILS)

    def department(self, named: Optional[bool] = None) -> str:
        """A hospital department, generic half the time (``Cardiology``, ``NICU``: not PHI, see
        :func:`department_field`), otherwise a named unit, which is PHI: one named for a donor
        (``Halvorsen Family Newborn Intensive Care Unit``), a wing or floor (``Hartwell 4 Telemetry``)
        or a named institute (``Mayer Limb Preservation Institute``)."""
        rng = self.rng
        dept = rng.choice(DEPARTMENTS)
        if named is None:
            named = rng.random() < 0.5
        if not named:
            return dept if rng.random() < 0.8 else f"{rng.choice(PROGRAM_FIELDS)} {rng.choice(_PROGRAM_KINDS)}"
        donor = self.us.last_name()
        return weighted(rng, [
            (f"{donor} {rng.choice(('Family ', ''))}{dept}", 3),
            (f"{rng.choice((donor, self.place_name()))} {rng.randint(2, 9)} {rng.choice(WARD_KINDS)}", 2),
            (f"{donor} {rng.choice(('Pavilion', 'Hall', 'Wing', 'Tower', 'Unit'))}", 1),
            (f"{donor} {rng.choice(PROGRAM_FIELDS)} {rng.choice(('Program', 'Center', 'Institute'))}", 1.5),
            (f"{self.place_name()} {rng.choice(('Ward', 'Unit', 'House'))}", 0.7),
        ])  # type: ignore[return-value]

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
        rng = self.rng
        x = rng.random()
        if x < 0.2:
            job = self.us.job()
            if "," not in job:
                return job.lower()
        if x < 0.26:
            return f"{rng.choice(PROFESSION_STATUS)}{rng.choice(PROFESSION_SCHOOLS)} {rng.choice(PROFESSION_SUBJECTS + ('',)) + ' ' if rng.random() < 0.6 else ''}teacher".replace("  ", " ")
        if x < 0.38:
            return f"{rng.choice(PROFESSION_STATUS)}{rng.choice(PROFESSION_TRADES)} {rng.choice(PROFESSION_TRADE_ROLES)}"
        if x < 0.6:
            return rng.choice(PROFESSION_STATUS) + rng.choice(PROFESSION_QUALIFIED)
        return rng.choice(PROFESSIONS)

    # -- contacts ---------------------------------------------------------
    def phone(self) -> str:
        """A phone number in one of many styles (the extension is part of the span)."""
        rng = self.rng
        area, ex, num = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
        ext = rng.randint(2, 9999)
        return weighted(
            rng,
            [
                (f"({area}){ex}-{num:04d}", 3),
                (f"({area}) {ex}-{num:04d}", 3),
                (f"{area}-{ex}-{num:04d}", 3),
                (f"{area}.{ex}.{num:04d}", 1.2),
                (f"{ex}-{num:04d}", 1),
                (f"{area} {ex} {num:04d}", 0.5),
                (f"1-{area}-{ex}-{num:04d}", 0.5),
                (f"x{rng.randint(1, 9)}-{num:04d}", 0.5),
                (f"+1 ({area}) {ex}-{num:04d}", 0.6),
                (f"+1-{area}-{ex}-{num:04d}", 0.4),
                (f"+1 {area} {ex} {num:04d}", 0.3),
                (f"{area}{ex}{num:04d}", 0.6),
                (f"{ex}-{num:04d} ext {ext}", 0.4),
                (f"({area}) {ex}-{num:04d} x{ext}", 0.4),
                (f"{area}-{ex}-{num:04d} ext. {ext}", 0.3),
                (f"{area}/{ex}-{num:04d}", 0.3),
                (f"1 ({area}) {ex} {num:04d}", 0.2),
                (f"+44 20 {rng.randint(7000, 8999)} {num:04d}", 0.15),
                (f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}", 0.1),
                (f"+52 55 {rng.randint(1000, 9999)} {num:04d}", 0.1),
                (f"+91 {rng.randint(70000, 99999)} {rng.randint(10000, 99999)}", 0.1),
                (f"+234 80{rng.randint(1, 9)} {rng.randint(100, 999)} {num:04d}", 0.05),
            ],
        )  # type: ignore[return-value]

    def intl_phone(self) -> str:
        """A non-US number (family abroad, overseas insurers)."""
        rng = self.rng
        num = rng.randint(0, 9999)
        return weighted(rng, [
            (f"+44 20 {rng.randint(7000, 8999)} {num:04d}", 2), (f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}", 1),
            (f"+52 55 {rng.randint(1000, 9999)} {num:04d}", 1.5), (f"+91 {rng.randint(70000, 99999)} {rng.randint(10000, 99999)}", 1.5),
            (f"+234 80{rng.randint(1, 9)} {rng.randint(100, 999)} {num:04d}", 1), (f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}", 1),
            (f"+84 {rng.randint(90, 99)} {rng.randint(100, 999)} {num:04d}", 1), (f"+86 138 {rng.randint(1000, 9999)} {num:04d}", 1),
            (f"011 52 {rng.randint(100, 999)} {rng.randint(100, 999)} {num:04d}", 0.5), (f"+1 (416) {rng.randint(200, 999)}-{num:04d}", 0.5),
        ])  # type: ignore[return-value]

    def pager(self) -> str:
        rng = self.rng
        return rng.choice((str(rng.randint(10000, 99999)), f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"))

    def email(self, person: Optional[Person] = None, domain: Optional[str] = None) -> str:
        """An e-mail address: personal (free mail), institutional (``domain``) or Faker's."""
        rng = self.rng
        if person is not None and rng.random() < 0.75:
            first, last = ascii_lower(person.first), ascii_lower(person.last)
            local = weighted(rng, [
                (f"{first}.{last}", 3), (f"{first[:1]}{last}{rng.randint(1, 99)}", 2), (f"{first[:1]}{last}", 2),
                (f"{first}_{last}{rng.randint(60, 99)}", 1), (f"{first}{rng.randint(1, 9999)}", 1),
                (f"{last}.{first[:1]}", 0.5), (f"{first}{last[:1]}", 0.5), (f"{self.us.word()}{first[:3]}{rng.randint(1, 99)}", 0.5),
            ])
            host = domain or weighted(rng, [(self.us.free_email_domain(), 4), ("comcast.net", 0.5), ("icloud.com", 0.7),
                                            ("aol.com", 0.5), ("verizon.net", 0.3), (self.us.domain_name(), 1)])
            return f"{local}@{host}"
        if domain is not None:
            box = rng.choice(("scheduling", "referrals", "medrecords", "cardiology.appts", "nurseline", "billing", "clinic", "info", "frontdesk"))
            return f"{box}@{domain}"
        return self.us.email()

    def url(self, domain: Optional[str] = None) -> str:
        """A web address: a hospital site, a portal or telehealth link, or Faker's."""
        rng, us = self.rng, self.us
        dom = domain or us.domain_name()
        return weighted(
            rng,
            [
                (us.url().rstrip("/"), 2),
                (f"www.{us.domain_name()}", 2),
                (f"https://{us.domain_name()}/{us.uri_path()}", 1),
                (f"https://mychart.{dom}", 1),
                (f"https://portal.{dom}/login", 1),
                (f"www.{dom}", 1.5),
                (f"{dom}/patients", 0.5),
                (f"http://www.{dom}/find-a-doctor", 0.5),
                (f"https://telehealth.{dom}/visit/{rng.randint(10**7, 10**8)}", 0.7),
                (f"https://meet.{dom}/j/{rng.randint(10**9, 10**10)}", 0.5),
                (f"https://{dom}/forms/{rng.choice(('release', 'intake', 'consent'))}.pdf", 0.4),
            ],
        )  # type: ignore[return-value]

    def ipaddr(self) -> str:
        """An IPv4 (private or public) or IPv6 address."""
        rng, us = self.rng, self.us
        r = rng.random()
        if r < 0.4:
            return us.ipv4_private()
        if r < 0.75:
            return us.ipv4_public()
        if r < 0.9:
            return us.ipv6()
        groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(4)]
        return f"{rng.choice(('2001:db8', 'fe80', '2600:1700', '2a02:c7f'))}:{':'.join(groups[:2])}::{groups[2]}"

    # -- identifiers ------------------------------------------------------
    def mrn(self, style: Optional[int] = None) -> str:
        rng = self.rng
        style = rng.randint(0, 7) if style is None else style
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
        if style == 5:
            return f"{rng.choice(string.ascii_uppercase)}{rng.randint(1_000_000, 9_999_999)}"
        if style == 6:
            return f"{rng.randint(0, 999_999):08d}"
        return f"{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"

    def ssn(self) -> str:
        s = self.us.ssn()
        return weighted(self.rng, [(s, 6), (s.replace("-", ""), 2), (s.replace("-", " "), 1), (s.replace("-", "."), 0.3)])  # type: ignore[return-value]

    def healthplan(self) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            return self.grouped_id()
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 3)))
        return rng.choice(
            (f"{letters}{rng.randint(100_000_000, 999_999_999)}", f"{rng.randint(10**10, 10**11 - 1)}",
             f"{letters}-{rng.randint(100_000, 999_999)}-{rng.randint(10, 99)}",
             # a Medicare beneficiary identifier shape: 1EG4-TE5-MK73
             f"{rng.randint(1, 9)}{rng.choice('ACDEFGHJKMNPQRTUVWXY')}{rng.choice('ACDEFGHJKMNPQRTUVWXY0123456789')}{rng.randint(0, 9)}-"
             f"{rng.choice('ACDEFGHJKMNPQRTUVWXY')}{rng.choice('ACDEFGHJKMNPQRTUVWXY')}{rng.randint(0, 9)}-"
             f"{rng.choice('ACDEFGHJKMNPQRTUVWXY')}{rng.choice('ACDEFGHJKMNPQRTUVWXY')}{rng.randint(10, 99)}",
             f"{rng.choice(('W', 'XYZ', 'MA', 'ZGP'))}{rng.randint(10**8, 10**9)}")
        )

    def account(self) -> str:
        rng = self.rng
        return rng.choice(
            (str(rng.randint(10**7, 10**9)), f"{rng.randint(10**6, 10**7)}-{rng.randint(1, 99):02d}",
             f"A{rng.randint(10**6, 10**8)}", f"{rng.randint(10**9, 10**10)}", f"V{rng.randint(10**7, 10**8)}",
             f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}-{rng.randint(100, 999)}")
        )

    def license(self) -> str:
        rng = self.rng
        if rng.random() < 0.2:
            return weighted(rng, [(self.ref_id(), 1), (f"{rng.choice(('MED', 'RN', 'LIC', 'DL', 'MD', 'PA'))}{rng.randint(10**6, 10**10)}", 1), (self.grouped_id(), 0.5)])  # type: ignore[no-any-return]
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
        if rng.random() < 0.3:
            return self.ref_id()
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

    def ref_id(self, issuer: str = "") -> str:
        """A reference number with a letter prefix, often the issuer's initials: ``CG-2025-0881472``, ``CT25-771902``, ``HDN-25-118830``."""
        rng = self.rng
        prefix = initials_of(issuer)[:4] if rng.random() < 0.6 else ""
        if len(prefix) < 2:
            prefix = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(1, 4)))
        yy, yyyy = rng.randint(10, 29), rng.randint(2015, 2029)
        n = str(rng.randint(10 ** (d := rng.randint(3, 7)), 10 ** (d + 1) - 1))
        zn = f"{rng.randint(0, 10**6 - 1):0{rng.randint(6, 7)}d}"
        return weighted(rng, [
            (f"{prefix}-{yy}-{n}", 3), (f"{prefix}{yy}-{n}", 2), (f"{prefix}-{zn}", 2), (f"{prefix}-{yyyy}-{zn}", 1.5), (f"{prefix}{zn}", 1),
            (f"{prefix}{rng.randint(1, 9)}-{n}-{rng.choice(string.ascii_uppercase)}", 0.7), (f"{prefix}-{n}-{rng.randint(10, 99)}", 1),
            (f"{prefix} {n}", 0.5), (f"{n}-{prefix}", 0.4), (f"{prefix}-{rng.randint(1000, 9999)}-{rng.randint(10000, 99999)}", 1),
        ])  # type: ignore[return-value]

    def grouped_id(self) -> str:
        """An identifier in digit groups with a letter code: ``4471-902-288-KT``, ``GSH 4471 992 03``."""
        rng = self.rng
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(1, 3)))
        groups = [str(rng.randint(10 ** (k - 1), 10**k - 1)) for k in rng.choice(((4, 3, 3), (4, 3, 2), (3, 3, 4), (4, 4), (3, 2, 4), (4, 2, 2)))]
        sep = rng.choice((" ", "-", " "))
        return rng.choice((sep.join(groups + [letters]), sep.join([letters] + groups), sep.join(groups)))

    def idnum(self) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            return self.ref_id()
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


def department_field(name: str) -> Field:
    """A department in a note: a named unit is DEPARTMENT; a generic one (``Cardiology``,
    ``EMERGENCY DEPARTMENT``, ``Advanced Heart Failure Program``) is plain text, as the i2b2-style rules
    in ``tests/fixtures/ood_notes/README.md`` annotate it."""
    return name if name.lower() in _GENERIC_DEPARTMENTS else Phi("DEPARTMENT", name)


_PROGRAM_KINDS = ("Program", "Center", "Clinic", "Service")
_GENERIC_DEPARTMENTS = {d.lower() for d in DEPARTMENTS} | {f"{f} {k}".lower() for f in PROGRAM_FIELDS for k in _PROGRAM_KINDS}


def component_name(person: Person, label: str, sep: str) -> Phi:
    """A machine format's name field, family name to middle initial in one span, components joined by
    ``sep``: HL7 v2 ``OYELARAN^TEMITOPE^A``, X12 ``NAKAGAWA*HIROSHI*T``, DICOM ``PN`` values."""
    parts = [person.last.upper(), person.first.upper()] + ([person.middle.upper()] if person.middle else [])
    return Phi(label, sep.join(parts))


def initials_of(name: str) -> str:
    """The initials of a name's capitalised words ("Calder Genomics Lab" -> "CGL"); "St." gives none."""
    return "".join(w[0] for w in name.replace("-", " ").split() if w[:1].isupper() and w != "St.")


def _ascii_fold(text: str) -> str:
    """``text`` without diacritics (``Nguyễn`` -> ``Nguyen``, ``Łukasz`` -> ``Lukasz``)."""
    import unicodedata

    text = text.replace("\u0141", "L").replace("\u0142", "l").replace("\u0110", "D").replace("\u0111", "d").replace("\u0131", "i")
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return folded if folded.strip() else text


def ascii_lower(text: str) -> str:
    import unicodedata

    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text.lower()) if ch.isascii() and ch.isalnum()
    ) or "x"
