"""PHI-free phrase banks and text noise for the broader SYNTHETIC note kinds.

Terse nursing/triage shorthand, specialty filler (psychiatry, obstetrics,
pediatrics, pharmacy, pathology, surgery), look-alike distractors that must
**not** be tagged (eponyms, doses, scores, units, word-names used as words),
and :func:`typos`, which misspells literal (never PHI) text the way patients
type portal messages.
"""
import random
import string
from typing import Tuple

#: sentences full of things a de-identifier must not tag: eponyms, doses, scores, units, durations
DISTRACTORS: Tuple[str, ...] = (
    "Hx of Parkinson disease, on carbidopa-levodopa 25/100 mg TID.", "Foley catheter placed, draining clear yellow urine.",
    "Glasgow Coma Scale 15 on arrival.", "GCS 14 (E4V4M6).", "Known Crohn disease, last flare 2 yrs ago.",
    "Remote Hodgkin lymphoma s/p ABVD, in remission.", "Apgar scores 8 and 9.", "INR 2.3, therapeutic.",
    "BP 120/80, HR 72.", "Grip strength 3/4 on the left.", "2/6 systolic murmur at the LUSB.", "Tolerating 3/4 strength tube feeds.",
    "Give 0.5 mg IV x1.", "Transferred from the ED to the ICU.", "Recovered in the PACU without events.", "Bell's palsy in the past, resolved.",
    "Negative Murphy sign.", "Babinski downgoing bilaterally.", "Romberg negative.", "Tinel and Phalen positive at the right wrist.",
    "Epley maneuver performed with relief.", "Swan-Ganz catheter removed.", "Whipple procedure for pancreatic adenocarcinoma in the past.",
    "Down syndrome with AV canal repair as an infant.", "Cushing syndrome ruled out with a normal dex suppression test.",
    "Graves disease s/p RAI.", "Hashimoto thyroiditis on levothyroxine 75 mcg.", "Barrett esophagus on surveillance EGD.",
    "Wolff-Parkinson-White s/p ablation.", "Guillain-Barre syndrome, recovered.", "Raynaud phenomenon.", "Lyme disease treated with doxycycline x 21 days.",
    "Alzheimer dementia, MMSE 18/30.", "Addison disease on hydrocortisone 15 mg qAM and 5 mg qPM.", "Morse fall score 45, high risk.",
    "Braden score 16.", "Wells score 1.5, low probability.", "CHA2DS2-VASc 3.", "Trendelenburg positioning for line placement.",
    "Valsalva without effect.", "Heimlich performed by family prior to arrival.", "Kernig and Brudzinski signs negative.",
    "Roux-en-Y gastric bypass in the past.", "Hartmann procedure, colostomy reversal pending.", "Nissen fundoplication for GERD.",
    "Pap smear normal.", "Mallory-Weiss tear suspected.", "Meniere disease with vertigo spells.", "Paget disease of bone.",
    "Sjogren syndrome, dry eyes.", "Kaposi sarcoma excluded on biopsy.", "Lasix 40 mg IV x1 given.", "K 3.1, repleted with KCl 40 mEq PO.",
    "Hope to discharge tomorrow if stable.", "Will mark the site in pre-op.", "Will bill as a level 4 visit.", "Young adult with no PMH.",
    "Rose from the chair without assistance.", "Grant of guardianship is pending.", "Faith-based support is important to the family.",
    "May resume diet as tolerated.", "Long discussion about goals of care.", "Little improvement overnight.", "Price of the inhaler is a barrier.",
    "Stone seen in the distal ureter, 4 mm.", "Park the wheelchair by the bed; fall precautions.", "Brown discharge noted on the pad.",
    "Frank blood in the stool.", "Best interest decision per the team.", "Patient in good spirits today.",
    "Pt ambulated 150 ft x2 with RW.", "Sats 94% on 2L NC.", "1 unit PRBC transfused.", "NPO after midnight.", "Q2h turns.",
    "Holter monitor for 48 hours.", "Ortolani and Barlow maneuvers normal.", "Vertex presentation on Leopold exam.", "Ramsay Hunt syndrome considered, no vesicles.",
    "Doppler FHR 140s.", "Allen test normal before the radial stick.", "McMurray test negative.", "Lachman negative, Drawer negative.",
    "Spurling negative.", "Homans sign absent.", "Chvostek and Trousseau negative.", "Cullen and Grey Turner signs absent.",
    "PHQ-9 today 14, down from 19.", "GAD-7 6, AUDIT-C 2.", "MoCA 24/30.", "CIWA 6, no prn needed.", "COWS 4.", "Edinburgh score 9.",
    "Night shift 1900-0700.", "Rounded at 2015, resting quietly.", "HS meds due at 2130.", "Awake at 0345 requesting water.", "Return call after 5pm.",
    "Mood 6 out of 10 per pt.", "Pain 3/10 at 1100 after oxycodone.", "Recheck labs in 2-3 weeks.", "Quit smoking 10 years ago, 30 pack-years.",
    "RV lead model 3830, 69 cm, impedance 520 ohms.", "Device model XT1204 interrogated, battery 7.5 years.", "Tiotropium 2.5 mcg 2 puffs daily.",
    "Tdap and HPV #2 due.", "Budesonide/formoterol 160/4.5 mcg 2 puffs BID.", "Call 911 or the 988 line if unsafe.",
    "G3P2002 at 34w1d.", "1-hr glucose 128 mg/dL.", "Station 0, 4 cm dilated.", "Snellen 20/40 OD.", "Tanner stage 3.", "Mallampati II.",
    "ASA class III.", "NYHA class II.", "Child-Pugh A.", "Gleason 3+4=7.", "Ki-67 18%.", "ER/PR positive, HER2 negative.",
    # languages, nationalities and generic services: not COUNTRY, DEPARTMENT or ORGANIZATION
    "Spanish interpreter used for the visit.", "Handout given in Spanish and English.", "Prefers texts in Portuguese.",
    "Has a Canadian passport.", "Australian mobile number on file.", "Paternal side Scottish/English.", "Speaks Haitian Creole at home.",
    "Referral to social work.", "Case discussed with pharmacy.", "Seen by PT and OT today.", "Chaplain visited.",
    "Call the nurse line with questions.", "Staffing: census 28/30.", "Called the help desk for a password reset.",
    "Security notified per protocol.", "Sent to the lab at 0900.", "Records faxed to the PCP office.",
    # generic clinics, specialties and public numbers: not DEPARTMENT, PROFESSION or PHONE
    "Seen in the device clinic last month.", "Occupational Medicine follow-up as needed.", "Department of Surgery consulted.",
    "Consultant General Surgeon on call tonight.", "Reminded of the 988 crisis line.", "Routed via 988 by the caller.",
    "Wong-Baker FACES 2/10.", "EpiPen Jr 0.15 mg kept at school.", "Pain 3/10 (from 8/10).", "Visit 6 of 9 this cert period.",
    "Asked the charge nurse and the attending to review.", "Family asked for the chaplain and a social worker.",
    # form items, code systems and public numbers: not IDs, dates or phones
    "GG0130 A eating .......... 05 / 05", "GG0170 B sit to lying ..... 04 / 03", "D0160 total severity score = 06.", "Section J - health conditions.",
    "Form I-693 completed and sealed.", "DS-3025 vaccine record reviewed.", "LOINC 2345-7 and 2160-0 resulted.", "Race code 2054-5 per HL70005.",
    "NDC 0185-0071 dispensed.", "CPT 22633 and 22840 authorized.", "ICD-10 F11.21 in early remission.", "PHQ-9 = 6 (was 14 last visit).",
    "Poison Help line number given.", "Quitline 1-800-QUIT-NOW offered.", "Advised NHS 111 out of hours.", "Veterans Crisis Line: 988, press 1.",
    "Reviewed with the oncology nurse navigator.", "The MDS coordinator completed sections A and Z.", "Peer recovery specialist to call weekly.",
    "The athletic trainer was present.", "Front-desk supervisor notified.", "Whole Health coach referral placed.", "Admitted to PICU for observation.",
    # languages and peoples as notes write them: not PATIENT or COUNTRY
    "Interpreter: Hmong, in person.", "Language: Tagalog (caller English).", "Punjabi used, son interpreting.", "Somali staff interpreter present.",
    "Armenian (Western) interpreter by video.", "Race/Sex: Malay / M.", "Preferred language: Amharic.", "Dari interpreter requested for next visit.",
    "Speaks Yoruba and English.", "Haitian Creole interpreter via phone.", "Navajo-speaking grandmother present.", "Karen and Burmese spoken at home.",
    # credentials, time zones and eponymous tests with hyphens: not DOCTOR, USERNAME or ORGANIZATION
    "Signed 15:27 ET.", "Results released 09:02 PT.", "Reviewed by the laboratory director (PhD, FACMG, DABMGG).", "Credentials: MS, CCC-SLP.",
    "Semmes-Weinstein 4.31 at the ulnar digits.", "Schmitt-Thompson protocol, after-hours version.", "Kellgren-Lawrence grade 2.",
    "Cockcroft-Gault CrCl 38 mL/min.", "Mini-Cog 3/5.", "Berg 41/56, TUG 18 s.", "Katz ADL 5/6.", "Apfel score 3 -> dexamethasone + ondansetron.",
    # blood bank and genomics vocabulary: not names or IDs
    "Antibody screen positive, anti-Jk(a) (Kidd) identified.", "ABO/Rh O pos, DAT negative.", "Phenotype Jk(a-b+), Fy(a+b-).",
    "Variant c.1504C>T (p.Arg502Trp) in MYBPC3, GRCh38.", "ClinVar and gnomAD reviewed; ACMG criteria PS4, PM2.", "Panel of 121 genes, NGS + del/dup.",
    "ROM ext/flex: MCP 45/80, PIP 30/85, DIP 5/45.", "Sacubitril/valsartan 24/26 mg BID.", "Nurse line open 24/7.",
)

