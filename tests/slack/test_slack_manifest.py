"""app.yaml: valid against Slack's manifest schema, and in step with the listeners both ways."""

import ast
import importlib
import json
from pathlib import Path

import jsonschema
import slackbodies as sb
import yaml
from shared_dir import shared_path

ROOT = Path(__file__).resolve().parents[2]
LISTENERS = ROOT / "bot" / "slack" / "listeners"
MESSAGE_EVENTS = {"message.im", "message.channels", "message.groups", "message.mpim"}


def manifest() -> dict:
    return yaml.safe_load((ROOT / "app.yaml").read_text())


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
    return found


def test_manifest_is_valid_against_slacks_schema():
    schema = shared_path("slack", "slack-app-manifest.schema.json")
    jsonschema.validate(manifest(), json.loads(schema.read_text()))


def test_manifest_is_minimal_and_socket_mode_ready():
    app = manifest()
    assert app["settings"]["socket_mode_enabled"] is True
    assert app["settings"]["interactivity"]["is_enabled"] is True
    assert app["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(app["oauth_config"]["scopes"]["bot"])
    assert scopes == {"app_mentions:read", "channels:history", "groups:history", "im:history", "chat:write",
                      "commands"}
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
    standin.wait("chat.postMessage", 2)  # the mention and the DM (the channel chatter is not answered)
    standin.wait("views.publish")
    standin.wait("response_url", 2)  # the command and the shortcut
