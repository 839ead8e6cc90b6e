"""Realistic, consistent surrogates for every PHI type.

:class:`SurrogateGenerator` replaces an entity text given its label and the
patient it belongs to.  Every random choice is seeded by the secret seed,
the patient id, the kind of surrogate and the normalised original (see
:mod:`.keys`), so the same original (case and whitespace aside) gets the same
surrogate in every note of a patient, in any order, process or run; other
patients' surrogates are independent.  A surrogate that happens to equal its
original is drawn again (and :class:`.replace.Deidentifier` tags an entity
whose surrogate still equals it).

By label (i2b2 TYPE, i2b2 category or spaCy's OntoNotes labels):

- PATIENT, DOCTOR, NAME, PERSON: :func:`.names.name_like`; USERNAME: a Faker user name;
- DATE: shifted by the patient's offset in the same format (:mod:`.dates`;
  bare years move by whole years); unparsable dates get a Faker date
  (``MM/DD/YYYY``), counted as ``date_unparsed``;
- AGE: kept when at most 89, else the number becomes ``90+`` (HIPAA);
- EMAIL, URL, IPADDR: valid-looking Faker values (URL scheme, ``www.`` and
  path presence kept; private IPv4 stays private); CONTACT: by shape;
- CITY, STATE (2-letter stays an abbreviation), COUNTRY, STREET (house
  number kept when present): Faker places;
- HOSPITAL, ORGANIZATION, LOCATION-OTHER, LOCATION, ORG, FAC, GPE, LOC: every
  word that is not a generic word (Hospital, Medical, Center, of, ...) is
  replaced by a Faker last name, acronyms by random capitals; a name made
  only of generic words (``Children's Hospital``) has every word replaced;
- DEPARTMENT, PROFESSION: drawn from the synthetic corpus lists;
- everything else (PHONE, FAX, ZIP, ROOM, SSN and all IDs, unknown labels):
  format-preserving (:func:`.shapes.same_shape`).

Output is byte-identical for the same seed and the same Faker version.
"""
import ipaddress
import random
import re
from collections import Counter
from typing import Callable, Dict, FrozenSet, Optional, Tuple, Union

from faker import Faker

from ..lexicon import DEPARTMENTS, PROFESSIONS
from .dates import shift_date_text
from .keys import SurrogateKey
from .names import name_like
from .shapes import fit_case, has_alnum, normalise, same_shape

DEFAULT_MAX_SHIFT_DAYS = 365
MAX_DRAWS = 8