#: terse nursing / triage shorthand, all lower case, no PHI
TERSE_FINDINGS: Tuple[str, ...] = (
    "a&ox3", "a&ox4", "a&o x2, pleasantly confused", "resting in bed, no distress", "vss", "vss, afebrile", "afebrile, vss",
    "denies cp/sob", "denies n/v", "c/o mild nausea, zofran 4 mg iv given w/ relief", "pain 4/10, tylenol 650 mg po given",
    "pain 8/10 abd, md aware", "ambulating in hall w/ steady gait", "ambulates w/ walker + 1 assist", "bed alarm on, call light w/in reach",
    "skin intact", "skin w/d/i", "sacral wound dsg c/d/i", "foley to gravity, clear yellow urine", "voiding qs", "ivf @ 75 ml/hr",
    "piv l ac 20g, flushes well", "tele: nsr 70s", "tele: afib 90-110s", "o2 2l nc, sats 95%", "ra, sats 97%", "lungs diminished bases",
    "tolerating diet", "npo for procedure", "bm x1", "no bm x3 days, senna given", "fs 212, 4 units lispro given", "fs 98",
    "i/o: 1200/950", "up to chair for meals", "turned q2h", "fall precautions in place", "safety maintained", "will cont to monitor",
    "no acute events overnight", "slept well", "poor sleep, melatonin given", "family at bedside", "updated on poc", "md notified",
    "new orders rec'd", "report given", "agitated overnight, redirected", "restless, sitter at bedside", "wound vac intact, no leak",
    "cbg checked ac/hs", "trop x2 neg", "k 3.2, repleted", "ekg done", "blood cx x2 sent", "ua/ucx sent", "ct head neg per md",
)
TERSE_COMPLAINTS: Tuple[str, ...] = (
    "cp", "sob", "abd pain", "n/v/d", "fever", "fall", "syncope", "ha", "dizziness", "back pain", "weakness", "cough",
    "lle swelling", "etoh intox", "si", "laceration to l hand", "dysuria", "rash", "palpitations", "mvc", "ams",
    "epistaxis", "flank pain", "sore throat", "hyperglycemia", "vaginal bleeding",
)
TERSE_DURATIONS: Tuple[str, ...] = ("x2d", "x 3 days", "since this am", "x1 wk", "since last night", "x 2hrs", "today", "on and off x months", "x30 min")
TRIAGE_EXTRAS: Tuple[str, ...] = (
    "esi 3", "esi 2", "esi 4", "gcs 15", "pain 7/10", "pain 10/10", "fs 312", "ekg in triage, nsr", "pt ambulatory to triage",
    "bib ems", "walk-in", "to waiting room", "placed in fast track", "to resus", "sepsis screen neg", "fall risk", "isolation: none",
    "covid swab sent", "nkda", "allergies: pcn", "meds: see list", "pmh: htn, dm", "pmh: copd, chf", "no blood thinners", "on eliquis",
    "lmp 2 wks ago", "tetanus utd", "hr 112, bp 158/94, rr 20, t 100.9, spo2 95% ra", "bp 132/78 hr 88 rr 16 t 98.2 97%",
)
TYPO_WORDS = {
    "a lot": "alot", "definitely": "definately", "dizziness": "dizzyness", "medicine": "medicen", "appointment": "appointmnet",
    "because": "becuase", "really": "realy", "pharmacy": "pharmcy", "prescription": "perscription", "tomorrow": "tommorow",
    "I'm": "im", "don't": "dont", "can't": "cant", "it's": "its", "I've": "ive", "doesn't": "doesnt", "you": "u", "please": "pls",
    "thanks": "thx", "stomach": "stomache", "swollen": "swolen", "until": "untill", "recommend": "reccomend", "received": "recieved",
    "Thank you": "Thank u", "would": "woud", "feeling": "feelin",
}

