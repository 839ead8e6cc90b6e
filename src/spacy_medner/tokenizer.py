"""A clinical tokenizer: spaCy's rules plus splits for glued clinical text.

Clinical notes glue identifiers to their context (``MRN:4417220``,
``(207)555-0143``, ``55yo``, ``BP:120/80``, ``Jones,John``).  If an entity
boundary falls inside a token, training data needs a token split and the
model cannot predict the entity at inference time; these extra rules make
such boundaries token boundaries.  Added to the language's own infixes:

- ``: = #`` after a letter, before a letter, digit or bracket, and ``= #``
  after a digit, before a letter or digit (``MRN:4417220``, ``MRN#123``,
  ``ph:(207)``; ``10:30`` stays one token);
- ``=`` before a single quote, and the quote after it, as logged objects and query strings quote
  their values (``mrn='5503817'`` -> ``mrn = ' 5503817 '``);
- ``?`` and ``&`` before a query string's ``key=`` (``lookup?last=Vandermolen&dob=1958-11-02`` ->
  ``lookup ? last = Vandermolen & dob = 1958 - 11 - 02``);
- ``/`` and ``-`` between digits (``03/02/2067``, ``555-0143``);
  ``-`` between a letter and a digit (``MRN-123``, ``Z-20``);
- an opening bracket after any character and before a letter/digit, a
  closing one after a letter/digit and before any character
  (``ph:(207)555`` -> ``ph : ( 207 ) 555``);
- ``,`` between a letter and a digit (``Smith,2067``); ``1,000`` is kept;
- a digit followed by letters, zero-width (``55yo`` -> ``55 yo``, ``3pm``),
  except ordinals (``1st``, ``2nd``, ``3rd``, ``5th``) and the language's
  unit suffixes, which already split;
- ``|``, the column separator of pipe tables, anywhere (``qhs|8/27/82`` ->
  ``qhs | 8 / 27 / 82``);
- ``^`` and ``~``, the component and repetition separators of HL7 v2 messages, anywhere
  (``OYELARAN^TEMITOPE^A`` -> ``OYELARAN ^ TEMITOPE ^ A``); ``*``, the element separator of
  X12 EDI (``NM1*IL*1*NAKAGAWA*HIROSHI`` -> ``NM1 * IL * 1 * NAKAGAWA * HIROSHI``), anywhere
  and as a prefix and suffix; and ``@`` between digits
  (``NOV 04, 2025@09:12``);
- ``~`` and a handle's ``@`` as prefixes, at the start of a token (``~10/13/25`` -> ``~ 10 / 13 / 25``,
  ``@dwhitacre`` -> ``@ dwhitacre``); e-mail addresses are kept whole;
- the apostrophe of an elided article before a capital (``l'Ospedale`` -> ``l ' Ospedale``,
  ``dell'Ospedale``, ``d'Angers``);
- in CSV and iCalendar exports: a comma between digits unless it groups thousands
  (``3518,07/16/2084`` -> ``3518 , 07 / 16 / 2084``; ``1,000`` is kept, ``2,5`` splits), a comma
  beside a double quote or before ``+`` or a bracket (``E11.9,"20070228"``,
  ``inbound,+15075550162``), the same for a single quote, as SQL dumps quote their values
  (``('SB004420','Etsitty',NULL)``), a semicolon inside a token (``M;50157``) and
  iCalendar's escaping backslash (``ABDI\\, HODAN``);
- in XML, HTML and RTF: ``<``, ``>``, a double quote and a backslash, anywhere
  (``<td>02/24/2026</td>`` -> ``< td > 02 / 24 / 2026 < /td >``, ``value="tel:+1-325-555-0176"``,
  ``555-0145\\par``), ``:`` before a ``+`` (``tel:+1``), and ``:`` after a double quote, as JSON
  writes a number after its key (``"age":81`` -> ``" age " : 81``);
- the port after an IPv4 address (``10.44.6.117:9100`` -> ``10.44.6.117 : 9100``), so the
  address alone is the entity;
- every CJK character (Han, kana, CJK punctuation, full-width forms) on its own, since those
  scripts write words without spaces (``2019年11月3日`` -> ``2019 年 11 月 3 日``);
- two capitals followed by a digit, zero-width (``DOB03/02`` -> ``DOB 03 /
  02``, ``MRN4417220``); ``A1234``, ``HbA1c`` and ``T4`` are not split here.

A period after a digit and a letter is a suffix (``Bed 464A.`` -> ``464 A
.``, ``in 40s.`` -> ``40 s .``).

The emoticon special cases (``:(``, ``8)``, ``:3``, ``=D`` ...) and the
lower-case letter + period ones (``s.``, ``a.``) are removed: in clinical
text they glue real punctuation to identifiers (``ph:(207)``, ``Grade:3``,
list items ``8)``, ``in 40s.``).  Capital initials (``J.``) and
abbreviations (``Dr.``, ``Inc.``) keep their periods.

Use in a config::

    [nlp.tokenizer]
    @tokenizers = "spacy-medner.ClinicalTokenizer.v1"

or :func:`clinical_nlp` for a blank pipeline with it.  The rules are plain
regex strings, so ``nlp.to_disk``/``from_disk`` keep them.
"""
import re
from typing import Any, Callable, Dict, List

