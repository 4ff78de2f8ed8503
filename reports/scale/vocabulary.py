"""What generated scale data is made of: weights, names and sentences.

Weights follow the product's domain notes and USERS.md where they say something:
apparel sourcing countries (the law library's eleven plus a few outside it), about ten
non-compliances per audit with overtime and health and safety the most common, the
platform's severity ladder. The sentences are plausible auditor and supplier prose,
clearly invented; nothing here describes a real facility or person.
"""

from __future__ import annotations

from laws.taxonomy import FindingCategory, Severity

C = FindingCategory

# Share of facilities per country: China, Bangladesh and Vietnam lead apparel
# sourcing; India, Cambodia, Türkiye, Pakistan, Indonesia follow; a long tail after.
COUNTRY_WEIGHTS: dict[str, float] = {
    "CN": 22,
    "BD": 18,
    "VN": 13,
    "IN": 10,
    "KH": 6,
    "TR": 6,
    "PK": 5,
    "ID": 5,
    "LK": 3,
    "MX": 3,
    "MM": 2,
    "ET": 1.5,
    "EG": 1.2,
    "MA": 1.2,
    "PT": 1.2,
    "IT": 0.8,
    "GT": 0.6,
    "HN": 0.5,
}

PLACES: dict[str, tuple[str, ...]] = {
    "CN": ("Dongguan", "Ningbo", "Shaoxing", "Guangzhou", "Suzhou", "Qingdao", "Xiamen"),
    "BD": ("Gazipur", "Ashulia", "Narayanganj", "Chattogram", "Savar", "Tongi"),
    "VN": ("Binh Duong", "Dong Nai", "Long An", "Hai Phong", "Nam Dinh", "Thu Duc"),
    "IN": ("Tiruppur", "Bengaluru", "Noida", "Ludhiana", "Gurugram", "Chennai"),
    "KH": ("Phnom Penh", "Kandal", "Kampong Speu", "Svay Rieng"),
    "TR": ("Bursa", "Denizli", "Istanbul", "Izmir", "Gaziantep"),
    "PK": ("Lahore", "Faisalabad", "Karachi", "Sialkot"),
    "ID": ("Bandung", "Semarang", "Tangerang", "Bekasi", "Sukabumi"),
    "LK": ("Katunayake", "Biyagama", "Koggala", "Kurunegala"),
    "MX": ("Puebla", "Tehuacán", "Aguascalientes", "Torreón"),
    "MM": ("Yangon", "Hlaing Tharyar", "Bago"),
    "ET": ("Hawassa", "Addis Ababa", "Mekelle"),
    "EG": ("Mahalla", "10th of Ramadan City", "Alexandria"),
    "MA": ("Tangier", "Casablanca", "Fès"),
    "PT": ("Guimarães", "Barcelos", "Porto"),
    "IT": ("Prato", "Carpi", "Biella"),
    "GT": ("Villa Nueva", "Chimaltenango"),
    "HN": ("San Pedro Sula", "Choloma"),
}

COMPANY_FORMS: dict[str, str] = {
    "CN": "{} Co., Ltd",
    "BD": "{} Ltd",
    "VN": "{} Co., Ltd",
    "IN": "{} Pvt Ltd",
    "KH": "{} Co., Ltd",
    "TR": "{} A.Ş.",
    "PK": "{} (Pvt) Ltd",
    "ID": "PT {}",
    "LK": "{} (Pvt) Ltd",
    "MX": "{} S.A. de C.V.",
    "MM": "{} Co., Ltd",
    "ET": "{} PLC",
    "EG": "{} S.A.E.",
    "MA": "{} SARL",
    "PT": "{} Lda",
    "IT": "{} S.r.l.",
    "GT": "{} S.A.",
    "HN": "{} S.A.",
}