PORTAL_OPENERS: Tuple[str, ...] = (
    "Hi Dr. {d},", "hi dr {d}", "Hello,", "Good morning,", "Dear Dr. {d},", "Hi there,", "Hi {d},", "Dr {d} -", "Hey,", "To the nurse,",
)
PORTAL_BODIES: Tuple[str, ...] = (
    "I'm writing because I have been having a lot of dizziness since starting the new blood pressure medicine.",
    "My legs are really swollen again and I gained 4 pounds since Monday, should I take an extra water pill?",
    "I need a refill on my metformin, the pharmacy said they sent a request but nobody called me back.",
    "I got my lab results in the app but I don't understand what the high potassium means. Is it bad?",
    "Can I get a note for work? I was out sick Tuesday through Thursday.",
    "The cough is not getting better and now I have a fever of 101 at night.",
    "I think the new pills are upsetting my stomach, I threw up twice this morning.",
    "Can you please send the referral to the new cardiologist? They need it before the appointment.",
    "I can't make my appointment tomorrow, my ride fell through. Can we do a video visit instead?",
    "My sugars have been in the 300s all week even though I'm taking the insulin like you said.",
    "I fell in the bathroom last night, I'm ok but my hip hurts when I walk.",
    "Just wanted to let you know the rash is much better with the cream. Thank you!",
    "My mom is more confused than usual and isn't eating much. What should we do?",
    "Is it ok to take ibuprofen with the blood thinner? My back has been killing me.",
    "The insurance denied the inhaler, is there a cheaper one I can use?",
)
PORTAL_CLOSERS: Tuple[str, ...] = (
    "Thanks,", "thanks", "Thank you so much", "Thx", "Sincerely,", "Best,", "-", "thank you!!", "Appreciate it,",
)

