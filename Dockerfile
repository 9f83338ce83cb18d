# hirebot in a container. Default: Socket Mode (`hirebot run`, no public URL), with GET /healthz and the req
# webhooks on port 3000 for the health check and Greenhouse. HTTP mode: run `hirebot serve --port 3000` instead,
# behind a TLS reverse proxy (docs/deploy.md). The SQLite file lives in /data: mount a volume there.
# Build and run: docker compose up -d (compose.yaml), or docker build -t hirebot . && docker run --env-file
# hirebot.env -v hirebot-data:/data hirebot
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data hirebot \
    && mkdir -p /data && chown hirebot /data

WORKDIR /data
USER hirebot
ENV HIREBOT_DB=/data/hirebot.db
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=3)"]

CMD ["hirebot", "run", "--port", "3000"]
