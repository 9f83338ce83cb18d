"""Say first what a question asks that the sources do not cover: a title they do not describe ("AI engineer is
not in my sources; the nearest is ML engineer: ..."), or a candidate's own career decision (hirebot helps
companies hire; it answers what the sources support and says the rest is not covered)."""

from bot.engine.answer import choice_value
from bot.engine.types import Answer, Choice
from bot.engine.understand import Understanding, work_kinds
from bot.knowledge import KnowledgeBase

ACRONYMS = {"ai": "AI", "ml": "ML", "llm": "LLM", "mlops": "MLOps", "genai": "GenAI", "ops": "Ops", "nlp": "NLP",
            "cv": "CV"}
ANSWERED = {"credentials", "day_to_day", "compare_roles", "compensation", "skills", "interview_loop",
            "career_ladder", "define_term"}  # what a candidate's question can get from the sources
NO_ROLE_ANSWER = {"out_of_scope", "help", "review_req", "define_term"}


def title_name(title: str) -> str:
    """ "ai engineer" -> "AI engineer"."""
    words = [ACRONYMS.get(w, w) for w in title.split()]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]]) if words else title


def stand_in(kb: KnowledgeBase, heard: Understanding) -> Understanding:
    """The question asked about the nearest roles the sources describe, when it names only titles they do not
    ("AI engineer pay" is answered with ML engineer pay, said to be so by `frame`), or only kinds of work they
    split roles by ("research vs production" compares the roles that do each); a move between two roles is
    answered for the role it goes to ("skills to go from SWE to MLE" are the MLE's); a role compared with a title
    they do not describe is compared with that title's nearest ("AS vs ML scientist": AS and research scientist)."""
    if heard.destination:
        return heard.model_copy(update={"entities": heard.entities.model_copy(update={"roles": [heard.destination]})})
    if heard.intent == "compare_roles" and heard.entities.roles and kb.vocabulary:  # "AS vs ML scientist": the
        beside = [r for t in heard.outside if (r := kb.vocabulary.nearest_role(t)) and r not in heard.entities.roles]
        if beside:  # named role against the title's nearest
            roles = list(dict.fromkeys([*heard.entities.roles, *beside]))
            return heard.model_copy(update={"entities": heard.entities.model_copy(update={"roles": roles})})
    if heard.entities.roles or heard.intent in NO_ROLE_ANSWER or heard.intent == "choose_role" or not kb.vocabulary:
        return heard
    nearest = [r for t in heard.outside if (r := kb.vocabulary.nearest_role(t))]
    if not nearest:
        kinds = kb.vocabulary.work_kinds
        nearest = [kinds[k] for k in work_kinds(heard.text.split(), kinds)]
        if len(set(nearest)) < 2:
            return heard
    roles = list(dict.fromkeys(nearest))
    return heard.model_copy(update={"entities": heard.entities.model_copy(update={"roles": roles})})


def frame(kb: KnowledgeBase, heard: Understanding, reply: Answer) -> None:
    """Put what the sources do not cover in front of the reply's headline (and a button to ask about the
    nearest role they do describe)."""
    said: list[str] = []
    nearest_roles: list[str] = []
    for title in heard.outside:
        nearest = kb.vocabulary.nearest_role(title) if kb.vocabulary else None
        name = title_name(title)
        if nearest:
            said.append(f"{name} is not in my sources; the nearest is {kb.role_name(nearest)}:")
            nearest_roles.append(nearest)
        else:
            said.append(f"{name} is not in my sources, and no role they describe is close enough to stand in.")
    if heard.asker == "candidate":
        said.append("I help companies hire for ML roles; your own career decision is not something my sources "
                    + ("cover, but here is what they say." if reply.intent in ANSWERED and reply.kind == "answer"
                       else "cover."))
    if not said:
        return
    reply.headline = " ".join([*said, reply.headline or ""]).strip()
    missing = [r for r in dict.fromkeys(nearest_roles) if r not in reply.entities.roles]
    intent = reply.intent if reply.intent not in NO_ROLE_ANSWER and reply.intent != "choose_role" else "day_to_day"
    if missing:
        reply.choices = [*reply.choices, *(Choice(label=f"Ask about {kb.role_name(r)}s instead",
                                                  value=choice_value(intent, [r])) for r in missing)]
