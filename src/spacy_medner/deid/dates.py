"""Date shifting that keeps intervals and the original's format.

:func:`parse_date` recognises a DATE entity's text (the whole text must be
the date, optionally with a leading weekday and a trailing time):

========================  =================================================
``2091-03-02``            ISO (``-``, ``/`` or ``.``), and ``20910302``
``3/2/91``, ``03/02/2091``  month first; day first when the first number is
                          > 12 and the second is not (``13/02/2091``);
                          ``-`` and ``.`` separators too
``3/2``, ``03/02``        month/day (no year)
``3/2091``, ``3/91``      month/year (``3/91``: the second number is no day)
``March 2``, ``Mar. 2nd``, ``Mar 2, 2091``, ``March 2 '91``
``2 March 2091``, ``2nd of March``, ``02-Mar-2091``, ``02MAR2091``
``the 2nd``, ``2nd``      a day of the month alone
``March 2091``, ``Mar '91``  month/year
``March``                 a month alone
``2091``                  a year alone
``Monday``                a weekday alone (shifted by the offset mod 7)
========================  =================================================

A DATE entity that holds such dates among filler words (``in 2091``,
``since March 2091``, ``early 2091``, ``on 3/2/91``) has each date shifted in
place and the filler words kept (:func:`shift_date_text`); anything else in
it makes the entity unparsable.

:meth:`ParsedDate.shift` moves the date by a number of days and renders the
result in the SAME format: only the numbers, month and weekday names change
(zero padding, two/four-digit years, separators, commas, ``of``, ordinal
suffixes, full/abbreviated names and their case are kept).  Dates without a
year are shifted within a reference year (2001, or 2000 for 29 February);
a weekday becomes the weekday of the shifted date; a two-digit year is
read as 20yy below 50 and 19yy otherwise.  Two dates of one
patient keep their interval exactly when both name a day.

A shifted date never reads like its original (a surrogate that equals the
PHI it replaces would leak it):

- a year alone moves by whole years: the years a reference date
  (2 July 2001) crosses when moved by the offset, and at least one year in
  the offset's direction.  All bare years of a patient move by the same
  number of years, so their intervals are kept exactly; against dates that
  name a day they are off by less than a year;
- a month without a day (``March``, ``March 2091``, ``3/91``) moves by
  whole months: the offset rounded to months (30.4375 days), at least one;
  a month alone (no year) moves by 11 instead of 12 (and 23 instead of 24):
  a whole number of years would give back its own name;
- a weekday alone moves by the offset mod 7, or by one day when that is 0;
- a date with a day whose text the offset leaves unchanged (a date without
  a year moved by 365 days, a day of the month moved by a month's length)
  moves by one more day.
"""
import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

MONTH_NAMES: Tuple[str, ...] = tuple(calendar.month_name)[1:]
MONTH_ABBRS: Tuple[str, ...] = tuple(calendar.month_abbr)[1:]
WEEKDAY_NAMES: Tuple[str, ...] = tuple(calendar.day_name)
WEEKDAY_ABBRS: Tuple[str, ...] = tuple(calendar.day_abbr)
REFERENCE_YEAR = 2001  # not a leap year; 2000 for 29 February
_REFERENCE_MID_YEAR = dt.date(REFERENCE_YEAR, 7, 2)

_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
)
_LEAD = rf"(?:{_WEEKDAY},?[^\S\n]+)?"
_TIME = r"(?:(?:[^\S\n]+|T|[^\S\n]*@[^\S\n]*|[^\S\n]+at[^\S\n]+)\d{1,2}:\d{2}(?::\d{2})?(?:[^\S\n]*[ap]\.?m\.?)?)?"
_ORD = r"(?P<ord>st|nd|rd|th)?"
_SEP = r"(?:[^\S\n]+|-)"

