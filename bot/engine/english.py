"""Common English words, so that the typo corrector leaves a real word alone ("principle" is no typo of the
level "principal", "employee" none of "employer").

The list is pyspellchecker's English word frequencies (counts over a large body of English text): a word seen at
least 100 times is a word (about 44,000 of them); rarer ones are too often misspellings. Read from the package's
JSON file with one pattern rather than `json.loads`: a dict of all 160,000 entries would cost 25 MB more memory
for the server's lifetime (freed memory stays with the process), the pattern about 9 MB.
"""

import gzip
import re
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
