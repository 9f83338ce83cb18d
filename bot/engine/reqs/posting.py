"""The posting reader: a job posting as a recruiter reads it, shared by every intake path.

HTML (or HTML-escaped HTML, as Greenhouse sends it) becomes plain text with list items on their own lines;
headings split it into sections (about the company or team, the role, responsibilities, minimum and
preferred requirements, benefits, legal boilerplate); each line is split into sentences without breaking
"Ph.D.", "B.S.", "e.g." or "U.S.". Every sentence carries its section and how much it says about the hire's
own work: a company blurb, benefits and EEO text say nothing, and the people the hire works with ("partner
with applied scientists") are masked out of the text that role signals are read from.
"""

import re
from dataclasses import dataclass, field
from html.entities import html5
from html.parser import HTMLParser

BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
                        "article", "header", "footer", "table", "blockquote", "dt", "dd", "hr"})
SKIP_TAGS = frozenset({"script", "style", "head", "title"})
TAG = re.compile(r"</?[a-zA-Z][\w-]*(\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
BULLET = re.compile(r"^\s*(?:[-*•·▪‣◦●○■□➢►✓✔]|\d{1,2}[.)])\s+")

# Sections. The heading's words decide; checked in this order ("about the role" is the role, not the company).
SECTION_WORDS: tuple[tuple[str, re.Pattern], ...] = tuple((name, re.compile(words, re.I)) for name, words in (
    ("legal", r"equal (employment )?opportunit|\beeo\b|accommodation|e-verify|privacy|disclaimer|legal notice|"
              r"affirmative action|pay transparency|diversity"),
    ("benefits", r"benefit|perks|what we offer|we offer|total rewards|compensation|salary|pay range|base pay|"
                 r"why (join|work)|life at|what's in it|location"),
    ("preferred", r"prefer|nice[- ]to[- ]have|bonus|\bpluses\b|\ba plus\b|ideal(ly)?\b|stand out|extra credit|"
                  r"desired|good to have"),
    ("required", r"requirement|qualification|what you('ll| will)? (need|bring)|who you are|you (have|bring)\b|"
                 r"must[- ]haves?|what we're looking for|what we are looking for|about you|"
                 r"^(required |relevant |key |technical )?(skills|experience)( (and|&) \w+)?:?$|"
                 r"you might thrive|you may be a good fit|you'?ll thrive|we'?d love to hear"),
    ("duties", r"responsibilit|what you('ll| will)? do|in this role|duties|day[- ]to[- ]day|your (impact|work|"
               r"mission)|what you'?ll be doing|key areas|the work|you will\b|you'll\b|projects"),
    ("role", r"about the (role|position|job|opportunity)|the (role|position|opportunity)|(role|job|position) "
             r"(overview|summary|description)|overview|summary|job description"),
    ("about", r"about\b|who we are|our (mission|story|team|company|values)|the team|company|mission|team"),
))
# How much a sentence of each section says about the hire's own work.
SECTION_WEIGHT = {"duties": 1.0, "role": 1.0, "body": 1.0, "required": 0.5, "preferred": 0.25, "about": 0.0,
                  "benefits": 0.0, "legal": 0.0}
REQUIREMENT_SECTIONS = ("required", "preferred")

# Sentences that are boilerplate wherever they stand.
BOILERPLATE = re.compile(
    r"equal (employment )?opportunity|without regard to|regardless of (race|gender|age)|reasonable accommodation|"
    r"protected (veteran|characteristic|class)|sexual orientation|gender identity|national origin|e-verify|"
    r"background check|visa sponsorship|privacy (policy|notice)|applicants? (with|who)|we (offer|provide) "
    r"(competitive|comprehensive|generous)|401\(?k|health(care)?,? dental|paid time off|parental leave|"
    r"salary range|pay range|base (salary|pay) (range|for)|compensation (range|package)|this range|"
    r"hybrid (work|schedule|deployment)|relocation|in[- ]office|work from home|remote[- ](first|friendly)|"
    r"offices? in\b|based in (our|the)\b|telecommut", re.I)
# A sentence that speaks of the hire (or is an instruction to them) rather than of the company.
ABOUT_HIRE = re.compile(r"\b(you|your|you'll|you're|the candidate|candidates?|this role|the role|this position|"
                        r"the position|the hire|successful candidate|we('re| are) (seeking|looking|hiring)|"
                        r"seek(s|ing)?|hiring|looking for)\b|"
                        r"\bas an? ([\w-]+ ){0,4}(engineer|scientist|researcher|lead|member|manager|analyst|intern|"
                        r"developer|specialist)", re.I)
COMPANY_OPENER = re.compile(r"^(?i:we|we're|our|at|founded|backed|headquartered|since|with)\b|"
                            r"^[A-Z][\w&.'-]*(\s[A-Z][\w&.'-]*){0,3} (is|are|was|has|helps|builds|powers|makes)\b")
# The people the hire works with: "partner with applied scientists", "alongside researchers". Masked from
# the clause's start word to the end of the mention (before "to <verb>", a dash, a semicolon or the end).
PEOPLE = r"(researchers?|scientists?|engineers?|economists?|analysts?|statisticians?|teams?|partners?|" \
         r"leaders?|stakeholders?|colleagues|peers|experts?|specialists?|product managers?|designers?|pms?)"
WITH_PEOPLE = re.compile(
    r"\b(partner(s|ing)?( closely)? with|collaborat\w*( closely)? with|work(s|ing)?( closely| directly| "
    r"side[- ]by[- ]side| hand[- ]in[- ]hand| shoulder[- ]to[- ]shoulder)? (with|alongside)|alongside|"
    r"together with|translat\w* between|bridg\w* between|hand(s|ing)? off to|embedded with|"
    r"communicat\w*|mentor\w*|learn from|backed by)\b"
    r"[^;:.—–(]*?(?=\s+to\s+\w|\s+in order to\b|\s+—|\s+–|[;:.(]|$)", re.I)

# Sentence splitting that keeps abbreviations whole: "Ph.D.", "B.S.", "M.Sc.", "e.g.", "U.S.", "Sr.".
DOTTED = re.compile(r"\b(?:[A-Za-z]{1,2}\.){2,}|\b(?:Ph|M|B)\.\s?(?:Sc|Eng|Ed|D|S|A)\.|"
                    r"\b(?:Sr|Jr|Dr|Mr|Mrs|Ms|St|Inc|Ltd|Co|Corp|vs|etc|approx|incl|No|Dept|Univ|esp|Fig)\.",
                    re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')\]]?\s+(?=[\"“'(\[]?[A-Z0-9•])")
HOLD = "\u2024"  # ONE DOT LEADER: stands in for an abbreviation's period while splitting


@dataclass(frozen=True)
class Sentence:
    """One sentence (or list item) of a posting."""

    text: str  # as written, clean of HTML
    section: str  # about | role | duties | required | preferred | benefits | legal | body
    weight: float  # how much it says about the hire's own work and needs (0: nothing)
    work_text: str  # lowercased, with the people the hire works with masked out
    heading: str = ""  # the heading it stands under, as written

    @property
    def requirement(self) -> bool:
        """Whether it states a requirement (minimum or preferred)."""
        return self.section in REQUIREMENT_SECTIONS


@dataclass
class Posting:
    """A posting read into sentences, each with its section."""

    sentences: list[Sentence] = field(default_factory=list)

    @property
    def work(self) -> list[Sentence]:
        """The sentences that say something about the hire's work and needs."""
        return [s for s in self.sentences if s.weight > 0]

    def words(self, only_work: bool = False) -> int:
        """How many words the posting (or its work sentences) has."""
        return sum(len(s.text.split()) for s in (self.work if only_work else self.sentences))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in SKIP_TAGS:
            self.skip += 1
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name.startswith("#"):
        try:
            code = int(name[2:], 16) if name[1:2] in "xX" else int(name[1:])
            return chr(code) if 0 < code < 0x110000 else m.group(0)
        except ValueError:
            return m.group(0)
    return html5.get(name + ";", html5.get(name, m.group(0)))


def unescape(text: str) -> str:
    """HTML entities decoded, also the ones written without their semicolon ("&mdash")."""
    return ENTITY.sub(_entity, text) if "&" in text else text


QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def plain_text(raw: str) -> str:
    """A posting as plain text: HTML (even HTML-escaped HTML) to lines, entities decoded, spaces tidied."""
    text = raw
    for _ in range(2):  # Greenhouse sends its HTML escaped once: "&lt;p&gt;"
        if TAG.search(text):
            parser = _Text()
            parser.feed(text)
            parser.close()
            text = "".join(parser.parts)
        elif "&" in text:
            decoded = unescape(text)
            if decoded == text or not TAG.search(decoded):
                text = decoded
                break
            text = decoded
    text = unglue(unescape(text)).translate(QUOTES)
    lines = (re.sub(r"[ \t\u00a0\u200b]+", " ", line).strip() for line in text.replace("\r", "\n").splitlines())
    return "\n".join(line for line in lines if line)


# Text scraped without its line breaks runs words together ("availableArchitect and build", "ranking.Responsib
# ilitiesRelentlessly"): a break goes where a sentence end, a lowercase word or a heading meets a capital.
GLUED = re.compile(r"(?<=[a-z][.!?])(?=[A-Z][a-z])|(?<=\b[a-z]{3})(?=[A-Z][a-z]{2})|\b([a-z]{4,40})(?=[A-Z][a-z]{2})")
JOINED = re.compile(r"[a-z.!?][A-Z][a-z]")  # the cheap test: no lowercase, stop or heading runs into a word
GLUED_HEADING = re.compile(r"\b((?:Key |Minimum |Basic |Preferred )?(?:Responsibilities|Qualifications|Requirements|"
                           r"Benefits|Overview|Summary|Duties))(?=[A-Z][a-z])")


def unglue(text: str) -> str:
    """Line breaks put back where scraped text ran a sentence, a list item or a heading into the next."""
    if not JOINED.search(text):
        return text
    text = GLUED.sub(lambda m: (m.group(1) or "") + "\n", text)
    return GLUED_HEADING.sub(r"\1\n", text)


def split_sentences(line: str) -> list[str]:
    """A line's sentences; abbreviations ("Ph.D.", "B.S.", "e.g.", "U.S.") do not end one."""
    held = DOTTED.sub(lambda m: m.group(0).replace(".", HOLD), line)
    parts = SENTENCE_END.split(held)
    return [p.replace(HOLD, ".").strip() for p in parts if p.strip()]


def heading_section(line: str) -> str | None:
    """The section a heading line opens, or None when the line is not a heading."""
    if BULLET.match(line):
        return None
    text = line.strip(" #*:_=-–—|")
    if not text or len(text) > 80 or len(text.split()) > 12 or re.search(r"[.!?,;]$", line.strip()):
        return None
    if len(text.split()) > 5 and not line.strip().endswith(":"):
        words = text.split()
        if sum(w[:1].isupper() for w in words) < len(words) * 0.6:  # a sentence without its period
            return None
    return next((name for name, words in SECTION_WORDS if words.search(text)), None)


INLINE_HEADING = re.compile(
    r"^((?:minimum|basic|preferred|required|key|desired|additional|job|your|bonus)\s+)?(requirements?|"
    r"qualifications?|responsibilities|duties|nice[- ]to[- ]haves?|must[- ]haves?|skills|experience|benefits|perks|"
    r"location|compensation|salary|pay range|points|ideally,? you (have|bring)|you (have|bring)|you will|"
    r"what you'?ll do|in this role,? you will|about (the|this) (role|team|company))$", re.I)


def inline_heading(line: str) -> tuple[str, str, str] | None:
    """(section, heading, rest) for a line such as "Minimum Requirements: a BS in CS", else None."""
    m = re.match(r"^([^:.!?]{3,40}):\s+(\S.*)$", line)
    if not m or not INLINE_HEADING.match(m.group(1).strip()):
        return None
    section = heading_section(m.group(1) + ":")
    return (section, m.group(1), m.group(2)) if section else None


PEOPLE_CUES = ("with", "alongside", "between", "off to", "communicat", "mentor", "learn from", "backed by")


def _with_people(lowered: str) -> bool:
    """Whether the sentence names people the hire works with (a cheap test first: most sentences do not)."""
    return any(cue in lowered for cue in PEOPLE_CUES) and WITH_PEOPLE.search(lowered) is not None


def _mask_people(lowered: str) -> str:
    if not any(cue in lowered for cue in PEOPLE_CUES):
        return lowered
    return WITH_PEOPLE.sub(lambda m: " " * len(m.group(0)), lowered)


COLLABORATION_WEIGHT = 0.4  # "collaborate with engineers to deploy ...": the hire shares that work with others


def _weight(section: str, sentence: str) -> float:
    weight = SECTION_WEIGHT[section] * (COLLABORATION_WEIGHT if _with_people(sentence.lower()) else 1.0)
    if BOILERPLATE.search(sentence):
        return 0.0
    speaks_of_hire = bool(ABOUT_HIRE.search(sentence))
    if section == "about":
        return 1.0 if re.search(r"\byou('ll| will)\b", sentence, re.I) else 0.0
    if section in ("body", "role") and not speaks_of_hire and COMPANY_OPENER.search(sentence):
        return 0.0  # the company describing itself ("We are a research lab for search")
    return weight


def read_posting(description: str, requirements: list[str] = ()) -> Posting:
    """Read a posting's description (plain text or HTML) and its separately given requirement lines."""
    posting = Posting()
    _read_lines(posting, plain_text(description).splitlines(), "body")
    _read_lines(posting, [line for r in requirements for line in plain_text(r).splitlines()], "required")
    return posting


def _read_lines(posting: Posting, lines: list[str], section: str) -> None:
    """Append the lines' sentences; a heading line opens a section, an inline heading ("Nice to have: ...")
    holds for its own line."""
    heading = ""
    for raw in lines:
        opened = heading_section(raw.strip())
        if opened:
            section, heading = opened, raw.strip(" #*:")
            continue
        line = BULLET.sub("", raw).strip()
        here, head = section, heading
        inline = inline_heading(line)
        if inline:
            here, head, line = inline
        for text in split_sentences(line):
            if len(text) < 2:
                continue
            posting.sentences.append(Sentence(text=text, section=here, weight=_weight(here, text),
                                              work_text=_mask_people(text.lower()), heading=head))


ENGLISH = frozenset({
    "the", "and", "of", "to", "a", "in", "for", "with", "you", "we", "our", "will", "is", "are", "on", "as", "be",
    "your", "this", "that", "or", "an", "at", "by", "from", "have", "has", "who", "what", "work", "team", "can", "it",
    "us",
})
MIN_WORK_WORDS = 8  # fewer words of work than this and there is nothing to read a role from


def why_unreadable(posting: Posting) -> str | None:
    """Why the posting cannot be assessed (not English, too short, nothing but boilerplate), or None."""
    text = " ".join(s.text for s in posting.sentences)
    words = re.findall(r"[^\W\d_]+", text.lower())
    letters = sum(len(w) for w in words)
    foreign = sum(len(w) for w in words if not w.isascii())
    if (len(words) >= 12 and sum(w in ENGLISH for w in words) < 0.06 * len(words)) or foreign > 0.3 * letters > 0:
        return "the text does not read as English; the checks read English postings only"
    if not words or len(words) < MIN_WORK_WORDS:
        return f"the text is too short to read ({len(words)} words): paste the whole posting"
    if posting.words(only_work=True) < MIN_WORK_WORDS:
        return ("the text is all company description, benefits or legal boilerplate: it says nothing about the "
                "work or the requirements")
    return None
