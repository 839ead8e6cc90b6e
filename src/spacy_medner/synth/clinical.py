"""PHI-free clinical filler for SYNTHETIC notes: problems, medications, vitals, labs, exams.

None of these strings contains PHI: they are the bulk of a note's tokens, as
in real notes, and include look-alikes a de-identifier must not tag
(``132/84``, ``2/6 murmur``, ``x3 days``, ``A&Ox3``, ``0.4 mg``).
"""
import random
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple


@dataclass(frozen=True)
class Problem:
    key: str
    names: Tuple[str, ...]  # the spelled-out and abbreviated ways notes name it
    meds: Tuple[str, ...]  # keys into MEDICATIONS
    plans: Tuple[str, ...]  # assessment/plan phrasings


PROBLEMS: Tuple[Problem, ...] = (
    Problem("htn", ("hypertension", "HTN", "essential hypertension"), ("lisinopril", "amlodipine", "hctz", "losartan", "metoprolol_succ"),
            ("BP {bp} today, {ctl}; continue {med}.", "BP above goal; will increase {med} and recheck in 4 weeks.",
             "well controlled on current regimen, no changes.", "home readings reportedly 120s-130s; continue {med}.")),
    Problem("hld", ("hyperlipidemia", "HLD", "dyslipidemia", "hypercholesterolemia"), ("atorvastatin", "simvastatin"),
            ("LDL {ldl} on last check; continue {med}.", "on statin, tolerating well, repeat lipid panel in 6 months.",
             "goal LDL <70 given CAD; increase {med}.")),
    Problem("dm2", ("type 2 diabetes mellitus", "DM2", "DM type II", "NIDDM", "diabetes"), ("metformin", "glipizide", "glargine", "lispro"),
            ("A1c {a1c}%, {ctl}; continue {med}.", "fingersticks 140s-180s fasting; titrate {med}.",
             "check A1c, urine microalbumin; annual eye exam due.", "hypoglycemia x2 last week, decrease {med}.")),
    Problem("cad", ("coronary artery disease", "CAD", "CAD s/p PCI", "CAD s/p CABG"), ("aspirin", "clopidogrel", "metoprolol", "atorvastatin", "ntg"),
            ("no angina; continue ASA, statin, beta blocker.", "stable exertional angina, consider stress test.",
             "s/p DES to LAD, continue DAPT with {med}.")),
    Problem("chf", ("congestive heart failure", "CHF", "HFrEF", "systolic heart failure", "diastolic CHF"), ("furosemide", "carvedilol", "spironolactone", "lisinopril"),
            ("appears euvolemic, weight stable; continue {med}.", "volume overloaded, diurese with IV lasix 40 mg BID, strict I/Os, daily weights.",
             "EF {ef}% on last echo; continue GDMT.", "2 g Na diet, fluid restriction 1.5 L.")),
    Problem("afib", ("atrial fibrillation", "AFib", "paroxysmal atrial fibrillation", "AF"), ("apixaban", "warfarin", "metoprolol", "diltiazem"),
            ("rate controlled, CHADS2-VASc {chads}; continue {med}.", "INR {inr}, therapeutic; continue warfarin, recheck INR in 1 week.",
             "in NSR today; continue anticoagulation.")),
    Problem("copd", ("chronic obstructive pulmonary disease", "COPD", "emphysema"), ("albuterol", "tiotropium", "advair", "prednisone"),
            ("no exacerbation; continue inhalers.", "mild exacerbation, start prednisone 40 mg x5 days and azithromycin.",
             "O2 sat {spo2}% on RA at rest; refer for PFTs.")),
    Problem("ckd", ("chronic kidney disease", "CKD", "CKD stage 3", "CKD III"), ("sodium_bicarb",),
            ("Cr {cr}, at baseline; avoid NSAIDs, renally dose meds.", "Cr up to {cr} from baseline 1.3, likely prerenal; hold diuretic, IVF.")),
    Problem("gerd", ("gastroesophageal reflux disease", "GERD", "reflux"), ("omeprazole", "pantoprazole"),
            ("symptoms controlled on {med}.", "continue PPI, consider step-down.")),
    Problem("osa", ("obstructive sleep apnea", "OSA", "OSA on CPAP"), (),
            ("uses CPAP nightly, good adherence.", "nonadherent with CPAP, encouraged use.")),
    Problem("hypothyroid", ("hypothyroidism", "hypothyroid"), ("levothyroxine",),
            ("TSH {tsh}; continue {med}.", "TSH elevated, increase levothyroxine by 12.5 mcg.")),
    Problem("bph", ("BPH", "benign prostatic hypertrophy"), ("tamsulosin",),
            ("nocturia x2, stable on {med}.",)),
    Problem("oa", ("osteoarthritis", "OA", "DJD of the knees", "degenerative joint disease"), ("acetaminophen",),
            ("knee pain, continue tylenol, PT referral.", "consider intra-articular steroid injection.")),
    Problem("depression", ("depression", "major depressive disorder", "MDD"), ("sertraline", "citalopram"),
            ("PHQ-9 {phq}, mood improved on {med}.", "continue {med}, follow up with therapist.")),
    Problem("anxiety", ("anxiety", "generalized anxiety disorder", "GAD"), ("sertraline", "lorazepam"),
            ("stable, continue {med}.",)),
    Problem("asthma", ("asthma", "mild persistent asthma"), ("albuterol", "advair"),
            ("well controlled, rarely uses rescue inhaler.",)),
    Problem("pvd", ("peripheral vascular disease", "PVD", "PAD"), ("aspirin", "clopidogrel", "atorvastatin"),
            ("claudication at 2 blocks, stable; continue ASA/statin.",)),
    Problem("stroke", ("CVA", "history of stroke", "TIA", "cerebrovascular accident"), ("aspirin", "clopidogrel", "atorvastatin"),
            ("no new deficits; secondary prevention with {med}.",)),
    Problem("obesity", ("obesity", "morbid obesity"), (),
            ("BMI {bmi}; counseled on diet and exercise.", "interested in bariatric referral.")),
    Problem("anemia", ("anemia", "iron deficiency anemia", "anemia of chronic disease"), ("ferrous_sulfate",),
            ("Hgb {hgb}, stable; continue iron.", "Hgb down to {hgb}, guaiac stools, GI referral for scopes.")),
    Problem("gout", ("gout",), ("allopurinol", "colchicine"),
            ("no flares since starting {med}.",)),
    Problem("dvt", ("DVT", "deep vein thrombosis", "h/o PE"), ("apixaban", "warfarin", "enoxaparin"),
            ("on anticoagulation with {med}, plan 3-6 months total.",)),
    Problem("neuropathy", ("peripheral neuropathy", "neuropathy", "diabetic neuropathy"), ("gabapentin",),
            ("burning pain in feet, increase gabapentin to 300 mg TID.",)),
    Problem("cirrhosis", ("cirrhosis", "EtOH cirrhosis", "HCV cirrhosis"), ("spironolactone", "furosemide", "lactulose"),
            ("no ascites on exam; continue diuretics, HCC screening with US q6 months.",)),
    Problem("pneumonia", ("community-acquired pneumonia", "CAP", "RLL pneumonia", "pneumonia"), ("ceftriaxone", "azithromycin"),
            ("on ceftriaxone/azithro, afebrile x24h, transition to PO.", "CXR with RLL infiltrate; blood cx pending, start {med}.")),
    Problem("uti", ("UTI", "urinary tract infection", "cystitis"), ("ciprofloxacin", "nitrofurantoin"),
            ("UA with LE and nitrites, start {med} x5 days.",)),
    Problem("cellulitis", ("cellulitis", "LLE cellulitis"), ("cefazolin", "vancomycin"),
            ("erythema receding from marked borders; continue {med}.",)),
    Problem("aki", ("AKI", "acute kidney injury", "acute renal failure"), (),
            ("Cr {cr}, improving with IVF; avoid nephrotoxins.",)),
    Problem("syncope", ("syncope", "near-syncope"), (),
            ("likely vasovagal; telemetry without events, orthostatics negative.",)),
    Problem("back_pain", ("low back pain", "LBP", "lumbar radiculopathy"), ("acetaminophen", "cyclobenzaprine"),
            ("no red flags; PT referral, NSAIDs PRN.",)),
)
PROBLEM_BY_KEY: Dict[str, Problem] = {p.key: p for p in PROBLEMS}
CHRONIC = [p for p in PROBLEMS if p.key not in ("pneumonia", "uti", "cellulitis", "aki", "syncope")]
ACUTE = [p for p in PROBLEMS if p.key in ("pneumonia", "uti", "cellulitis", "aki", "syncope", "chf", "copd", "afib", "back_pain")]