PSYCH_MSE: Tuple[str, ...] = (
    "Appearance: casually dressed, fair hygiene.", "Behavior: cooperative, good eye contact.", "Speech: normal rate and volume.",
    "Speech: pressured, difficult to interrupt.", "Mood: \"depressed\"", "Mood: \"not great\"", "Affect: constricted, tearful at times.",
    "Affect: euthymic, full range.", "Thought process: linear and goal directed.", "Thought process: tangential.",
    "Thought content: denies SI/HI, no AH/VH.", "Thought content: passive SI without plan or intent, no HI.",
    "Perception: no evidence of response to internal stimuli.", "Cognition: alert, oriented x3.", "Insight: fair. Judgment: fair.",
    "Insight: limited. Judgment: impaired.",
)
PSYCH_PLANS: Tuple[str, ...] = (
    "Increase sertraline to 100 mg daily.", "Continue bupropion XL 300 mg.", "Start mirtazapine 7.5 mg qhs for sleep and appetite.",
    "Safety plan reviewed; crisis line number provided.", "Refer to CBT.", "Labs: lithium level, TSH, BMP in 1 week.",
    "PHQ-9 today 14, GAD-7 11.", "C-SSRS screen negative.", "Continue weekly therapy.", "AUDIT-C 6; discussed cutting down.",
)
SW_ITEMS: Tuple[str, ...] = (
    "Assessed psychosocial needs and discharge barriers.", "Pt has Medicaid; transportation benefit explained.",
    "Provided resources for food pantry and fuel assistance.", "Discussed advance directives; pt wishes to complete a HCP form.",
    "Pt is independent with ADLs at baseline.", "Concern for caregiver burnout.", "Home safety evaluation requested.",
    "Pt declined referral to substance use services at this time.", "Screened for IPV, negative.", "Will follow while inpatient.",
)
PHARM_ITEMS: Tuple[str, ...] = (
    "Vancomycin trough 14.2 mcg/mL (goal 15-20); increase to 1,250 mg IV q12h.", "CrCl ~54 mL/min (Cockcroft-Gault, wt 82 kg).",
    "INR 2.3 today, continue warfarin 5 mg daily, recheck in 1 week.", "Recommend renal dose adjustment of cefepime to 1 g q12h.",
    "No significant drug-drug interactions identified.", "Interaction: clarithromycin + simvastatin, recommend holding statin.",
    "Med rec completed with pt and outpatient pharmacy fill history.", "Counseled on inhaler technique with teach-back.",
    "Enoxaparin 1 mg/kg SC q12h; anti-Xa level after the 4th dose.", "Potassium 5.6, recommend holding spironolactone.",
    "Switch IV pantoprazole 40 mg to PO.", "Heparin gtt per nomogram, aPTT goal 60-85 sec.",
)
OB_ITEMS: Tuple[str, ...] = (
    "G2P1001 at 38w2d", "G1P0 at 39w5d", "G3P2002 at 36w6d", "G4P1213 at 40w1d", "FHT 140s, moderate variability, + accels, no decels",
    "Cat I tracing", "ctx q3-4 min", "SVE 4/80/-1", "SVE 8/100/0", "GBS negative", "GBS positive, PCN started", "Rh positive, rubella immune",
    "EFW 3400 g", "vertex by Leopolds", "AROM clear fluid", "epidural in place, comfortable", "EBL 350 mL", "2nd degree laceration repaired",
    "fundus firm at U-1", "lochia moderate", "breastfeeding well", "Apgars 8/9", "Bishop score 8", "Pitocin augmentation started",
)
PEDS_INFANT: Tuple[str, ...] = (
    "Immunizations up to date per state registry.", "Growth: weight 8.2 kg (45th %ile), length 70 cm (50th %ile), HC 44 cm (60th %ile).",
    "Feeding: breastfed on demand plus 4 oz formula at night.", "Development: sits without support, babbles, pincer grasp emerging.",
    "Voiding 6-8 wet diapers/day, stools soft.", "Sleeps in crib on back.", "Temp max 102.4 at home, tylenol given 4 h ago.",
    "TMs: R bulging and erythematous, L clear.", "Amoxicillin 90 mg/kg/day divided BID x 10 days.", "No sick contacts at home.",
    "Passed hearing screen at birth.", "Anticipatory guidance: car seat, safe sleep, poison control.", "Vitamin D 400 IU daily.",
)
PEDS_CHILD: Tuple[str, ...] = (
    "Immunizations up to date per state registry.", "Growth: weight 32 kg (60th %ile), height 138 cm (55th %ile).",
    "Temp max 102.4 at home, ibuprofen given 4 h ago.", "TMs: R bulging and erythematous, L clear.", "Fluoride varnish applied.",
    "Amoxicillin 90 mg/kg/day divided BID x 10 days.", "No sick contacts at home.", "Vision screen passed.", "Hearing screen passed.",
    "BMI 85th %ile; discussed sugary drinks.", "ADHD: on methylphenidate ER 18 mg, grades improved.", "Plays soccer; sports form completed.",
    "Anticipatory guidance: helmet, screen time, seat belt.", "Asthma: uses albuterol 2 puffs before gym, no night symptoms.",
)
PATH_SPECIMENS: Tuple[Tuple[str, str, str], ...] = (
    ("Colon, sigmoid, polypectomy", "Received in formalin is a 0.6 x 0.5 x 0.3 cm tan polypoid fragment, entirely submitted in A1.",
     "Tubular adenoma. Negative for high-grade dysplasia."),
    ("Prostate, needle core biopsies (12 cores)", "Received are twelve tan-pink cores ranging from 0.8 to 1.6 cm, submitted in blocks A1-L1.",
     "Prostatic adenocarcinoma, Gleason score 3+4=7 (Grade Group 2), involving 3 of 12 cores, 20% of tissue."),
    ("Breast, left, core biopsy at 2 o'clock", "Received are three cores of fibrofatty tissue, 1.2 cm in aggregate.",
     "Invasive ductal carcinoma, Nottingham grade 2. ER positive (95%), PR positive (40%), HER2 1+ (negative)."),
    ("Skin, right forearm, shave biopsy", "Received is a 0.7 x 0.6 x 0.1 cm tan-white shave of skin, bisected and submitted in A1.",
     "Basal cell carcinoma, nodular type, extending to the peripheral margin."),
    ("Gallbladder, cholecystectomy", "Received is a 7.5 x 3.0 cm gallbladder with a smooth serosa containing multiple yellow stones.",
     "Chronic cholecystitis with cholelithiasis."),
    ("Lymph node, right cervical, excisional biopsy", "Received is a 2.1 x 1.5 x 1.0 cm rubbery tan node, serially sectioned.",
     "Classic Hodgkin lymphoma, nodular sclerosis type. CD30 and CD15 positive."),
    ("Appendix, appendectomy", "Received is a 6.2 cm appendix with a fibrinopurulent serosa.", "Acute suppurative appendicitis with periappendicitis."),
    ("Endometrium, biopsy", "Received is 1.0 cc of tan-red mucoid tissue fragments, entirely submitted.", "Proliferative endometrium. No hyperplasia or malignancy."),
)
OPERATIONS: Tuple[Tuple[str, str, str], ...] = (
    ("Laparoscopic cholecystectomy", "Symptomatic cholelithiasis", "The critical view of safety was obtained; the cystic duct and artery were clipped and divided."),
    ("Right total knee arthroplasty", "Right knee osteoarthritis", "A medial parapatellar arthrotomy was made; cuts were made with standard jigs and the components cemented."),
    ("Open reduction internal fixation, left distal radius", "Left distal radius fracture", "A volar approach was used; the fracture was reduced and fixed with a volar locking plate."),
    ("Coronary artery bypass grafting x3 (LIMA-LAD, SVG-OM, SVG-PDA)", "Three-vessel coronary artery disease", "Cardiopulmonary bypass was instituted; cross-clamp time 68 min, bypass time 92 min."),
    ("Laparoscopic appendectomy", "Acute appendicitis", "The appendix was inflamed but not perforated; the base was divided with a stapler."),
    ("Right inguinal hernia repair with mesh", "Right inguinal hernia", "An indirect sac was dissected and reduced; a polypropylene mesh was secured (Lichtenstein)."),
    ("Pancreaticoduodenectomy (Whipple procedure)", "Pancreatic head mass", "The pancreatic neck was divided; pancreaticojejunostomy and hepaticojejunostomy were performed."),
    ("Dual-chamber pacemaker implantation", "Symptomatic complete heart block", "Leads were placed in the RA appendage and RV apex with good thresholds."),
    ("Primary low transverse cesarean section", "Arrest of dilation", "A Pfannenstiel incision was made; a viable infant was delivered from vertex position."),
    ("Cystoscopy, left ureteroscopy with laser lithotripsy and stent", "Left ureteral stone", "A 6 mm stone was fragmented with the holmium laser; a 6 x 26 stent was left."),
)
IT_EVENTS: Tuple[str, ...] = (
    "Audio only for the first 5 minutes, then video connected.", "Patient used a tablet; camera angle adjusted for the skin exam.",
    "Connection dropped once and was re-established.", "Interpreter joined by 3-way call.", "Visit completed by video without technical issues.",
    "Patient could not download the app; visit converted to telephone.", "Bandwidth poor, video frozen intermittently.",
)


