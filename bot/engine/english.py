"""English: its common words, so that the typo corrector leaves a real word alone ("principle" is no typo of the
level "principal", "employee" none of "employer").

The list is pyspellchecker's English word frequencies (counts over a large body of English text): a word seen at
least 100 times is a word (about 44,000 of them); rarer ones are too often misspellings. Read from the package's
JSON file with one pattern rather than `json.loads`: a dict of all 160,000 entries would cost 25 MB more memory
for the server's lifetime (freed memory stays with the process), the pattern about 9 MB.
"""

import gzip
import re
import unicodedata
from functools import cache
from importlib.resources import files

COMMON = re.compile(r'"([a-z]+)"\s*:\s*[1-9]\d{2,}')  # a word of letters and a count of 100 or more
EXPECTED = 20_000  # fewer means the file's format changed: fail loudly rather than correct real words


@cache
def words() -> frozenset[str]:
    """The common English words (lower-case letters only); read once, on first use."""
    found = frozenset(COMMON.findall(gzip.decompress(
        (files("spellchecker") / "resources" / "en.json.gz").read_bytes()).decode()))
    if len(found) < EXPECTED:
        raise RuntimeError(f"pyspellchecker's en.json.gz gave {len(found)} common words; expected over {EXPECTED}")
    return found


def other_script(text: str) -> bool:
    """Whether half or more of a text is written in a script English is not (Korean, Japanese, Cyrillic...):
    hirebot reads English, and says so rather than guess from the English role names such a text borrows. A wide
    character (a Korean syllable, a Chinese or Japanese character) counts as three letters: it says about as much."""
    weights = [(3 if unicodedata.east_asian_width(ch) in "WF" else 1, unicodedata.name(ch, "").startswith("LATIN"))
               for ch in text if ch.isalpha()]
    other = sum(w for w, latin in weights if not latin)
    return other * 2 >= sum(w for w, _ in weights) > 0