# name, doses, unit, routes/frequencies
MEDICATIONS: Dict[str, Tuple[str, Tuple[str, ...], str, Tuple[str, ...]]] = {
    "lisinopril": ("lisinopril", ("5", "10", "20", "40"), "mg", ("PO daily", "daily", "qd", "once daily")),
    "amlodipine": ("amlodipine", ("2.5", "5", "10"), "mg", ("PO daily", "daily", "qd")),
    "hctz": ("hydrochlorothiazide", ("12.5", "25"), "mg", ("PO daily", "qAM")),
    "losartan": ("losartan", ("25", "50", "100"), "mg", ("daily", "PO qd")),
    "metoprolol": ("metoprolol tartrate", ("12.5", "25", "50"), "mg", ("PO BID", "bid", "twice daily")),
    "metoprolol_succ": ("metoprolol succinate", ("25", "50", "100"), "mg", ("daily", "PO qd")),
    "carvedilol": ("carvedilol", ("3.125", "6.25", "12.5", "25"), "mg", ("BID", "PO bid")),
    "diltiazem": ("diltiazem ER", ("120", "180", "240"), "mg", ("daily",)),
    "atorvastatin": ("atorvastatin", ("10", "20", "40", "80"), "mg", ("qhs", "daily", "PO nightly")),
    "simvastatin": ("simvastatin", ("20", "40"), "mg", ("qhs", "at bedtime")),
    "aspirin": ("aspirin", ("81", "325"), "mg", ("daily", "PO qd")),
    "clopidogrel": ("clopidogrel", ("75",), "mg", ("daily",)),
    "ntg": ("nitroglycerin", ("0.4",), "mg", ("SL q5min PRN chest pain x3",)),
    "warfarin": ("warfarin", ("1", "2.5", "5", "7.5"), "mg", ("qPM", "daily as directed")),
    "apixaban": ("apixaban", ("2.5", "5"), "mg", ("BID", "PO bid")),
    "enoxaparin": ("enoxaparin", ("40", "60", "80"), "mg", ("SC daily", "subQ q12h")),
    "metformin": ("metformin", ("500", "850", "1000"), "mg", ("BID", "PO bid with meals")),
    "glipizide": ("glipizide", ("2.5", "5", "10"), "mg", ("daily", "qAM")),
    "glargine": ("insulin glargine", ("10", "14", "20", "24", "32"), "units", ("SC qhs", "at bedtime")),
    "lispro": ("insulin lispro", ("4", "6", "8"), "units", ("SC with meals plus sliding scale", "AC")),
    "levothyroxine": ("levothyroxine", ("50", "75", "88", "100", "125"), "mcg", ("daily", "PO qAM")),
    "omeprazole": ("omeprazole", ("20", "40"), "mg", ("daily", "BID")),
    "pantoprazole": ("pantoprazole", ("40",), "mg", ("daily", "PO qd")),
    "furosemide": ("furosemide", ("20", "40", "80"), "mg", ("daily", "BID", "PO qAM")),
    "spironolactone": ("spironolactone", ("12.5", "25", "50"), "mg", ("daily",)),
    "albuterol": ("albuterol", ("90",), "mcg", ("2 puffs q4-6h PRN SOB/wheeze", "inh q4h prn")),
    "tiotropium": ("tiotropium", ("18",), "mcg", ("inhaled daily",)),
    "advair": ("fluticasone-salmeterol", ("250/50", "500/50"), "mcg", ("1 puff BID",)),
    "prednisone": ("prednisone", ("5", "10", "20", "40"), "mg", ("daily", "PO qd x5 days")),
    "sertraline": ("sertraline", ("25", "50", "100"), "mg", ("daily",)),
    "citalopram": ("citalopram", ("10", "20"), "mg", ("daily",)),
    "lorazepam": ("lorazepam", ("0.5", "1"), "mg", ("q6h PRN anxiety", "qhs PRN")),
    "gabapentin": ("gabapentin", ("100", "300", "600"), "mg", ("TID", "qhs", "PO tid")),
    "acetaminophen": ("acetaminophen", ("500", "650", "1000"), "mg", ("q6h PRN pain", "PO q8h prn")),
    "tamsulosin": ("tamsulosin", ("0.4",), "mg", ("qhs", "daily")),
    "allopurinol": ("allopurinol", ("100", "300"), "mg", ("daily",)),
    "colchicine": ("colchicine", ("0.6",), "mg", ("daily", "BID PRN flare")),
    "ferrous_sulfate": ("ferrous sulfate", ("325",), "mg", ("daily", "PO TID with meals")),
    "sodium_bicarb": ("sodium bicarbonate", ("650",), "mg", ("BID",)),
    "ceftriaxone": ("ceftriaxone", ("1", "2"), "g", ("IV q24h",)),
    "azithromycin": ("azithromycin", ("250", "500"), "mg", ("PO daily x4 days", "daily")),
    "ciprofloxacin": ("ciprofloxacin", ("250", "500"), "mg", ("PO BID x3 days",)),
    "nitrofurantoin": ("nitrofurantoin", ("100",), "mg", ("BID x5 days",)),
    "cefazolin": ("cefazolin", ("1", "2"), "g", ("IV q8h",)),
    "vancomycin": ("vancomycin", ("1", "1.25"), "g", ("IV q12h",)),
    "lactulose": ("lactulose", ("20",), "g", ("TID titrate to 2-3 BMs/day",)),
    "cyclobenzaprine": ("cyclobenzaprine", ("5", "10"), "mg", ("TID PRN spasm",)),
}
EXTRA_MEDS: Tuple[str, ...] = (
    "docusate 100 mg PO BID", "senna 8.6 mg qhs PRN constipation", "vitamin D3 1000 IU daily",
    "multivitamin 1 tab daily", "calcium carbonate 500 mg BID", "melatonin 3 mg qhs PRN",
    "fish oil 1 g daily", "heparin 5000 units SC TID", "ondansetron 4 mg IV q6h PRN nausea",
    "polyethylene glycol 17 g daily", "thiamine 100 mg daily", "folic acid 1 mg daily",
    "magnesium oxide 400 mg daily", "potassium chloride 20 mEq daily", "loratadine 10 mg daily",
)
BRAND_ABBR = {
    "aspirin": "ASA", "hydrochlorothiazide": "HCTZ", "furosemide": "lasix", "acetaminophen": "tylenol",
    "clopidogrel": "plavix", "atorvastatin": "lipitor", "apixaban": "eliquis", "metoprolol tartrate": "lopressor",
}

