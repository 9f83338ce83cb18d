"""One module per Slack surface, each with `register(app)`; listeners ack first, then hand to the engine."""