TIME_ZONES: dict[str, str] = {
    "CN": "Asia/Shanghai",
    "BD": "Asia/Dhaka",
    "VN": "Asia/Ho_Chi_Minh",
    "IN": "Asia/Kolkata",
    "KH": "Asia/Phnom_Penh",
    "TR": "Europe/Istanbul",
    "PK": "Asia/Karachi",
    "ID": "Asia/Jakarta",
    "LK": "Asia/Colombo",
    "MX": "America/Mexico_City",
    "MM": "Asia/Yangon",
    "ET": "Africa/Addis_Ababa",
    "EG": "Africa/Cairo",
    "MA": "Africa/Casablanca",
    "PT": "Europe/Lisbon",
    "IT": "Europe/Rome",
    "GT": "America/Guatemala",
    "HN": "America/Tegucigalpa",
}
BRAND_TIME_ZONES = ("Europe/Amsterdam", "Europe/London", "Europe/Berlin", "America/New_York")

NAME_WORDS = (
    "Golden",
    "Silver",
    "Evergreen",
    "Lotus",
    "Harbour",
    "Crescent",
    "Summit",
    "Riverside",
    "Pioneer",
    "Unity",
    "Sunrise",
    "Orchid",
    "Delta",
    "Pacific",
    "Meridian",
    "Jade",
    "Falcon",
    "Bright",
    "Cedar",
    "Monsoon",
    "Coral",
    "Northstar",
    "Heritage",
    "Liberty",
)
TRADE_WORDS = ("Garments", "Apparel", "Textiles", "Knitwear", "Fashions", "Denim", "Sportswear")
SITE_WORDS = (
    "Knit Composite",
    "Garment Factory",
    "Sewing Plant",
    "Denim Mill",
    "Outerwear Plant",
    "Knitting Mill",
    "Dyeing and Finishing",
    "Apparel Works",
)
PROCESSES = (
    "cutting",
    "sewing",
    "knitting",
    "dyeing",
    "washing",
    "printing",
    "embroidery",
    "finishing",
    "packing",
)
PRODUCT_TYPES = (
    "t-shirts",
    "jeans",
    "jackets",
    "sweaters",
    "dresses",
    "shirts",
    "trousers",
    "sportswear",
    "underwear",
    "outdoor jackets",
)
CERTIFICATES = ("SA8000", "WRAP", "ISO 14001", "OEKO-TEX STeP", "GOTS", "ISO 45001")

FIRST_NAMES = (
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Farah",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Karin",
    "Leo",
    "Maya",
    "Nils",
    "Olivia",
    "Pedro",
    "Rashida",
    "Sofia",
    "Tomas",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zara",
)
LAST_NAMES = (
    "Andersen",
    "Bakker",
    "Chowdhury",
    "Dubois",
    "Evans",
    "Fischer",
    "García",
    "Hossain",
    "Ito",
    "Jensen",
    "Khan",
    "Larsen",
    "Martín",
    "Nguyen",
    "Okafor",
    "Patel",
    "Rahman",
    "Silva",
    "Tran",
    "Yılmaz",
)

AUDIT_FIRMS = (
    "Bureau Veritas",
    "SGS",
    "Intertek",
    "ELEVATE",
    "UL Solutions",
    "TÜV Rheinland",
    "QIMA",
    "LRQA",
)
SCHEME_MIXES: tuple[dict[str, float], ...] = (
    {"amfori_bsci": 55, "smeta": 25, "slcp": 10, "internal": 8, "other": 2},
    {"smeta": 60, "slcp": 20, "wrap": 10, "internal": 10},
    {"slcp": 40, "amfori_bsci": 30, "sa8000": 10, "internal": 20},
    {"rba": 50, "smeta": 30, "internal": 20},
)

