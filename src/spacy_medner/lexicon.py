"""Words shared by the synthetic-note generator and the de-identifier's surrogates.

Plain occupation and hospital-department names (no PHI): ``synth/`` draws them into
notes, ``deid/`` draws replacements from them, and neither imports the other.
"""
from typing import Tuple

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
    "schoolteacher", "postman", "barista", "coal miner", "sheep farmer", "dairy farmer", "nanny", "dockworker",
    "payroll clerk", "forklift operator", "delivery driver", "line cook", "receptionist", "seamstress", "butcher",
    "lorry driver", "bus conductor", "shop assistant", "fitter", "joiner", "roofer", "logger", "rancher",
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
    "Structural Heart Program", "Bariatric Surgery Program", "Memory Disorders Clinic", "Transplant Center", "Comprehensive Stroke Center",
    "Cancer Center", "Breast Health Center", "Spine Center", "Sports Medicine", "Travel Medicine", "Tropical Medicine", "Adolescent Medicine",
    "Palliative Care Service", "Hospice and Palliative Medicine", "Acute Care Surgery", "Trauma Surgery", "Hospital Medicine", "Inpatient Medicine",
    "Labor and Delivery", "Maternal-Fetal Medicine", "Neonatal Intensive Care Unit", "NICU", "Pediatric Intensive Care Unit", "PICU",
    "Surgical Intensive Care Unit", "SICU", "Cardiac Care Unit", "CCU", "Step-Down Unit", "Behavioral Health", "Addiction Medicine",
    "Bridge Clinic", "Opioid Treatment Program", "Social Work", "Case Management", "Nutrition Services", "Speech Pathology",
    "Occupational Therapy", "Audiology", "Otolaryngology", "ENT", "Plastic Surgery", "Hand Surgery", "Colorectal Surgery",
    "Interventional Radiology", "Nuclear Medicine", "Electrophysiology", "Device Clinic", "Heart Rhythm Service", "Lipid Clinic",
    "Department of Pathology and Laboratory Medicine", "Department of Surgery", "Department of Medicine", "Division of Cardiology",
    "Division of General Internal Medicine", "Section of Infectious Diseases", "Genetics", "Medical Genetics", "Allergy and Immunology",
)
