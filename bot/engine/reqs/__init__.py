"""Reqs: job requisitions checked for mis-scoping, Slack-free.

- model.py: the req (CONTRACT.md's JSON shape), its validation, the report and its findings
- posting.py: the posting reader every intake path shares (HTML, sections, sentences, boilerplate)
- reading.py: title roles and the role the work points to, with a confidence or an abstention
- checks.py: `analyse(kb, req)`, the five finding kinds, each citing a knowledge-base fact
- pasted.py: a pasted job posting read into a req
- report.py: the wording shared by findings, and the report as an engine Answer
"""

from bot.engine.reqs.checks import analyse, check_case
from bot.engine.reqs.model import FINDING_KINDS, MAX_DESCRIPTION, Finding, Req, ReqError, ReqReport, parse_req
from bot.engine.reqs.pasted import LEAD_IN, analyse_text, read_pasted, req_from_text
from bot.engine.reqs.posting import plain_text, read_posting
from bot.engine.reqs.reading import title_level, title_role
from bot.engine.reqs.report import report_answer

__all__ = ["FINDING_KINDS", "LEAD_IN", "MAX_DESCRIPTION", "Finding", "Req", "ReqError", "ReqReport", "analyse",
           "analyse_text", "check_case", "parse_req", "plain_text", "read_pasted", "read_posting", "report_answer",
           "req_from_text",
           "title_level", "title_role"]