# (name, pattern); tried in order, the whole text must match.
_PATTERNS: Tuple[Tuple[str, str], ...] = (
    ("ymd", rf"{_LEAD}(?P<y>\d{{4}})(?P<s>[-/.])(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}}){_TIME}"),
    ("ymd_compact", r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    ("mdy", rf"{_LEAD}(?P<m>\d{{1,2}})(?P<s>[-/.])(?P<d>\d{{1,2}})(?P=s)(?P<y>\d{{4}}|\d{{2}}){_TIME}"),
    ("my4", r"(?P<m>\d{1,2})(?P<s>[-/.])(?P<y>\d{4})"),
    ("md", rf"{_LEAD}(?P<m>\d{{1,2}})(?P<s>[/-])(?P<d>\d{{1,2}}){_TIME}"),
    ("my2", r"(?P<m>\d{1,2})(?P<s>/)(?P<y>\d{2})"),
    ("mon_d_y", rf"{_LEAD}{_MONTH}{_SEP}(?P<d>\d{{1,2}}){_ORD}(?:,?{_SEP}(?P<y>\d{{4}}|'\d{{2}}))?{_TIME}"),
    ("d_mon_y", rf"{_LEAD}(?P<d>\d{{1,2}}){_ORD}(?:[^\S\n]+of)?{_SEP}{_MONTH}(?:,?{_SEP}(?P<y>\d{{4}}|'?\d{{2}}))?{_TIME}"),
    ("d_mon_y_compact", r"(?P<d>\d{2})(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?P<y>\d{4}|\d{2})"),
    ("the_d", rf"the[^\S\n]+(?P<d>\d{{1,2}}){_ORD}"),
    ("d_ord", r"(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)"),
    ("mon_y", rf"{_MONTH},?[^\S\n]*(?P<y>\d{{4}}|'\d{{2}})"),
    ("mon", _MONTH),
    ("y", r"(?P<y>\d{4})"),
    ("wd", _WEEKDAY),
)
_COMPILED = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _PATTERNS)
# the same patterns found inside a longer entity text (whole words only)
_EMBEDDED = tuple(
    (name, re.compile(rf"(?<![\w'])(?:{pattern})(?![\w])", re.IGNORECASE)) for name, pattern in _PATTERNS
)
#: Words that may stand around dates inside one DATE entity and are kept.
DATE_FILLER_WORDS = frozenset(
    "in on of the since early late mid until till from to through thru and or around about approx approximately "
    "circa ca c by before after during year years spring summer fall autumn winter beginning end start middle "
    "last this next week weeks month months day days at between".split()
)
_FILLER_TOKEN = re.compile(r"[^\W\d_]+|\d")
_DAYS_PER_MONTH = 30.4375


def _month_number(token: str) -> int:
    return MONTH_ABBRS.index(token[:3].title()) + 1


def _weekday_number(token: str) -> int:
    return WEEKDAY_ABBRS.index(token[:3].title())


def _year(token: str) -> Tuple[int, int]:
    """(year, digits shown); a two-digit year is 20yy below 50, else 19yy.

    Only yy is ever shown again; the century matters only for a leap day
    across 1900, 2000 or 2100.
    """
    digits = token.lstrip("'")
    if len(digits) == 4:
        return int(digits), 4
    yy = int(digits)
    return (2000 + yy if yy < 50 else 1900 + yy), 2


def _case_like(value: str, original: str) -> str:
    if original.isupper():
        return value.upper()
    if original.islower():
        return value.lower()
    return value


def _name_like(index: int, original: str, full: Tuple[str, ...], abbr: Tuple[str, ...]) -> str:
    """Name number ``index`` written like ``original``: full or abbreviated, same case."""
    letters = original.rstrip(".")
    is_full = letters.lower() in {name.lower() for name in full}
    return _case_like(full[index] if is_full else abbr[index], letters)