def typos(rng: random.Random, text: str, rate: float) -> str:
    """Misspell PHI-free ``text`` (swaps, drops, doubled letters, lower-cased ``I``, common misspellings)."""
    if rate <= 0 or not text:
        return text
    for right, wrong in TYPO_WORDS.items():
        if right in text and rng.random() < rate * 4:
            text = text.replace(right, wrong, 1)
    chars = list(text)
    out = []
    i = 0
    while i < len(chars):
        ch = chars[i]
        r = rng.random()
        if ch in string.ascii_letters and r < rate:
            kind = rng.randint(0, 3)
            if kind == 0 and i + 1 < len(chars) and chars[i + 1] in string.ascii_letters:
                out += [chars[i + 1], ch]
                i += 2
                continue
            if kind == 1:
                i += 1
                continue
            if kind == 2:
                out += [ch, ch]
                i += 1
                continue
            out.append(ch.lower())
            i += 1
            continue
        if ch in ".," and r < rate:
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)

#: terse head-to-toe nursing assessment lines, by system
SYSTEMS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("neuro", ("a&ox3, mae x4", "a&ox2, forgetful, reorients easily", "perrla, speech clear", "lethargic but arousable to voice", "no focal deficits")),
    ("cv", ("nsr 70s on tele, +pp x4", "afib 90s, bp 110s/60s", "s1s2, no edema", "1+ pedal edema b/l", "cap refill <3 sec")),
    ("resp", ("ls clear b/l, ra", "diminished bases, 2l nc", "coarse crackles rll, ncp given", "non-labored, sats 96%", "is x10 q1h encouraged")),
    ("gi", ("abd soft, nt, +bs x4", "tolerating cardiac diet", "npo, ngt to lcws", "last bm today", "nausea resolved w/ zofran")),
    ("gu", ("voiding w/o difficulty", "foley draining amber urine", "uop 40 ml/hr", "bladder scan 420 ml, straight cath'd", "incontinent x1")),
    ("skin", ("intact", "stage 2 sacrum, mepilex applied", "bruising b/l forearms", "surgical site c/d/i", "pressure injury risk, braden 14")),
    ("pain", ("0/10", "4/10 incisional, oxy 5 mg po given", "denies", "6/10 back, heat pack applied", "pain controlled w/ pca")),
    ("psychosocial", ("calm, cooperative", "anxious re: dc, support given", "tearful, chaplain offered", "family supportive", "flat affect")),
)
