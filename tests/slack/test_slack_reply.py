"""Hirebot.reply with many threads at once: what a message leaves behind is written once, and no answer's
conversation state overwrites another's."""

import contextlib
import threading

from served import Served, StandIn, sb

from bot.engine import Engine
from bot.slack.converse import Hirebot
from bot.store import Store


def test_messages_in_one_conversation_at_once_all_count_and_a_retried_event_is_answered_once(tmp_path, kb):
    store = Store(tmp_path / "hirebot.db")
    hb = Hirebot(engine=Engine(kb, store), store=store)
    engine_reply = hb.engine.reply

    def remembering(state: dict, text: str, overheard: bool = False):
        answer, state = engine_reply(state, text, overheard)
        return answer, {**state, "heard": [*state.get("heard", []), text]}

    hb.engine.reply = remembering
    replies: list[dict | None] = []
    sends = [threading.Thread(target=lambda i=i: replies.append(
        hb.reply("C1:1", f"comp for senior AS, ask {i}?", "U1", once=(f"event:{i % 10}",)))) for i in range(20)]
    for t in sends:
        t.start()
    for t in sends:
        t.join()
    assert sum(r is not None for r in replies) == 10  # each event id answered once, the other ten dropped
    assert len(store.load_thread("C1:1")["heard"]) == 10  # no answer's state overwrote another's


def test_a_conversation_changed_by_another_process_meanwhile_is_worked_out_again(tmp_path, kb):
    store, other = Store(tmp_path / "hirebot.db"), Store(tmp_path / "hirebot.db")
    hb = Hirebot(engine=Engine(kb, store), store=store)
    engine_reply, calls = hb.engine.reply, []

    def meanwhile(state: dict, text: str, overheard: bool = False):
        calls.append(dict(state))
        if len(calls) == 1:  # another process answers in this conversation while this one works
            other.save_thread("C1:1", {"heard": ["elsewhere"]})
        answer, state = engine_reply(state, text, overheard)
        return answer, {**state, "heard": [*state.get("heard", []), text]}

    hb.engine.reply = meanwhile
    assert hb.reply("C1:1", "comp for senior AS?", "U1", once=("event:1",)) is not None
    assert calls[1].get("heard") == ["elsewhere"]  # the second try started from what the other process saved
    assert store.load_thread("C1:1")["heard"] == ["elsewhere", "comp for senior AS?"]


class HeldStandIn(StandIn):
    """The Web API stand-in holding every reply (chat.postMessage, a response_url) until `together` of them wait
    at once (10 s at most): Slack across the internet, where a post takes its round trip whatever the CPU does."""

    def __init__(self, together: int):
        self.held = threading.Barrier(together, timeout=10)
        super().__init__()

    def handle(self, request, raw: str) -> None:
        if request.path.endswith("/chat.postMessage") or request.path.startswith("/respond/"):
            with contextlib.suppress(threading.BrokenBarrierError):  # the test then fails on `broken`
                self.held.wait()
        super().handle(request, raw)


def test_replies_wait_for_slack_side_by_side_not_five_at_a_time(tmp_path):
    # Posted on Bolt's 5 listener threads, the 6th reply would wait for one of the first five to hear from Slack.
    standin = HeldStandIn(together=12)
    server = Served(tmp_path / "hirebot.db", standin.url).start()
    try:
        for i in range(8):
            assert server.event(sb.message("ttf MLE?", channel=f"D0HELD{i:02d}", channel_type="im")) == 200
        for i in range(4):
            assert server.post(sb.slash("comp senior AS", standin.response_url(f"held{i}")), form=True)[0] == 200
        standin.wait("chat.postMessage", 8, timeout=30)
        standin.wait("response_url", 4, timeout=30)
        assert not standin.held.broken  # all twelve were waiting for Slack at the same time
    finally:
        server.stop()
        standin.close()
