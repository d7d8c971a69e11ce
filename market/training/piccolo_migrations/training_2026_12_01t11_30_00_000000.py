"""Seed the course catalogue (admin edits it on /admin/training): the Care Certificate's 16
standards as revised in March 2025 and the certificate as a whole, the Level 2 Adult Social
Care Certificate, mandatory and refresher courses with default validity, specialist
courses, and the Level 2 to 5 diplomas; each course linked to the skills that depend on it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Serial, Varchar
from piccolo.table import Table

ID = "2026-12-01T11:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Seed the training course catalogue"

STANDARDS = [
    "Understand your role",
    "Your personal development",
    "Duty of care",
    "Equality, diversity, inclusion and human rights",
    "Work in a person-centred way",
    "Communication",
    "Privacy and dignity",
    "Fluids and nutrition",
    "Awareness of mental health and dementia",
    "Safeguarding adults",
    "Safeguarding children",
    "Basic life support",
    "Health and safety",
    "Handling information",
    "Infection prevention and control",
    "Awareness of learning disability and autism",
]
SAFEGUARDING_STANDARDS = {10: "adults", 11: "children"}

# code, name, kind, validity months (None: does not expire), safeguarding, level, skills
COURSES = [
    ("care_certificate", "The Care Certificate (all 16 standards)", "care_certificate", None, "", None, []),
    (
        "level2_ascc",
        "Level 2 Adult Social Care Certificate",
        "qualification",
        None,
        "",
        2,
        [],
    ),
    ("moving_handling", "Moving and handling", "mandatory", 12, "", None, ["hoist", "personal_care"]),
    ("basic_life_support", "Basic life support", "mandatory", 12, "", None, []),
    ("first_aid", "First aid", "mandatory", 36, "", None, []),
    ("safeguarding_adults", "Safeguarding adults", "mandatory", 12, "adults", None, []),
    ("safeguarding_children", "Safeguarding children", "mandatory", 12, "children", None, ["children"]),
    (
        "infection_control",
        "Infection prevention and control",
        "mandatory",
        12,
        "",
        None,
        ["personal_care", "catheter_stoma"],
    ),
    ("medication", "Medication awareness", "mandatory", 12, "", None, ["medication"]),
    ("fire_safety", "Fire safety", "mandatory", 12, "", None, []),
    ("food_hygiene", "Food hygiene", "mandatory", 36, "", None, ["meal_preparation"]),
    ("mental_capacity", "Mental capacity", "mandatory", 36, "", None, []),
    ("health_safety", "Health and safety", "mandatory", 36, "", None, []),
    ("information_governance", "Information governance and data protection", "mandatory", 12, "", None, []),
    ("peg_feeding", "PEG feeding", "specialist", 12, "", None, ["peg_feeding"]),
    ("epilepsy", "Epilepsy and rescue medication", "specialist", 12, "", None, ["epilepsy"]),
    ("catheter_care", "Catheter care", "specialist", 24, "", None, ["catheter_stoma"]),
    ("dementia", "Dementia awareness", "specialist", 36, "", None, ["dementia"]),
    (
        "autism_ld_awareness",
        "Autism and learning disability awareness (Oliver McGowan)",
        "specialist",
        36,
        "",
        None,
        ["autism", "learning_disability"],
    ),
    ("diploma_l2", "Level 2 Diploma in Care", "qualification", None, "", 2, []),
    ("diploma_l3", "Level 3 Diploma in Adult Care", "qualification", None, "", 3, []),
    ("diploma_l4", "Level 4 Diploma in Adult Care", "qualification", None, "", 4, []),
    (
        "diploma_l5",
        "Level 5 Diploma in Leadership and Management for Adult Care",
        "qualification",
        None,
        "",
        5,
        [],
    ),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="training", description=DESCRIPTION)

    async def seed():
        class Course(Table, tablename="training_course"):
            id = Serial(primary_key=True)
            code = Varchar(length=48)
            name = Varchar(length=160)
            kind = Varchar(length=32)
            validity_months = Integer(null=True)
            default_validity_months = Integer(null=True)
            safeguarding = Varchar(length=16)
            qualification_level = Integer(null=True)
            position = Integer()

        class Skill(Table, tablename="register_skill"):
            id = Serial(primary_key=True)
            code = Varchar(length=48)

        class CourseSkill(Table, tablename="training_course_skill"):
            id = Serial(primary_key=True)
            course = Integer()
            skill = Integer()

        rows = [
            Course(
                code=f"cc_standard_{n:02d}",
                name=f"Care Certificate standard {n}: {name}",
                kind="care_certificate_standard",
                validity_months=None,
                default_validity_months=None,
                safeguarding=SAFEGUARDING_STANDARDS.get(n, ""),
                qualification_level=None,
                position=n,
            )
            for n, name in enumerate(STANDARDS, start=1)
        ]
        for position, (code, name, kind, months, safeguarding, level, _) in enumerate(COURSES, start=100):
            rows.append(
                Course(
                    code=code,
                    name=name,
                    kind=kind,
                    validity_months=months,
                    default_validity_months=months,
                    safeguarding=safeguarding,
                    qualification_level=level,
                    position=position,
                )
            )
        await Course.insert(*rows)
        courses = {r["code"]: r["id"] for r in await Course.select(Course.id, Course.code)}
        skills = {r["code"]: r["id"] for r in await Skill.select(Skill.id, Skill.code)}
        links = [
            CourseSkill(course=courses[code], skill=skills[skill])
            for code, *_, needed in COURSES
            for skill in needed
            if skill in skills
        ]
        if links:
            await CourseSkill.insert(*links)

    manager.add_raw(seed)
    return manager
