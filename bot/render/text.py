"""Answer -> plain terminal text; buttons become numbered choices."""

from bot.engine.types import Answer


def render(answer: Answer, numbered: bool = True) -> str:
    """The answer as a person reads it in a terminal (also the `text` of `ask --json`)."""
    out = [answer.title]
    out += answer.lines
    for fact in answer.facts:
        label = "; ".join(x for x in (fact.population, f"as of {fact.as_of}" if fact.as_of else None) if x)
        out.append(f"  - {fact.text}" + (f" [{label}]" if label else ""))
    out += [f"Note: {note}" for note in answer.notes]
    for i, choice in enumerate(answer.choices, 1):
        out.append(f"  {i}) {choice.label}" if numbered else f"  - {choice.label}")
    if answer.suggestions:
        out.append("You could ask: " + " | ".join(answer.suggestions))
    if answer.sources:
        out.append("Sources: " + ", ".join(answer.sources))
    return "\n".join(out)