SURGERIES: Tuple[str, ...] = (
    "CABG x3", "CABG x4", "PCI with DES to LAD", "appendectomy", "cholecystectomy", "lap chole",
    "right TKR", "left TKA", "L hip ORIF", "TAH/BSO", "C-section x2", "tonsillectomy",
    "inguinal hernia repair", "pacemaker placement", "ICD placement", "carotid endarterectomy",
    "lumbar laminectomy", "colectomy for diverticulitis", "cataract surgery OU", "rotator cuff repair",
    "AVR (bioprosthetic)", "thyroidectomy", "TURP", "partial mastectomy",
)
SYMPTOMS: Tuple[str, ...] = (
    "chest pain", "substernal chest pressure", "shortness of breath", "dyspnea on exertion",
    "abdominal pain", "RLQ pain", "epigastric pain", "nausea and vomiting", "fevers and chills",
    "productive cough", "dry cough", "syncope", "lightheadedness", "dizziness", "bilateral leg swelling",
    "palpitations", "headache", "generalized weakness", "a mechanical fall", "low back pain",
    "dysuria and frequency", "bright red blood per rectum", "melena", "confusion", "a rash on the left leg",
    "worsening orthopnea", "PND", "fatigue", "poor PO intake", "left-sided weakness", "hemoptysis",
    'worsening cough and wheezing',
    'new confusion',
    'right flank pain',
    'a swollen, painful left calf',
    'hematuria',
    'a syncopal episode while standing',
    'sore throat and odynophagia',
    'intermittent claudication',
    'blurry vision',
    'a non-healing foot ulcer',
    'rectal pain',
    'jaw pain with chewing',
    'night sweats and weight loss',
    'urinary retention',
    'a productive cough with green sputum',
    'vertigo',
    'numbness in both feet',
    'hip pain after a fall',
    'coffee-ground emesis',
    'pleuritic chest pain',
    'a seizure',
    'slurred speech',
    'joint swelling',
    'itching all over',
    'heartburn',
)
DURATIONS: Tuple[str, ...] = (
    "x 3 days", "x2 days", "for 1 week", "for the past 2 weeks", "since this morning", "since last night",
    "for several months", "over the past 48 hours", "x 1 day", "for about a month", "for 10 days",
    "that started 4 hours prior to arrival",
)
ASSOCIATED: Tuple[str, ...] = (
    "Denies fevers, chills, or night sweats.", "No associated nausea or diaphoresis.",
    "+ nausea, no vomiting.", "Reports decreased appetite and a 5 lb weight loss.",
    "Symptoms worse with exertion and relieved by rest.", "No recent travel or sick contacts.",
    "Pain is 7/10, sharp, non-radiating.", "Pain radiates to the left arm, 8/10 at worst.",
    "Has been taking medications as prescribed.", "Reports missing several doses of the diuretic.",
    "Took ibuprofen without relief.", "Denies CP, SOB, palpitations.", "ROS otherwise negative.",
    "Tolerating PO, ambulating without assistance.", "Sleeping on 3 pillows, up from 1.",
    "Denies dysuria, hematuria, or change in bowel habits.", "No focal weakness or numbness.",
    "Was seen in urgent care 2 days ago and started on antibiotics.", "Reports good adherence to CPAP.",
    'Pain is worse lying flat and better sitting forward.',
    'No recent antibiotics or hospitalizations.',
    'Family notes increased forgetfulness over the past month.',
    'Has not taken the statin in two weeks.',
    'Denies melena or hematochezia.',
    'Reports two-pillow orthopnea.',
    'Unable to climb one flight of stairs without stopping.',
    'Has been sleeping in a recliner.',
    'Appetite is fair; drinking about 1 L of fluid a day.',
    'Symptoms woke the patient from sleep.',
    'Took an extra dose of furosemide without improvement.',
    'No chest pain with exertion.',
    'Stools have been black for two days.',
    'Able to bear weight with pain.',
    'No tick bites or outdoor exposures.',
    'Last drink was 2 days ago.',
    'Reports urinary frequency and urgency.',
    'Cough is worse at night.',
    'No sick contacts, vaccinated against influenza.',
    'Home glucose readings have been in the 300s.',
)
ALLERGIES: Tuple[str, ...] = (
    "NKDA", "NKDA", "No known drug allergies", "NKA", "PCN (rash)", "Penicillin - hives",
    "sulfa (anaphylaxis)", "Sulfa drugs: rash", "codeine -> nausea", "iodinated contrast (hives)",
    "latex", "ACE inhibitors (cough)", "morphine (itching)", "Shellfish", "erythromycin - GI upset",
)
SOCIAL_FILLER: Tuple[str, ...] = (
    "Quit tobacco 10 years ago, 30 pack-year history.", "Never smoker.", "Smokes 1 ppd, counseled on cessation.",
    "Drinks 2-3 beers on weekends.", "Denies EtOH or illicit drug use.", "Occasional glass of wine.",
    "Former smoker, quit many years ago.", "No IVDU.", "Independent in ADLs.", "Walks with a cane.",
    "Uses a walker at home.", "Exercises 3 times per week.", "Sedentary.", "Lives alone.",
    "Lives with spouse in a single-level home.", "Has 2 adult children who live nearby.",
    "Sexually active with one partner.", "Remote history of cocaine use, none in 20 years.",
    'Vapes daily.',
    'Uses marijuana occasionally for sleep.',
    'Drinks 6 cups of coffee a day.',
    'Has stairs to enter the home.',
    'Drives; independent in IADLs.',
    'Has a home health aide 3 days a week.',
    'Food insecurity screen positive.',
    'Lives in a second-floor walk-up.',
    'Religious preference: none stated.',
    'Has a dog at home.',
)
FAMILY_RELATIVES: Tuple[str, ...] = ("Mother", "Father", "Brother", "Sister", "Maternal grandmother", "Paternal uncle")
FAMILY_CONDITIONS: Tuple[str, ...] = (
    "MI", "CAD", "breast cancer", "colon cancer", "DM2", "stroke", "HTN", "lung cancer", "Alzheimer's dementia",
    "prostate cancer", "CHF", "ovarian cancer", "lymphoma", "kidney disease",
)
EXAM: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("General", ("NAD", "well-appearing, in no acute distress", "pleasant, comfortable", "mildly uncomfortable",
                 "ill-appearing", "obese, NAD", "elderly, in NAD", "alert, conversant")),
    ("HEENT", ("NCAT, PERRLA, EOMI", "MMM, OP clear", "anicteric sclerae, MMM", "dry mucous membranes",
               "PERRL, EOMI, no scleral icterus")),
    ("Neck", ("supple, no JVD", "JVP 8 cm", "JVP to angle of jaw", "no LAD, no thyromegaly", "supple, no carotid bruits")),
    ("CV", ("RRR, no m/r/g", "RRR, 2/6 SEM at RUSB", "irregularly irregular, no murmurs", "S1 S2 normal, no murmurs",
            "tachycardic, regular", "RRR nl S1S2 3/6 holosystolic murmur at apex")),
    ("Lungs", ("CTAB", "clear to auscultation bilaterally", "bibasilar crackles", "diffuse expiratory wheezes",
               "decreased BS at R base", "crackles 1/3 up bilaterally", "CTA b/l, no w/r/r")),
    ("Abd", ("soft, NT/ND, +BS", "soft, nontender, nondistended", "obese, soft, mild epigastric TTP",
             "+BS, soft, RLQ tenderness, no rebound", "distended with shifting dullness")),
    ("Ext", ("no c/c/e", "WWP, no edema", "2+ pitting edema to knees b/l", "trace LE edema",
             "1+ edema bilateral ankles", "erythema and warmth LLE to mid-shin")),
    ("Neuro", ("A&Ox3, CN II-XII intact", "alert and oriented x3, nonfocal", "strength 5/5 throughout",
               "A&O x2, mildly confused", "L pronator drift, 4/5 LUE strength")),
    ("Skin", ("no rashes", "warm and dry", "stage II sacral decubitus", "no jaundice")),
    ("Psych", ("appropriate mood and affect", "anxious", "flat affect")),
)
IMAGING: Tuple[str, ...] = (
    "CXR: no acute cardiopulmonary process.", "CXR with RLL opacity concerning for pneumonia.",
    "CXR: mild pulmonary vascular congestion, small bilateral effusions.",
    "CT head without contrast: no acute intracranial hemorrhage or mass effect.",
    "CT A/P with contrast: uncomplicated diverticulitis of the sigmoid colon.",
    "TTE: EF 35-40%, mild MR, no pericardial effusion.", "TTE: LVEF 55-60%, grade I diastolic dysfunction.",
    "ECG: NSR at 78, normal axis, no acute ST-T changes.", "EKG: AFib with RVR at 132, no ischemic changes.",
    "LENIs: no DVT bilaterally.", "RUQ US: cholelithiasis without cholecystitis.",
    "CTA chest: no PE; 4 mm RUL nodule, recommend follow-up CT in 12 months.",
    "MRI L-spine: L4-5 disc bulge with mild foraminal narrowing.", "Stress test: no inducible ischemia.",
    'CT A/P: small bowel obstruction with transition point in the RLQ.',
    'Renal US: mild right hydronephrosis.',
    'CXR: left lower lobe collapse, ETT 4 cm above the carina.',
    'MRI brain: small acute infarct in the left corona radiata.',
    'Carotid US: <50% stenosis bilaterally.',
    'KUB: nonobstructive bowel gas pattern.',
    'Echo: moderate AS, AVA 1.1 cm2.',
    'XR right hip: displaced femoral neck fracture.',
    'CT C-spine: no acute fracture.',
    'V/Q scan: low probability.',
)
LAB_MAKERS: Tuple[Tuple[str, float, float, int], ...] = (
    ("Na", 128, 146, 0), ("K", 3.1, 5.6, 1), ("Cl", 95, 110, 0), ("HCO3", 18, 30, 0), ("BUN", 8, 60, 0),
    ("Cr", 0.6, 3.2, 1), ("Glu", 72, 310, 0), ("WBC", 3.8, 18.5, 1), ("Hgb", 7.8, 15.9, 1),
    ("Hct", 24.0, 47.0, 1), ("Plt", 95, 450, 0), ("INR", 0.9, 3.4, 1), ("Trop", 0.01, 0.4, 2),
    ("BNP", 40, 1800, 0), ("Mg", 1.6, 2.5, 1), ("TSH", 0.4, 8.5, 2), ("HbA1c", 5.6, 10.8, 1),
    ("LDL", 55, 190, 0), ("ALT", 12, 95, 0), ("AST", 14, 110, 0), ("Alb", 2.4, 4.6, 1), ("lactate", 0.7, 4.2, 1),
)
DISPOSITIONS: Tuple[str, ...] = (
    "Home with services", "Home", "Home with VNA", "Rehab facility", "Skilled nursing facility", "Home with family",
)
CONDITIONS: Tuple[str, ...] = ("Stable", "Good", "Fair", "Improved", "stable, ambulatory")
EDUCATION: Tuple[str, ...] = (
    "Discussed warning signs and reasons to return to the ED.",
    "Patient verbalized understanding of the plan.",
    "All questions were answered.",
    "Total time spent 25 minutes, >50% in counseling.",
    "Medication reconciliation completed.",
    "Advised low-salt diet and daily weights; call if weight up >3 lb in a day.",
    "Flu shot given today.", "Pneumovax up to date.", "Code status: Full code.", "Code status: DNR/DNI, confirmed with patient.",
    'Smoking cessation counseling > 3 minutes.',
    'Discussed risks and benefits of anticoagulation.',
    'Advance directive reviewed.',
    'Teach-back used to confirm understanding.',
    'Interpreter used for the entire visit.',
    'Fall prevention reviewed.',
)