# How often each category is found. Overtime and health and safety lead (USERS.md:
# overtime is the most common non-compliance; Better Factories Cambodia found 94 % of
# factories non-compliant on it).
CATEGORY_WEIGHTS: dict[str, float] = {
    C.OSH: 22,
    C.HOURS: 20,
    C.WAGE: 14,
    C.MGMT: 10,
    C.FACIL: 7,
    C.EMPLOY: 6,
    C.VOICE: 4,
    C.ENV: 4,
    C.DISC: 3,
    C.FOA: 2.5,
    C.TREAT: 2,
    C.SUBCON: 2,
    C.FORCED: 1.5,
    C.CHILD: 1,
    C.ETHICS: 1,
}
# About 5 % zero tolerance or critical, 35 % major, 55 % minor, a few observations.
SEVERITY_WEIGHTS: dict[str, float] = {
    Severity.ZERO_TOLERANCE: 1.5,
    Severity.CRITICAL: 3.5,
    Severity.MAJOR: 35,
    Severity.MINOR: 55,
    Severity.OBSERVATION: 5,
}
# amfori's zero-tolerance protocol: child and forced labour, inhuman treatment, OSH
# with an imminent threat, unethical behaviour. Elsewhere the top of the ladder is
# critical.
ZERO_TOLERANCE_CATEGORIES = frozenset({C.CHILD, C.FORCED, C.TREAT, C.OSH, C.ETHICS})

# The law topics a finding of each category cites (the law check's rules pair the
# same topics with the same categories), with how often.
CATEGORY_TOPICS: dict[str, dict[str, float]] = {
    C.HOURS: {"overtime": 55, "weekly_rest": 20, "working_hours": 15, "annual_leave": 10},
    C.WAGE: {"minimum_wage": 50, "overtime_premium": 50},
    C.CHILD: {"minimum_age": 1},
}

SECTIONS = ("sewing", "cutting", "finishing", "packing", "washing", "knitting", "warehouse")

FINDING_TEXTS: dict[str, tuple[str, ...]] = {
    C.HOURS: (
        "Workers in the {section} section worked up to {hours} hours a week in peak "
        "season; time records show {days} consecutive days without a rest day.",
        "Overtime exceeded the legal limit for {pct} % of sampled workers over the last "
        "three months.",
        "Two sets of time records were found; the second shows {hours}-hour weeks.",
        "Annual leave was not granted in full to {pct} % of sampled workers.",
    ),
    C.WAGE: (
        "Overtime in the {section} section was paid at the ordinary rate, not the legal premium.",
        "{pct} % of sampled workers were paid below the legal minimum wage in {month}.",
        "Social insurance contributions were not paid for probationary workers.",
        "Wages for {month} were paid {days} days late.",
    ),
    C.OSH: (
        "A fire exit in the {section} section was blocked by stacked cartons.",
        "Needle guards were missing on {count} sewing machines.",
        "Chemicals in the {section} store were kept without safety data sheets.",
        "The last fire evacuation drill was more than a year ago.",
        "Workers handling solvents had no gloves or respirators.",
    ),
    C.MGMT: (
        "There is no written procedure for handling grievances or corrective actions.",
        "Personnel files were incomplete for {pct} % of sampled workers.",
        "The social compliance policy was not communicated to workers.",
    ),
    C.FACIL: (
        "Drinking water was not tested in the last twelve months.",
        "The dormitory housed {count} workers per room, more than the code allows.",
        "There were too few toilets for the number of women workers.",
    ),
    C.EMPLOY: (
        "{count} workers had no written employment contract.",
        "Workers were kept on rolling short-term contracts for core production work.",
        "Final settlements were not paid to workers who resigned in {month}.",
    ),
    C.VOICE: (
        "The suggestion box is placed in view of the supervisors' office.",
        "Workers interviewed did not know how to raise a grievance.",
    ),
    C.ENV: (
        "Wastewater discharge permit expired in {month}.",
        "Hazardous waste was stored without secondary containment.",
    ),
    C.DISC: (
        "Job advertisements asked for women under 25.",
        "Pregnant workers were dismissed during probation.",
    ),
    C.FOA: (
        "Worker representatives were appointed by management, not elected.",
        "Workers reported being warned against joining the union.",
    ),
    C.TREAT: (
        "Supervisors in the {section} section shouted at and insulted workers.",
        "Workers were fined for talking during working hours.",
    ),
    C.SUBCON: (
        "Embroidery was subcontracted to an undeclared workshop.",
        "Home workers were used for hand finishing without records.",
    ),
    C.FORCED: (
        "Migrant workers paid recruitment fees of about {count}0 USD to agents.",
        "Workers' identity documents were kept by the personnel office.",
    ),
    C.CHILD: (
        "A worker aged {age} was found in the {section} section.",
        "Age documents were missing for {count} workers who appear younger than 18.",
    ),
    C.ETHICS: (
        "Management presented falsified time records to the auditor.",
        "The auditor was offered a gift at the closing meeting.",
    ),
}

