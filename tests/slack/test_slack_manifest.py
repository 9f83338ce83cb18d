"""app.yaml (Socket Mode) and app-http.yaml (HTTP mode): valid against Slack's manifest schema, in step with the
listeners both ways, and different only where the two modes differ."""

import ast
import importlib
import json
from pathlib import Path

import jsonschema
import pytest
import slackbodies as sb
import yaml
from shared_dir import shared_path

from bot.slack.listeners import assistant

ROOT = Path(__file__).resolve().parents[2]
LISTENERS = ROOT / "bot" / "slack" / "listeners"
MESSAGE_EVENTS = {"message.im", "message.channels", "message.groups", "message.mpim"}


HTTP_URL = "https://hirebot.example.com/slack/events"
# The shared schema predates Slack's assistant pane and forbids features.assistant_view; this is the block as
# Slack's app manifest reference documents it (docs.slack.dev/reference/app-manifest), added and nothing else.
ASSISTANT_VIEW = {
    "type": "object",
    "properties": {
        "assistant_description": {"type": "string", "maxLength": 1000},
        "suggested_prompts": {"type": "array", "maxItems": 4, "items": {
            "type": "object", "properties": {"title": {"type": "string"}, "message": {"type": "string"}},
            "required": ["title", "message"], "additionalProperties": False}},
    },
    "additionalProperties": False,
}


def manifest(name: str = "app.yaml") -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def schema() -> dict:
    loaded = json.loads(shared_path("slack", "slack-app-manifest.schema.json").read_text())
    loaded["properties"]["features"]["properties"]["assistant_view"] = ASSISTANT_VIEW
    return loaded


def registered() -> set[tuple[str, str]]:
    """(kind, name) of every `app.event/command/shortcut(X)` in the listener modules, X resolved."""
    found = set()
    for path in sorted(LISTENERS.glob("*.py")):
        module = importlib.import_module(f"bot.slack.listeners.{path.stem}")
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "app"
                    and node.func.attr in {"event", "command", "shortcut"} and node.args):
                continue
            found.add((node.func.attr, eval(compile(ast.Expression(node.args[0]), str(path), "eval"),
                                            vars(module))))
    return found | {("event", name) for name in assistant.EVENTS}  # Bolt's Assistant listens for these


@pytest.mark.parametrize("name", ["app.yaml", "app-http.yaml"])
def test_manifest_is_valid_against_slacks_schema(name):
    jsonschema.validate(manifest(name), schema())


def test_the_assistant_view_is_the_only_addition_the_shared_schema_lacks():
    bare, app = schema(), manifest()
    del bare["properties"]["features"]["properties"]["assistant_view"]
    del app["features"]["assistant_view"]
    jsonschema.validate(app, bare)


def test_the_http_manifest_differs_only_in_its_request_urls_and_socket_mode():
    socket, http = manifest("app.yaml"), manifest("app-http.yaml")
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["event_subscriptions"].pop("request_url") == HTTP_URL
    assert http["settings"]["interactivity"].pop("request_url") == HTTP_URL
    assert all(c.pop("url") == HTTP_URL for c in http["features"]["slash_commands"])
    http["settings"]["socket_mode_enabled"] = True
    assert http == socket


def test_manifest_is_minimal_and_socket_mode_ready():
    app = manifest()
    assert app["settings"]["socket_mode_enabled"] is True
    assert app["settings"]["interactivity"]["is_enabled"] is True
    assert app["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(app["oauth_config"]["scopes"]["bot"])
    assert scopes == {"app_mentions:read", "assistant:write", "channels:history", "groups:history", "im:history",
                      "mpim:history", "chat:write", "commands"}
    assert app["features"]["assistant_view"]["assistant_description"]
    assert "usage_hint" in app["features"]["slash_commands"][0]


def test_every_manifest_surface_has_a_listener_and_every_listener_is_in_the_manifest():
    app = manifest()
    events = set(app["settings"]["event_subscriptions"]["bot_events"])
    in_manifest = {("event", "message" if e in MESSAGE_EVENTS else e) for e in events}
    in_manifest |= {("command", c["command"]) for c in app["features"]["slash_commands"]}
    in_manifest |= {("shortcut", s["callback_id"]) for s in app["features"]["shortcuts"]}
    assert registered() == in_manifest


def test_the_running_app_handles_every_manifest_surface(slack_app, standin):
    """Bolt answers 404 to what no listener handles: every event, command and shortcut gets a 200."""
    events = {
        "app_mention": sb.mention("help"),
        "app_home_opened": {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home",
                            "event_ts": sb.new_ts()},
        "message.im": sb.message("help", channel="D0ALICE", channel_type="im"),
        "message.channels": sb.message("chatter", channel="C0CHAN"),
        "message.groups": sb.message("chatter", channel="G0PRIVATE", channel_type="group"),
        "message.mpim": sb.message("help", channel="G0GROUPDM", channel_type="mpim"),
        "assistant_thread_started": sb.assistant_thread("assistant_thread_started"),
        "assistant_thread_context_changed": sb.assistant_thread("assistant_thread_context_changed"),
    }
    app = manifest()
    for name in app["settings"]["event_subscriptions"]["bot_events"]:
        assert slack_app.event(events[name]) == 200, name
    for command in app["features"]["slash_commands"]:
        status, _ = slack_app.post(sb.slash("help", standin.response_url("m"), command=command["command"]), form=True)
        assert status == 200, command
    for shortcut in app["features"]["shortcuts"]:
        body = sb.message_shortcut(shortcut["callback_id"], "Senior applied scientist req text here, please",
                                   standin.response_url("s"))
        status, _ = slack_app.post(body, form=True)
        assert status == 200, shortcut
    status, _ = slack_app.post(sb.message_shortcut("no_such_shortcut", "x", standin.response_url("s")), form=True)
    assert status == 404
    standin.wait("chat.postMessage", 4)  # the mention, the DM, the group DM, the pane's greeting (not the chatter)
    standin.wait("views.publish")
    standin.wait("response_url", 2)  # the command and the shortcut