def med_line(rng: random.Random, key: str) -> str:
    """One medication with dose, in a randomly chosen house style."""
    name, doses, unit, sigs = MEDICATIONS[key]
    dose, sig = rng.choice(doses), rng.choice(sigs)
    if rng.random() < 0.12 and name in BRAND_ABBR:
        name = BRAND_ABBR[name]
    style = rng.random()
    if style < 0.5:
        return f"{name} {dose} {unit} {sig}"
    if style < 0.7:
        return f"{name.capitalize()} {dose}{unit} {sig.lower()}"
    if style < 0.82:
        return f"{name.upper()} {dose} {unit.upper()} {sig.upper()}"
    if style < 0.92:
        return f"{name} {dose} {unit}"
    return f"{name.capitalize()} {dose} {unit} {sig}"


def random_meds(rng: random.Random, problems: Sequence[Problem], k: int) -> List[str]:
    keys: List[str] = []
    for p in problems:
        if p.meds:
            keys.append(rng.choice(p.meds))
    keys = list(dict.fromkeys(keys))
    lines = [med_line(rng, key) for key in keys]
    extra = rng.sample(EXTRA_MEDS, k=min(len(EXTRA_MEDS), max(0, k - len(lines))))
    return (lines + extra)[: max(k, 1)]


def vitals_values(rng: random.Random) -> Dict[str, str]:
    sbp = rng.randint(92, 178)
    dbp = rng.randint(52, min(104, sbp - 25))
    temp_f = round(rng.uniform(96.8, 101.9), 1)
    return {
        "bp": f"{sbp}/{dbp}",
        "hr": str(rng.randint(52, 124)),
        "t_f": f"{temp_f}",
        "t_c": f"{(temp_f - 32) * 5 / 9:.1f}",
        "rr": str(rng.randint(12, 26)),
        "spo2": str(rng.randint(88, 100)),
        "o2": rng.choice(("RA", "RA", "RA", "on RA", "2L NC", "on 3L", "4L NC")),
        "wt": str(rng.randint(48, 142)),
        "wt_lb": str(rng.randint(105, 310)),
    }