# Root-cause categories most often behind each finding category.
CAUSE_WEIGHTS: dict[str, dict[str, float]] = {
    C.HOURS: {"capacity": 35, "purchasing_practice": 20, "policy": 15, "records": 10, "pay": 10},
    C.WAGE: {"pay": 35, "records": 25, "policy": 20, "purchasing_practice": 10},
    C.OSH: {"equipment": 35, "people": 30, "process": 25, "policy": 10},
    C.FORCED: {"recruitment": 60, "policy": 30, "external": 10},
    C.CHILD: {"recruitment": 60, "records": 30, "policy": 10},
    C.SUBCON: {"subcontracting": 50, "purchasing_practice": 30, "capacity": 20},
}
DEFAULT_CAUSE_WEIGHTS: dict[str, float] = {
    "policy": 30,
    "people": 25,
    "process": 20,
    "records": 15,
    "equipment": 5,
    "external": 5,
}
PURCHASING_CODES = (
    "BP_LATE_CHANGE",
    "BP_LEADTIME",
    "BP_FORECAST",
    "BP_PRICE",
    "BP_PAYMENT",
    "BP_VOLATILITY",
)
CAUSE_TEXTS: dict[str, str] = {
    "capacity": "Orders were accepted beyond the line capacity without a production plan.",
    "purchasing_practice": "The buyer changed the order late and kept the ship date.",
    "policy": "There was no written procedure, so each supervisor did it differently.",
    "records": "Records were kept by hand and nobody checked them.",
    "pay": "The piece rate did not cover the legal minimum for slower workers.",
    "equipment": "Machines were bought without guards and nobody checked them.",
    "people": "Supervisors had never been trained on the requirement.",
    "process": "The daily check was not part of anyone's job description.",
    "recruitment": "Recruitment was left to agents without a contract or checks.",
    "subcontracting": "Peak orders were placed with workshops nobody had assessed.",
    "external": "A change in the local rules was not followed up.",
    "materials": "Materials arrived late, compressing the production time.",
}
WHYS: tuple[tuple[str, str], ...] = (
    ("Why did it happen?", "The daily check was skipped during the peak."),
    ("Why was the check skipped?", "The supervisor was covering two lines."),
    ("Why was one person covering two lines?", "Nobody planned for the peak."),
    ("Why was the peak not planned?", "Orders were confirmed late."),
)
CORRECTIVE_ACTIONS: dict[str, tuple[str, ...]] = {
    C.HOURS: ("Cap overtime at the legal limit from next week.", "Restore the weekly rest day."),
    C.WAGE: ("Pay the overtime premium owed for the last six months.", "Correct the payroll."),
    C.OSH: ("Clear every fire exit and mark the floor.", "Fit needle guards on every machine."),
    C.FORCED: ("Reimburse the recruitment fees paid.", "Return identity documents."),
    C.CHILD: ("Remove the young worker from work and enrol them in school, on full pay.",),
}
DEFAULT_CORRECTIVE = ("Fix the issue found and record it.", "Brief the supervisors concerned.")
PREVENTIVE_ACTIONS = (
    "Write the procedure, train the supervisors, and check monthly.",
    "Add the check to the internal audit every quarter.",
    "Agree production plans with buyers before confirming orders.",
    "Appoint a responsible manager and review the records weekly.",
)
ACTION_OWNERS = (
    "HR manager",
    "Compliance manager",
    "Production manager",
    "Factory manager",
    "Safety officer",
)
EVIDENCE_FILES: tuple[tuple[str, str], ...] = (
    ("training-attendance.pdf", "Training attendance sheet"),
    ("payroll-extract.pdf", "Payroll extract after the correction"),
    ("photo-fire-exit.pdf", "Photos of the cleared fire exit"),
    ("revised-procedure.pdf", "Revised procedure, signed"),
    ("time-records.csv", "Time records for the last two months"),
)
SUPPLIER_COMMENTS = (
    "We have started the training; records will follow next week.",
    "The new procedure is in draft. Could you review it before we roll it out?",
    "Payment of the arrears is scheduled with the next payroll.",
    "Photos of the corrected situation are attached.",
)
BRAND_COMMENTS = (
    "Thank you. Please also show the records for the second shift.",
    "Please add the preventive action for the peak season.",
    "We will check this at the follow-up audit.",
)
INTERNAL_COMMENTS = (
    "Third time we see this here; raise it with sourcing at the next review.",
    "Order volumes doubled last quarter; partly our planning.",
    "Consider a consultant for this one.",
)
RETURN_REASONS = (
    "The evidence covers one month only; send at least two months of records.",
    "The root cause stops at the symptom; ask why again.",
    "The preventive action has no owner.",
)
VERIFICATION_NOTES = (
    "Evidence reviewed; the fix is in place.",
    "Confirmed at the follow-up visit.",
    "Records for two months checked; compliant.",
)
CANCEL_REASONS = (
    "Duplicate of another finding of the same audit.",
    "The production line concerned was closed.",
    "No response from the supplier; superseded by the next audit's plan.",
)
EXTENSION_REASONS = (
    "The contractor for the fire doors cannot come before next month.",
    "Payroll changes need the board's approval at its next meeting.",
    "Peak season: the training is planned right after it.",
)
AUDIT_SUMMARIES = (
    "Announced audit; management cooperative; records mostly available.",
    "Systemic overtime in peak season; health and safety improving.",
    "Several repeat findings; management commitment to be confirmed.",
    "Good progress since the last audit; a few records gaps remain.",
)
RATIONALES = (
    "Screening answers meet our code; country risk mitigated by the last audit.",
    "Strategic capacity; conditions agreed with the owner.",
    "Long-standing partner with a good remediation record.",
)
CONDITIONS = (
    "Close the fire safety CAPs within 60 days and share monthly overtime data.",
    "Follow-up audit within six months.",
)
SUSPENSION_REASONS = (
    "Zero-tolerance finding under investigation.",
    "Repeated excessive overtime; orders paused until the CAPs are verified.",
)
CONSULTANTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Fair Hours Advisory", ("HOURS", "WAGE", "MGMT"), ("BD", "IN", "PK", "LK")),
    ("SafeFloor Consulting", ("OSH", "FACIL", "ENV"), ("BD", "KH", "VN", "MM")),
    ("Mekong Workplace Partners", ("HOURS", "OSH", "VOICE"), ("VN", "KH", "MM", "ID")),
    ("Anatolia Social Compliance", ("WAGE", "EMPLOY", "DISC"), ("TR", "EG", "MA")),
    ("Ethical Recruitment Group", ("FORCED", "CHILD", "EMPLOY"), ("CN", "ID", "VN", "IN")),
    ("Pearl River Remediation", ("OSH", "HOURS", "MGMT"), ("CN",)),
)
