"""The clinical tokenizer puts entity boundaries on token boundaries in glued text."""
import pytest
import spacy

from spacy_medner.tokenizer import clinical_nlp, clinical_tokenizer


@pytest.fixture(scope="module")
def nlp():
    return clinical_nlp("en")


@pytest.mark.parametrize(
    "text,entity",
    [
        ("MRN:4417220", "4417220"),
        ("Dr.Smith", "Smith"),
        ("seen 2067-05-03.", "2067-05-03"),
        ("DOB:03/02/2067", "03/02/2067"),
        ("DOB03/02/2067", "03/02/2067"),
        ("a 55yo man", "55"),
        ("call (207)555-0143.", "(207)555-0143"),
        ("ph:(207)555-0143", "(207)555-0143"),
        ("Jones,John", "John"),
        ("Jones,John", "Jones"),
        ("MRN#123456", "123456"),
        ("MRN-123456", "123456"),
        ("Smith,2067", "2067"),
        ("MRN4417220", "4417220"),
        ("cancer in 40s.", "40s"),
        ("Bed 464A.", "464A"),
        ("plate 97-5009E.", "97-5009E"),
        ("enoxaparin|40 mg|SC|qhs|8/27/82", "8/27/82"),
        ("| Test|11/16|11/17|24th of November|", "24th of November"),
        ("Test|June 22, 2069|06/25", "June 22, 2069"),
        ("PID|1||H00773914^^^HMH^MR~377402281^^^SSA^SS||OYELARAN^TEMITOPE^A^^MRS", "377402281"),
        ("PID|1||H00773914^^^HMH^MR~377402281^^^SSA^SS||OYELARAN^TEMITOPE^A^^MRS", "OYELARAN^TEMITOPE^A"),
        ("^FENWICK^OH^44093-2217^USA||(440)555-0187^PRN^PH", "(440)555-0187"),
        ("DATE OF NOTE: NOV 04, 2025@09:12", "NOV 04, 2025"),
        ("NM1*IL*1*NAKAGAWA-FORD*HIROSHI*T***MI*GSM417729031~", "GSM417729031"),
        ("NM1*IL*1*NAKAGAWA-FORD*HIROSHI*T***MI*GSM417729031~", "NAKAGAWA-FORD*HIROSHI*T"),
        ("N3*46 OLD COUNTY RD*APT 2~", "46 OLD COUNTY RD*APT 2"),
        ("+1 (417) 753-3518,07/16/2084,Njoku,85", "07/16/2084"),
        ("+1 (417) 753-3518,07/16/2084,Njoku,85", "+1 (417) 753-3518"),
        ('77,E11.9,"20070228",M,"Anirudh"', "20070228"),
        ("SEX;ZIP;DOB\nM;50157;2029-01-01;ALEJANDRO", "50157"),
        ("SUMMARY:NEW PT 40 - ABDI\\, HODAN M (34 y F)", "ABDI"),
        ("発症：2019年11月3日、湘南", "2019年11月3日"),
        ("<td>1 tab PO</td><td>11/02/2024</td><td>Abernathy-Shaw</td>", "11/02/2024"),
        ('<telecom use="HP" value="tel:+1-325-555-0176"/>', "+1-325-555-0176"),
        ("<postalCode>79588</postalCode>", "79588"),
        ("Fax (541) 555-0145\\par\n\\pard", "(541) 555-0145"),
        ("父 心筋梗塞にて 62 歳で死亡。母 91 歳、北浦市 在住", "北浦市"),
        ("first due ~4/23/26).", "4/23/26"),
        ("@rrt-team @dwhitacre can u bring bipap", "dwhitacre"),
        ("ricovero presso l'Ospedale Civile di Sesto", "Ospedale Civile di Sesto"),
        ("transfert depuis l’Hôpital Nord", "Hôpital Nord"),
        ("queue ED-WB-01 (Zebra HC100, 10.44.6.117:9100) | user", "10.44.6.117"),
        ("VALUES ('SB004420','Etsitty','Harlan J','1971-04-03',NULL,'5520');", "1971-04-03"),
        ("VALUES ('SB004420','Etsitty','Harlan J','1971-04-03',NULL,'5520');", "Harlan J"),
        ("VALUES ('SB004420','Etsitty','Harlan J','1971-04-03',NULL,'5520');", "5520"),
        ("context: Patient{mrn='5503817', name='PELLETIER-OYELOWO, ADAEZE R', fin='260125003318'}", "5503817"),
        ("context: Patient{mrn='5503817', name='PELLETIER-OYELOWO, ADAEZE R', fin='260125003318'}", "PELLETIER-OYELOWO, ADAEZE R"),
        ("context: Patient{mrn='5503817', name='PELLETIER-OYELOWO, ADAEZE R', fin='260125003318'}", "260125003318"),
        ("GET /api/v1/appt/lookup?last=Vandermolen&dob=1958-11-02&mrn=SW00418873 HTTP/1.1", "Vandermolen"),
        ("GET /api/v1/appt/lookup?last=Vandermolen&dob=1958-11-02&mrn=SW00418873 HTTP/1.1", "1958-11-02"),
        ('{"name":"ABERNATHY, CLYDE W","age":81,"zone":"ED-WR-MAIN"}', "81"),
        ("Զատիկը (ապրիլի 5-ը) անցկացրել", "ապրիլի 5"),
        ("հեռ. +374 94 555 018։\n", "+374 94 555 018"),
        ("Անձնագիր՝ AT0548127", "Անձնագիր"),
    ],
)
def test_entity_boundaries_are_token_boundaries(nlp, text, entity):
    doc = nlp(text)
    start = text.index(entity)
    assert doc.char_span(start, start + len(entity), alignment_mode="strict") is not None, [
        t.text for t in doc
    ]