import spacy
from spacy.lang.char_classes import ALPHA
from spacy.lang.tokenizer_exceptions import emoticons
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

#: one CJK character (ideographs, kana, their punctuation and full-width forms): each is a token,
#: since those scripts write words without spaces
CJK = r"[\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"

#: Armenian letters, which spaCy's ALPHA lacks (``5-ը``: a day and its case ending), and the Armenian
#: full stop, comma, exclamation and question marks, which end a word as ``.`` and ``,`` do
ARMENIAN = r"\u0531-\u0556\u0561-\u0587"
ARMENIAN_PUNCT = r"[\u0589\u055d\u055c\u055e]"

CLINICAL_INFIXES: List[str] = [
    rf"(?<=[{ALPHA}])[:=#](?=[{ALPHA}0-9(\[+])",
    rf"(?<=[0-9])[=#](?=[{ALPHA}0-9])",
    r"(?<=[^\s=])=(?=')|(?<==)'(?=\S)",
    r"(?<=[\w%])[?&](?=[A-Za-z_][\w.]*=)",
    r"(?<=[0-9])[/\-](?=[0-9])",
    rf"(?<=[{ALPHA}])-(?=[0-9])",
    rf"(?<=[0-9])-(?=[{ALPHA}{ARMENIAN}])",
    rf"(?<=\S)[(\[{{](?=[{ALPHA}0-9])",
    rf"(?<=[{ALPHA}0-9])[)\]}}](?=\S)",
    rf"(?<=[{ALPHA}]),(?=[0-9])",
    rf"(?<=[0-9]),(?=[{ALPHA}])",
    rf"(?<=[0-9])(?=(?!(?:st|nd|rd|th)(?![{ALPHA}]))[{ALPHA}])",
    r"(?<=[A-Z][A-Z])(?=[0-9])",
    r"\|",
    r"[\^~]",
    r"\*",
    r"(?<=[0-9])@(?=[0-9])",
    r"(?<=[lLdD])['’](?=[A-ZÀ-ÖØ-Þ])",
    r"(?<=[0-9]),(?=[0-9])(?![0-9]{3}(?![0-9]))",
    r"""(?<=\S),(?=[+("'])|(?<=["']),(?=\S)|"(?=[,;])|(?<=[,;])"|'(?=[,;)])|(?<=[,;(])'""",
    r"(?<=\S);(?=\S)",
    r"\\",
    r'[<>"]',
    r'(?<="):',
    r"(?:(?<=[0-9]\.[0-9])|(?<=[0-9]\.[0-9]{2})|(?<=[0-9]\.[0-9]{3})):(?=[0-9]{2,5}(?![0-9.:]))",
    CJK,
]
CLINICAL_PREFIXES: List[str] = [r"\|", r"~", r"\*", r"@(?=[A-Za-z0-9_])", r"[<>\\]", CJK]
CLINICAL_SUFFIXES: List[str] = [
    r"\|",
    r"\*",
    r"\\",
    r"[<>]",
    CJK,
    rf"(?<=[0-9][{ALPHA}])\.",
    ARMENIAN_PUNCT,
]
_LOWERCASE_LETTER_PERIOD = re.compile(r"^[a-z]\.$")


def _clinical_exceptions(exceptions: Dict[str, Any]) -> Dict[str, Any]:
    return {
        k: v for k, v in exceptions.items() if k not in emoticons and not _LOWERCASE_LETTER_PERIOD.match(k)
    }


def clinical_tokenizer(nlp: Language) -> Tokenizer:
    """A Tokenizer with the language's defaults plus the clinical infixes."""
    defaults = nlp.Defaults
    prefixes = list(defaults.prefixes or []) + CLINICAL_PREFIXES
    suffixes = list(defaults.suffixes or []) + CLINICAL_SUFFIXES
    infixes = list(defaults.infixes or []) + CLINICAL_INFIXES
    return Tokenizer(
        nlp.vocab,
        rules=_clinical_exceptions(defaults.tokenizer_exceptions),
        prefix_search=compile_prefix_regex(prefixes).search if prefixes else None,
        suffix_search=compile_suffix_regex(suffixes).search if suffixes else None,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )


@spacy.registry.tokenizers("spacy-medner.ClinicalTokenizer.v1")
def create_clinical_tokenizer() -> Callable[[Language], Tokenizer]:
    """Registered factory: ``@tokenizers = "spacy-medner.ClinicalTokenizer.v1"``."""
    return clinical_tokenizer


def clinical_nlp(lang: str = "en") -> Language:
    """A blank pipeline for ``lang`` using the clinical tokenizer."""
    nlp = spacy.blank(lang)
    nlp.tokenizer = clinical_tokenizer(nlp)
    return nlp