def _ordinal_suffix(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


@dataclass(frozen=True)
class ParsedDate:
    """A date read from an entity text, with what it states and where."""

    text: str
    form: str  # the pattern name
    date: Optional[dt.date]  # None for a weekday alone
    has_year: bool
    has_day: bool
    has_month: bool
    day_first: bool
    groups: Dict[str, Tuple[int, int]]  # group name -> span in text
    weekday: Optional[int]  # the stated weekday (0 = Monday)

    def shift(self, days: int) -> str:
        """The same text with the date moved by ``days``, in the same format.

        The result differs from the original text whenever ``days`` is not 0
        (see the module's notes on bare years, months and weekdays).
        """
        if days == 0:
            return self.text
        step = 1 if days > 0 else -1
        if self.date is None:  # a weekday alone
            moved = days % 7 or step
            return self._render(days=moved, date=None)
        if not self.has_day:
            if self.has_month:
                months = round(days / _DAYS_PER_MONTH) or step
                if not self.has_year and months % 12 == 0:  # a month alone would read the same
                    months -= step
                return self._render(days=days, date=_add_months(self.date.replace(day=15), months))
            return self._render(days=days, date=self.date.replace(year=self.date.year + year_shift(days)))
        out = self.text
        for extra in range(4):  # a day-level date whose text did not change moves one more day
            out = self._render(days=days + step * extra, date=self.date + dt.timedelta(days=days + step * extra))
            if out != self.text:
                break
        return out

    def _render(self, days: int, date: Optional[dt.date]) -> str:
        """The text with the groups rewritten for ``date`` (weekday alone: moved by ``days``)."""
        values: Dict[str, str] = {}
        g = self.groups
        if self.weekday is not None:
            values["wd"] = _name_like((self.weekday + days) % 7, self._group("wd"), WEEKDAY_NAMES, WEEKDAY_ABBRS)
        if date is not None:
            new = date
            if "y" in g:
                original = self._group("y")
                shown = len(original.lstrip("'"))
                year = f"{new.year:04d}" if shown == 4 else f"{new.year % 100:02d}"
                values["y"] = ("'" if original.startswith("'") else "") + year
            pad = self._zero_padded()
            if "m" in g:
                values["m"] = f"{new.month:02d}" if pad else str(new.month)
            if "d" in g:
                values["d"] = f"{new.day:02d}" if pad else str(new.day)
            if "mon" in g:
                full = MONTH_ABBRS if self.form == "d_mon_y_compact" else MONTH_NAMES  # 02MAY2091: always 3 letters
                values["mon"] = _name_like(new.month - 1, self._group("mon"), full, MONTH_ABBRS)
            if "ord" in g:
                values["ord"] = _case_like(_ordinal_suffix(new.day), self._group("ord"))
        out = self.text
        for name, (start, end) in sorted(g.items(), key=lambda item: -item[1][0]):
            if name in values:
                out = out[:start] + values[name] + out[end:]
        return out

    def _group(self, name: str) -> str:
        start, end = self.groups[name]
        return self.text[start:end]

    def _zero_padded(self) -> bool:
        fields = [self._group(n) for n in ("m", "d") if n in self.groups]
        if self.form in ("ymd_compact", "d_mon_y_compact"):
            return True
        if self.form == "d_mon_y" and "-" in self.text and len(self._group("d")) == 2:
            return True  # 02-Mar-2091, 10-Mar-2091: the dd-Mon-yyyy layout pads
        # a leading zero shows padding; so do two numeric fields of two digits (12/25)
        return any(f.startswith("0") for f in fields) or (len(fields) == 2 and all(len(f) == 2 for f in fields))


def parse_date(text: str) -> Optional[ParsedDate]:
    """Parse a DATE entity's text; None when no supported format matches it exactly."""
    for form, pattern in _COMPILED:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parsed = _from_match(text, form, match)
        if parsed is not None:
            return parsed
    return None


def _from_match(text: str, form: str, match: "re.Match[str]") -> Optional[ParsedDate]:
    groups = {name: match.span(name) for name, value in match.groupdict().items() if value is not None}
    get = match.group
    weekday = _weekday_number(get("wd")) if "wd" in groups else None
    if form == "wd":
        return ParsedDate(text, form, None, False, False, False, False, groups, weekday)
    has_year = "y" in groups
    year, _ = _year(get("y")) if has_year else (REFERENCE_YEAR, 4)
    if "mon" in groups:
        month = _month_number(get("mon"))
    elif "m" in groups:
        month = int(get("m"))
    else:
        month = 1
    has_day = "d" in groups
    day = int(get("d")) if has_day else 1
    day_first = False
    if has_day and "m" in groups and month > 12 and day <= 12 and form in ("mdy", "md"):
        month, day, day_first = day, month, True
        groups["m"], groups["d"] = groups["d"], groups["m"]
    if not has_year and (month, day) == (2, 29):
        year = 2000
    if form in ("y",) and not 1000 <= year <= 9999:
        return None
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    has_month = form not in ("y", "the_d", "d_ord")
    return ParsedDate(text, form, date, has_year, has_day, has_month, day_first, groups, weekday)


def year_shift(days: int) -> int:
    """Whole years a bare year moves for an offset of ``days``: never 0 when ``days`` is not.

    The years 2 July 2001 crosses when moved by ``days``, at least one in the
    offset's direction (so the same for every year: intervals are kept).
    """
    if days == 0:
        return 0
    years = (_REFERENCE_MID_YEAR + dt.timedelta(days=days)).year - _REFERENCE_MID_YEAR.year
    return years or (1 if days > 0 else -1)


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return date.replace(year=index // 12, month=index % 12 + 1)


def shift_date_text(text: str, days: int) -> Optional[str]:
    """``text`` with its date(s) shifted by ``days`` in the same format; None if unparsable.

    The whole text may be one date, or dates among filler words
    (:data:`DATE_FILLER_WORDS`: ``in 2091``, ``since March 2091``), which are
    kept.
    """
    parsed = parse_date(text)
    try:
        if parsed is not None:
            return parsed.shift(days)
        pieces = _embedded_dates(text)
        if pieces is None:
            return None
        out = []
        pos = 0
        for start, end, date in pieces:
            out.append(text[pos:start])
            out.append(date.shift(days))
            pos = end
        out.append(text[pos:])
        return "".join(out)
    except (OverflowError, ValueError):
        return None


def _embedded_dates(text: str) -> Optional[List[Tuple[int, int, ParsedDate]]]:
    """The dates inside ``text`` when everything else is filler words; else None."""
    found = []
    for order, (name, pattern) in enumerate(_EMBEDDED):
        for match in pattern.finditer(text):
            found.append((match.start(), -(match.end() - match.start()), order, match.end()))
    chosen: List[Tuple[int, int, ParsedDate]] = []
    pos = 0
    for start, _, _, end in sorted(found):
        if start < pos:
            continue
        parsed = parse_date(text[start:end])
        if parsed is None:
            continue
        chosen.append((start, end, parsed))
        pos = end
    if not chosen:
        return None
    leftover = []
    pos = 0
    for start, end, _ in chosen:
        leftover.append(text[pos:start])
        pos = end
    leftover.append(text[pos:])
    for token in _FILLER_TOKEN.findall(" ".join(leftover)):
        if token.casefold() not in DATE_FILLER_WORDS:
            return None
    return chosen
