"""hirebot: scope and hire ML roles, from Slack or the terminal."""
