"""How a search result card and a public profile word a PA's skills and pay, and show what
they wrote: template filters (``skill_text``, ``skills_text``, ``hourly_pay``, ``paragraphs``) rather than
jinja macros, since a results page says a skill about 140 times and a macro call costs
several times a filter call."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from market.register.schemas import SkillOut


def skill_text(skill: SkillOut) -> str:
    """A skill as "Personal care (3 years)"; the name alone when no years are given."""
    if not skill.years:
        return skill.name
    return f"{skill.name} ({skill.years} year{'' if skill.years == 1 else 's'})"


def skills_text(skills: list[SkillOut]) -> str:
    """A card's skills on one line, "Personal care (3 years), Cooking"; "No skills given"
    (one filter for the line: jinja's map and join cost more than the wording)."""
    return ", ".join(skill_text(skill) for skill in skills) if skills else "No skills given"


def skills_markup(skills: list[SkillOut]) -> str:
    """``skills_text``, escaped: each skill's words are made once for each name and years
    (a results page says about 140 of them, most of them said before)."""
    return (
        ", ".join(_skill_markup(skill.name, skill.years) for skill in skills) if skills else "No skills given"
    )


@lru_cache(maxsize=4096)
def _skill_markup(name: str, years: int) -> str:
    return str(escape(skill_text(SkillOut(code="", name=name, years=years))))


def hourly_pay(pence: int | None) -> str:
    """A minimum rate as "From £11.75 an hour", or "Not given"."""
    return "Not given" if pence is None else f"From £{pence / 100:.2f} an hour"


def paragraphs(text: str) -> Markup:
    """A PA's own words as GOV.UK paragraphs: a blank line starts a paragraph, a line break
    is kept; "Not given" when there are none. Everything they wrote is escaped."""
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    if not blocks:
        return Markup('<p class="govuk-body">Not given</p>')
    return Markup("").join(
        Markup('<p class="govuk-body">{}</p>').format(
            Markup("<br>").join(escape(line) for line in block.split("\n"))
        )
        for block in blocks
    )