def vitals_line(rng: random.Random) -> str:
    """A vitals line in one of the layouts notes use."""
    v = vitals_values(rng)
    o2 = v["o2"]
    layouts = (
        f"BP {v['bp']}, HR {v['hr']}, T {v['t_f']}F, SpO2 {v['spo2']}% {o2}",
        f"T {v['t_f']} P {v['hr']} BP {v['bp']} RR {v['rr']} O2 sat {v['spo2']}% {o2}",
        f"VS: {v['t_f']} {v['hr']} {v['bp']} {v['rr']} {v['spo2']}%{o2.replace('on ', '')}",
        f"BP: {v['bp']} | HR: {v['hr']} | Temp: {v['t_c']} C | RR: {v['rr']} | SpO2: {v['spo2']}%",
        f"Temp {v['t_c']}C, pulse {v['hr']}, BP {v['bp']} mmHg, resp {v['rr']}, sat {v['spo2']}% {o2}",
        f"BP {v['bp']}  P {v['hr']}  RR {v['rr']}  Wt {v['wt_lb']} lb",
        f"Tmax {v['t_f']}, Tc {v['t_f']}, HR {v['hr']}-{int(v['hr']) + rng.randint(4, 20)}, BP {v['bp']}, RR {v['rr']}, {v['spo2']}% {o2}",
        f"afebrile, HR {v['hr']}, BP {v['bp']}, RR {v['rr']}, O2 {v['spo2']}% {o2}, wt {v['wt']} kg",
    )
    return rng.choice(layouts)