@pytest.mark.parametrize(
    "text,tokens",
    [
        ("MRN:4417220", ["MRN", ":", "4417220"]),
        ("BP:120/80", ["BP", ":", "120", "/", "80"]),
        ("(207)555-0143", ["(", "207", ")", "555", "-", "0143"]),
        ("55yo", ["55", "yo"]),
        ("Jones,John", ["Jones", ",", "John"]),
        ("03/02", ["03", "/", "02"]),
        ("qhs|8/27", ["qhs", "|", "8", "/", "27"]),
        ("|Test|", ["|", "Test", "|"]),
        ("ADEBAYO^FOLAKE|SIS", ["ADEBAYO", "^", "FOLAKE", "|", "SIS"]),
        ("MR~377402281", ["MR", "~", "377402281"]),
        ("2025@09:12", ["2025", "@", "09:12"]),
        ("NM1*PR*2*ACME**PI*61147~", ["NM", "1", "*", "PR", "*", "2", "*", "ACME", "*", "*", "PI", "*", "61147", "~"]),
        ("**Bold**", ["*", "*", "Bold", "*", "*"]),
        ("1,000,000 and 2,5", ["1,000,000", "and", "2", ",", "5"]),
        ("令和8年", ["令", "和", "8", "年"]),
    ],
)
def test_glued_clinical_tokens(nlp, text, tokens):
    assert [t.text for t in nlp(text)] == tokens


@pytest.mark.parametrize(
    "text", ["10:30", "1st", "2nd", "3rd", "5th", "1,000", "john@x.com", "www.example.com", "A1234", "2.5", "O'Brien", "AT&T", "R&D", "https://x.example.org/a?id=7&b=2"]
)
def test_common_cases_stay_whole(nlp, text):
    assert [t.text for t in nlp(text)] == [text]


def test_initials_and_abbreviations_keep_their_period(nlp):
    assert [t.text for t in nlp("J. Smith, Dr. Who")] == ["J.", "Smith", ",", "Dr.", "Who"]
    assert [t.text for t in nlp("vitamin d.")] == ["vitamin", "d", "."]


def test_emoticon_exceptions_do_not_glue_punctuation(nlp):
    # spaCy's ":(" emoticon special case would glue the colon to the bracket
    assert [t.text for t in nlp("ph:(207)")] == ["ph", ":", "(", "207", ")"]
    assert [t.text for t in nlp("Grade:3")] == ["Grade", ":", "3"]


def test_registered_and_serialisable(tmp_path):
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "spacy-medner.ClinicalTokenizer.v1"}}})
    assert [t.text for t in nlp("MRN:4417220 55yo")] == ["MRN", ":", "4417220", "55", "yo"]
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert [t.text for t in loaded("BP:120/80 (207)555-0143")] == [
        "BP", ":", "120", "/", "80", "(", "207", ")", "555", "-", "0143"
    ]


def test_text_is_preserved(nlp):
    text = "Pt:John Smith\r\n  DOB03/02/2067,55yo\tMRN#4417220 (207)555-0143.\n"
    assert nlp(text).text == text


def test_other_languages_keep_their_rules():
    nlp = spacy.blank("de")
    nlp.tokenizer = clinical_tokenizer(nlp)
    assert [t.text for t in nlp("MRN:4417220")] == ["MRN", ":", "4417220"]
