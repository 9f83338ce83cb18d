"""Req alert messages (Block Kit): one req's check with its findings, quotes and cited facts, and the digest
that stands for several; the buttons' action ids, which the req listeners answer."""

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.render.blocks import clip, escape, escape_mrkdwn, mention

SEVERITY = {"high": ":red_circle: high", "medium": ":large_orange_circle: medium", "low": ":white_circle: low"}
ACTION_DIAGNOSTIC, ACTION_ACK, ACTION_INTENDED, ACTION_TRACKER, ACTION_DETAILS = (
    "req_start_diagnostic", "req_acknowledge", "req_intended", "req_open_tracker", "req_details",
)
MAX_TEXT = 2900  # Slack: 3,000 characters per section text
RANK = {"high": 0, "medium": 1, "low": 2}
DIGEST_MAX = 45  # reqs in one digest message: one block each, within Slack's 50 blocks


def _name(role: str | None) -> str:
    return role.replace("_", " ") if role else "unclear"


def alert_message(item: dict, buttons: bool = True, status: str | None = None) -> tuple[str, list[dict]]:
    """The alert for one stored req (`ReqStore.get`): fallback text and Block Kit blocks.

    Each finding: severity and kind, the message (KB figure and source), the evidence quoted from the
    req, and the knowledge-base facts behind it. Buttons: Start diagnostic, Acknowledge, Intended as is,
    and Open in tracker when the req came from one; a resolved alert shows `status` instead of buttons.
    """
    req, report = item["req"], item["report"]
    who = f" · submitted by {mention(item['submitter'])}" if item.get("submitter") else ""
    title = escape_mrkdwn(req.title)
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"Req check: {req.title}", 150)),
        SectionBlock(text=MarkdownTextObject(text=clip(
            f"*{title}*{f' ({escape(req.id)})' if req.id else ''}{who}\n"
            f"The title reads as *{_name(report.title_role)}*; the work reads as *{_name(report.work_role)}*. "
            f"{len(report.findings)} finding(s):", MAX_TEXT))),
    ]
    for finding in report.findings[:8]:
        blocks.append(DividerBlock())
        text = f"*{SEVERITY.get(finding.severity, finding.severity)} · {finding.kind.replace('_', ' ')}*\n" \
               f"{escape(finding.message)}"
        if finding.suggested_role:
            text += f"\nSuggested role: *{_name(finding.suggested_role)}*"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(text, MAX_TEXT))))
        if finding.evidence:
            quotes = "\n".join(f"> “{escape(q)}”" for q in finding.evidence)
            blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(f"*From the req:*\n{quotes}", MAX_TEXT))))
        facts = [
            clip(f"KB: “{escape(c.text)}” ({', '.join(x for x in (c.population, c.as_of and f'as of {c.as_of}') if x)}"
                 f"{'; ' if c.population or c.as_of else ''}source {c.source})", 1900)
            for c in finding.cited[:3]
        ]
        if facts:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f) for f in facts]))
    if status:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(status, 1900))]))
    if buttons and not status:
        elements = [
            ButtonElement(text="Start diagnostic", action_id=ACTION_DIAGNOSTIC, value=item["key"], style="primary"),
            ButtonElement(text="Acknowledge", action_id=ACTION_ACK, value=item["key"]),
            ButtonElement(text="Intended as is", action_id=ACTION_INTENDED, value=item["key"]),
        ]
        if req.url:
            elements.append(ButtonElement(text="Open in tracker", action_id=ACTION_TRACKER, url=req.url,
                                          value=item["key"]))
        blocks.append(ActionsBlock(block_id=f"req_alert:{item['key']}"[:255], elements=elements))
    kinds = ", ".join(f.kind for f in report.findings) or "no findings"
    text = clip(f"Req check: {title} — {kinds}", 3000)  # escaped too: a title saying <!channel> must not ping
    return text, [b.to_dict() for b in blocks]


def top_finding(report) -> str:
    """The most severe finding in one line: severity, kind and message (escaped)."""
    if not report.findings:
        return "no findings"
    top = min(report.findings, key=lambda f: RANK.get(f.severity, 3))
    more = f" (+{len(report.findings) - 1} more)" if len(report.findings) > 1 else ""
    return f"{SEVERITY.get(top.severity, top.severity)} · {top.kind.replace('_', ' ')}{more}: {escape(top.message)}"


def digest_message(items: list[dict]) -> tuple[str, list[dict]]:
    """One message for several alerts to one recipient: how many, then each req with its top finding and a
    Details button that shows its whole alert (with Acknowledge, Intended as is, Start diagnostic)."""
    count = len(items)
    blocks: list[Block] = [
        HeaderBlock(text=f"Req checks: {count} reqs need a look"),
        ContextBlock(elements=[MarkdownTextObject(text="Each with its top finding. Details shows the whole check "
                                                       "and its buttons in this message's thread.")]),
    ]
    for item in items[:DIGEST_MAX]:
        req = item["req"]
        line = f"*{escape_mrkdwn(req.title)}*{f' ({escape(req.id)})' if req.id else ''}\n{top_finding(item['report'])}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line, 600)), accessory=ButtonElement(
            text="Details", action_id=ACTION_DETAILS, value=item["key"])))
    titles = ", ".join(escape(i["req"].title) for i in items[:10]) + (f" and {count - 10} more" if count > 10 else "")
    return clip(f"Req checks: {count} reqs need a look: {titles}", 3000), [b.to_dict() for b in blocks]