def lab_values(rng: random.Random, k: int) -> List[str]:
    picks = rng.sample(LAB_MAKERS, k=min(k, len(LAB_MAKERS)))
    out = []
    for name, lo, hi, digits in picks:
        value = round(rng.uniform(lo, hi), digits)
        text = f"{value:.{digits}f}" if digits else str(int(value))
        if name == "Trop" and value < 0.03:
            text = "<0.01"
        if name == "HbA1c":
            text += "%"
        out.append(f"{name} {text}")
    return out


def lab_line(rng: random.Random) -> str:
    labs = lab_values(rng, rng.randint(3, 8))
    sep = rng.choice((", ", ", ", "; ", "  ", " / "))
    return sep.join(labs)


def plan_for(rng: random.Random, problem: Problem) -> str:
    """One assessment/plan phrase for ``problem``, its numbers and drug filled in (never PHI)."""
    template = rng.choice(problem.plans)
    med = MEDICATIONS[rng.choice(problem.meds)][0] if problem.meds else "current regimen"
    values = {
        "bp": vitals_values(rng)["bp"], "ctl": rng.choice(("at goal", "not at goal", "improved", "suboptimal")),
        "med": med, "ldl": str(rng.randint(55, 170)), "a1c": f"{rng.uniform(5.8, 10.5):.1f}",
        "ef": str(rng.choice((20, 25, 30, 35, 40, 45, 55))), "chads": str(rng.randint(1, 6)),
        "inr": f"{rng.uniform(2.0, 3.0):.1f}", "spo2": str(rng.randint(88, 98)),
        "cr": f"{rng.uniform(1.0, 3.1):.1f}", "tsh": f"{rng.uniform(0.3, 9.0):.2f}", "phq": str(rng.randint(2, 21)),
        "bmi": f"{rng.uniform(27, 48):.1f}", "hgb": f"{rng.uniform(7.2, 12.8):.1f}",
    }
    return template.format(**values)