LABEL_KINDS: Dict[str, str] = {
    "PATIENT": "name", "DOCTOR": "name", "NAME": "name", "PERSON": "name", "USERNAME": "username",
    "DATE": "date", "AGE": "age",
    "EMAIL": "email", "URL": "url", "IPADDR": "ip", "CONTACT": "contact",
    "CITY": "city", "GPE": "city", "STATE": "state", "COUNTRY": "country", "STREET": "street",
    "HOSPITAL": "org", "ORGANIZATION": "org", "LOCATION-OTHER": "org", "LOCATION": "org",
    "ORG": "org", "FAC": "org", "LOC": "org",
    "DEPARTMENT": "department", "PROFESSION": "profession",
}
#: Words of organisation and place names that say what kind of place it is,
#: identify nobody and are kept when another word of the name is replaced.
#: Words that are often the distinctive part of a name (Park, General,
#: Memorial, Saint, Mount, North, University, County, ...) are NOT here.
GENERIC_WORDS: FrozenSet[str] = frozenset(
    "hospital hospitals medical medicine center centre centers clinic clinics health healthcare care "
    "institute children's childrens women's womens rehabilitation rehab nursing home "
    "associates group practice services inc llc corp corporation company co ltd foundation hospice "
    "pharmacy laboratory laboratories lab labs department dept unit ward floor wing building "
    "of the and for at in on de la del y & suite".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w]+|_", re.DOTALL)
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?(?P<www>www\d?\.)?(?P<host>[^/\s?#]+)(?P<path>[/?#]\S*)?$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_AGE_UNITS = ((re.compile(r"(?i)\b(?:months?|mos?)\b|\dmo\b|\dm\b"), 12), (re.compile(r"(?i)\b(?:weeks?|wks?)\b|\dwk|\dw\b"), 52),
              (re.compile(r"(?i)\b(?:days?)\b|\dd\b"), 365))
_AGE_WORDS_OVER_89 = re.compile(r"(?i)ninety|hundred")

Make = Callable[[random.Random, Faker], str]


def label_kind(label: str) -> str:
    """The surrogate kind of a label (``shape`` for labels not listed)."""
    return LABEL_KINDS.get(label.upper(), "shape")


def age_surrogate(text: str) -> Tuple[str, str]:
    """(new text, action): ages over 89 become ``90+`` (HIPAA); others are kept."""
    match = _NUMBER.search(text)
    if match is not None:
        value = float(match.group())
        for pattern, per_year in _AGE_UNITS:
            if pattern.search(text):
                value /= per_year
                break
        if int(value) > 89:
            return text[: match.start()] + "90+" + text[match.end():], "age_90_plus"
        return text, "age_kept"
    if _AGE_WORDS_OVER_89.search(text):
        return "90+", "age_90_plus"
    return text, "age_kept"


class SurrogateGenerator:
    """Seeded, patient-consistent surrogates; ``stats`` counts the actions taken."""

    def __init__(self, seed: Union[str, int], max_shift_days: int = DEFAULT_MAX_SHIFT_DAYS, locale: str = "en_US") -> None:
        if max_shift_days < 1:
            raise ValueError("max_shift_days must be at least 1")
        self.key = SurrogateKey(seed)
        self.max_shift_days = max_shift_days
        self.faker = Faker(locale)
        self.stats: Counter = Counter()

    def date_shift(self, patient_id: str) -> int:
        """The patient's date offset in days (never 0)."""
        return self.key.date_shift(patient_id, self.max_shift_days)

    def replace(self, text: str, label: str, patient_id: str) -> Tuple[str, str]:
        """(surrogate, action) for an entity ``text`` with ``label`` of patient ``patient_id``."""
        kind = label_kind(label)
        if kind == "date":
            shifted = shift_date_text(text, self.date_shift(patient_id))
            if shifted is not None and normalise(shifted) != normalise(text):
                return self._count(shifted, "date_shifted")
            fake = self._draw(patient_id, "date", text, lambda rng, f: f.date_object().strftime("%m/%d/%Y"))
            return self._count(fake, "date_unparsed")
        if kind == "age":
            return self._count(*age_surrogate(text))
        if not has_alnum(text):
            return self._count(text, "kept_no_alnum")
        make = self._maker(kind, text, patient_id)
        return self._count(self._draw(patient_id, kind, text, make), "surrogate")

    # -- internals ----------------------------------------------------------
    def _count(self, text: str, action: str) -> Tuple[str, str]:
        self.stats[action] += 1
        return text, action

    def _draw(self, patient_id: str, kind: str, original: str, make: Make) -> str:
        """``make(rng, faker)`` seeded by (patient, kind, normalised original); redrawn if equal."""
        norm = normalise(original)
        value = original
        for attempt in range(MAX_DRAWS):
            seed = self.key.derive(patient_id, kind, norm, attempt)
            self.faker.seed_instance(seed)
            value = make(random.Random(seed), self.faker)
            if normalise(value) != norm:
                return value
        return value

    def _word(self, patient_id: str, kind: str, word: str) -> str:
        """A surrogate for one word of a name or place (consistent per word)."""
        if kind == "first":
            return self._draw(patient_id, "name", word, lambda rng, f: f.first_name())
        if kind == "last":
            return self._draw(patient_id, "name", word, lambda rng, f: f.last_name())
        if kind == "initials":
            return self._draw(patient_id, "initials", word, lambda rng, f: same_shape(word.upper(), rng))
        return self._draw(patient_id, "shape", word, lambda rng, f: same_shape(word, rng))

    def _maker(self, kind: str, text: str, patient_id: str) -> Make:
        """How to build the surrogate of ``text`` (shape taken from the original)."""
        if kind == "name":
            return lambda rng, f: name_like(text, lambda k, w: self._word(patient_id, k, w))
        if kind == "username":
            return lambda rng, f: fit_case(f.user_name(), text)
        if kind == "contact":
            kind = _contact_kind(text)
        if kind == "email":
            return lambda rng, f: fit_case(f"{f.user_name()}@{f.free_email_domain()}", text)
        if kind == "url":
            return _url_maker(text)
        if kind == "ip":
            return _ip_maker(text)
        if kind == "city":
            return lambda rng, f: fit_case(f.city(), text)
        if kind == "state":
            short = len(text.strip()) == 2
            return lambda rng, f: fit_case(f.state_abbr() if short else f.state(), text)
        if kind == "country":
            return lambda rng, f: fit_case(f.country(), text)
        if kind == "street":
            numbered = text.lstrip()[:1].isdigit()
            return lambda rng, f: fit_case(
                f"{f.building_number()} {f.street_name()}" if numbered else f.street_name(), text
            )
        if kind == "org":
            return lambda rng, f: self._org_like(text, patient_id)
        if kind == "department":
            return lambda rng, f: fit_case(rng.choice(DEPARTMENTS), text)
        if kind == "profession":
            return lambda rng, f: fit_case(rng.choice(PROFESSIONS), text)
        return lambda rng, f: same_shape(text, rng)

    def _org_like(self, text: str, patient_id: str) -> str:
        """Every word replaced but the generic ones; all of them when nothing else would change."""
        tokens = [match.group() for match in _WORD.finditer(text)]
        keep_generic = any(
            t[0].isalnum() and t.casefold() not in GENERIC_WORDS for t in tokens
        )  # "Park Hospital" keeps "Hospital"; "General Hospital" is a name: all replaced
        out = []
        for token in tokens:
            if token.isdigit():
                out.append(self._word(patient_id, "shape", token))
            elif not token[0].isalpha() or (keep_generic and token.casefold() in GENERIC_WORDS):
                out.append(token)
            elif token.isupper() and 2 <= len(token) <= 6:
                out.append(self._word(patient_id, "initials", token))
            else:
                out.append(fit_case(self._word(patient_id, "last", token), token))
        return "".join(out)


def _contact_kind(text: str) -> str:
    stripped = text.strip()
    if "@" in stripped and " " not in stripped:
        return "email"
    if _parse_ip(stripped) is not None:
        return "ip"
    if re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*://|www\d?\.)", stripped) or re.search(r"(?i)\.(?:com|org|net|edu|gov)\b", stripped):
        return "url"
    return "shape"


def _parse_ip(text: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _ip_maker(text: str) -> Make:
    ip = _parse_ip(text)
    if ip is None:
        return lambda rng, f: same_shape(text, rng)
    if ip.version == 6:
        return lambda rng, f: f.ipv6()
    if ip.is_private:
        return lambda rng, f: f.ipv4_private()
    return lambda rng, f: f.ipv4_public()


def _url_maker(text: str) -> Make:
    match = _URL.match(text.strip())
    if match is None:
        return lambda rng, f: same_shape(text, rng)
    scheme, www, path = match.group("scheme") or "", match.group("www") or "", match.group("path") or ""

    def make(rng: random.Random, f: Faker) -> str:
        new_path = ("/" + f.uri_path()) if len(path) > 1 else path
        return fit_case(f"{scheme}{www}{f.domain_name()}{new_path}", text)

    return make
