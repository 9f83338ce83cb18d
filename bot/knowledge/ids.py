"""The fixed vocabularies of CONTRACT.md: intent and entity ids."""

from typing import Literal

Intent = Literal[
    "choose_role", "compare_roles", "compensation", "time_to_fill", "talent_pool",
    "sourcing_channels", "interview_loop", "credentials", "skills", "day_to_day",
    "career_ladder", "hiring_pitfalls", "define_term", "review_req", "help", "out_of_scope",
]
Role = Literal[
    "ml_engineer", "applied_scientist", "research_engineer", "research_scientist",
    "data_scientist", "ml_product_manager", "software_engineer", "academic_researcher",
]
Level = Literal["intern", "junior", "mid", "senior", "staff", "principal", "distinguished", "manager"]
Tier = Literal["frontier_lab", "top50", "series_c_plus", "series_a_b", "general_tech", "non_tech"]
Region = Literal["us", "europe", "apac"]

INTENTS: tuple[str, ...] = Intent.__args__
ROLES: tuple[str, ...] = Role.__args__
LEVELS: tuple[str, ...] = Level.__args__
TIERS: tuple[str, ...] = Tier.__args__
REGIONS: tuple[str, ...] = Region.__args__

TIER_NAMES: dict[str, str] = {
    "frontier_lab": "frontier AI lab", "top50": "top-50", "series_c_plus": "Series C+",
    "series_a_b": "Series A-B", "general_tech": "general-tech", "non_tech": "non-tech",
}
"""Employer tiers as said in prose ("at a Series A-B employer", "no figure for frontier AI lab MLEs")."""
