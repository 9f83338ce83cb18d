"""Every environment variable of CONTRACT.md, read and validated once."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """hirebot's configuration. Secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    db: Path = Field(default=Path("hirebot.db"), alias="HIREBOT_DB")
    kb: Path | None = Field(default=None, alias="HIREBOT_KB")
    webhook_secret: SecretStr | None = Field(default=None, alias="HIREBOT_WEBHOOK_SECRET")
    greenhouse_webhook_secret: SecretStr | None = Field(default=None, alias="GREENHOUSE_WEBHOOK_SECRET")
    alert_channel: str | None = Field(default=None, alias="HIREBOT_ALERT_CHANNEL")
    recruiters_list: str = Field(default="", alias="HIREBOT_RECRUITERS")  # comma-separated Slack user ids

    @property
    def recruiters(self) -> frozenset[str]:
        """HIREBOT_RECRUITERS: the Slack users who see every req that is not confidential."""
        return frozenset(u.strip() for u in self.recruiters_list.split(",") if u.strip())

    def require(self, *names: str) -> None:
        """Raise MissingSetting naming the first unset variable among `names` (env var names)."""
        for name in names:
            field = next(k for k, f in type(self).model_fields.items() if f.alias == name)
            if getattr(self, field) is None:
                raise MissingSetting(name)


class MissingSetting(Exception):
    """A required environment variable is not set."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"{name} is not set: export {name}=... and try again")
