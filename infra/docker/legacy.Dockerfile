# The legacy FastAPI reference service. Debian packages only (no PyPI), same as scripts/legacy.sh.
# Build from the repo root:  docker build -f infra/docker/legacy.Dockerfile -t fig-legacy .
FROM debian:12-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-fastapi python3-uvicorn python3-sqlalchemy python3-multipart python3-pytest python3-httpx \
      curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/legacy
COPY infra/legacy-fastapi/legacy_fastapi ./legacy_fastapi
COPY infra/legacy-fastapi/tests ./tests

ENV LEGACY_HOST=0.0.0.0 \
    LEGACY_PORT=8000 \
    LEGACY_DB_PATH=/data/legacy.sqlite3 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

RUN useradd --system --uid 10001 --home-dir /srv/legacy legacy && mkdir -p /data && chown legacy /data
USER legacy
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${LEGACY_PORT}/health" || exit 1

CMD ["python3", "-m", "legacy_fastapi"]