COURSE_EVENTS: Tuple[str, ...] = (
    "Blood cultures remained negative at 48 hours.", "Diuresed with IV furosemide with net negative 3 L over the admission.",
    "Transitioned to PO antibiotics once afebrile for 24 hours.", "Telemetry showed no arrhythmias.",
    "Serial troponins were negative x3.", "Creatinine peaked at 2.1 and improved to 1.4 with IV fluids.",
    "PT evaluated and recommended home with outpatient PT.", "Started on a heparin drip, later bridged to oral anticoagulation.",
    "Blood glucose was managed with basal-bolus insulin, fingersticks 120s-200s.", "Potassium was repleted as needed.",
    "Home antihypertensives were held for soft blood pressures and restarted prior to discharge.",
    "Nutrition was consulted for poor PO intake.", "Foley catheter was removed on HD#2 and the patient voided without difficulty.",
    "Pain was controlled with acetaminophen and low-dose oxycodone.", "Repeat CXR showed interval improvement.",
    "Weight on discharge 82.4 kg, down from 86.1 kg on admission.", "Hemoglobin remained stable, no transfusion required.",
    "Echo showed preserved EF without wall motion abnormalities.", "Patient ambulated in the hallway without desaturation.",
    "Social work assisted with discharge planning.", "Had one episode of delirium overnight, resolved with reorientation.",
    "Tolerating a regular diet at discharge.", "INR was subtherapeutic at 1.6 and warfarin dose was increased.",
    "Sputum culture grew normal flora.", "UA was negative and urine culture had no growth.",
    'GI was consulted and performed an EGD showing a clean-based gastric ulcer.',
    'Started on a PPI drip, transitioned to PO BID.',
    'Neurology was consulted; MRI brain showed a small acute infarct.',
    'Physical therapy cleared the patient for home.',
    'Cardiology recommended medical management.',
    'A PICC line was placed for IV antibiotics.',
    'Transfused 2 units PRBC for Hgb 6.8.',
    'Urology placed a Foley catheter for retention.',
    'Oxygen was weaned to room air by HD#3.',
    'Required a brief ICU stay for BiPAP.',
    'Delirium precautions were instituted.',
    'Speech and swallow evaluation recommended a mechanical soft diet.',
    'Wound care nursing followed for the sacral ulcer.',
    'Palliative care met with the family to discuss goals of care.',
)
ROS_LINES: Tuple[str, ...] = (
    "Constitutional: no fevers, chills, or weight loss.", "Eyes: no visual changes.", "ENT: no sore throat or congestion.",
    "CV: no chest pain, palpitations, or edema.", "Resp: + dyspnea on exertion, no cough.", "GI: no nausea, vomiting, diarrhea, or melena.",
    "GU: no dysuria or hematuria.", "MSK: chronic knee pain.", "Skin: no rashes.", "Neuro: no headache, weakness, or numbness.",
    "Psych: mood ok, sleeping poorly.", "Heme: no easy bruising.", "Endo: no polyuria or polydipsia.",
)
INTERVAL_LINES: Tuple[str, ...] = (
    "Overall feels well.", "Energy is improved since the last visit.", "Has been checking blood pressure at home, mostly 130s/80s.",
    "Lost 6 lb since last visit with diet changes.", "Still having some fatigue in the afternoons.", "No ED visits or hospitalizations since last seen.",
    "Has not needed the rescue inhaler in the past month.", "Sugars running 110-160 fasting.", "Went to PT twice weekly with improvement.",
    "Stopped the statin because of myalgias.", "Reports occasional lightheadedness on standing.",
    "Ran out of medications for one week last month.", "Mood is better on the current dose.", "Swelling in the legs is improved.",
    'Finished the course of antibiotics without side effects.',
    'Had a flu shot at the pharmacy.',
    'Started walking 20 minutes a day.',
    'Reports more frequent nighttime urination.',
    'Blood sugars improved after stopping juice.',
    'Had a fall at home, no injury.',
    'Saw the eye doctor; no retinopathy.',
    'Was seen in urgent care for a UTI.',
    'Weight is up 3 lb.',
    'Stopped smoking 2 months ago.',
)
ED_SENTENCES: Tuple[str, ...] = (
    "In the ED, initial vitals were notable for tachycardia and mild hypoxia.", "Received 1 L NS and ceftriaxone in the ED.",
    "ECG showed sinus tachycardia without acute ischemic changes.", "Labs notable for a leukocytosis and mild AKI.",
    "CXR was read as possible early infiltrate.", "Given aspirin and sublingual nitroglycerin with partial relief.",
    "Was placed on BiPAP briefly for increased work of breathing.", "Lactate was mildly elevated and trended down with fluids.",
    "Troponin was negative and BNP was elevated.", "Received IV furosemide 40 mg with good urine output.",
)
INSTRUCTIONS: Tuple[str, ...] = (
    "Take all medications as prescribed.", "Weigh yourself every morning and call if your weight goes up more than 3 pounds.",
    "Return to the emergency department for chest pain, shortness of breath, fever over 101, or any other concerns.",
    "Do not drive while taking oxycodone.", "Resume your usual diet; limit salt to 2 grams per day.",
    "Keep your legs elevated when sitting.", "Have your INR checked in 3 days.", "Complete the full course of antibiotics.",
    "Walk several times a day as tolerated.", "No heavy lifting for 2 weeks.",
)
HEALTH_MAINTENANCE: Tuple[str, ...] = (
    "Colonoscopy", "Mammogram", "Pap smear", "DEXA", "Flu vaccine", "Pneumococcal vaccine", "Tdap", "Eye exam", "Foot exam",
    "Lipid panel", "Shingrix",
)
